/**
 * Codec of rtnetlink route messages (rtnetlink(7) `RTM_NEWROUTE`, `RTM_DELROUTE`, `RTM_GETROUTE`;
 * include/uapi/linux/rtnetlink.h `struct rtmsg`, `struct rtnexthop`, `struct rtvia`, `enum rtattr_type_t`).
 *
 * Pure: plain objects with `Uint8Array` addresses (network byte order) in, bytes out, and back.
 * @module
 */
import { KernelErrorCode, NetlinkError } from './kernel-errors.js';
import {
  align4,
  copyBytes,
  forEachAttribute,
  getS32,
  getU16,
  getU32,
  HOST_LITTLE_ENDIAN,
  MessageBuilder,
  type NetlinkMessage,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  NlmFlags,
  payloadView,
  readS32,
  readU8,
  readU16,
  readU32,
  truncated,
} from './netlink-message.js';
import { AddressFamily, RouteTableId, Rta, RtmType } from './rtnetlink-constants.js';

/** `sizeof(struct rtmsg)`. */
export const RTMSG_SIZE = 12;
/** `sizeof(struct rtnexthop)`. */
export const RTNEXTHOP_SIZE = 8;

/** A gateway of another family (`RTA_VIA`, `struct rtvia`): e.g. an IPv4 route via an IPv6 next hop. */
export interface RouteVia {
  family: number;
  address: Uint8Array;
}

/** One next hop of a multipath route (`struct rtnexthop` + its attributes). */
export interface RouteNextHop {
  /** `rtnh_flags` (`RTNH_F_*`). */
  flags: number;
  /** `rtnh_hops`: weight - 1. */
  hops: number;
  /** `rtnh_ifindex`. */
  ifindex: number;
  gateway?: Uint8Array;
  via?: RouteVia;
}

/**
 * A route as rtnetlink carries it: `struct rtmsg` fields plus the attributes edgeway uses. `table` is the
 * full 32-bit id (`RTA_TABLE` when present, else `rtm_table`). Absent attributes are `undefined`.
 */
export interface RouteMessage {
  /** `rtm_family`: `AF_INET` (2) or `AF_INET6` (10). */
  family: number;
  /** `rtm_dst_len`: destination prefix length. */
  dstLength: number;
  /** `rtm_src_len`: source prefix length (source routing, IPv6 subtrees). */
  srcLength: number;
  /** `rtm_tos`. */
  tos: number;
  /** Table id: `RTA_TABLE`, else `rtm_table`. */
  table: number;
  /** `rtm_protocol`: who installed the route (`RTPROT_*`, or an owner's own number). */
  protocol: number;
  /** `rtm_scope` (`RT_SCOPE_*`). */
  scope: number;
  /** `rtm_type` (`RTN_*`). */
  type: number;
  /** `rtm_flags` (`RTM_F_*`, `RTNH_F_*` such as `RTNH_F_ONLINK`). */
  flags: number;
  /** `RTA_DST`, absent for a default route. */
  destination?: Uint8Array;
  /** `RTA_SRC`: source prefix. */
  source?: Uint8Array;
  /** `RTA_GATEWAY`. */
  gateway?: Uint8Array;
  /** `RTA_VIA`. */
  via?: RouteVia;
  /** `RTA_OIF`: output interface index. */
  outputInterface?: number;
  /** `RTA_IIF`: input interface index. */
  inputInterface?: number;
  /** `RTA_PRIORITY`: the metric. */
  priority?: number;
  /** `RTA_PREFSRC`: preferred source address. */
  preferredSource?: Uint8Array;
  /** `RTA_MARK`. */
  mark?: number;
  /** `RTA_MULTIPATH`. */
  multipath?: RouteNextHop[];
  /** `RTA_NH_ID`: a nexthop object id. */
  nextHopId?: number;
  /** `RTA_PREF`: IPv6 router preference. */
  preference?: number;
}

/** What a route request does: `add` = CREATE|EXCL, `replace` = CREATE|REPLACE, `delete` = `RTM_DELROUTE`. */
export type RouteOperation = 'add' | 'replace' | 'delete';

/** `nlmsg_flags` for each operation (all with `NLM_F_REQUEST|NLM_F_ACK`). */
export const ROUTE_OPERATION_FLAGS: Readonly<Record<RouteOperation, number>> = {
  add: NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.EXCL,
  replace: NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.REPLACE,
  delete: NlmFlags.REQUEST | NlmFlags.ACK,
};

