/**
 * Codec of policy-routing rules (rtnetlink(7) `RTM_NEWRULE`, `RTM_DELRULE`, `RTM_GETRULE`;
 * include/uapi/linux/fib_rules.h `struct fib_rule_hdr`, `FRA_*`, `FR_ACT_*`).
 *
 * Pure: plain objects with `Uint8Array` addresses in, bytes out, and back.
 * @module
 */
import { KernelErrorCode, NetlinkError } from './kernel-errors.js';
import {
  copyBytes,
  forEachAttribute,
  MessageBuilder,
  type NetlinkMessage,
  NlmFlags,
  payloadView,
  readString,
  readU32,
} from './netlink-message.js';
import { AddressFamily, Fra, RouteTableId, RtmType } from './rtnetlink-constants.js';

/** `sizeof(struct fib_rule_hdr)`. */
export const FIB_RULE_HDR_SIZE = 12;

/** A policy rule as rtnetlink carries it. `table` is the full id (`FRA_TABLE`, else the header's `table`). */
export interface RuleMessage {
  /** `family`: `AF_INET` or `AF_INET6`. */
  family: number;
  /** `dst_len`: prefix length of `destination` (`to`). */
  dstLength: number;
  /** `src_len`: prefix length of `source` (`from`). */
  srcLength: number;
  /** `tos`. */
  tos: number;
  /** Table id. */
  table: number;
  /** `action` (`FR_ACT_*`): 1 = look up `table`. */
  action: number;
  /** `flags` (`FIB_RULE_*`, e.g. INVERT for `not`). */
  flags: number;
  /** `FRA_SRC`: the `from` prefix. */
  source?: Uint8Array;
  /** `FRA_DST`: the `to` prefix. */
  destination?: Uint8Array;
  /** `FRA_PRIORITY`: the preference; lower is consulted first. */
  priority?: number;
  /** `FRA_PROTOCOL`: who installed the rule (kernel ≥ 4.17). */
  protocol?: number;
  /** `FRA_FWMARK`. */
  fwmark?: number;
  /** `FRA_FWMASK`. */
  fwmask?: number;
  /** `FRA_IIFNAME`. */
  iifname?: string;
  /** `FRA_OIFNAME`. */
  oifname?: string;
  /** `FRA_GOTO`: target priority of `FR_ACT_GOTO`. */
  goto?: number;
  /** `FRA_SUPPRESS_PREFIXLEN`. */
  suppressPrefixLength?: number;
}

/** What a rule request does: `add` = `RTM_NEWRULE` CREATE|EXCL; `delete` = `RTM_DELRULE`. */
export type RuleOperation = 'add' | 'delete';

/** `nlmsg_flags` for each operation. */
export const RULE_OPERATION_FLAGS: Readonly<Record<RuleOperation, number>> = {
  add: NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.EXCL,
  delete: NlmFlags.REQUEST | NlmFlags.ACK,
};

function checkPrefix(family: number, bytes: Uint8Array | undefined, what: string): void {
  if (bytes === undefined) return;
  const len = family === AddressFamily.INET ? 4 : family === AddressFamily.INET6 ? 16 : bytes.length;
  if (bytes.length !== len) {
    throw new NetlinkError(
      KernelErrorCode.InvalidArgument,
      `${what} has ${bytes.length} bytes, expected ${len}`,
      {
        details: { what, family, length: bytes.length },
      },
    );
  }
}

/**
 * Encodes an `RTM_NEWRULE` (add) or `RTM_DELRULE` (delete). A table id above 255 goes in `FRA_TABLE` with
 * the header's `table = RT_TABLE_UNSPEC` (as iproute2 does). For delete, the kernel matches every field given.
 * @throws NetlinkError `ERR_NETLINK_INVALID_ARGUMENT` for an address of the wrong length.
 */
