import { type Cidr, IpAddress } from '@edgeway/core';
import type { LargeCommunity } from '../wire/index.js';
import { prependAs } from './as-path.js';
import { parseCommunity, parseLargeCommunity, sameLargeCommunity } from './communities.js';
import { compilePrefixEntry, type PrefixListEntry, type PrefixMatcher } from './prefix-list.js';
import { RibError, RibErrorCode } from './rib-error.js';
import { type Family, familyOf, type PathAttributes } from './types.js';

/** What a rule matches; all given keys must match (all-of), each list matches when any entry does (any-of). */
export interface PolicyMatch {
  /** A prefix list (FRR/Cisco `ge`/`le` semantics, see {@link compilePrefixEntry}). */
  readonly prefixes?: readonly PrefixListEntry[];
  /** Communities as `asn:value` or well-known names; the route must carry at least one (RFC 1997). */
  readonly communities?: readonly string[];
  /** Large communities as `global:local1:local2`; the route must carry at least one (RFC 8092). */
  readonly largeCommunities?: readonly string[];
  readonly family?: Family;
}

/** Attribute changes of an accepting rule; applied as replace, remove, add for communities. */
export interface PolicySet {
  /** LOCAL_PREF (RFC 4271 §5.1.5). */
  readonly localPref?: number;
  /** MULTI_EXIT_DISC (RFC 4271 §5.1.4). */
  readonly med?: number;
  /** `self` (the context's address of the route's family), or an address; an address of the other family is ignored. */
  readonly nextHop?: 'self' | string;
  /** Times to prepend the local AS (RFC 4271 §9.2). */
  readonly asPathPrepend?: number;
  readonly communities?: {
    readonly add?: readonly string[];
    readonly remove?: readonly string[];
    readonly replace?: readonly string[];
  };
  readonly largeCommunities?: { readonly add?: readonly string[]; readonly remove?: readonly string[] };
}

/** One rule: when `match` (absent = everything) matches, `action` decides and `set` applies on accept. */
export interface PolicyRule {
  readonly match?: PolicyMatch;
  readonly action: 'accept' | 'reject';
  readonly set?: PolicySet;
}

/** An import or export policy (RFC 4271 §9.1.1, §9.1.3): the first matching rule decides, else `default`. JSON-friendly. */
export interface Policy {
  readonly rules: readonly PolicyRule[];
  readonly default: 'accept' | 'reject';
}

/** What a policy needs from the session it runs for. */
export interface PolicyContext {
  /** The local AS, for `asPathPrepend`. */
  readonly localAsn: number;
  /** This speaker's addresses on the session, for `nextHop: 'self'`. */
  readonly nextHopSelf?: { readonly ipv4?: string; readonly ipv6?: string; readonly linkLocal?: string };
}

interface CompiledRule {
  readonly index: number;
  readonly accept: boolean;
  readonly family: Family | undefined;
  readonly prefixes: readonly PrefixMatcher[] | undefined;
  readonly communities: ReadonlySet<number> | undefined;
  readonly largeCommunities: readonly LargeCommunity[] | undefined;
  readonly set: CompiledSet | undefined;
}

interface CompiledSet {
  readonly localPref?: number;
  readonly med?: number;
  readonly nextHop?: 'self' | IpAddress;
  readonly asPathPrepend?: number;
  readonly replace?: readonly number[];
  readonly remove?: ReadonlySet<number>;
  readonly add?: readonly number[];
  readonly largeRemove?: readonly LargeCommunity[];
  readonly largeAdd?: readonly LargeCommunity[];
}

function invalid(message: string, input: unknown): RibError {
  return new RibError(RibErrorCode.InvalidPolicy, message, { details: { input } });
}

function u32(v: number | undefined, what: string): number | undefined {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
    throw invalid(`${what} ${v} is not a 32-bit unsigned integer`, v);
  }
  return v;
}