function addressLength(family: number): number | undefined {
  return family === AddressFamily.INET ? 4 : family === AddressFamily.INET6 ? 16 : undefined;
}

function checkAddress(family: number, bytes: Uint8Array | undefined, what: string): void {
  if (bytes === undefined) return;
  const len = addressLength(family);
  if (len !== undefined && bytes.length !== len) {
    throw new NetlinkError(
      KernelErrorCode.InvalidArgument,
      `${what} has ${bytes.length} bytes; family ${family} addresses have ${len}`,
      { details: { what, family, length: bytes.length } },
    );
  }
}

function checkByte(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 255) {
    throw new NetlinkError(KernelErrorCode.InvalidArgument, `${what} ${v} is not a u8`, {
      details: { what, v },
    });
  }
}

function checkU32(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new NetlinkError(KernelErrorCode.InvalidArgument, `${what} ${v} is not a u32`, {
      details: { what, v },
    });
  }
}

function viaBytes(via: RouteVia): Uint8Array {
  const b = new Uint8Array(2 + via.address.length);
  new DataView(b.buffer).setUint16(0, via.family, HOST_LITTLE_ENDIAN); // rtvia_family, host order
  b.set(via.address, 2);
  return b;
}

/**
 * Encodes an `RTM_NEWROUTE` (add, replace) or `RTM_DELROUTE` (delete) request.
 * Table ids above 255 go in `RTA_TABLE` with `rtm_table = RT_TABLE_UNSPEC`, as iproute2 does.
 * @throws NetlinkError `ERR_NETLINK_INVALID_ARGUMENT` for an address of the wrong length or an out-of-range field.
 */
export function encodeRouteRequest(op: RouteOperation, route: RouteMessage, seq = 0): Uint8Array {
  const { family } = route;
  checkByte(route.dstLength, 'rtm_dst_len');
  checkByte(route.srcLength, 'rtm_src_len');
  checkByte(route.scope, 'rtm_scope');
  checkByte(route.type, 'rtm_type');
  checkByte(route.protocol, 'rtm_protocol');
  checkByte(route.tos, 'rtm_tos');
  checkU32(route.table, 'table');
  checkU32(route.flags, 'rtm_flags');
  checkAddress(family, route.destination, 'RTA_DST');
  checkAddress(family, route.source, 'RTA_SRC');
  checkAddress(family, route.gateway, 'RTA_GATEWAY');
  checkAddress(family, route.preferredSource, 'RTA_PREFSRC');
  const b = new MessageBuilder(
    op === 'delete' ? RtmType.DELROUTE : RtmType.NEWROUTE,
    ROUTE_OPERATION_FLAGS[op],
    seq,
    encodedSize(route),
  );
  b.u8(family) // rtm_family
    .u8(route.dstLength) // rtm_dst_len
    .u8(route.srcLength) // rtm_src_len
    .u8(route.tos) // rtm_tos
    .u8(route.table < 256 ? route.table : RouteTableId.UNSPEC) // rtm_table
    .u8(route.protocol) // rtm_protocol
    .u8(route.scope) // rtm_scope
    .u8(route.type) // rtm_type
    .u32(route.flags); // rtm_flags
  // Attribute order as iproute2 sends `ip route add DST via GW table T metric M dev D` (checked with strace).
  if (route.destination) b.attr(Rta.DST, route.destination);
  if (route.source) b.attr(Rta.SRC, route.source);
  if (route.preferredSource) b.attr(Rta.PREFSRC, route.preferredSource);
  if (route.gateway) b.attr(Rta.GATEWAY, route.gateway);
  if (route.via) b.attr(Rta.VIA, viaBytes(route.via));
  if (route.table >= 256) b.attrU32(Rta.TABLE, route.table);
  if (route.priority !== undefined) {
    checkU32(route.priority, 'RTA_PRIORITY');
    b.attrU32(Rta.PRIORITY, route.priority);
  }
  if (route.outputInterface !== undefined) b.attrU32(Rta.OIF, route.outputInterface);
  if (route.inputInterface !== undefined) b.attrU32(Rta.IIF, route.inputInterface);
  if (route.mark !== undefined) b.attrU32(Rta.MARK, route.mark);
  if (route.nextHopId !== undefined) b.attrU32(Rta.NH_ID, route.nextHopId);
  if (route.preference !== undefined) b.attrU8(Rta.PREF, route.preference);
  if (route.multipath) encodeMultipath(b, family, route.multipath);
  return b.finish();
}

