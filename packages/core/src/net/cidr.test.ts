import { describe, expect, it } from 'vitest';
import { catchError } from '../testing/catch-error.test-support.js';
import { Cidr, parseInterfaceAddress } from './cidr.js';
import { IpAddress } from './ip.js';

const c = (s: string) => Cidr.parse(s);

describe('Cidr.parse', () => {
  it('gives the canonical form', () => {
    expect(c('10.0.0.0/16').toString()).toBe('10.0.0.0/16');
    expect(c('2001:DB8:0::/32').toString()).toBe('2001:db8::/32');
    expect(c('0.0.0.0/0').size).toBe(1n << 32n);
    expect(c('::/0').size).toBe(1n << 128n);
  });

  it('rejects host bits in strict mode and names the block meant', () => {
    const err = catchError(() => c('10.0.0.1/16'));
    expect(err.code).toBe('ERR_CIDR_HOST_BITS');
    expect(err.details).toMatchObject({ input: '10.0.0.1/16', expected: '10.0.0.0/16' });
    expect(Cidr.parse('10.0.0.1/16', { strict: false }).toString()).toBe('10.0.0.0/16');
  });

  it.each([
    ['10.0.0.0', 'ERR_CIDR_INVALID'],
    ['10.0.0.0/', 'ERR_CIDR_INVALID'],
    ['10.0.0.0/08', 'ERR_CIDR_INVALID'],
    ['10.0.0.0/-1', 'ERR_CIDR_INVALID'],
    ['10.0.0.0/16/2', 'ERR_CIDR_INVALID'],
    ['10.0.0/16', 'ERR_CIDR_INVALID'],
    ['10.0.0.0/33', 'ERR_CIDR_PREFIX_RANGE'],
    ['2001:db8::/129', 'ERR_CIDR_PREFIX_RANGE'],
    ['2001:db8::/1000', 'ERR_CIDR_INVALID'],
  ])('rejects %j with %s', (text, code) => {
    const err = catchError(() => c(text));
    expect(err.code).toBe(code);
    expect(err.details.input).toBe(text);
    expect(err.message).toContain(text);
  });

  it('splits an interface address into the address and its block', () => {
    const { address, cidr } = parseInterfaceAddress('198.51.100.7/24');
    expect(address.toString()).toBe('198.51.100.7');
    expect(cidr.toString()).toBe('198.51.100.0/24');
  });
});

