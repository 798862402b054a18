import { familyBits, IpAddress, type IpFamily } from './ip.js';
import { NetError, NetErrorCode } from './net-error.js';

/** Options of {@link Cidr.parse}. */
export interface CidrParseOptions {
  /**
   * Reject host bits below the prefix (`10.0.0.1/16`) — the default, as a route destination or a pod CIDR
   * with host bits set is almost always a typo. With `false` they are cleared (`10.0.0.0/16`).
   */
  strict?: boolean;
}

/**
 * An immutable IPv4 or IPv6 block (RFC 4632 / RFC 4291 §2.3 prefix notation) with 128-bit-safe math.
 * Construct with {@link Cidr.parse} or {@link Cidr.of}; the network address never has host bits set.
 */
export class Cidr {
  /** The first address of the block. */
  readonly network: IpAddress;
  /** The prefix length, 0..32 or 0..128. */
  readonly prefixLength: number;
  #text: string | undefined;
  #end: bigint | undefined;

  private constructor(network: IpAddress, prefixLength: number) {
    this.network = network;
    this.prefixLength = prefixLength;
  }

  /**
   * Parses `address/prefix`. A bare address is not a CIDR (write `/32` or `/128`).
   * @throws NetError `ERR_CIDR_INVALID`, `ERR_CIDR_PREFIX_RANGE`, `ERR_IP_INVALID` (in `cause`) or, when strict,
   * `ERR_CIDR_HOST_BITS`; `details.input` is the text.
   */
  static parse(text: string, options: CidrParseOptions = {}): Cidr {
    const { address, prefixLength } = splitPrefix(text);
    const cidr = Cidr.of(address, prefixLength);
    if (options.strict !== false && !cidr.network.equals(address)) {
      throw new NetError(
        NetErrorCode.HostBitsSet,
        `${text} has host bits set; the block is ${cidr.toString()}`,
        { input: text, expected: cidr.toString() },
      );
    }
    return cidr;
  }