/** The exact size of the encoded request (so the builder allocates once). */
function encodedSize(r: RouteMessage): number {
  const a = (n: number) => align4(NLA_HDRLEN + n);
  let n = 16 + RTMSG_SIZE;
  if (r.destination) n += a(r.destination.length);
  if (r.source) n += a(r.source.length);
  if (r.preferredSource) n += a(r.preferredSource.length);
  if (r.gateway) n += a(r.gateway.length);
  if (r.via) n += a(2 + r.via.address.length);
  if (r.outputInterface !== undefined) n += 8;
  if (r.inputInterface !== undefined) n += 8;
  if (r.priority !== undefined) n += 8;
  if (r.table >= 256) n += 8;
  if (r.mark !== undefined) n += 8;
  if (r.nextHopId !== undefined) n += 8;
  if (r.preference !== undefined) n += 8;
  if (r.multipath) n += 256 * r.multipath.length; // generous; the builder trims
  return n;
}

function encodeMultipath(b: MessageBuilder, family: number, hops: RouteNextHop[]): void {
  const at = b.beginNested(Rta.MULTIPATH, false);
  for (const hop of hops) {
    checkAddress(family, hop.gateway, 'RTA_MULTIPATH gateway');
    const inner = new MessageBuilder(0, 0); // scratch: reuse the attribute writer, drop its 16-byte header
    if (hop.gateway) inner.attr(Rta.GATEWAY, hop.gateway);
    if (hop.via) inner.attr(Rta.VIA, viaBytes(hop.via));
    const attrs = inner.finish().subarray(16);
    b.u16(RTNEXTHOP_SIZE + attrs.length) // rtnh_len
      .u8(hop.flags) // rtnh_flags
      .u8(hop.hops) // rtnh_hops
      .s32(hop.ifindex) // rtnh_ifindex
      .raw(attrs);
  }
  b.endNested(at);
}

/** Options of {@link encodeRouteDump}. */
export interface RouteDumpFilter {
  /** `AF_INET`, `AF_INET6`, or `AF_UNSPEC` (all families). */
  family: number;
  /** Table id filter (honoured by kernels with `NETLINK_GET_STRICT_CHK` set; otherwise ignored). */
  table?: number;
  /** Protocol filter (same caveat as `table`). */
  protocol?: number;
}

/**
 * Encodes an `RTM_GETROUTE` dump request (`NLM_F_REQUEST|NLM_F_DUMP`, a `struct rtmsg` with the family).
 * Without strict checking the kernel ignores `table`/`protocol` and dumps every table: filter the replies.
 */
export function encodeRouteDump(filter: RouteDumpFilter, seq = 0): Uint8Array {
  const table = filter.table ?? 0;
  const b = new MessageBuilder(RtmType.GETROUTE, NlmFlags.REQUEST | NlmFlags.DUMP, seq);
  b.u8(filter.family) // rtm_family
    .u8(0) // rtm_dst_len
    .u8(0) // rtm_src_len
    .u8(0) // rtm_tos
    .u8(table < 256 ? table : RouteTableId.UNSPEC) // rtm_table
    .u8(filter.protocol ?? 0) // rtm_protocol
    .u8(0) // rtm_scope
    .u8(0) // rtm_type
    .u32(0); // rtm_flags
  if (table >= 256) b.attrU32(Rta.TABLE, table);
  return b.finish();
}

/** Options of {@link decodeRouteMessage}. */
export interface RouteDecodeOptions {
  /**
   * Copy address attributes (default). With `false` they are views into the message, valid only as long as
   * the datagram is not reused — for hot paths that convert them at once.
   */
  copy?: boolean;
}

/**
 * Decodes the payload of an `RTM_NEWROUTE` / `RTM_DELROUTE` message (a dump entry or a notification).
 * Unknown attributes are skipped. Address attributes are copied unless `copy: false`.
 * @throws NetlinkDecodeError if the payload is shorter than `struct rtmsg` or an attribute is truncated.
 */
