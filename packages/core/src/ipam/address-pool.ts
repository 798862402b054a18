import { EdgewayError } from '../errors/edgeway-error.js';
import { Cidr } from '../net/cidr.js';
import { IpAddress } from '../net/ip.js';
import { Bitmap } from './bitmap.js';
import { bigMax, bigMin, IntervalSet } from './interval-set.js';
import { checkOwner, type IpamAllocation, type IpamOwner } from './ipam.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/** Blocks with at most this many host bits are backed by a bitmap (2 MiB at most); larger ones are sparse. */
const DENSE_HOST_BITS = 24;

/** Configuration of an {@link AddressPool}, after CNI host-local's range keys. */
export interface AddressPoolOptions {
  /**
   * The block's gateway, never handed out (host-local `gateway`). Default: the first usable address
   * (`10.244.1.1` in `10.244.1.0/24`), as host-local claims `.1`. `null`: no gateway.
   */
  readonly gateway?: IpAddress | string | null;
  /** First address that may be handed out (host-local `rangeStart`). Default: the first usable address. */
  readonly rangeStart?: IpAddress | string;
  /**
   * Last address that may be handed out (host-local `rangeEnd`). Default: `Cidr.lastUsable()` — the address before
   * the IPv4 broadcast address, the last address for IPv6.
   */
  readonly rangeEnd?: IpAddress | string;
  /** Addresses or ranges never handed out (static addresses, a VIP, an ENI primary address). */
  readonly reserved?: readonly (IpAddress | Cidr | string)[];
}

/** An allocation of an {@link AddressPool}. Its `address` is computed on first read. */
export interface PoolAllocation extends IpamAllocation {
  /** The address's offset from the block's network address (`number` for blocks up to 2^24, else `bigint`). */
  readonly offset: number | bigint;
}

/** Result of {@link AddressPool.restore}. */
export interface PoolRestoreResult {
  readonly restored: PoolAllocation[];
  readonly rejected: {
    readonly owner: IpamOwner;
    readonly address: IpAddress | string;
    readonly error: EdgewayError;
  }[];
}

interface BlockInfo {
  readonly block: Cidr;
  readonly gateway: IpAddress | undefined;
  readonly start: bigint;
}

class Entry implements PoolAllocation {
  readonly containerId: string;
  readonly ifName: string;
  readonly offset: number | bigint;
  readonly info: BlockInfo;
  /** The next interface of the same container. */
  next: Entry | undefined = undefined;
  #address: IpAddress | undefined;

  constructor(containerId: string, ifName: string, offset: number | bigint, info: BlockInfo) {
    this.containerId = containerId;
    this.ifName = ifName;
    this.offset = offset;
    this.info = info;
  }

  get address(): IpAddress {
    if (this.#address === undefined) {
      const info = this.info;
      this.#address = IpAddress.fromBigInt(info.start + BigInt(this.offset), info.block.family);
    }
    return this.#address;
  }

  get block(): Cidr {
    return this.info.block;
  }

  get gateway(): IpAddress | undefined {
    return this.info.gateway;
  }

  get owner(): IpamOwner {
    return { containerId: this.containerId, ifName: this.ifName };
  }

  toJSON(): unknown {
    return { address: this.address.toString(), containerId: this.containerId, ifName: this.ifName };
  }
}

/**
 * The addresses of one node block, handed to CNI owners (`containerId`, `ifName`) the way CNI host-local's
 * allocator does (plugins `ipam/host-local/backend/allocator`):
 * - never the network address, the gateway (default the first usable address) or the IPv4 broadcast address;
 *   only `rangeStart..rangeEnd` (default `Cidr.firstUsable()..Cidr.lastUsable()`); /31, /32, /127 and /128 are
 *   refused as too small, as host-local does;
 * - round-robin: the search starts after the last address handed out (host-local's `last_reserved_ip`), wrapping
 *   to `rangeStart`, so a crash-looping container does not get a just-released address back;
 * - idempotent per owner (see {@link Ipam}); a requested address must be inside the block, not reserved, and free.
 *
 * In memory and synchronous; {@link FileIpam} adds the on-disk store and the cross-process lock. Blocks up to
 * 2^24 addresses are a two-level bitmap over `number` offsets (no `bigint` or string work per operation); larger
 * blocks (an IPv6 /64) are sparse: an interval set of taken `bigint` offsets.
 */
