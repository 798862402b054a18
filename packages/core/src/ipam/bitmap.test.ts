import { describe, expect, it } from 'vitest';
import { Bitmap } from './bitmap.js';

/** Reference: first clear index in [a, b] of a boolean array. */
function naiveFirstClear(bits: boolean[], a: number, b: number): number {
  for (let i = a; i <= b; i++) if (!bits[i]) return i;
  return -1;
}

describe('Bitmap', () => {
  it('sets, clears and counts', () => {
    const bm = new Bitmap(70);
    expect(bm.set(0)).toBe(true);
    expect(bm.set(0)).toBe(false);
    expect(bm.set(69)).toBe(true);
    expect(bm.has(0)).toBe(true);
    expect(bm.has(1)).toBe(false);
    expect(bm.count).toBe(2);
    expect(bm.clear(0)).toBe(true);
    expect(bm.clear(0)).toBe(false);
    expect(bm.count).toBe(1);
  });

  it('finds the first clear bit across word and summary boundaries', () => {
    const bm = new Bitmap(4096);
    bm.setRange(0, 4094);
    expect(bm.firstClear(0, 4095)).toBe(4095);
    expect(bm.firstClear(0, 4094)).toBe(-1);
    bm.clear(31);
    bm.clear(32);
    bm.clear(1024);
    expect(bm.firstClear(0, 4095)).toBe(31);
    expect(bm.firstClear(32, 4095)).toBe(32);
    expect(bm.firstClear(33, 4095)).toBe(1024);
    expect(bm.firstClear(1025, 4095)).toBe(4095);
    expect(bm.firstClear(5, 4)).toBe(-1);
  });

  it('never reports bits past the end as clear', () => {
    const bm = new Bitmap(33);
    bm.setRange(0, 32);
    expect(bm.firstClear(0, 40)).toBe(-1);
    expect(bm.count).toBe(33);
  });

  it('agrees with a naive model on random operations', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const size of [1, 31, 32, 33, 1023, 1024, 1025, 5000]) {
      const bm = new Bitmap(size);
      const model: boolean[] = new Array(size).fill(false);
      for (let step = 0; step < 4000; step++) {
        const i = rand(size);
        if (rand(3) === 0) {
          expect(bm.clear(i)).toBe(model[i]);
          model[i] = false;
        } else {
          expect(bm.set(i)).toBe(!model[i]);
          model[i] = true;
        }
        const a = rand(size);
        const b = a + rand(size - a);
        expect(bm.firstClear(a, b)).toBe(naiveFirstClear(model, a, b));
      }
      expect(bm.count).toBe(model.filter(Boolean).length);
    }
  });

  it('rejects bad sizes', () => {
    expect(() => new Bitmap(0)).toThrow(RangeError);
    expect(() => new Bitmap(2 ** 31)).toThrow(RangeError);
  });
});