export function encodeRuleRequest(op: RuleOperation, rule: RuleMessage, seq = 0): Uint8Array {
  checkPrefix(rule.family, rule.source, 'FRA_SRC');
  checkPrefix(rule.family, rule.destination, 'FRA_DST');
  const b = new MessageBuilder(
    op === 'add' ? RtmType.NEWRULE : RtmType.DELRULE,
    RULE_OPERATION_FLAGS[op],
    seq,
  );
  b.u8(rule.family) // family
    .u8(rule.dstLength) // dst_len
    .u8(rule.srcLength) // src_len
    .u8(rule.tos) // tos
    .u8(rule.table < 256 ? rule.table : RouteTableId.UNSPEC) // table
    .u8(0) // res1
    .u8(0) // res2
    .u8(rule.action) // action
    .u32(rule.flags); // flags
  // Attribute order as iproute2 sends `ip rule add from F to T lookup N priority P protocol X` (strace).
  if (rule.source) b.attr(Fra.SRC, rule.source);
  if (rule.destination) b.attr(Fra.DST, rule.destination);
  if (rule.table >= 256) b.attrU32(Fra.TABLE, rule.table);
  if (rule.priority !== undefined) b.attrU32(Fra.PRIORITY, rule.priority);
  if (rule.protocol !== undefined) b.attrU8(Fra.PROTOCOL, rule.protocol);
  if (rule.fwmark !== undefined) b.attrU32(Fra.FWMARK, rule.fwmark);
  if (rule.fwmask !== undefined) b.attrU32(Fra.FWMASK, rule.fwmask);
  if (rule.iifname !== undefined) b.attrString(Fra.IIFNAME, rule.iifname);
  if (rule.oifname !== undefined) b.attrString(Fra.OIFNAME, rule.oifname);
  if (rule.goto !== undefined) b.attrU32(Fra.GOTO, rule.goto);
  if (rule.suppressPrefixLength !== undefined) b.attrU32(Fra.SUPPRESS_PREFIXLEN, rule.suppressPrefixLength);
  return b.finish();
}

/** Encodes an `RTM_GETRULE` dump request for one family (or `AF_UNSPEC` for all). */
export function encodeRuleDump(family: number, seq = 0): Uint8Array {
  const b = new MessageBuilder(RtmType.GETRULE, NlmFlags.REQUEST | NlmFlags.DUMP, seq);
  b.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0); // fib_rule_hdr, only family set
  return b.finish();
}

/**
 * Decodes an `RTM_NEWRULE` / `RTM_DELRULE` payload. Unknown attributes are skipped.
 * @throws NetlinkDecodeError if shorter than `struct fib_rule_hdr` or an attribute is truncated.
 */
export function decodeRuleMessage(msg: NetlinkMessage): RuleMessage {
  const p = msg.payload;
  const dv = payloadView(p, FIB_RULE_HDR_SIZE, 'fib_rule_hdr');
  const rule: RuleMessage = {
    family: dv.getUint8(0),
    dstLength: dv.getUint8(1),
    srcLength: dv.getUint8(2),
    tos: dv.getUint8(3),
    table: dv.getUint8(4),
    action: dv.getUint8(7),
    flags: readU32(p.subarray(8, 12)),
  };
  forEachAttribute(p, FIB_RULE_HDR_SIZE, p.length, (type, s, e) => {
    const v = p.subarray(s, e);
    switch (type) {
      case Fra.SRC:
        rule.source = copyBytes(p, s, e);
        break;
      case Fra.DST:
        rule.destination = copyBytes(p, s, e);
        break;
      case Fra.PRIORITY:
        rule.priority = readU32(v, 'FRA_PRIORITY');
        break;
      case Fra.TABLE:
        rule.table = readU32(v, 'FRA_TABLE');
        break;
      case Fra.PROTOCOL:
        rule.protocol = v[0];
        break;
      case Fra.FWMARK:
        rule.fwmark = readU32(v, 'FRA_FWMARK');
        break;
      case Fra.FWMASK:
        rule.fwmask = readU32(v, 'FRA_FWMASK');
        break;
      case Fra.IIFNAME:
        rule.iifname = readString(v);
        break;
      case Fra.OIFNAME:
        rule.oifname = readString(v);
        break;
      case Fra.GOTO:
        rule.goto = readU32(v, 'FRA_GOTO');
        break;
      case Fra.SUPPRESS_PREFIXLEN:
        rule.suppressPrefixLength = readU32(v, 'FRA_SUPPRESS_PREFIXLEN');
        break;
    }
  });
  return rule;
}
