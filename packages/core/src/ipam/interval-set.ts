/**
 * A set of non-negative integers held as sorted, disjoint, non-adjacent inclusive intervals of `bigint`.
 *
 * It is the free-index structure behind the subnet allocator and sparse (IPv6 /64) address pools: membership,
 * insertion, removal and "first absent value at or after x" cost O(log n) comparisons (n = number of runs, not
 * of members) plus an array splice, so a /48 cut into /64s or a /64 of addresses is never walked value by value.
 * @internal
 */
export class IntervalSet {
  readonly #lo: bigint[] = [];
  readonly #hi: bigint[] = [];
  #size = 0n;

  /** Number of members. */
  get size(): bigint {
    return this.#size;
  }

  /** Number of runs (disjoint intervals). */
  get runs(): number {
    return this.#lo.length;
  }

  /** Whether `v` is a member. */
  has(v: bigint): boolean {
    const i = this.#floor(v);
    return i >= 0 && this.#hi[i]! >= v;
  }

  /** Adds `v`; returns false if it was already a member. */
  add(v: bigint): boolean {
    return this.addRange(v, v) > 0n;
  }

  /** Adds every value of `[lo, hi]`; returns how many were new. */
  addRange(lo: bigint, hi: bigint): bigint {
    if (hi < lo) return 0n;
    const los = this.#lo;
    const his = this.#hi;
    // First run that touches or follows [lo, hi] (its end + 1 >= lo).
    let first = this.#floor(lo);
    if (first < 0 || his[first]! + 1n < lo) first++;
    let last = first - 1;
    let newLo = lo;
    let newHi = hi;
    let covered = 0n;
    for (let j = first; j < los.length && los[j]! <= hi + 1n; j++) {
      last = j;
      if (los[j]! < newLo) newLo = los[j]!;
      if (his[j]! > newHi) newHi = his[j]!;
      const a = los[j]! > lo ? los[j]! : lo;
      const b = his[j]! < hi ? his[j]! : hi;
      if (b >= a) covered += b - a + 1n;
    }
    los.splice(first, last - first + 1, newLo);
    his.splice(first, last - first + 1, newHi);
    const added = hi - lo + 1n - covered;
    this.#size += added;
    return added;
  }

  /** Removes `v`; returns false if it was not a member. */
  delete(v: bigint): boolean {
    const i = this.#floor(v);
    if (i < 0) return false;
    const lo = this.#lo[i]!;
    const hi = this.#hi[i]!;
    if (hi < v) return false;
    if (lo === v && hi === v) {
      this.#lo.splice(i, 1);
      this.#hi.splice(i, 1);
    } else if (lo === v) {
      this.#lo[i] = v + 1n;
    } else if (hi === v) {
      this.#hi[i] = v - 1n;
    } else {
      this.#hi[i] = v - 1n;
      this.#lo.splice(i + 1, 0, v + 1n);
      this.#hi.splice(i + 1, 0, hi);
    }
    this.#size--;
    return true;
  }

  /** The smallest non-member in `[from, limit]`, or `undefined` if all are members. */
  firstAbsent(from: bigint, limit: bigint): bigint | undefined {
    if (from > limit) return undefined;
    const i = this.#floor(from);
    if (i < 0 || this.#hi[i]! < from) return from;
    // Runs are non-adjacent, so the value right after this run is absent.
    const next = this.#hi[i]! + 1n;
    return next <= limit ? next : undefined;
  }

  /** Number of members in `[lo, hi]`. */
  countIn(lo: bigint, hi: bigint): bigint {
    let n = 0n;
    let i = this.#floor(lo);
    if (i < 0) i = 0;
    for (; i < this.#lo.length && this.#lo[i]! <= hi; i++) {
      const a = this.#lo[i]! > lo ? this.#lo[i]! : lo;
      const b = this.#hi[i]! < hi ? this.#hi[i]! : hi;
      if (b >= a) n += b - a + 1n;
    }
    return n;
  }

  /** The runs, lowest first, as `[lo, hi]` pairs. */
  *intervals(): Generator<[bigint, bigint]> {
    for (let i = 0; i < this.#lo.length; i++) yield [this.#lo[i]!, this.#hi[i]!];
  }

  /** Index of the last run starting at or before `v`, or -1. */
  #floor(v: bigint): number {
    const los = this.#lo;
    let a = 0;
    let b = los.length - 1;
    let found = -1;
    while (a <= b) {
      const m = (a + b) >>> 1;
      if (los[m]! <= v) {
        found = m;
        a = m + 1;
      } else {
        b = m - 1;
      }
    }
    return found;
  }
}

/** The larger of two bigints (`Math.max` does not take them). @internal */
export function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** The smaller of two bigints. @internal */
export function bigMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