function compileSet(s: PolicySet): CompiledSet {
  const out: { -readonly [K in keyof CompiledSet]: CompiledSet[K] } = {};
  if (s.localPref !== undefined) out.localPref = u32(s.localPref, 'localPref');
  if (s.med !== undefined) out.med = u32(s.med, 'med');
  if (s.asPathPrepend !== undefined) {
    if (!Number.isInteger(s.asPathPrepend) || s.asPathPrepend < 0 || s.asPathPrepend > 64) {
      throw invalid(`asPathPrepend ${s.asPathPrepend} is outside 0..64`, s.asPathPrepend);
    }
    out.asPathPrepend = s.asPathPrepend;
  }
  if (s.nextHop !== undefined) {
    if (s.nextHop === 'self') out.nextHop = 'self';
    else {
      try {
        out.nextHop = IpAddress.parse(s.nextHop);
      } catch (cause) {
        throw new RibError(
          RibErrorCode.InvalidPolicy,
          `nextHop ${JSON.stringify(s.nextHop)} is not an address`,
          {
            details: { input: s.nextHop },
            cause,
          },
        );
      }
    }
  }
  const c = s.communities;
  if (c?.replace !== undefined) out.replace = c.replace.map(parseCommunity);
  if (c?.remove !== undefined) out.remove = new Set(c.remove.map(parseCommunity));
  if (c?.add !== undefined) out.add = c.add.map(parseCommunity);
  if (s.largeCommunities?.remove !== undefined)
    out.largeRemove = s.largeCommunities.remove.map(parseLargeCommunity);
  if (s.largeCommunities?.add !== undefined) out.largeAdd = s.largeCommunities.add.map(parseLargeCommunity);
  return out;
}

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  if (rule.action !== 'accept' && rule.action !== 'reject') {
    throw invalid(`rule ${index}: action must be accept or reject`, rule.action);
  }
  const m = rule.match;
  if (m?.family !== undefined && m.family !== 'ipv4' && m.family !== 'ipv6') {
    throw invalid(`rule ${index}: family must be ipv4 or ipv6`, m.family);
  }
  return {
    index,
    accept: rule.action === 'accept',
    family: m?.family,
    prefixes: m?.prefixes?.map(compilePrefixEntry),
    communities: m?.communities === undefined ? undefined : new Set(m.communities.map(parseCommunity)),
    largeCommunities: m?.largeCommunities?.map(parseLargeCommunity),
    set: rule.set === undefined ? undefined : compileSet(rule.set),
  };
}

function ruleMatches(r: CompiledRule, prefix: Cidr, family: Family, attrs: PathAttributes): boolean {
  if (r.family !== undefined && r.family !== family) return false;
  if (r.prefixes !== undefined && !r.prefixes.some((m) => m.matches(prefix))) return false;
  if (r.communities !== undefined) {
    const want = r.communities;
    if (!attrs.communities.some((c) => want.has(c))) return false;
  }
  if (r.largeCommunities !== undefined) {
    const want = r.largeCommunities;
    if (!attrs.largeCommunities.some((c) => want.some((w) => sameLargeCommunity(c, w)))) return false;
  }
  return true;
}

function applySet(s: CompiledSet, family: Family, attrs: PathAttributes, ctx: PolicyContext): PathAttributes {
  const out: { -readonly [K in keyof PathAttributes]: PathAttributes[K] } = { ...attrs };
  if (s.localPref !== undefined) out.localPref = s.localPref;
  if (s.med !== undefined) out.med = s.med;
  if (s.asPathPrepend !== undefined) out.asPath = prependAs(attrs.asPath, ctx.localAsn, s.asPathPrepend);
  if (s.nextHop === 'self') {
    const self = family === 'ipv4' ? ctx.nextHopSelf?.ipv4 : ctx.nextHopSelf?.ipv6;
    if (self === undefined) {
      throw new RibError(RibErrorCode.NoNextHop, `nextHop self: no local ${family} address on this session`, {
        details: { family },
      });
    }
    out.nextHop = self;
    delete out.linkLocalNextHop;
    if (family === 'ipv6' && ctx.nextHopSelf?.linkLocal !== undefined) {
      out.linkLocalNextHop = ctx.nextHopSelf.linkLocal;
    }
  } else if (s.nextHop !== undefined && (s.nextHop.family === 4) === (family === 'ipv4')) {
    out.nextHop = s.nextHop.toString();
    delete out.linkLocalNextHop;
  }
  if (s.replace !== undefined || s.remove !== undefined || s.add !== undefined) {
    let list = s.replace ?? attrs.communities;
    if (s.remove !== undefined) {
      const rm = s.remove;
      list = list.filter((c) => !rm.has(c));
    }
    if (s.add !== undefined) list = [...list, ...s.add.filter((c) => !list.includes(c))];
    out.communities = list;
  }
  if (s.largeRemove !== undefined || s.largeAdd !== undefined) {
    let list = attrs.largeCommunities;
    const rm = s.largeRemove;
    if (rm !== undefined) list = list.filter((c) => !rm.some((r) => sameLargeCommunity(c, r)));
    if (s.largeAdd !== undefined) {
      list = [...list, ...s.largeAdd.filter((a) => !list.some((c) => sameLargeCommunity(a, c)))];
    }
    out.largeCommunities = list;
  }
  return out;
}