export class AddressPool {
  /** The block. */
  readonly block: Cidr;
  /** The gateway, if any. */
  readonly gateway: IpAddress | undefined;
  /** First address that may be handed out. */
  readonly rangeStart: IpAddress;
  /** Last address that may be handed out. */
  readonly rangeEnd: IpAddress;

  readonly #info: BlockInfo;
  readonly #bitmap: Bitmap | undefined;
  readonly #sparse: IntervalSet | undefined;
  /** Range bounds and special offsets: `number` when dense, `bigint` when sparse. */
  readonly #lo: number | bigint;
  readonly #hi: number | bigint;
  readonly #lastOffset: number | bigint;
  readonly #gatewayOffset: number | bigint | undefined;
  readonly #capacity: bigint;
  readonly #byOwner = new Map<string, Entry>();
  readonly #byOffset = new Map<number | bigint, Entry>();
  #last: number | bigint | undefined;

  /**
   * @throws NetError for unparsable text (`ERR_CIDR_INVALID`, `ERR_CIDR_HOST_BITS`, `ERR_IP_INVALID`…).
   * @throws IpamError `ERR_IPAM_CONFIG` (block too small, gateway or range outside the block, inverted range),
   * `ERR_IPAM_FAMILY_MISMATCH`.
   */
  constructor(block: Cidr | string, options: AddressPoolOptions = {}) {
    const cidr = typeof block === 'string' ? Cidr.parse(block) : block;
    this.block = cidr;
    const hostBits = cidr.bits - cidr.prefixLength;
    if (hostBits < 2) {
      throw new IpamError(IpamErrorCode.InvalidConfig, `${cidr.toString()} is too small to allocate from`, {
        field: 'block',
        block: cidr.toString(),
      });
    }
    const dense = hostBits <= DENSE_HOST_BITS;
    const kind = dense ? (v: bigint): number | bigint => Number(v) : (v: bigint): number | bigint => v;
    const start = this.#option('rangeStart', options.rangeStart) ?? cidr.firstUsable();
    const end = this.#option('rangeEnd', options.rangeEnd) ?? cidr.lastUsable();
    const first = cidr.firstUsable().value;
    const last = cidr.lastUsable().value;
    for (const [field, a] of [
      ['rangeStart', start],
      ['rangeEnd', end],
    ] as const) {
      if (a.value < first || a.value > last) {
        throw new IpamError(
          IpamErrorCode.InvalidConfig,
          `${field} ${a.toString()} is not a usable address of ${cidr.toString()}`,
          { field, [field]: a.toString(), block: cidr.toString() },
        );
      }
    }
    if (start.value > end.value) {
      throw new IpamError(IpamErrorCode.InvalidConfig, `rangeStart ${start} is after rangeEnd ${end}`, {
        field: 'rangeStart',
        rangeStart: start.toString(),
        rangeEnd: end.toString(),
      });
    }
    this.rangeStart = start;
    this.rangeEnd = end;
    const gateway =
      options.gateway === null ? undefined : (this.#option('gateway', options.gateway) ?? cidr.firstUsable());
    this.gateway = gateway;
    this.#info = Object.freeze({ block: cidr, gateway, start: cidr.start });
    const lo = start.value - cidr.start;
    const hi = end.value - cidr.start;
    this.#lo = kind(lo);
    this.#hi = kind(hi);
    this.#lastOffset = kind(cidr.size - 1n);
    this.#gatewayOffset = gateway === undefined ? undefined : kind(gateway.value - cidr.start);

    // Everything not allocatable inside [lo, hi]: the gateway and the reserved ranges.
    const blocked: [bigint, bigint][] = [];
    if (gateway !== undefined) blocked.push([gateway.value - cidr.start, gateway.value - cidr.start]);
    for (const r of options.reserved ?? []) {
      const range = this.#reservedRange(r);
      if (range !== undefined) blocked.push([range.start - cidr.start, range.end - cidr.start]);
    }
    if (dense) {
      const bitmap = new Bitmap(Number(cidr.size));
      bitmap.setRange(0, Number(lo) - 1);
      bitmap.setRange(Number(hi) + 1, Number(cidr.size) - 1);
      const outside = bitmap.count;
      for (const [a, b] of blocked) {
        const x = bigMax(a, lo);
        const y = bigMin(b, hi);
        if (x <= y) bitmap.setRange(Number(x), Number(y));
      }
      this.#bitmap = bitmap;
      this.#capacity = hi - lo + 1n - BigInt(bitmap.count - outside);
    } else {
      const set = new IntervalSet();
      for (const [a, b] of blocked) {
        const x = bigMax(a, lo);
        const y = bigMin(b, hi);
        if (x <= y) set.addRange(x, y);
      }
      this.#sparse = set;
      this.#capacity = hi - lo + 1n - set.size;
    }
  }

  /** Addresses that can be handed out at all (the range less the gateway and reserved addresses). */
  get capacity(): bigint {
    return this.#capacity;
  }

  /** Addresses currently allocated. */
  get allocated(): number {
    return this.#byOffset.size;
  }

  /** Addresses still free. */
  get free(): bigint {
    return this.#capacity - BigInt(this.#byOffset.size);
  }

  /** The last address handed out (host-local's `last_reserved_ip`), where the next search starts after. */
  get lastReserved(): IpAddress | undefined {
    if (this.#last === undefined) return undefined;
    return IpAddress.fromBigInt(this.block.start + BigInt(this.#last), this.block.family);
  }

  /**
   * Gives `owner` an address: the one it holds (idempotent), the requested one, or the next free one after the
   * last handed out.
   * @throws IpamError `ERR_POOL_EXHAUSTED` naming the block, `ERR_ADDRESS_OUTSIDE_BLOCK`, `ERR_ADDRESS_RESERVED`
   * (`details.reason`: `network`, `broadcast`, `gateway`, `outside-range` or `reserved`), `ERR_ADDRESS_TAKEN`,
   * `ERR_OWNER_HAS_ADDRESS`, `ERR_IPAM_FAMILY_MISMATCH`, `ERR_IPAM_OWNER`; `NetError` for unparsable text.
   */
  allocate(owner: IpamOwner, options?: { readonly requested?: IpAddress | string }): PoolAllocation {
    checkOwner(owner);
    const { containerId, ifName } = owner;
    const held = this.#find(containerId, ifName);
    const requested = options?.requested;
    if (held !== undefined) {
      if (requested !== undefined && this.#offsetOf(requested) !== held.offset) {
        throw new IpamError(
          IpamErrorCode.OwnerHasAddress,
          `${containerId}/${ifName} already holds ${held.address.toString()}, not ${requested.toString()}`,
          { owner: held.owner, address: held.address.toString(), requested: requested.toString() },
        );
      }
      return held;
    }
    if (requested !== undefined) return this.#allocateRequested(containerId, ifName, requested);
    const bitmap = this.#bitmap;
    let off: number | bigint;
    if (bitmap !== undefined) {
      const lo = this.#lo as number;
      const hi = this.#hi as number;
      const last = this.#last as number | undefined;
      const from = last === undefined || last < lo || last >= hi ? lo : last + 1;
      let found = bitmap.firstClear(from, hi);
      if (found < 0 && from > lo) found = bitmap.firstClear(lo, from - 1);
      if (found < 0) throw this.#exhausted();
      bitmap.set(found);
      off = found;
    } else {
      const set = this.#sparse!;
      const lo = this.#lo as bigint;
      const hi = this.#hi as bigint;
      const last = this.#last as bigint | undefined;
      const from = last === undefined || last < lo || last >= hi ? lo : last + 1n;
      const found = set.firstAbsent(from, hi) ?? set.firstAbsent(lo, from - 1n);
      if (found === undefined) throw this.#exhausted();
      set.add(found);
      off = found;
    }
    this.#last = off;
    return this.#insert(containerId, ifName, off);
  }

  /** Frees what `owner` holds (CNI `DEL`); the freed allocation, or `undefined` if it held nothing. */
  release(owner: IpamOwner): PoolAllocation | undefined {
    const held = this.#find(owner.containerId, owner.ifName);
    if (held === undefined) return undefined;
    this.#remove(held);
    return held;
  }

  /**
   * Frees `address` whoever holds it; `undefined` if it was free or outside the block.
   * @throws IpamError `ERR_IPAM_FAMILY_MISMATCH`; `NetError` for unparsable text.
   */
  releaseByAddress(address: IpAddress | string): PoolAllocation | undefined {
    const held = this.#lookup(address);
    if (held !== undefined) this.#remove(held);
    return held;
  }

  /** What `owner` holds, if anything. */
  get(owner: IpamOwner): PoolAllocation | undefined {
    return this.#find(owner.containerId, owner.ifName);
  }

  /** The allocation of `address`, if it is allocated. @throws IpamError `ERR_IPAM_FAMILY_MISMATCH`. */
  lookup(address: IpAddress | string): PoolAllocation | undefined {
    return this.#lookup(address);
  }

  #lookup(address: IpAddress | string): Entry | undefined {
    const ip = this.#parse(address);
    if (!this.block.contains(ip)) return undefined;
    return this.#byOffset.get(this.#kind(ip.value - this.block.start));
  }

  /** Every allocation, in address order. */
  list(): PoolAllocation[] {
    return [...this.#byOffset.values()].sort((a, b) =>
      a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0,
    );
  }

  /**
   * Takes over existing allocations (read back from a store or from the runtime's containers). Each is
   * allocated as a requested address; the ones that do not fit (outside the block, reserved, taken twice, an
   * owner twice) are returned as rejected. `lastReserved` restores the round-robin position.
   */
  restore(
    allocations: Iterable<{ readonly owner: IpamOwner; readonly address: IpAddress | string }>,
    options: { readonly lastReserved?: IpAddress | string } = {},
  ): PoolRestoreResult {
    const restored: PoolAllocation[] = [];
    const rejected: PoolRestoreResult['rejected'][number][] = [];
    const last = this.#last;
    for (const a of allocations) {
      try {
        checkOwner(a.owner);
        if (this.#find(a.owner.containerId, a.owner.ifName) !== undefined) {
          throw new IpamError(
            IpamErrorCode.OwnerHasAddress,
            `${a.owner.containerId}/${a.owner.ifName} holds more than one address`,
            { owner: { ...a.owner }, address: a.address.toString() },
          );
        }
        restored.push(this.#allocateRequested(a.owner.containerId, a.owner.ifName, a.address));
      } catch (error) {
        if (!(error instanceof EdgewayError)) throw error;
        rejected.push({ owner: a.owner, address: a.address, error });
      }
    }
    this.#last = last;
    if (options.lastReserved !== undefined) {
      const ip = this.#parse(options.lastReserved);
      if (this.block.contains(ip)) this.#last = this.#kind(ip.value - this.block.start);
    }
    return { restored, rejected };
  }

  #allocateRequested(containerId: string, ifName: string, address: IpAddress | string): PoolAllocation {
    const off = this.#offsetOf(address);
    const holder = this.#byOffset.get(off);
    if (holder !== undefined) {
      throw new IpamError(
        IpamErrorCode.AddressTaken,
        `${holder.address.toString()} is allocated to ${holder.containerId}/${holder.ifName}`,
        { address: holder.address.toString(), block: this.block.toString(), owner: holder.owner },
      );
    }
    const reason = this.#reservedReason(off);
    if (reason !== undefined) {
      const text = address.toString();
      throw new IpamError(
        IpamErrorCode.AddressReserved,
        `${text} cannot be allocated from ${this.block.toString()}: ${reason}`,
        { address: text, block: this.block.toString(), reason },
      );
    }
    if (this.#bitmap !== undefined) this.#bitmap.set(off as number);
    else this.#sparse!.add(off as bigint);
    this.#last = off;
    return this.#insert(containerId, ifName, off);
  }

  #reservedReason(off: number | bigint): string | undefined {
    if (off === this.#kind(0n)) return 'network';
    if (this.block.family === 4 && off === this.#lastOffset) return 'broadcast';
    if (off === this.#gatewayOffset) return 'gateway';
    if (off < this.#lo || off > this.#hi) return 'outside-range';
    const taken =
      this.#bitmap !== undefined ? this.#bitmap.has(off as number) : this.#sparse!.has(off as bigint);
    return taken ? 'reserved' : undefined;
  }

  #insert(containerId: string, ifName: string, off: number | bigint): Entry {
    const entry = new Entry(containerId, ifName, off, this.#info);
    const head = this.#byOwner.get(containerId);
    if (head === undefined) this.#byOwner.set(containerId, entry);
    else {
      entry.next = head.next;
      head.next = entry;
    }
    this.#byOffset.set(off, entry);
    return entry;
  }

  #find(containerId: string, ifName: string): Entry | undefined {
    let e = this.#byOwner.get(containerId);
    while (e !== undefined && e.ifName !== ifName) e = e.next;
    return e;
  }

  #remove(entry: Entry): void {
    const head = this.#byOwner.get(entry.containerId)!;
    if (head === entry) {
      if (entry.next === undefined) this.#byOwner.delete(entry.containerId);
      else this.#byOwner.set(entry.containerId, entry.next);
    } else {
      let prev = head;
      while (prev.next !== entry) prev = prev.next!;
      prev.next = entry.next;
    }
    entry.next = undefined;
    this.#byOffset.delete(entry.offset);
    if (this.#bitmap !== undefined) this.#bitmap.clear(entry.offset as number);
    else this.#sparse!.delete(entry.offset as bigint);
  }

  #kind(v: bigint): number | bigint {
    return this.#bitmap !== undefined ? Number(v) : v;
  }

  #parse(address: IpAddress | string): IpAddress {
    const ip = typeof address === 'string' ? IpAddress.parse(address) : address;
    if (ip.family !== this.block.family) {
      throw new IpamError(
        IpamErrorCode.FamilyMismatch,
        `${ip.toString()} is not of the family of ${this.block.toString()}`,
        { address: ip.toString(), block: this.block.toString() },
      );
    }
    return ip;
  }

  #offsetOf(address: IpAddress | string): number | bigint {
    const ip = this.#parse(address);
    if (!this.block.contains(ip)) {
      throw new IpamError(IpamErrorCode.OutsideBlock, `${ip.toString()} is not in ${this.block.toString()}`, {
        address: ip.toString(),
        block: this.block.toString(),
      });
    }
    return this.#kind(ip.value - this.block.start);
  }

  #option(field: string, value: IpAddress | string | undefined): IpAddress | undefined {
    if (value === undefined) return undefined;
    const ip = typeof value === 'string' ? IpAddress.parse(value) : value;
    if (ip.family !== this.block.family) {
      throw new IpamError(
        IpamErrorCode.FamilyMismatch,
        `${field} ${ip.toString()} is not of the family of ${this.block.toString()}`,
        { field, [field]: ip.toString(), block: this.block.toString() },
      );
    }
    if (!this.block.contains(ip)) {
      throw new IpamError(
        IpamErrorCode.InvalidConfig,
        `${field} ${ip.toString()} is not in ${this.block.toString()}`,
        {
          field,
          [field]: ip.toString(),
          block: this.block.toString(),
        },
      );
    }
    return ip;
  }

  #reservedRange(r: IpAddress | Cidr | string): { start: bigint; end: bigint } | undefined {
    const cidr =
      r instanceof Cidr
        ? r
        : r instanceof IpAddress
          ? Cidr.host(r)
          : r.includes('/')
            ? Cidr.parse(r)
            : Cidr.host(IpAddress.parse(r));
    if (cidr.family !== this.block.family) {
      throw new IpamError(
        IpamErrorCode.FamilyMismatch,
        `reserved ${cidr.toString()} is not of the family of ${this.block.toString()}`,
        { field: 'reserved', reserved: cidr.toString(), block: this.block.toString() },
      );
    }
    if (!cidr.overlaps(this.block)) return undefined;
    return {
      start: bigMax(cidr.start, this.block.start),
      end: bigMin(cidr.end, this.block.end),
    };
  }

  #exhausted(): IpamError {
    return new IpamError(
      IpamErrorCode.PoolExhausted,
      `no free address left in ${this.block.toString()} (${this.rangeStart.toString()}-${this.rangeEnd.toString()}, ` +
        `${this.#byOffset.size} allocated)`,
      {
        block: this.block.toString(),
        rangeStart: this.rangeStart.toString(),
        rangeEnd: this.rangeEnd.toString(),
        allocated: this.#byOffset.size,
      },
      { isRetryable: true },
    );
  }
}
