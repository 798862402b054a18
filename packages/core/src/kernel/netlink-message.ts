/**
 * The netlink framing layer (netlink(7), include/uapi/linux/netlink.h): `struct nlmsghdr`, `struct nlattr`
 * (a.k.a. `struct rtattr`), `struct nlmsgerr` and the splitting of a datagram into messages.
 *
 * Pure: bytes in, plain objects out; no sockets. Multi-byte integers are in host byte order, as netlink
 * requires; addresses inside attributes stay in network byte order.
 * @module
 */
import { KernelErrorCode, NetlinkDecodeError } from './kernel-errors.js';

/** `NLMSG_HDRLEN`: size of `struct nlmsghdr` (u32 len, u16 type, u16 flags, u32 seq, u32 pid). */
export const NLMSG_HDRLEN = 16;
/** `NLA_HDRLEN`: size of `struct nlattr` (u16 len, u16 type). */
export const NLA_HDRLEN = 4;
/** `NLA_F_NESTED`: the attribute holds attributes (netlink.h). */
export const NLA_F_NESTED = 0x8000;
/** `NLA_F_NET_BYTEORDER`: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** `NLA_TYPE_MASK`: the type bits of `nla_type`. */
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** Control message types (netlink.h `NLMSG_*`). Family message types start at `NLMSG_MIN_TYPE` (0x10). */
export const NlmsgType = {
  NOOP: 0x1,
  ERROR: 0x2,
  DONE: 0x3,
  OVERRUN: 0x4,
} as const;

/** `nlmsg_flags` bits (netlink.h). GET and NEW requests give the 0x100-0x800 bits different meanings. */
export const NlmFlags = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  /** GET: `NLM_F_ROOT`. */
  ROOT: 0x100,
  /** GET: `NLM_F_MATCH`. */
  MATCH: 0x200,
  /** GET: `NLM_F_DUMP` = ROOT|MATCH. */
  DUMP: 0x300,
  /** NEW: `NLM_F_REPLACE` — override an existing object. */
  REPLACE: 0x100,
  /** NEW: `NLM_F_EXCL` — fail with EEXIST if it exists. */
  EXCL: 0x200,
  /** NEW: `NLM_F_CREATE` — create if it does not exist. */
  CREATE: 0x400,
  /** NEW: `NLM_F_APPEND`. */
  APPEND: 0x800,
  /** ACK: `NLM_F_CAPPED` — the echoed request was cut to its header. */
  CAPPED: 0x100,
  /** ACK: `NLM_F_ACK_TLVS` — extended-ack attributes follow. */
  ACK_TLVS: 0x200,
} as const;

/** Extended-ack attributes in an `NLMSG_ERROR` (netlink.h `enum nlmsgerr_attrs`). */
export const NlmsgerrAttr = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

/** Whether this machine stores integers little-endian (netlink integers are host order). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LE = HOST_LITTLE_ENDIAN;

/** `NLMSG_ALIGN` / `NLA_ALIGN`: round up to 4. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Writes a host-order u16 (no DataView: creating one per message dominates encoding time). */
export function putU16(b: Uint8Array, off: number, v: number): void {
  if (LE) {
    b[off] = v & 0xff;
    b[off + 1] = (v >>> 8) & 0xff;
  } else {
    b[off] = (v >>> 8) & 0xff;
    b[off + 1] = v & 0xff;
  }
}

/** Writes a host-order u32 (also for s32: the bits are the same). */
export function putU32(b: Uint8Array, off: number, v: number): void {
  if (LE) {
    b[off] = v & 0xff;
    b[off + 1] = (v >>> 8) & 0xff;
    b[off + 2] = (v >>> 16) & 0xff;
    b[off + 3] = (v >>> 24) & 0xff;
  } else {
    b[off] = (v >>> 24) & 0xff;
    b[off + 1] = (v >>> 16) & 0xff;
    b[off + 2] = (v >>> 8) & 0xff;
    b[off + 3] = v & 0xff;
  }
}

/** Reads a host-order u16 at `off` (caller checks bounds). */
export function getU16(b: Uint8Array, off: number): number {
  const b0 = b[off] as number;
  const b1 = b[off + 1] as number;
  return LE ? b0 | (b1 << 8) : (b0 << 8) | b1;
}

