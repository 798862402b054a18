import { Cidr, IpAddress } from '@edgeway/core';
import type { Family } from './types.js';

const V6 = 0x100;

/**
 * A compact Map key for a prefix, cheap enough for a million routes: IPv4 is 3 UTF-16 code units (prefix
 * length, high and low 16 bits of the network, read without bigint arithmetic beyond one `Number()`), IPv6 is
 * one code unit then the network in hex. Keys are opaque (not printable); {@link prefixFromKey} inverts them.
 */
export function prefixKey(c: Cidr): string {
  const net = c.network;
  if (net.family === 4) {
    const v = Number(net.value);
    return String.fromCharCode(c.prefixLength, v >>> 16, v & 0xffff);
  }
  return String.fromCharCode(V6 + c.prefixLength) + net.value.toString(16);
}

/** The family of a {@link prefixKey} key. */
export function keyFamily(key: string): Family {
  return key.charCodeAt(0) >= V6 ? 'ipv6' : 'ipv4';
}

/** The prefix a {@link prefixKey} key stands for (allocates; not for hot paths). */
export function prefixFromKey(key: string): Cidr {
  const head = key.charCodeAt(0);
  if (head >= V6) {
    return Cidr.of(IpAddress.fromBigInt(BigInt(`0x${key.slice(1)}`), 6), head - V6);
  }
  const v = key.charCodeAt(1) * 0x10000 + key.charCodeAt(2);
  return Cidr.of(IpAddress.fromBigInt(BigInt(v), 4), head);
}
