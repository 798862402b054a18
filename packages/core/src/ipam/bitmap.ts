const FULL = -1; // a Uint32 word with every bit set, read back through `| 0`

/** Index of the lowest set bit of a non-zero 32-bit value. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * A fixed-size bitmap over `0..size-1` (size ≤ 2^30) with a second level that marks full words, so finding the
 * first clear bit skips 1,024 set bits per summary word. All math is on 32-bit integers: no `bigint`, no strings,
 * no allocation per operation. The dense backing of {@link AddressPool} for blocks up to 2^24 addresses.
 * @internal
 */
export class Bitmap {
  readonly size: number;
  readonly #words: Uint32Array;
  /** Bit `w` set when word `w` is full. */
  readonly #full: Uint32Array;
  #count = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 30)
      throw new RangeError(`bad bitmap size ${size}`);
    this.size = size;
    const words = Math.ceil(size / 32);
    this.#words = new Uint32Array(words);
    this.#full = new Uint32Array(Math.ceil(words / 32));
    // Bits past the end are permanently set so they are never found clear.
    const tail = size & 31;
    if (tail !== 0) {
      this.#words[words - 1] = ~((1 << tail) - 1) >>> 0;
    }
  }

  /** Number of set bits in `0..size-1`. */
  get count(): number {
    return this.#count;
  }

  has(i: number): boolean {
    return ((this.#words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** Sets bit `i`; returns false if it was already set. */
  set(i: number): boolean {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    const words = this.#words;
    const old = words[w]!;
    if ((old & bit) !== 0) return false;
    const now = old | bit;
    words[w] = now;
    this.#count++;
    if ((now | 0) === FULL) this.#full[w >>> 5]! |= 1 << (w & 31);
    return true;
  }

  /** Clears bit `i`; returns false if it was already clear. */
  clear(i: number): boolean {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    const words = this.#words;
    const old = words[w]!;
    if ((old & bit) === 0) return false;
    words[w] = old & ~bit;
    this.#count--;
    this.#full[w >>> 5]! &= ~(1 << (w & 31));
    return true;
  }

  /** Sets every bit of `[a, b]`. */
  setRange(a: number, b: number): void {
    for (let i = a; i <= b; i++) this.set(i);
  }

  /** The first clear bit in `[a, b]`, or -1. */
  firstClear(a: number, b: number): number {
    if (a > b) return -1;
    const words = this.#words;
    const full = this.#full;
    let w = a >>> 5;
    const first = words[w]! | ((1 << (a & 31)) - 1) | 0;
    if (first !== FULL) {
      const i = (w << 5) + lowestBit(~first);
      return i <= b ? i : -1;
    }
    w++;
    const lastWord = b >>> 5;
    while (w <= lastWord) {
      const s = w >>> 5;
      const summary = full[s]! | ((1 << (w & 31)) - 1) | 0;
      if (summary === FULL) {
        w = (s + 1) << 5;
        continue;
      }
      w = (s << 5) + lowestBit(~summary);
      if (w > lastWord) return -1;
      const i = (w << 5) + lowestBit(~(words[w]! | 0));
      return i <= b ? i : -1;
    }
    return -1;
  }
}
