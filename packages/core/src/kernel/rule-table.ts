/**
 * Policy-routing rules as a {@link RouteTable} (`ip rule`; rtnetlink(7) `RTM_NEWRULE`/`RTM_DELRULE`/
 * `RTM_GETRULE`; include/uapi/linux/fib_rules.h), owned by protocol number through `FRA_PROTOCOL`
 * (kernel ≥ 4.17).
 * @module
 */
import { Cidr } from '../net/cidr.js';
import type { RouteTable } from '../routes/route-table.js';
import { Errno, KernelErrorCode, KernelRuleError, NetlinkError } from './kernel-errors.js';
import { addressFamily, EDGEWAY_ROUTE_PROTOCOL, ipFromBytes, ipToBytes, tableName } from './kernel-route.js';
import { RtnetlinkSocket, type RtnetlinkSocketOptions } from './netlink-socket.js';
import type { NetnsTarget } from './netns.js';
import { AddressFamily, RtmType, RuleAction } from './rtnetlink-constants.js';
import {
  decodeRuleMessage,
  encodeRuleDump,
  encodeRuleRequest,
  type RuleMessage,
  type RuleOperation,
} from './rule-codec.js';

/**
 * A policy rule `[from FROM] [to TO] lookup TABLE priority PRIORITY` (`ip rule`). Rules select a routing
 * table for packets matching the selector; lower priorities are consulted first.
 */
export interface PolicyRule {
  /** Source prefix (`from`); absent = all. */
  from?: Cidr;
  /** Destination prefix (`to`); absent = all. */
  to?: Cidr;
  /** Table to look up (`lookup`). */
  table: number;
  /** Preference (`priority`/`pref`), 0..2^32-1. */
  priority: number;
  /** Family when neither `from` nor `to` is given (default 4). */
  family?: 4 | 6;
}

/** The family of a rule: that of its prefixes, else `family`, else 4. */
export function ruleFamily(rule: PolicyRule): 4 | 6 {
  return rule.from?.family ?? rule.to?.family ?? rule.family ?? 4;
}

/** The identity of a rule: family, priority and selector (`from`, `to`). */
export function policyRuleKey(rule: PolicyRule): string {
  return `${ruleFamily(rule)}|${rule.priority}|${selector(rule.from)}|${selector(rule.to)}`;
}

/** A prefix selector as `ip rule` prints it: `all` for none or a /0. */
function selector(c: Cidr | undefined): string {
  return c === undefined || c.prefixLength === 0 ? 'all' : c.toString();
}

/** `ip rule` syntax: `PRIORITY: from FROM [to TO] lookup TABLE`. */
export function formatPolicyRule(rule: PolicyRule, protocol?: number): string {
  const parts = [`${rule.priority}:`, 'from', selector(rule.from)];
  if (selector(rule.to) !== 'all') parts.push('to', selector(rule.to));
  parts.push('lookup', tableName(rule.table));
  if (protocol !== undefined) parts.push('proto', String(protocol));
  if (selector(rule.from) === 'all' && selector(rule.to) === 'all') parts.push(`(IPv${ruleFamily(rule)})`);
  return parts.join(' ');
}

/** The rtnetlink message of a rule owned by `protocol`. */
export function ruleToMessage(rule: PolicyRule, protocol: number): RuleMessage {
  const msg: RuleMessage = {
    family: addressFamily(ruleFamily(rule)),
    dstLength: rule.to?.prefixLength ?? 0,
    srcLength: rule.from?.prefixLength ?? 0,
    tos: 0,
    table: rule.table,
    action: RuleAction.TO_TBL,
    flags: 0,
    priority: rule.priority,
    protocol,
  };
  if (rule.from && rule.from.prefixLength > 0) msg.source = ipToBytes(rule.from.network);
  if (rule.to && rule.to.prefixLength > 0) msg.destination = ipToBytes(rule.to.network);
  return msg;
}

/** The rule of a decoded message, or undefined if it is not a plain `lookup` rule edgeway can represent. */
export function ruleFromMessage(msg: RuleMessage): PolicyRule | undefined {
  const family = msg.family === AddressFamily.INET ? 4 : msg.family === AddressFamily.INET6 ? 6 : undefined;
  if (family === undefined || msg.action !== RuleAction.TO_TBL || msg.priority === undefined)
    return undefined;
  const rule: PolicyRule = { table: msg.table, priority: msg.priority, family };
  if (msg.srcLength > 0 && msg.source) rule.from = Cidr.of(ipFromBytes(msg.source), msg.srcLength);
  if (msg.dstLength > 0 && msg.destination) rule.to = Cidr.of(ipFromBytes(msg.destination), msg.dstLength);
  return rule;
}

/** Options of {@link RuleTable.open}. */
export interface RuleTableOptions {
  /** Namespace (default: the current one). */
  netns?: NetnsTarget;
  /** Owner's protocol (`FRA_PROTOCOL`); default {@link EDGEWAY_ROUTE_PROTOCOL}. */
  protocol?: number;
  /** Families `list()` scans (default both). */
  family?: 4 | 6 | 'both';
  /** Name for logs (default `rules:<netns>`). */
  name?: string;
  /** Share a socket (not closed by {@link RuleTable.close}). */
  socket?: RtnetlinkSocket;
  socketOptions?: Omit<RtnetlinkSocketOptions, 'netns'>;
}

