import { describe, expect, it } from 'vitest';
import { IntervalSet } from './interval-set.js';

describe('IntervalSet', () => {
  it('merges adjacent and overlapping runs', () => {
    const s = new IntervalSet();
    expect(s.add(5n)).toBe(true);
    expect(s.add(7n)).toBe(true);
    expect(s.runs).toBe(2);
    expect(s.add(6n)).toBe(true); // bridges 5 and 7
    expect([...s.intervals()]).toEqual([[5n, 7n]]);
    expect(s.add(6n)).toBe(false);
    expect(s.addRange(0n, 10n)).toBe(8n);
    expect([...s.intervals()]).toEqual([[0n, 10n]]);
    expect(s.size).toBe(11n);
  });

  it('splits a run on delete', () => {
    const s = new IntervalSet();
    s.addRange(10n, 20n);
    expect(s.delete(15n)).toBe(true);
    expect([...s.intervals()]).toEqual([
      [10n, 14n],
      [16n, 20n],
    ]);
    expect(s.delete(10n)).toBe(true);
    expect(s.delete(20n)).toBe(true);
    expect(s.delete(99n)).toBe(false);
    expect(s.delete(15n)).toBe(false);
    expect([...s.intervals()]).toEqual([
      [11n, 14n],
      [16n, 19n],
    ]);
    expect(s.size).toBe(8n);
  });

  it('finds the first absent value without walking members', () => {
    const s = new IntervalSet();
    s.addRange(0n, (1n << 64n) - 2n);
    expect(s.firstAbsent(0n, (1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
    expect(s.firstAbsent(0n, (1n << 64n) - 2n)).toBeUndefined();
    expect(s.firstAbsent(5n, 4n)).toBeUndefined();
    expect(new IntervalSet().firstAbsent(3n, 9n)).toBe(3n);
  });

  it('counts members in a window', () => {
    const s = new IntervalSet();
    s.addRange(0n, 9n);
    s.addRange(20n, 29n);
    expect(s.countIn(5n, 24n)).toBe(10n);
    expect(s.countIn(10n, 19n)).toBe(0n);
  });

  it('agrees with a Set on random operations', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const s = new IntervalSet();
    const model = new Set<number>();
    for (let step = 0; step < 5000; step++) {
      const v = rand(200);
      const op = rand(4);
      if (op === 0) {
        expect(s.delete(BigInt(v))).toBe(model.delete(v));
      } else if (op === 1) {
        const hi = v + rand(10);
        let added = 0;
        for (let i = v; i <= hi; i++) {
          if (!model.has(i)) {
            model.add(i);
            added++;
          }
        }
        expect(s.addRange(BigInt(v), BigInt(hi))).toBe(BigInt(added));
      } else {
        expect(s.add(BigInt(v))).toBe(!model.has(v));
        model.add(v);
      }
      const from = rand(200);
      let expected: number | undefined;
      for (let i = from; i <= 210; i++) {
        if (!model.has(i)) {
          expected = i;
          break;
        }
      }
      expect(s.firstAbsent(BigInt(from), 210n)).toBe(expected === undefined ? undefined : BigInt(expected));
      expect(s.has(BigInt(v))).toBe(model.has(v));
    }
    expect(s.size).toBe(BigInt(model.size));
    // Runs stay sorted, disjoint and non-adjacent.
    let prev = -2n;
    for (const [lo, hi] of s.intervals()) {
      expect(lo > prev + 1n).toBe(true);
      expect(hi >= lo).toBe(true);
      prev = hi;
    }
  });
});