/** Reads a host-order u32 at `off` (caller checks bounds). */
export function getU32(b: Uint8Array, off: number): number {
  const b0 = b[off] as number;
  const b1 = b[off + 1] as number;
  const b2 = b[off + 2] as number;
  const b3 = b[off + 3] as number;
  return (LE ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}

/** Reads a host-order s32 at `off` (caller checks bounds). */
export function getS32(b: Uint8Array, off: number): number {
  return getU32(b, off) | 0;
}

/** One decoded netlink message. `payload` is a view of the bytes after the 16-byte header (not a copy). */
export interface NetlinkMessage {
  /** `nlmsg_type`. */
  type: number;
  /** `nlmsg_flags`. */
  flags: number;
  /** `nlmsg_seq`: matches a reply to its request. */
  seq: number;
  /** `nlmsg_pid`: the sender's port id (0 for the kernel). */
  pid: number;
  /** Everything after the header, `nlmsg_len - 16` bytes. */
  payload: Uint8Array;
}

/** A decoded `struct nlmsgerr`: `error` 0 is an ACK, negative is `-errno`. */
export interface NetlinkAck {
  /** 0 for success, otherwise a negative errno. */
  error: number;
  /** The header of the request being answered. */
  request: { length: number; type: number; flags: number; seq: number; pid: number };
  /** Extended ack text (`NLMSGERR_ATTR_MSG`), when `NLM_F_ACK_TLVS` is set and the kernel gave one. */
  extackMessage?: string;
  /** Byte offset in the request of the offending attribute (`NLMSGERR_ATTR_OFFS`). */
  extackOffset?: number;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A {@link NetlinkDecodeError} `ERR_NETLINK_TRUNCATED` (for family codecs). */
export function truncated(
  what: string,
  offset: number,
  needed: number,
  available: number,
): NetlinkDecodeError {
  return new NetlinkDecodeError(
    KernelErrorCode.Truncated,
    `truncated netlink ${what} at offset ${offset}: needs ${needed} bytes, ${available} available`,
    { what, offset, needed, available },
  );
}

function malformed(what: string, offset: number, details: Record<string, unknown>): NetlinkDecodeError {
  return new NetlinkDecodeError(KernelErrorCode.Malformed, `malformed netlink ${what} at offset ${offset}`, {
    what,
    offset,
    ...details,
  });
}

/**
 * Builds one netlink message: the 16-byte `nlmsghdr`, then a family header written field by field, then
 * 4-byte-aligned attributes (nested ones through {@link MessageBuilder.beginNested}). `finish()` fills in
 * `nlmsg_len`.
 */
export class MessageBuilder {
  #buf: Uint8Array;
  #len = 0;

  /**
   * @param type - `nlmsg_type`, e.g. `RTM_NEWROUTE`.
   * @param flags - `nlmsg_flags`; include `NLM_F_REQUEST` for a request to the kernel.
   * @param seq - `nlmsg_seq` (a socket may rewrite it with {@link setSequence}).
   * @param capacity - initial buffer size; an exact size avoids a final copy.
   */
  constructor(type: number, flags: number, seq = 0, capacity = 128) {
    this.#buf = new Uint8Array(Math.max(capacity, NLMSG_HDRLEN));
    putU16(this.#buf, 4, type); // nlmsg_type
    putU16(this.#buf, 6, flags); // nlmsg_flags
    putU32(this.#buf, 8, seq >>> 0); // nlmsg_seq; nlmsg_pid stays 0 (the kernel fills in ours)
    this.#len = NLMSG_HDRLEN;
  }

  #reserve(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Appends a u8 (family-header field). */
  u8(v: number): this {
    this.#reserve(1);
    this.#buf[this.#len] = v & 0xff;
    this.#len += 1;
    return this;
  }

  /** Appends a host-order u16. */
  u16(v: number): this {
    this.#reserve(2);
    putU16(this.#buf, this.#len, v);
    this.#len += 2;
    return this;
  }

  /** Appends a host-order u32. */
  u32(v: number): this {
    this.#reserve(4);
    putU32(this.#buf, this.#len, v >>> 0);
    this.#len += 4;
    return this;
  }

  /** Appends a host-order s32. */
  s32(v: number): this {
    this.#reserve(4);
    putU32(this.#buf, this.#len, v | 0);
    this.#len += 4;
    return this;
  }

  /** Appends raw bytes, unpadded. */
  raw(bytes: Uint8Array): this {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
    return this;
  }

  /** Pads to a 4-byte boundary (`NLMSG_ALIGN`); the gap is zero because nothing was written there. */
  pad(): this {
    const target = align4(this.#len);
    this.#reserve(target - this.#len);
    this.#len = target;
    return this;
  }

  /** Starts an attribute at the next 4-byte boundary; returns the offset of its payload. */
  #attrHeader(type: number, payloadLength: number): number {
    // Bytes past #len were never written, so the alignment gap is already zero.
    const at = align4(this.#len);
    const len = NLA_HDRLEN + payloadLength;
    this.#len = at;
    this.#reserve(align4(len));
    putU16(this.#buf, at, len); // nla_len: header + payload, without padding
    putU16(this.#buf, at + 2, type); // nla_type
    this.#len = at + len;
    return at + NLA_HDRLEN;
  }

  /** Appends an attribute with a raw payload (`nla_len` excludes the padding added before the next one). */
  attr(type: number, payload: Uint8Array): this {
    this.#buf.set(payload, this.#attrHeader(type, payload.length));
    return this;
  }

  /** Appends a u8 attribute. */
  attrU8(type: number, v: number): this {
    this.#buf[this.#attrHeader(type, 1)] = v & 0xff;
    return this;
  }

  /** Appends a host-order u16 attribute. */
  attrU16(type: number, v: number): this {
    putU16(this.#buf, this.#attrHeader(type, 2), v);
    return this;
  }

  /** Appends a host-order u32 attribute. */
  attrU32(type: number, v: number): this {
    putU32(this.#buf, this.#attrHeader(type, 4), v >>> 0);
    return this;
  }

  /** Appends a host-order s32 attribute. */
  attrS32(type: number, v: number): this {
    putU32(this.#buf, this.#attrHeader(type, 4), v | 0);
    return this;
  }

  /**
   * Appends a string attribute, NUL-terminated (`NLA_NUL_STRING`, e.g. `IFLA_IFNAME`) unless `nul` is false
   * (`NLA_STRING` such as `IFLA_INFO_KIND`, which iproute2 sends without the NUL).
   */
  attrString(type: number, s: string, nul = true): this {
    const enc = new TextEncoder().encode(s);
    const at = this.#attrHeader(type, enc.length + (nul ? 1 : 0));
    this.#buf.set(enc, at); // the NUL after it is already zero
    return this;
  }

  /**
   * Opens a nested attribute; close it with {@link endNested} and the returned offset. `NLA_F_NESTED` is set
   * unless `flagged` is false (legacy containers such as `RTA_MULTIPATH` go without it, as iproute2 sends them).
   */
  beginNested(type: number, flagged = true): number {
    this.pad();
    const at = this.#len;
    this.#reserve(NLA_HDRLEN);
    putU16(this.#buf, at + 2, flagged ? type | NLA_F_NESTED : type);
    this.#len += NLA_HDRLEN;
    return at;
  }

  /** Closes the nested attribute opened at `at`, writing its length (padding of the last member included). */
  endNested(at: number): this {
    this.pad();
    putU16(this.#buf, at, this.#len - at);
    return this;
  }

  /** The finished message with `nlmsg_len` set (the builder must not be used afterwards). */
  finish(): Uint8Array {
    this.pad();
    putU32(this.#buf, 0, this.#len);
    return this.#len === this.#buf.length ? this.#buf : this.#buf.slice(0, this.#len);
  }
}

/** Encodes a message from a ready payload (family header and attributes). */
export function encodeMessage(
  type: number,
  flags: number,
  seq: number,
  payload: Uint8Array,
  pid = 0,
): Uint8Array {
  const len = NLMSG_HDRLEN + payload.length;
  const out = new Uint8Array(align4(len));
  const dv = view(out);
  dv.setUint32(0, len, LE);
  dv.setUint16(4, type, LE);
  dv.setUint16(6, flags, LE);
  dv.setUint32(8, seq >>> 0, LE);
  dv.setUint32(12, pid >>> 0, LE);
  out.set(payload, NLMSG_HDRLEN);
  return out;
}

/** Reads `nlmsg_flags` of an encoded message. */
export function messageFlags(message: Uint8Array): number {
  return getU16(message, 6);
}

/** Reads `nlmsg_type` of an encoded message. */
export function messageType(message: Uint8Array): number {
  return getU16(message, 4);
}

/** Rewrites `nlmsg_seq` and `nlmsg_flags` of an encoded message in place (what a socket does before sending). */
export function setSequence(message: Uint8Array, seq: number, flags: number): void {
  putU16(message, 6, flags);
  putU32(message, 8, seq >>> 0);
}

/** Options of {@link splitMessages} and {@link NetlinkDecoder}. */
export interface SplitOptions {
  /** Largest acceptable `nlmsg_len`; a longer one is {@link KernelErrorCode.Malformed}. Default 1 MiB. */
  maxMessageSize?: number;
}

const DEFAULT_MAX_MESSAGE = 1 << 20;

/**
 * Splits one datagram into its messages (netlink(7): several messages may share a datagram, each starting
 * on a 4-byte boundary). Payloads are views into `datagram`.
 * @throws NetlinkDecodeError `ERR_NETLINK_TRUNCATED` if a header or a message runs past the end,
 * `ERR_NETLINK_MALFORMED` if `nlmsg_len` is below 16 or above `maxMessageSize`.
 */
export function splitMessages(datagram: Uint8Array, options: SplitOptions = {}): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  const end = scanMessages(datagram, options.maxMessageSize ?? DEFAULT_MAX_MESSAGE, out);
  if (end !== datagram.length) {
    const dv = view(datagram);
    const remaining = datagram.length - end;
    if (remaining < NLMSG_HDRLEN) throw truncated('message header', end, NLMSG_HDRLEN, remaining);
    throw truncated('message', end, dv.getUint32(end, LE), remaining);
  }
  return out;
}

/** Appends the complete messages of `buf` to `out`; returns the offset after the last complete one. */
function scanMessages(buf: Uint8Array, max: number, out: NetlinkMessage[]): number {
  const dv = view(buf);
  let off = 0;
  while (buf.length - off >= NLMSG_HDRLEN) {
    const len = dv.getUint32(off, LE);
    if (len < NLMSG_HDRLEN || len > max) {
      throw malformed('message length', off, { length: len, min: NLMSG_HDRLEN, max });
    }
    if (off + len > buf.length) break;
    out.push({
      type: dv.getUint16(off + 4, LE),
      flags: dv.getUint16(off + 6, LE),
      seq: dv.getUint32(off + 8, LE),
      pid: dv.getUint32(off + 12, LE),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    // The last message of a datagram may omit its alignment padding.
    off = Math.min(off + align4(len), buf.length);
  }
  return off;
}

/**
 * An incremental decoder: `push(chunk)` returns the messages completed by the chunk and keeps a partial
 * message for the next push; `end()` asserts nothing is left over. For byte streams cut at arbitrary points
 * (captures, fuzzing); a netlink socket delivers whole datagrams, for which {@link splitMessages} suffices.
 */
export class NetlinkDecoder {
  #pending: Uint8Array = new Uint8Array(0);
  readonly #max: number;

  constructor(options: SplitOptions = {}) {
    this.#max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
  }

  /**
   * Adds bytes; returns every message now complete (payloads are copies, safe to keep).
   * @throws NetlinkDecodeError `ERR_NETLINK_MALFORMED` for an impossible `nlmsg_len`.
   */
  push(chunk: Uint8Array): NetlinkMessage[] {
    const buf = this.#pending.length === 0 ? new Uint8Array(chunk) : concat(this.#pending, chunk);
    const out: NetlinkMessage[] = [];
    const consumed = scanMessages(buf, this.#max, out);
    this.#pending = buf.slice(consumed);
    return out;
  }

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.#pending.length;
  }

  /** @throws NetlinkDecodeError `ERR_NETLINK_TRUNCATED` if a partial message is left. */
  end(): void {
    const n = this.#pending.length;
    if (n === 0) return;
    if (n < NLMSG_HDRLEN) throw truncated('message header', 0, NLMSG_HDRLEN, n);
    throw truncated('message', 0, view(this.#pending).getUint32(0, LE), n);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Calls `fn(type, start, end)` for each attribute in `buf[start, end)`; `type` has the NESTED and
 * NET_BYTEORDER bits masked off. The payload is `buf.subarray(start, end)`.
 * @throws NetlinkDecodeError on an attribute whose `nla_len` is below 4 or runs past `end`.
 */
export function forEachAttribute(
  buf: Uint8Array,
  start: number,
  end: number,
  fn: (type: number, valueStart: number, valueEnd: number) => void,
): void {
  const dv = view(buf);
  let off = start;
  while (end - off >= NLA_HDRLEN) {
    const len = dv.getUint16(off, LE);
    if (len < NLA_HDRLEN) throw malformed('attribute length', off, { length: len, min: NLA_HDRLEN });
    if (off + len > end) throw truncated('attribute', off, len, end - off);
    fn(dv.getUint16(off + 2, LE) & NLA_TYPE_MASK, off + NLA_HDRLEN, off + len);
    off += align4(len);
  }
  // 1..3 bytes left over cannot be an attribute header (the kernel's nla_parse warns about them too).
  if (off < end) throw truncated('attribute header', off, NLA_HDRLEN, end - off);
}

/** The attributes of `buf[start, end)` by type (a repeated type keeps the last; values are views). */
export function parseAttributes(buf: Uint8Array, start = 0, end = buf.length): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  forEachAttribute(buf, start, end, (type, s, e) => {
    out.set(type, buf.subarray(s, e));
  });
  return out;
}

function need(value: Uint8Array, n: number, what: string): DataView {
  if (value.length < n) throw truncated(what, 0, n, value.length);
  return view(value);
}

/** A u8 attribute value. */
export function readU8(value: Uint8Array, what = 'u8 attribute'): number {
  return need(value, 1, what).getUint8(0);
}

/** A host-order u16 attribute value. */
export function readU16(value: Uint8Array, what = 'u16 attribute'): number {
  return need(value, 2, what).getUint16(0, LE);
}

/** A host-order u32 attribute value. */
export function readU32(value: Uint8Array, what = 'u32 attribute'): number {
  return need(value, 4, what).getUint32(0, LE);
}

/** A host-order s32 attribute value. */
export function readS32(value: Uint8Array, what = 's32 attribute'): number {
  return need(value, 4, what).getInt32(0, LE);
}

/** A NUL-terminated (or unterminated) string attribute value. */
export function readString(value: Uint8Array): string {
  const nul = value.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? value : value.subarray(0, nul));
}

/** Host-order integer readers over a message payload, for family headers. */
export function payloadView(payload: Uint8Array, size: number, what: string): DataView {
  return need(payload, size, what);
}

/** Whether a message is `NLMSG_ERROR`. */
export function isError(msg: NetlinkMessage): boolean {
  return msg.type === NlmsgType.ERROR;
}

/**
 * Decodes the payload of an `NLMSG_ERROR` (netlink(7) `struct nlmsgerr`: s32 error, then the request's
 * header, then — unless `NLM_F_CAPPED` — the rest of the request, then extended-ack TLVs when
 * `NLM_F_ACK_TLVS`).
 * @throws NetlinkDecodeError if shorter than 20 bytes.
 */
export function decodeAck(msg: NetlinkMessage): NetlinkAck {
  const p = msg.payload;
  const dv = need(p, 4 + NLMSG_HDRLEN, 'nlmsgerr');
  const error = dv.getInt32(0, LE);
  const request = {
    length: dv.getUint32(4, LE),
    type: dv.getUint16(8, LE),
    flags: dv.getUint16(10, LE),
    seq: dv.getUint32(12, LE),
    pid: dv.getUint32(16, LE),
  };
  const ack: NetlinkAck = { error, request };
  if ((msg.flags & NlmFlags.ACK_TLVS) !== 0) {
    const capped = (msg.flags & NlmFlags.CAPPED) !== 0 || error === 0;
    const tlvStart = 4 + (capped ? NLMSG_HDRLEN : align4(Math.max(request.length, NLMSG_HDRLEN)));
    if (tlvStart <= p.length) {
      forEachAttribute(p, tlvStart, p.length, (type, s, e) => {
        if (type === NlmsgerrAttr.MSG) ack.extackMessage = readString(p.subarray(s, e));
        else if (type === NlmsgerrAttr.OFFS && e - s >= 4) ack.extackOffset = readU32(p.subarray(s, e));
      });
    }
  }
  return ack;
}

/** Copies bytes out of a view (so decoded objects never alias a receive buffer). */
export function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  // A plain Uint8Array copy even when `buf` is a Node Buffer (whose slice() would share memory).
  return new Uint8Array(buf.subarray(start, end));
}