/**
 * The policy rules of one namespace that carry our protocol. `add` is `RTM_NEWRULE` with `NLM_F_EXCL`,
 * `remove` an `RTM_DELRULE` naming priority, selector, table and protocol (so only our rule matches), and
 * `replace` adds the new rule before deleting the old (rules have no atomic replace).
 */
export class RuleTable implements RouteTable<PolicyRule> {
  readonly name: string;
  readonly protocol: number;
  readonly #families: number[];
  readonly #socket: RtnetlinkSocket;
  readonly #ownsSocket: boolean;

  private constructor(socket: RtnetlinkSocket, ownsSocket: boolean, options: RuleTableOptions) {
    this.#socket = socket;
    this.#ownsSocket = ownsSocket;
    this.protocol = options.protocol ?? EDGEWAY_ROUTE_PROTOCOL;
    const family = options.family ?? 'both';
    this.#families = family === 'both' ? [AddressFamily.INET, AddressFamily.INET6] : [addressFamily(family)];
    this.name = options.name ?? `rules:${socket.netns}`;
  }

  /** Opens the rule table (and a socket in `options.netns` unless one is given). */
  static async open(options: RuleTableOptions = {}): Promise<RuleTable> {
    if (options.socket) return new RuleTable(options.socket, false, options);
    const socket = await RtnetlinkSocket.open({ ...options.socketOptions, netns: options.netns });
    return new RuleTable(socket, true, options);
  }

  key(rule: PolicyRule): string {
    return policyRuleKey(rule);
  }

  equals(installed: PolicyRule, desired: PolicyRule): boolean {
    return installed.table === desired.table;
  }

  format(rule: PolicyRule): string {
    return formatPolicyRule(rule, this.protocol);
  }

  /** Our rules (`FRA_PROTOCOL` = protocol), one `RTM_GETRULE` dump per family. */
  async list(signal?: AbortSignal): Promise<PolicyRule[]> {
    const out: PolicyRule[] = [];
    try {
      for (const family of this.#families) {
        const rules = await this.#socket.dump(encodeRuleDump(family), {
          signal,
          decode: (m) => {
            if (m.type !== RtmType.NEWRULE) return undefined;
            const r = decodeRuleMessage(m);
            return r.protocol === this.protocol ? ruleFromMessage(r) : undefined;
          },
        });
        out.push(...rules);
      }
    } catch (err) {
      throw this.#wrap(err, 'list', undefined);
    }
    return out;
  }

  /** @throws KernelRuleError `ERR_RULE_EXISTS` if an identical rule exists. */
  add(rule: PolicyRule): Promise<void> {
    return this.#send('add', rule);
  }

  /** @throws KernelRuleError `ERR_RULE_NOT_FOUND` if no such rule of ours exists. */
  remove(rule: PolicyRule): Promise<void> {
    return this.#send('delete', rule);
  }

  /** Adds `rule`, then removes `previous` (make before break; both exist for a moment). */
  async replace(rule: PolicyRule, previous: PolicyRule): Promise<void> {
    if (rule.table === previous.table && policyRuleKey(rule) === policyRuleKey(previous)) return;
    await this.#send('add', rule);
    await this.#send('delete', previous);
  }

  /** Closes the socket if the table opened it. */
  close(): void {
    if (this.#ownsSocket) this.#socket.close();
  }

  async #send(op: RuleOperation, rule: PolicyRule): Promise<void> {
    try {
      await this.#socket.request(encodeRuleRequest(op, ruleToMessage(rule, this.protocol)));
    } catch (err) {
      throw this.#wrap(err, op, rule);
    }
  }

  #wrap(err: unknown, op: string, rule: PolicyRule | undefined): Error {
    if (!(err instanceof NetlinkError)) return err as Error;
    const text = rule ? this.format(rule) : undefined;
    let code: KernelErrorCode = err.code;
    let why = err.message;
    if (rule && err.code === KernelErrorCode.Netlink) {
      if (err.errno === Errno.EEXIST) {
        code = KernelErrorCode.RuleExists;
        why = 'an identical rule exists (EEXIST)';
      } else if (err.errno === Errno.ENOENT) {
        code = KernelErrorCode.RuleNotFound;
        why = `no such rule of protocol ${this.protocol} (ENOENT)`;
      }
      if (err.extack) why += ` — kernel: ${err.extack}`;
    }
    const verb = op === 'delete' ? 'remove' : op;
    return new KernelRuleError(
      code,
      `cannot ${rule ? `${verb} rule ${text}` : 'list rules'} in ${this.name}: ${why}`,
      {
        cause: err,
        ...(err.errno === undefined ? {} : { errno: err.errno }),
        isRetryable: err.isRetryable,
        details: { ...(text === undefined ? {} : { rule: text }), operation: verb, table: this.name },
      },
    );
  }
}
