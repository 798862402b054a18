/**
 * Codec of link messages (rtnetlink(7) `RTM_NEWLINK`, `RTM_DELLINK`, `RTM_GETLINK`; include/uapi/linux/
 * rtnetlink.h `struct ifinfomsg`, if_link.h `IFLA_*` / `IFLA_INFO_*`, veth.h `VETH_INFO_PEER`).
 *
 * Pure: plain objects in, bytes out, and back.
 * @module
 */
import {
  copyBytes,
  forEachAttribute,
  HOST_LITTLE_ENDIAN,
  MessageBuilder,
  type NetlinkMessage,
  NlmFlags,
  payloadView,
  readS32,
  readString,
  readU8,
  readU32,
} from './netlink-message.js';
import { AddressFamily, Ifla, IflaInfo, InterfaceFlags, RtmType, VethInfo } from './rtnetlink-constants.js';

/** `sizeof(struct ifinfomsg)`. */
export const IFINFOMSG_SIZE = 16;

/** A link (network interface) as rtnetlink reports it. */
export interface LinkMessage {
  /** `ifi_family` (normally `AF_UNSPEC`). */
  family: number;
  /** `ifi_type`: `ARPHRD_*` (1 = Ethernet, 772 = loopback). */
  type: number;
  /** `ifi_index`. */
  index: number;
  /** `ifi_flags` (`IFF_*`). */
  flags: number;
  /** `ifi_change`. */
  change: number;
  /** `IFLA_IFNAME`. */
  name?: string;
  /** `IFLA_MTU`. */
  mtu?: number;
  /** `IFLA_ADDRESS`: the hardware address. */
  address?: Uint8Array;
  /** `IFLA_LINK`: index of the peer or lower device. */
  link?: number;
  /** `IFLA_MASTER`. */
  master?: number;
  /** `IFLA_OPERSTATE` (RFC 2863: 6 = up, 2 = down, 7 = lowerlayerdown). */
  operState?: number;
  /** `IFLA_LINKINFO` / `IFLA_INFO_KIND`, e.g. `veth`, `bridge`, `vxlan`. */
  kind?: string;
  /** `IFLA_LINK_NETNSID`: namespace id of `link` when it lives elsewhere. */
  linkNetnsId?: number;
}

/** The fields of a link request; which are sent depends on the operation. */
export interface LinkRequest {
  /** `ifi_index`; 0 (or absent) lets the kernel find the link by `name`. */
  index?: number;
  /**
   * `IFLA_IFNAME`: the name for `create`; the lookup key for `get`/`set`/`delete` without an index; with an
   * index on `set`, a rename.
   */
  name?: string;
  /** Set (`true`) or clear (`false`) `IFF_UP` through `ifi_flags`/`ifi_change`. */
  up?: boolean;
  /** `IFLA_MTU`. */
  mtu?: number;
  /** `IFLA_NET_NS_FD`: move the link into the namespace of this open `/run/netns/…` descriptor. */
  netnsFd?: number;
  /** `IFLA_NET_NS_PID`: move the link into the namespace of this process. */
  netnsPid?: number;
  /** `IFLA_INFO_KIND` for `create` (`veth`, `dummy`, `bridge`…). */
  kind?: string;
  /** For `kind: 'veth'`: the peer (`VETH_INFO_PEER`), optionally created directly in another namespace. */
  peer?: { name: string; netnsFd?: number; mtu?: number };
}

/** A link operation: create (`RTM_NEWLINK` CREATE|EXCL), set (`RTM_NEWLINK`), delete, get (one, by name/index). */
export type LinkOperation = 'create' | 'set' | 'delete' | 'get';

function writeIfinfomsg(b: MessageBuilder, index: number, up: boolean | undefined): void {
  b.u8(AddressFamily.UNSPEC) // ifi_family
    .u8(0) // __ifi_pad
    .u16(0) // ifi_type
    .s32(index) // ifi_index
    .u32(up ? InterfaceFlags.UP : 0) // ifi_flags
    .u32(up === undefined ? 0 : InterfaceFlags.UP); // ifi_change: only touch IFF_UP when asked
}

