import { BgpError, type ErrorAction } from './bgp-error.js';

/** A growable byte writer (network byte order). */
export class ByteWriter {
  #buf: Uint8Array;
  #len = 0;

  constructor(initial = 64) {
    this.#buf = new Uint8Array(initial);
  }

  get length(): number {
    return this.#len;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  u8(v: number): this {
    this.#ensure(1);
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.#ensure(2);
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    this.#ensure(4);
    this.#buf[this.#len++] = (v >>> 24) & 0xff;
    this.#buf[this.#len++] = (v >>> 16) & 0xff;
    this.#buf[this.#len++] = (v >>> 8) & 0xff;
    this.#buf[this.#len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.#ensure(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  /** Overwrites a 16-bit value already written at `offset`. */
  setU16(offset: number, v: number): void {
    this.#buf[offset] = (v >>> 8) & 0xff;
    this.#buf[offset + 1] = v & 0xff;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

/** How a reader reports running out of bytes. */
export interface ShortError {
  code: number;
  subcode: number;
  action?: ErrorAction;
}

/** A bounds-checked reader; running past the end throws the given {@link BgpError}. */
export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  readonly short: ShortError;

  constructor(buf: Uint8Array, short: ShortError, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.short = short;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new BgpError(
        `truncated ${what}: need ${n} bytes, have ${this.end - this.pos}`,
        { code: this.short.code, subcode: this.short.subcode },
        this.short.action === undefined ? {} : { action: this.short.action },
      );
    }
  }

  u8(what = 'field'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'field'): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what = 'field'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  bytes(n: number, what = 'field'): Uint8Array {
    this.need(n, what);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** Reads a big-endian unsigned integer of up to 4 bytes. */
export function readUint(b: Uint8Array, off: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[off + i]!;
  return v;
}

/** Formats 4 bytes as dotted quad. */
export function ipv4ToString(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
