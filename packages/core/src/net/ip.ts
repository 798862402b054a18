import { Address4, Address6 } from 'ip-address';
import { NetError, NetErrorCode } from './net-error.js';

/** An address family: 4 for IPv4 (RFC 791), 6 for IPv6 (RFC 8200). */
export type IpFamily = 4 | 6;

/** Bits in an address of the family. */
export function familyBits(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

const MAX: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/**
 * An immutable IPv4 or IPv6 address held as a 128-bit-safe `bigint`. Text is parsed and validated by the
 * `ip-address` package; the text form is canonical (dotted quad for IPv4, RFC 5952 compressed for IPv6).
 */
export class IpAddress {
  /** The address family. */
  readonly family: IpFamily;
  /** The address as an unsigned integer (network byte order read as a big-endian number). */
  readonly value: bigint;
  #text: string | undefined;

  private constructor(family: IpFamily, value: bigint) {
    this.family = family;
    this.value = value;
  }

  /**
   * Parses an IPv4 (`192.0.2.1`) or IPv6 (`2001:db8::1`, `::ffff:192.0.2.1`) address.
   * Rejects leading zeros, prefixes, zone ids and surrounding blanks.
   * @throws NetError `ERR_IP_INVALID` naming the input.
   */
  static parse(text: string): IpAddress {
    if (typeof text !== 'string' || text.length === 0 || text.includes('/') || text.includes('%')) {
      throw invalidAddress(text);
    }
    try {
      if (text.includes(':')) return new IpAddress(6, new Address6(text).bigInt());
      return new IpAddress(4, new Address4(text).bigInt());
    } catch (cause) {
      throw invalidAddress(text, cause);
    }
  }

  /** Whether `text` is a valid address of either family. */
  static isValid(text: string): boolean {
    try {
      IpAddress.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The address with the given integer value.
   * @throws NetError `ERR_CIDR_OUT_OF_RANGE` if the value does not fit the family.
   */
  static fromBigInt(value: bigint, family: IpFamily): IpAddress {
    if (value < 0n || value > MAX[family]) {
      throw new NetError(NetErrorCode.OutOfRange, `${value} is not an IPv${family} address value`, {
        input: value.toString(),
        family,
      });
    }
    return new IpAddress(family, value);
  }

  /**
   * The address in network byte order: 4 bytes are IPv4, 16 are IPv6.
   * @throws NetError `ERR_IP_INVALID` for any other length.
   */
  static fromBytes(bytes: Uint8Array): IpAddress {
    if (bytes.length !== 4 && bytes.length !== 16) {
      throw new NetError(NetErrorCode.InvalidAddress, `an address has 4 or 16 bytes, not ${bytes.length}`, {
        input: Array.from(bytes),
      });
    }
    if (bytes.length === 4) {
      // One bigint conversion instead of four shifts: BGP decodes a million of these for a full table.
      return new IpAddress(
        4,
        BigInt(((bytes[0]! << 24) >>> 0) + (bytes[1]! << 16) + (bytes[2]! << 8) + bytes[3]!),
      );
    }
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    return new IpAddress(6, v);
  }

  /** Bits in this address: 32 or 128. */
  get bits(): 32 | 128 {
    return familyBits(this.family);
  }

  /** The address in network byte order (4 or 16 bytes). */
  toBytes(): Uint8Array {
    if (this.family === 4) {
      // One bigint conversion instead of four masks and shifts (BGP encodes a full table of these).
      const v = Number(this.value);
      return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    }
    const n = 16;
    const out = new Uint8Array(n);
    let v = this.value;
    for (let i = n - 1; i >= 0; i--) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }

  /** The address `n` further on (negative goes back). @throws NetError `ERR_CIDR_OUT_OF_RANGE` past the family's ends. */
  add(n: bigint | number): IpAddress {
    return IpAddress.fromBigInt(this.value + BigInt(n), this.family);
  }

  /** Same family and value. */
  equals(other: IpAddress): boolean {
    return this.family === other.family && this.value === other.value;
  }

  /** Orders IPv4 before IPv6, then by value. */
  static compare(a: IpAddress, b: IpAddress): number {
    if (a.family !== b.family) return a.family - b.family;
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  }

  /** Canonical text: `192.0.2.1`, `2001:db8::1` (RFC 5952). */
  toString(): string {
    if (this.#text === undefined) {
      this.#text =
        this.family === 4 ? formatV4(Number(this.value)) : Address6.fromBigInt(this.value).correctForm();
    }
    return this.#text;
  }

  toJSON(): string {
    return this.toString();
  }
}

function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function invalidAddress(text: unknown, cause?: unknown): NetError {
  return new NetError(
    NetErrorCode.InvalidAddress,
    `invalid IP address ${JSON.stringify(text)}`,
    { input: text },
    cause,
  );
}
