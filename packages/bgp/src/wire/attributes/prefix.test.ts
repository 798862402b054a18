import { Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { BgpError } from '../bgp-error.js';
import { ByteWriter } from '../bytes.js';
import { decodePrefixes, encodePrefixes } from './prefix.js';

const CTX = { code: 3, subcode: 10, action: 'treat-as-withdraw' as const };
const encode = (ps: readonly Cidr[]) => {
  const w = new ByteWriter();
  encodePrefixes(w, ps);
  return w.finish();
};
const decode = (b: Uint8Array, family: 4 | 6 = 4) => decodePrefixes(b, 0, b.length, family, CTX);

describe('IPv4 prefix codec (RFC 4271 §4.3)', () => {
  it('round-trips every length, top bit set or not, in the fewest octets', () => {
    for (const text of ['255.255.255.255', '128.0.0.1', '10.1.2.3', '0.0.0.0', '198.51.100.254']) {
      const ps = Array.from({ length: 33 }, (_, len) => Cidr.of(IpAddress.parse(text), len));
      const wire = encode(ps);
      expect(wire.length).toBe(ps.reduce((n, p) => n + 1 + ((p.prefixLength + 7) >> 3), 0));
      const back = decode(wire);
      expect(back.map(String)).toEqual(ps.map(String));
      expect(back.every((c, i) => c.network.value === ps[i]!.network.value && c.family === 4)).toBe(true);
    }
  });

  it('writes length then the significant octets', () => {
    expect(
      Array.from(encode([Cidr.parse('0.0.0.0/0'), Cidr.parse('10.128.0.0/9'), Cidr.parse('192.0.2.1/32')])),
    ).toEqual([0, 9, 10, 128, 32, 192, 0, 2, 1]);
  });

  it('clears trailing bits past the length in the last octet, as the generic path does', () => {
    const back = decode(Uint8Array.of(23, 10, 1, 0xff, 1, 0xff, 0));
    expect(back.map(String)).toEqual(['10.1.254.0/23', '128.0.0.0/1', '0.0.0.0/0']);
  });

  it('rejects a length over 32 and a truncated prefix', () => {
    expect(() => decode(Uint8Array.of(33, 1, 2, 3, 4, 5))).toThrow(BgpError);
    expect(() => decode(Uint8Array.of(24, 10, 1))).toThrow(/truncated/);
  });

  it('leaves IPv6 as it was', () => {
    const ps = [Cidr.parse('2001:db8::/32'), Cidr.parse('::/0'), Cidr.parse('fd00:1:2:8::/61')];
    expect(decode(encode(ps), 6).map(String)).toEqual(ps.map(String));
  });
});