describe('Cidr math', () => {
  it('knows first, last and usable addresses (RFC 3021 /31, RFC 6164 /127)', () => {
    const v4 = c('10.0.1.0/24');
    expect([v4.first(), v4.last(), v4.firstUsable(), v4.lastUsable()].map(String)).toEqual([
      '10.0.1.0',
      '10.0.1.255',
      '10.0.1.1',
      '10.0.1.254',
    ]);
    const p2p = c('10.0.0.0/31');
    expect([p2p.firstUsable(), p2p.lastUsable()].map(String)).toEqual(['10.0.0.0', '10.0.0.1']);
    const h = c('10.0.0.9/32');
    expect([h.firstUsable(), h.lastUsable()].map(String)).toEqual(['10.0.0.9', '10.0.0.9']);
    const v6 = c('2001:db8::/64');
    expect([v6.firstUsable(), v6.lastUsable()].map(String)).toEqual([
      '2001:db8::1',
      '2001:db8::ffff:ffff:ffff:ffff',
    ]);
    const l6 = c('2001:db8::/127');
    expect([l6.firstUsable(), l6.lastUsable()].map(String)).toEqual(['2001:db8::', '2001:db8::1']);
  });

  it('contains addresses and blocks of its own family only', () => {
    const seed = c('10.0.0.0/16');
    expect(seed.contains(IpAddress.parse('10.0.255.255'))).toBe(true);
    expect(seed.contains(IpAddress.parse('10.1.0.0'))).toBe(false);
    expect(seed.contains(c('10.0.4.0/24'))).toBe(true);
    expect(seed.contains(c('10.0.0.0/8'))).toBe(false);
    expect(c('::/0').contains(IpAddress.parse('10.0.0.1'))).toBe(false);
  });

  it('detects overlap for nested, equal and disjoint blocks', () => {
    expect(c('10.0.0.0/16').overlaps(c('10.0.3.0/24'))).toBe(true);
    expect(c('10.0.3.0/24').overlaps(c('10.0.0.0/16'))).toBe(true);
    expect(c('10.0.0.0/16').overlaps(c('10.1.0.0/16'))).toBe(false);
    expect(c('192.168.0.0/16').overlaps(c('10.0.0.0/16'))).toBe(false);
    expect(c('0.0.0.0/0').overlaps(c('::/0'))).toBe(false);
  });

  it('sorts by family, address, then larger block first', () => {
    const list = ['10.0.1.0/24', '2001:db8::/32', '10.0.0.0/16', '10.0.0.0/24', '9.0.0.0/8'].map(c);
    list.sort(Cidr.compare);
    expect(list.map(String)).toEqual([
      '9.0.0.0/8',
      '10.0.0.0/16',
      '10.0.0.0/24',
      '10.0.1.0/24',
      '2001:db8::/32',
    ]);
  });

  it('splits into subnets and finds the nth one, also past 2^64 in IPv6', () => {
    expect(Array.from(c('10.0.0.0/22').subnets(24), String)).toEqual([
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.2.0/24',
      '10.0.3.0/24',
    ]);
    expect(c('10.0.0.0/16').subnetCount(24)).toBe(256n);
    expect(c('10.0.0.0/16').nthSubnet(24, 255).toString()).toBe('10.0.255.0/24');
    const v6 = c('2001:db8::/32');
    expect(v6.subnetCount(128)).toBe(1n << 96n);
    expect(v6.nthSubnet(64, (1n << 32n) - 1n).toString()).toBe('2001:db8:ffff:ffff::/64');
    expect(v6.subnetIndex(c('2001:db8:0:5::/64'))).toBe(5n);
    expect(catchError(() => c('10.0.0.0/16').nthSubnet(24, 256)).code).toBe('ERR_CIDR_OUT_OF_RANGE');
    expect(catchError(() => c('10.0.0.0/16').subnetCount(8)).code).toBe('ERR_CIDR_OUT_OF_RANGE');
  });

  it('iterates addresses and indexes them', () => {
    expect(Array.from(c('10.0.0.4/30').addresses(), String)).toEqual([
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.6',
      '10.0.0.7',
    ]);
    expect(c('10.0.0.0/24').nth(10).toString()).toBe('10.0.0.10');
    expect(c('10.0.0.0/24').indexOf(IpAddress.parse('10.0.0.200'))).toBe(200n);
    expect(catchError(() => c('10.0.0.0/24').nth(256)).code).toBe('ERR_CIDR_OUT_OF_RANGE');
    expect(catchError(() => c('10.0.0.0/24').indexOf(IpAddress.parse('10.0.1.0'))).code).toBe(
      'ERR_CIDR_OUT_OF_RANGE',
    );
  });

  it('finds the supernet', () => {
    expect(c('10.0.37.0/24').supernet(16).toString()).toBe('10.0.0.0/16');
    expect(catchError(() => c('10.0.0.0/16').supernet(24)).code).toBe('ERR_CIDR_OUT_OF_RANGE');
  });
});

describe('Cidr.of IPv4 (32-bit fast path)', () => {
  // The reference: the generic bigint mask.
  const ref = (v: bigint, len: number) => v & ~((1n << BigInt(32 - len)) - 1n) & 0xffffffffn;

  it('clears host bits like the bigint math at every length, top bit set or not', () => {
    for (const text of [
      '255.255.255.255',
      '128.0.0.1',
      '0.0.0.0',
      '198.51.100.254',
      '10.1.2.3',
      '127.255.255.255',
    ]) {
      const a = IpAddress.parse(text);
      for (let len = 0; len <= 32; len++) {
        const block = Cidr.of(a, len);
        expect(block.network.value).toBe(ref(a.value, len));
        expect(block.network.family).toBe(4);
        expect(block.prefixLength).toBe(len);
        expect(block.toString()).toBe(`${block.network.toString()}/${len}`);
      }
    }
  });

  it('keeps the address object when its host bits are clear, and rejects bad lengths', () => {
    const a = IpAddress.parse('10.1.0.0');
    expect(Cidr.of(a, 16).network).toBe(a);
    expect(Cidr.of(a, 15).network).not.toBe(a);
    expect(Cidr.of(IpAddress.parse('255.255.255.255'), 0).toString()).toBe('0.0.0.0/0');
    for (const len of [-1, 33, 1.5, Number.NaN]) {
      const err = catchError(() => Cidr.of(a, len));
      expect(err.code).toBe('ERR_CIDR_PREFIX_RANGE');
    }
  });
});
