import { Cidr, IpAddress } from '@edgeway/core';
import { BgpError, type ErrorAction } from '../bgp-error.js';
import type { ByteWriter } from '../bytes.js';

/** Address family identifiers (IANA; RFC 4760 §3). */
export const Afi = { Ipv4: 1, Ipv6: 2 } as const;
/** Subsequent address family identifiers (IANA; RFC 4760 §3). */
export const Safi = { Unicast: 1 } as const;

/** Where a prefix decode error is reported. */
export interface PrefixErrorContext {
  readonly code: number;
  readonly subcode: number;
  readonly action: ErrorAction;
}

/**
 * Decodes a run of `length, prefix` pairs (RFC 4271 §4.3, RFC 4760 §5).
 * @throws BgpError with `ctx` when a length exceeds the family's bits or a prefix is truncated.
 */
export function decodePrefixes(
  buf: Uint8Array,
  start: number,
  end: number,
  family: 4 | 6,
  ctx: PrefixErrorContext,
): Cidr[] {
  const out: Cidr[] = [];
  const max = family === 4 ? 32 : 128;
  const size = family === 4 ? 4 : 16;
  let p = start;
  while (p < end) {
    const len = buf[p++]!;
    if (len > max) {
      throw new BgpError(`prefix length ${len} exceeds ${max}`, ctx, { action: ctx.action });
    }
    const n = (len + 7) >> 3;
    if (p + n > end) {
      throw new BgpError(`prefix /${len} truncated`, ctx, { action: ctx.action });
    }
    if (family === 4) {
      // 32-bit math and one bigint conversion; host bits in the last octet are cleared (Cidr.of keeps the address).
      let v = 0;
      for (let i = 0; i < 4; i++) v = (v << 8) | (i < n ? buf[p + i]! : 0);
      p += n;
      const net = len === 0 ? 0 : (v & (-1 << (32 - len))) >>> 0;
      out.push(Cidr.of(IpAddress.fromBigInt(BigInt(net), 4), len));
      continue;
    }
    const bytes = new Uint8Array(size);
    bytes.set(buf.subarray(p, p + n));
    p += n;
    out.push(Cidr.of(IpAddress.fromBytes(bytes), len));
  }
  return out;
}

/** Encodes prefixes as `length, prefix` pairs (RFC 4271 §4.3). */
export function encodePrefixes(w: ByteWriter, prefixes: readonly Cidr[]): void {
  for (const c of prefixes) {
    const len = c.prefixLength;
    if (c.network.family === 4) {
      // Straight from one Number(): no bigint shifts, no byte array per prefix.
      const v = Number(c.network.value);
      w.u8(len);
      if (len > 0) w.u8(v >>> 24);
      if (len > 8) w.u8(v >>> 16);
      if (len > 16) w.u8(v >>> 8);
      if (len > 24) w.u8(v);
      continue;
    }
    const bytes = c.network.toBytes();
    w.u8(len).bytes(bytes.subarray(0, (len + 7) >> 3));
  }
}