/** Encodes a link request (see {@link LinkOperation}). */
export function encodeLinkRequest(op: LinkOperation, link: LinkRequest, seq = 0): Uint8Array {
  const type = op === 'delete' ? RtmType.DELLINK : op === 'get' ? RtmType.GETLINK : RtmType.NEWLINK;
  const flags =
    op === 'create'
      ? NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.EXCL
      : op === 'get'
        ? NlmFlags.REQUEST
        : NlmFlags.REQUEST | NlmFlags.ACK;
  const b = new MessageBuilder(type, flags, seq);
  writeIfinfomsg(b, link.index ?? 0, op === 'set' || op === 'create' ? link.up : undefined);
  if (link.name !== undefined) b.attrString(Ifla.IFNAME, link.name);
  if (op === 'create' || op === 'set') {
    if (link.mtu !== undefined) b.attrU32(Ifla.MTU, link.mtu);
    if (link.netnsFd !== undefined) b.attrU32(Ifla.NET_NS_FD, link.netnsFd);
    if (link.netnsPid !== undefined) b.attrU32(Ifla.NET_NS_PID, link.netnsPid);
  }
  if (op === 'create' && link.kind !== undefined) {
    // Nests without NLA_F_NESTED, byte for byte as iproute2 6.1 sends `ip link add … type veth peer …`.
    const info = b.beginNested(Ifla.LINKINFO, false);
    b.attrString(IflaInfo.KIND, link.kind, false);
    if (link.peer) {
      const data = b.beginNested(IflaInfo.DATA, false);
      const peer = b.beginNested(VethInfo.PEER, false);
      writeIfinfomsg(b, 0, undefined); // the peer's struct ifinfomsg, then its IFLA_* attributes
      if (link.peer.netnsFd !== undefined) b.attrU32(Ifla.NET_NS_FD, link.peer.netnsFd);
      b.attrString(Ifla.IFNAME, link.peer.name);
      if (link.peer.mtu !== undefined) b.attrU32(Ifla.MTU, link.peer.mtu);
      b.endNested(peer);
      b.endNested(data);
    }
    b.endNested(info);
  }
  return b.finish();
}

/** Encodes an `RTM_GETLINK` dump of every link. */
export function encodeLinkDump(seq = 0): Uint8Array {
  const b = new MessageBuilder(RtmType.GETLINK, NlmFlags.REQUEST | NlmFlags.DUMP, seq);
  writeIfinfomsg(b, 0, undefined);
  return b.finish();
}

/**
 * Decodes an `RTM_NEWLINK` / `RTM_DELLINK` payload.
 * @throws NetlinkDecodeError if shorter than `struct ifinfomsg` or an attribute is truncated.
 */
export function decodeLinkMessage(msg: NetlinkMessage): LinkMessage {
  const p = msg.payload;
  const dv = payloadView(p, IFINFOMSG_SIZE, 'ifinfomsg');
  const link: LinkMessage = {
    family: dv.getUint8(0),
    type: dv.getUint16(2, HOST_LITTLE_ENDIAN),
    index: readS32(p.subarray(4, 8)),
    flags: readU32(p.subarray(8, 12)),
    change: readU32(p.subarray(12, 16)),
  };
  forEachAttribute(p, IFINFOMSG_SIZE, p.length, (type, s, e) => {
    const v = p.subarray(s, e);
    switch (type) {
      case Ifla.IFNAME:
        link.name = readString(v);
        break;
      case Ifla.MTU:
        link.mtu = readU32(v, 'IFLA_MTU');
        break;
      case Ifla.ADDRESS:
        link.address = copyBytes(p, s, e);
        break;
      case Ifla.LINK:
        link.link = readU32(v, 'IFLA_LINK');
        break;
      case Ifla.MASTER:
        link.master = readU32(v, 'IFLA_MASTER');
        break;
      case Ifla.OPERSTATE:
        link.operState = readU8(v, 'IFLA_OPERSTATE');
        break;
      case Ifla.LINK_NETNSID:
        link.linkNetnsId = readS32(v, 'IFLA_LINK_NETNSID');
        break;
      case Ifla.LINKINFO:
        forEachAttribute(p, s, e, (t, s2, e2) => {
          if (t === IflaInfo.KIND) link.kind = readString(p.subarray(s2, e2));
        });
        break;
    }
  });
  return link;
}