/**
 * A policy checked and parsed once. Attribute changes are memoized per (context object, attributes object,
 * rule, family), so a million prefixes sharing one attributes object still share one result object.
 */
export class CompiledPolicy {
  readonly #rules: readonly CompiledRule[];
  readonly #acceptByDefault: boolean;
  readonly #memo = new WeakMap<PolicyContext, WeakMap<PathAttributes, Map<number, PathAttributes>>>();

  /** @throws RibError `ERR_BGP_POLICY_INVALID` naming the bad entry. */
  constructor(policy: Policy) {
    if (policy.default !== 'accept' && policy.default !== 'reject') {
      throw invalid('policy default must be accept or reject', policy.default);
    }
    this.#rules = policy.rules.map(compileRule);
    this.#acceptByDefault = policy.default === 'accept';
  }

  /**
   * The attributes after policy, or null when rejected. Unchanged attributes are returned as the same object.
   * @throws RibError `ERR_BGP_NO_NEXT_HOP` for `nextHop: 'self'` without an address of the route's family.
   */
  apply(prefix: Cidr, attrs: PathAttributes, ctx: PolicyContext): PathAttributes | null {
    const family = familyOf(prefix);
    for (const r of this.#rules) {
      if (!ruleMatches(r, prefix, family, attrs)) continue;
      if (!r.accept) return null;
      if (r.set === undefined) return attrs;
      let byAttrs = this.#memo.get(ctx);
      if (byAttrs === undefined) {
        byAttrs = new WeakMap();
        this.#memo.set(ctx, byAttrs);
      }
      let byRule = byAttrs.get(attrs);
      if (byRule === undefined) {
        byRule = new Map();
        byAttrs.set(attrs, byRule);
      }
      const slot = r.index * 2 + (family === 'ipv6' ? 1 : 0);
      let result = byRule.get(slot);
      if (result === undefined) {
        result = applySet(r.set, family, attrs, ctx);
        byRule.set(slot, result);
      }
      return result;
    }
    return this.#acceptByDefault ? attrs : null;
  }
}

const compiled = new WeakMap<Policy, CompiledPolicy>();

/** Compiles a policy (cached per policy object). @throws RibError `ERR_BGP_POLICY_INVALID`. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  let c = compiled.get(policy);
  if (c === undefined) {
    c = new CompiledPolicy(policy);
    compiled.set(policy, c);
  }
  return c;
}

/**
 * Runs an import or export policy on one route (RFC 4271 §9.1.1 import, §9.1.3 export): the first rule whose
 * match holds decides; `accept` applies its `set`; no matching rule means `policy.default`. Returns the
 * (possibly new, memoized) attributes, or null when rejected.
 * @throws RibError `ERR_BGP_POLICY_INVALID` for a bad policy, `ERR_BGP_NO_NEXT_HOP` for an unusable next-hop-self.
 */
export function applyPolicy(
  policy: Policy,
  prefix: Cidr,
  attrs: PathAttributes,
  ctx: PolicyContext,
): PathAttributes | null {
  return compilePolicy(policy).apply(prefix, attrs, ctx);
}
