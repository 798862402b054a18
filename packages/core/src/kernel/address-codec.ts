/**
 * Codec of interface addresses (rtnetlink(7) `RTM_NEWADDR`, `RTM_DELADDR`, `RTM_GETADDR`;
 * include/uapi/linux/if_addr.h `struct ifaddrmsg`, `IFA_*`).
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
import { AddressFamily, Ifa, RtmType } from './rtnetlink-constants.js';

/** `sizeof(struct ifaddrmsg)`. */
export const IFADDRMSG_SIZE = 8;

/** An interface address as rtnetlink carries it. */
export interface AddressMessage {
  /** `ifa_family`: `AF_INET` or `AF_INET6`. */
  family: number;
  /** `ifa_prefixlen`. */
  prefixLength: number;
  /** Flags: `IFA_FLAGS` when present (32 bits), else `ifa_flags` (`IFA_F_*`). */
  flags: number;
  /** `ifa_scope` (`RT_SCOPE_*`). */
  scope: number;
  /** `ifa_index`: the interface. */
  index: number;
  /** `IFA_LOCAL`: the interface's own address (IPv4; for IPv6 the kernel reports `IFA_ADDRESS`). */
  local?: Uint8Array;
  /** `IFA_ADDRESS`: the peer on point-to-point links, else the same as `local`. */
  address?: Uint8Array;
  /** `IFA_BROADCAST`. */
  broadcast?: Uint8Array;
  /** `IFA_LABEL`. */
  label?: string;
}

/** An address operation: `add` (`RTM_NEWADDR` CREATE|EXCL) or `delete` (`RTM_DELADDR`). */
export type AddressOperation = 'add' | 'delete';

/**
 * Encodes an `RTM_NEWADDR` / `RTM_DELADDR`. Sends `IFA_LOCAL` and `IFA_ADDRESS` (both `local` unless
 * `address` is given, as `ip address add` does), `IFA_FLAGS` when flags exceed 8 bits.
 * @throws NetlinkError `ERR_NETLINK_INVALID_ARGUMENT` for an address of the wrong length.
 */
export function encodeAddressRequest(op: AddressOperation, a: AddressMessage, seq = 0): Uint8Array {
  const len = a.family === AddressFamily.INET ? 4 : 16;
  for (const [what, v] of [
    ['IFA_LOCAL', a.local],
    ['IFA_ADDRESS', a.address],
    ['IFA_BROADCAST', a.broadcast],
  ] as const) {
    if (v !== undefined && v.length !== len) {
      throw new NetlinkError(
        KernelErrorCode.InvalidArgument,
        `${what} has ${v.length} bytes, expected ${len}`,
        {
          details: { what, family: a.family },
        },
      );
    }
  }
  const flags =
    op === 'add'
      ? NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.EXCL
      : NlmFlags.REQUEST | NlmFlags.ACK;
  const b = new MessageBuilder(op === 'add' ? RtmType.NEWADDR : RtmType.DELADDR, flags, seq);
  b.u8(a.family) // ifa_family
    .u8(a.prefixLength) // ifa_prefixlen
    .u8(a.flags & 0xff) // ifa_flags
    .u8(a.scope) // ifa_scope
    .u32(a.index); // ifa_index
  const local = a.local ?? a.address;
  if (local) b.attr(Ifa.LOCAL, local);
  const peer = a.address ?? a.local;
  if (peer) b.attr(Ifa.ADDRESS, peer);
  if (a.broadcast) b.attr(Ifa.BROADCAST, a.broadcast);
  if (a.label !== undefined) b.attrString(Ifa.LABEL, a.label);
  if (a.flags > 0xff) b.attrU32(Ifa.FLAGS, a.flags);
  return b.finish();
}

/** Encodes an `RTM_GETADDR` dump for a family (`AF_UNSPEC` for all). */
export function encodeAddressDump(family: number, seq = 0): Uint8Array {
  const b = new MessageBuilder(RtmType.GETADDR, NlmFlags.REQUEST | NlmFlags.DUMP, seq);
  b.u8(family).u8(0).u8(0).u8(0).u32(0); // ifaddrmsg with only the family
  return b.finish();
}

/**
 * Decodes an `RTM_NEWADDR` / `RTM_DELADDR` payload.
 * @throws NetlinkDecodeError if shorter than `struct ifaddrmsg` or an attribute is truncated.
 */
export function decodeAddressMessage(msg: NetlinkMessage): AddressMessage {
  const p = msg.payload;
  const dv = payloadView(p, IFADDRMSG_SIZE, 'ifaddrmsg');
  const a: AddressMessage = {
    family: dv.getUint8(0),
    prefixLength: dv.getUint8(1),
    flags: dv.getUint8(2),
    scope: dv.getUint8(3),
    index: readU32(p.subarray(4, 8)),
  };
  forEachAttribute(p, IFADDRMSG_SIZE, p.length, (type, s, e) => {
    switch (type) {
      case Ifa.LOCAL:
        a.local = copyBytes(p, s, e);
        break;
      case Ifa.ADDRESS:
        a.address = copyBytes(p, s, e);
        break;
      case Ifa.BROADCAST:
        a.broadcast = copyBytes(p, s, e);
        break;
      case Ifa.LABEL:
        a.label = readString(p.subarray(s, e));
        break;
      case Ifa.FLAGS:
        a.flags = readU32(p.subarray(s, e), 'IFA_FLAGS');
        break;
    }
  });
  return a;
}
