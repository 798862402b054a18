import { describe, expect, it } from 'vitest';
import { aggregate, rangeToCidrs } from './aggregate.js';
import { Cidr } from './cidr.js';
import { IpAddress } from './ip.js';

const cs = (...s: string[]) => s.map((x) => Cidr.parse(x));
const strs = (l: Cidr[]) => l.map(String);

describe('aggregate', () => {
  it('merges adjacent halves into their parent', () => {
    expect(strs(aggregate(cs('10.0.0.128/25', '10.0.0.0/25')))).toEqual(['10.0.0.0/24']);
  });

  it('drops blocks nested in others and duplicates', () => {
    expect(strs(aggregate(cs('10.0.0.0/16', '10.0.4.0/24', '10.0.0.0/16')))).toEqual(['10.0.0.0/16']);
  });

  it('keeps an exact cover when a range is not one block', () => {
    // 10.0.1.0 - 10.0.3.255 is not aligned: /24 + /23
    expect(strs(aggregate(cs('10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24')))).toEqual([
      '10.0.1.0/24',
      '10.0.2.0/23',
    ]);
  });

  it('does not merge non-adjacent blocks or families', () => {
    expect(strs(aggregate(cs('2001:db8::/33', '10.0.0.0/24', '10.0.2.0/24', '2001:db8:8000::/33')))).toEqual([
      '10.0.0.0/24',
      '10.0.2.0/24',
      '2001:db8::/32',
    ]);
  });

  it('covers exactly the input addresses (property check over random IPv4 sets)', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      const input: Cidr[] = [];
      for (let i = 0; i < 20; i++) {
        const len = 26 + (rnd() % 7);
        input.push(Cidr.of(IpAddress.fromBigInt(BigInt(0x0a000000 + (rnd() % 1024)), 4), len));
      }
      const out = aggregate(input);
      const inSet = new Set<bigint>();
      for (const c of input) for (let v = c.start; v <= c.end; v++) inSet.add(v);
      const outSet = new Set<bigint>();
      for (const c of out) for (let v = c.start; v <= c.end; v++) outSet.add(v);
      expect(outSet).toEqual(inSet);
      // Fewest: no two output blocks overlap or could merge into one.
      for (let i = 1; i < out.length; i++) {
        const a = out[i - 1]!;
        const b = out[i]!;
        expect(a.end < b.start).toBe(true);
        if (a.prefixLength === b.prefixLength && a.end + 1n === b.start) {
          expect(Cidr.of(a.network, a.prefixLength - 1).equals(Cidr.of(b.network, b.prefixLength - 1))).toBe(
            false,
          );
        }
      }
    }
  });
});

describe('rangeToCidrs', () => {
  it('covers a whole family range with one block', () => {
    expect(strs(rangeToCidrs(0n, (1n << 128n) - 1n, 6))).toEqual(['::/0']);
  });
  it('splits an unaligned range', () => {
    expect(strs(rangeToCidrs(1n, 6n, 4))).toEqual(['0.0.0.1/32', '0.0.0.2/31', '0.0.0.4/31', '0.0.0.6/32']);
  });
});