  /** Whether `text` parses strictly. */
  static isValid(text: string): boolean {
    try {
      Cidr.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The block of length `prefixLength` that holds `address` (host bits cleared).
   * @throws NetError `ERR_CIDR_PREFIX_RANGE`.
   */
  static of(address: IpAddress, prefixLength: number): Cidr {
    const bits = address.bits;
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
      throw new NetError(
        NetErrorCode.PrefixOutOfRange,
        `prefix length ${prefixLength} is outside 0..${bits} for IPv${address.family}`,
        { input: `${address.toString()}/${prefixLength}`, prefixLength },
      );
    }
    if (bits === 32) {
      // IPv4 in 32-bit number math, one bigint conversion each way (none when the host bits are already clear):
      // BGP builds a Cidr per prefix of a full table.
      const v = Number(address.value);
      const net = prefixLength === 0 ? 0 : (v & (-1 << (32 - prefixLength))) >>> 0;
      return new Cidr(net === v ? address : IpAddress.fromBigInt(BigInt(net), 4), prefixLength);
    }
    const host = hostMask(bits, prefixLength);
    const net = address.value & ~host & maxValue(bits);
    return new Cidr(
      net === address.value ? address : IpAddress.fromBigInt(net, address.family),
      prefixLength,
    );
  }

  /** The single-address block `/32` or `/128`. */
  static host(address: IpAddress): Cidr {
    return Cidr.of(address, address.bits);
  }

  /** The address family. */
  get family(): IpFamily {
    return this.network.family;
  }

  /** Bits in an address of this family: 32 or 128. */
  get bits(): 32 | 128 {
    return familyBits(this.family);
  }

  /** Number of addresses in the block (2^(bits-prefix)). */
  get size(): bigint {
    return 1n << BigInt(this.bits - this.prefixLength);
  }

  /** The numeric first and last address, inclusive. */
  get start(): bigint {
    return this.network.value;
  }

  get end(): bigint {
    this.#end ??= this.network.value + this.size - 1n;
    return this.#end;
  }

  /** The first address (the network address). */
  first(): IpAddress {
    return this.network;
  }

  /** The last address (for IPv4 the broadcast address). */
  last(): IpAddress {
    return IpAddress.fromBigInt(this.end, this.family);
  }

  /**
   * The first address a host may use: network + 1; on IPv4 /31 (RFC 3021) and IPv6 /127 (RFC 6164) both
   * addresses are usable, on /32 and /128 the single one.
   */
  firstUsable(): IpAddress {
    return this.size <= 2n ? this.network : this.network.add(1);
  }

  /**
   * The last address a host may use: IPv4 broadcast - 1 (CNI host-local's range end), IPv6 the last address;
   * /31, /32, /127 and /128 as in {@link Cidr.firstUsable}.
   */
  lastUsable(): IpAddress {
    if (this.size <= 2n || this.family === 6) return this.last();
    return IpAddress.fromBigInt(this.end - 1n, 4);
  }

  /** Whether the address or the whole block lies inside this block (same family only). */
  contains(other: IpAddress | Cidr): boolean {
    if (other instanceof IpAddress) {
      return other.family === this.family && other.value >= this.start && other.value <= this.end;
    }
    return (
      other.family === this.family &&
      other.prefixLength >= this.prefixLength &&
      other.start >= this.start &&
      other.end <= this.end
    );
  }

  /** Whether the two blocks share any address (same family only). */
  overlaps(other: Cidr): boolean {
    return other.family === this.family && other.start <= this.end && this.start <= other.end;
  }

  /** Same family, network and length. */
  equals(other: Cidr): boolean {
    return this.prefixLength === other.prefixLength && this.network.equals(other.network);
  }

  /** Orders IPv4 before IPv6, then by network address, then shorter (larger) blocks first. */
  static compare(a: Cidr, b: Cidr): number {
    return IpAddress.compare(a.network, b.network) || a.prefixLength - b.prefixLength;
  }

  /** The `n`th address of the block (0 is the network address). @throws NetError `ERR_CIDR_OUT_OF_RANGE`. */
  nth(n: bigint | number): IpAddress {
    const i = BigInt(n);
    if (i < 0n || i >= this.size) {
      throw new NetError(NetErrorCode.OutOfRange, `${this.toString()} has no address #${i}`, {
        input: this.toString(),
        index: i.toString(),
      });
    }
    return IpAddress.fromBigInt(this.start + i, this.family);
  }

  /** The offset of `address` in this block. @throws NetError `ERR_CIDR_OUT_OF_RANGE` if outside. */
  indexOf(address: IpAddress): bigint {
    if (!this.contains(address)) {
      throw new NetError(NetErrorCode.OutOfRange, `${address.toString()} is not in ${this.toString()}`, {
        input: address.toString(),
        cidr: this.toString(),
      });
    }
    return address.value - this.start;
  }

  /** Iterates the block's addresses, first to last (from `from` on, default the network address). */
  *addresses(from: bigint = 0n): Generator<IpAddress> {
    for (let v = this.start + from; v <= this.end; v++) yield IpAddress.fromBigInt(v, this.family);
  }

  /**
   * Number of subnets of length `prefixLength` in this block.
   * @throws NetError `ERR_CIDR_OUT_OF_RANGE` if the length is shorter than this block's or past the family's.
   */
  subnetCount(prefixLength: number): bigint {
    this.#checkSubnetLength(prefixLength);
    return 1n << BigInt(prefixLength - this.prefixLength);
  }

  /** The `n`th subnet of length `prefixLength` (0 is the first). @throws NetError `ERR_CIDR_OUT_OF_RANGE`. */
  nthSubnet(prefixLength: number, n: bigint | number): Cidr {
    const count = this.subnetCount(prefixLength);
    const i = BigInt(n);
    if (i < 0n || i >= count) {
      throw new NetError(
        NetErrorCode.OutOfRange,
        `${this.toString()} has ${count} subnets of /${prefixLength}; #${i} does not exist`,
        { input: this.toString(), prefixLength, index: i.toString() },
      );
    }
    const step = 1n << BigInt(this.bits - prefixLength);
    return new Cidr(IpAddress.fromBigInt(this.start + i * step, this.family), prefixLength);
  }

  /** The index of `subnet` among this block's subnets of its length. @throws NetError if not inside. */
  subnetIndex(subnet: Cidr): bigint {
    if (!this.contains(subnet)) {
      throw new NetError(NetErrorCode.OutOfRange, `${subnet.toString()} is not in ${this.toString()}`, {
        input: subnet.toString(),
        cidr: this.toString(),
      });
    }
    return (subnet.start - this.start) >> BigInt(this.bits - subnet.prefixLength);
  }

  /** Splits the block into its subnets of length `prefixLength`, in address order (lazily). */
  *subnets(prefixLength: number): Generator<Cidr> {
    const count = this.subnetCount(prefixLength);
    const step = 1n << BigInt(this.bits - prefixLength);
    for (let i = 0n; i < count; i++) {
      yield new Cidr(IpAddress.fromBigInt(this.start + i * step, this.family), prefixLength);
    }
  }

  /** The enclosing block of length `prefixLength` (≤ this one's). */
  supernet(prefixLength: number): Cidr {
    if (prefixLength > this.prefixLength) {
      throw new NetError(
        NetErrorCode.OutOfRange,
        `/${prefixLength} is not a supernet of ${this.toString()}`,
        {
          input: this.toString(),
          prefixLength,
        },
      );
    }
    return Cidr.of(this.network, prefixLength);
  }

  /** Canonical text: `10.0.0.0/16`, `2001:db8::/32`. */
  toString(): string {
    if (this.#text === undefined) this.#text = `${this.network.toString()}/${this.prefixLength}`;
    return this.#text;
  }

  toJSON(): string {
    return this.toString();
  }

  #checkSubnetLength(prefixLength: number): void {
    if (!Number.isInteger(prefixLength) || prefixLength < this.prefixLength || prefixLength > this.bits) {
      throw new NetError(
        NetErrorCode.OutOfRange,
        `cannot split ${this.toString()} into /${prefixLength} blocks (allowed /${this.prefixLength}../${this.bits})`,
        { input: this.toString(), prefixLength },
      );
    }
  }
}

/** Parses `address/prefix` text into an address (host bits kept) and a block, e.g. an interface address. */
export function parseInterfaceAddress(text: string): { address: IpAddress; cidr: Cidr } {
  const { address, prefixLength } = splitPrefix(text);
  return { address, cidr: Cidr.of(address, prefixLength) };
}

function splitPrefix(text: string): { address: IpAddress; prefixLength: number } {
  if (typeof text !== 'string') {
    throw new NetError(NetErrorCode.InvalidCidr, `invalid CIDR ${JSON.stringify(text)}`, { input: text });
  }
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) {
    throw new NetError(
      NetErrorCode.InvalidCidr,
      `invalid CIDR ${JSON.stringify(text)}: expected address/prefix`,
      {
        input: text,
      },
    );
  }
  const lenText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText)) {
    throw new NetError(
      NetErrorCode.InvalidCidr,
      `invalid CIDR ${JSON.stringify(text)}: prefix length ${JSON.stringify(lenText)} is not a number`,
      { input: text },
    );
  }
  let address: IpAddress;
  try {
    address = IpAddress.parse(text.slice(0, slash));
  } catch (cause) {
    throw new NetError(
      NetErrorCode.InvalidCidr,
      `invalid CIDR ${JSON.stringify(text)}: ${JSON.stringify(text.slice(0, slash))} is not an IP address`,
      { input: text },
      cause,
    );
  }
  const prefixLength = Number(lenText);
  if (prefixLength > address.bits) {
    throw new NetError(
      NetErrorCode.PrefixOutOfRange,
      `invalid CIDR ${JSON.stringify(text)}: prefix length ${prefixLength} is outside 0..${address.bits}`,
      { input: text, prefixLength },
    );
  }
  return { address, prefixLength };
}

function maxValue(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

function hostMask(bits: number, prefixLength: number): bigint {
  return (1n << BigInt(bits - prefixLength)) - 1n;
}