export function decodeRouteMessage(msg: NetlinkMessage, options?: RouteDecodeOptions): RouteMessage {
  const bytes = options?.copy === false ? viewBytes : copyBytes;
  const p = msg.payload;
  // Hot path of list(): attributes read in place, no DataView or views per attribute.
  if (p.length < RTMSG_SIZE) throw truncated('rtmsg', 0, RTMSG_SIZE, p.length);
  const route: RouteMessage = {
    family: p[0] as number, // rtm_family
    dstLength: p[1] as number, // rtm_dst_len
    srcLength: p[2] as number, // rtm_src_len
    tos: p[3] as number, // rtm_tos
    table: p[4] as number, // rtm_table (RTA_TABLE overrides)
    protocol: p[5] as number, // rtm_protocol
    scope: p[6] as number, // rtm_scope
    type: p[7] as number, // rtm_type
    flags: getU32(p, 8), // rtm_flags
  };
  const end = p.length;
  let off = RTMSG_SIZE;
  while (end - off >= NLA_HDRLEN) {
    const len = getU16(p, off);
    if (len < NLA_HDRLEN || off + len > end) forEachAttribute(p, off, end, () => {}); // throws the typed error
    const type = getU16(p, off + 2) & NLA_TYPE_MASK;
    const s = off + NLA_HDRLEN;
    const e = off + len;
    const u32 = e - s >= 4;
    switch (type) {
      case Rta.DST:
        route.destination = bytes(p, s, e);
        break;
      case Rta.SRC:
        route.source = bytes(p, s, e);
        break;
      case Rta.GATEWAY:
        route.gateway = bytes(p, s, e);
        break;
      case Rta.PREFSRC:
        route.preferredSource = bytes(p, s, e);
        break;
      case Rta.OIF:
        route.outputInterface = u32 ? getS32(p, s) : readS32(p.subarray(s, e), 'RTA_OIF');
        break;
      case Rta.IIF:
        route.inputInterface = u32 ? getS32(p, s) : readS32(p.subarray(s, e), 'RTA_IIF');
        break;
      case Rta.PRIORITY:
        route.priority = u32 ? getU32(p, s) : readU32(p.subarray(s, e), 'RTA_PRIORITY');
        break;
      case Rta.TABLE:
        route.table = u32 ? getU32(p, s) : readU32(p.subarray(s, e), 'RTA_TABLE');
        break;
      case Rta.MARK:
        route.mark = readU32(p.subarray(s, e), 'RTA_MARK');
        break;
      case Rta.NH_ID:
        route.nextHopId = readU32(p.subarray(s, e), 'RTA_NH_ID');
        break;
      case Rta.PREF:
        route.preference = readU8(p.subarray(s, e), 'RTA_PREF');
        break;
      case Rta.VIA:
        route.via = decodeVia(p.subarray(s, e));
        break;
      case Rta.MULTIPATH:
        route.multipath = decodeMultipath(p, s, e);
        break;
    }
    off += align4(len);
  }
  if (off < end) forEachAttribute(p, off, end, () => {}); // 1..3 stray bytes: typed error
  return route;
}

function viewBytes(p: Uint8Array, s: number, e: number): Uint8Array {
  return p.subarray(s, e);
}

function decodeVia(v: Uint8Array): RouteVia {
  return { family: readU16(v, 'RTA_VIA'), address: copyBytes(v, 2, v.length) };
}

function decodeMultipath(p: Uint8Array, start: number, end: number): RouteNextHop[] {
  const hops: RouteNextHop[] = [];
  let off = start;
  while (end - off >= RTNEXTHOP_SIZE) {
    const dv = payloadView(p.subarray(off, end), RTNEXTHOP_SIZE, 'rtnexthop');
    const len = dv.getUint16(0, HOST_LITTLE_ENDIAN);
    const hopEnd = off + len;
    if (len < RTNEXTHOP_SIZE || hopEnd > end)
      throw truncated('rtnexthop', off, Math.max(len, RTNEXTHOP_SIZE), end - off);
    const hop: RouteNextHop = {
      flags: dv.getUint8(2), // rtnh_flags
      hops: dv.getUint8(3), // rtnh_hops
      ifindex: dv.getInt32(4, HOST_LITTLE_ENDIAN), // rtnh_ifindex
    };
    forEachAttribute(p, off + RTNEXTHOP_SIZE, hopEnd, (type, s, e) => {
      if (type === Rta.GATEWAY) hop.gateway = copyBytes(p, s, e);
      else if (type === Rta.VIA) hop.via = decodeVia(p.subarray(s, e));
    });
    hops.push(hop);
    off += align4(len);
  }
  return hops;
}
