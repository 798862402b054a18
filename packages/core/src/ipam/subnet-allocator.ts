import { EdgewayError } from '../errors/edgeway-error.js';
import { Cidr } from '../net/cidr.js';
import { IpAddress } from '../net/ip.js';
import { bigMax, bigMin, IntervalSet } from './interval-set.js';
import { checkNodeName } from './ipam.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/** How the next free block is chosen. */
export type SubnetOrder = 'lowest' | 'round-robin';

/**
 * Configuration of a {@link SubnetAllocator}, named after flannel's `net-conf.json` keys (`Network`, `SubnetLen`,
 * `SubnetMin`, `SubnetMax`; for IPv6 `IPv6Network`, `IPv6SubnetLen`, `IPv6SubnetMin`, `IPv6SubnetMax`).
 */
export interface SubnetAllocatorOptions {
  /** The cluster CIDR to carve (flannel `Network`), e.g. `10.0.0.0/16` or `fd00:10::/48`. Strictly parsed. */
  readonly network: Cidr | string;
  /**
   * Length of each node block (flannel `SubnetLen`). Default as flannel: IPv4 /24 when the network is /22 or
   * larger, else network + 2; IPv6 /64 when the network is /62 or larger, else network + 2. Must be at least
   * network + 2 (four blocks) and at most /30 (IPv4) or /126 (IPv6), as flannel requires.
   */
  readonly subnetLength?: number;
  /**
   * The first block that may be handed out, inclusive (flannel `SubnetMin`), as its network address
   * (`10.0.5.0`) or as the block (`10.0.5.0/24`). Default: the **second** block of the network — flannel skips the
   * first so that no node's bridge address equals the cluster network address.
   */
  readonly subnetMin?: IpAddress | Cidr | string;
  /** The last block that may be handed out, inclusive (flannel `SubnetMax`). Default: the last block. */
  readonly subnetMax?: IpAddress | Cidr | string;
  /**
   * Ranges never handed out, whatever their size: the node network, a range routed elsewhere, a service CIDR.
   * Every block that overlaps one is excluded. Ranges outside the network are ignored.
   */
  readonly reserved?: readonly (Cidr | string)[];
  /**
   * `lowest` (default): the lowest free block, which packs the low end of the range as flannel does (flannel picks
   * at random among the first 100 free blocks; we pick the first, so results are reproducible).
   * `round-robin`: the first free block after the last one handed out, wrapping, as Kubernetes'
   * `kube-controller-manager` CIDR allocator does, so a just-released block is reused last.
   */
  readonly order?: SubnetOrder;
  /** How many released nodes' blocks are remembered so the node gets the same block back (default 4096). */
  readonly rememberReleased?: number;
}

/** A node and its block. */
export interface NodeSubnet {
  readonly node: string;
  readonly subnet: Cidr;
}

/** Result of {@link SubnetAllocator.restore}. */
export interface RestoreResult {
  /** Leases taken over. */
  readonly restored: NodeSubnet[];
  /** Leases refused, each with the reason (`ERR_SUBNET_UNAVAILABLE`, a `NetError` for unparsable text…). */
  readonly rejected: {
    readonly node: string;
    readonly subnet: Cidr | string;
    readonly error: EdgewayError;
  }[];
}

/** Counts of a {@link SubnetAllocator}'s blocks between `subnetMin` and `subnetMax`. */
export interface SubnetStats {
  /** Blocks between the bounds, inclusive. */
  readonly capacity: bigint;
  /** Blocks leased to nodes. */
  readonly leased: number;
  /** Blocks excluded by reserved ranges. */
  readonly reserved: bigint;
  /** Blocks still free. */
  readonly free: bigint;
}

/**
 * The default node block length for a cluster network, by flannel's rule (`pkg/subnet/config.go`,
 * `CheckNetworkConfig`).
 * @throws IpamError `ERR_IPAM_CONFIG` if the network is smaller than /28 (IPv4) or /124 (IPv6).
 */
export function defaultSubnetLength(network: Cidr): number {
  const bits = network.bits;
  const unit = bits === 32 ? 24 : 64;
  if (network.prefixLength > bits - 4) {
    throw new IpamError(
      IpamErrorCode.InvalidConfig,
      `network ${network.toString()} is too small to split into node blocks (at most /${bits - 4})`,
      { field: 'network', network: network.toString() },
    );
  }
  return network.prefixLength <= unit - 2 ? unit : network.prefixLength + 2;
}

/**
 * Carves per-node blocks out of a cluster CIDR, flannel style: blocks of `subnetLength` between `subnetMin` and
 * `subnetMax`, never overlapping a reserved range, sticky per node name, restorable from leases read back from
 * Node objects (`spec.podCIDR`) or flannel annotations. IPv4 and IPv6 (one family per allocator; run two for dual
 * stack, as flannel does).
 *
 * Free blocks are found through an interval set of taken block indices, so acquiring costs O(log n) in the number
 * of leases however large the network (a /32 cut into /64s holds 2^32 blocks) and never walks blocks one by one.
 * Pure and synchronous: persistence and leases with expiry belong to the {@link SubnetLeaser} implementations.
 */
export class SubnetAllocator {
  /** The cluster CIDR. */
  readonly network: Cidr;
  /** The node block length. */
  readonly subnetLength: number;
  /** The first block that may be handed out. */
  readonly subnetMin: Cidr;
  /** The last block that may be handed out. */
  readonly subnetMax: Cidr;
  /** The reserved ranges, as given (parsed). */
  readonly reserved: readonly Cidr[];
  /** The block order. */
  readonly order: SubnetOrder;

  readonly #min: bigint;
  readonly #max: bigint;
  /** Block indices leased or reserved. */
  readonly #taken = new IntervalSet();
  readonly #reservedIdx = new IntervalSet();
  readonly #byNode = new Map<string, NodeSubnet>();
  readonly #byIndex = new Map<bigint, NodeSubnet>();
  readonly #released = new Map<string, bigint>();
  readonly #remember: number;
  #cursor: bigint;

  /**
   * @throws NetError for unparsable CIDR/address text (`ERR_CIDR_INVALID`, `ERR_CIDR_HOST_BITS`,
   * `ERR_CIDR_PREFIX_RANGE`, `ERR_IP_INVALID`).
   * @throws IpamError `ERR_IPAM_CONFIG` (length out of range, bounds outside the network, unaligned or inverted),
   * `ERR_IPAM_FAMILY_MISMATCH`.
   */
  constructor(options: SubnetAllocatorOptions) {
    const network = typeof options.network === 'string' ? Cidr.parse(options.network) : options.network;
    this.network = network;
    const bits = network.bits;
    let length: number;
    if (options.subnetLength === undefined) {
      length = defaultSubnetLength(network);
    } else {
      length = options.subnetLength;
      if (!Number.isInteger(length) || length < network.prefixLength + 2 || length > bits - 2) {
        throw new IpamError(
          IpamErrorCode.InvalidConfig,
          `subnet length /${length} must be within /${network.prefixLength + 2}../${bits - 2} for ${network.toString()}`,
          { field: 'subnetLength', subnetLength: length, network: network.toString() },
        );
      }
    }
    this.subnetLength = length;
    this.order = options.order ?? 'lowest';
    this.#remember = options.rememberReleased ?? 4096;
    const count = network.subnetCount(length);
    this.#min = options.subnetMin === undefined ? 1n : this.#boundIndex('subnetMin', options.subnetMin);
    this.#max =
      options.subnetMax === undefined ? count - 1n : this.#boundIndex('subnetMax', options.subnetMax);
    if (this.#min > this.#max) {
      throw new IpamError(IpamErrorCode.InvalidConfig, 'subnetMin is after subnetMax', {
        field: 'subnetMin',
        subnetMin: network.nthSubnet(length, this.#min).toString(),
        subnetMax: network.nthSubnet(length, this.#max).toString(),
      });
    }
    this.subnetMin = network.nthSubnet(length, this.#min);
    this.subnetMax = network.nthSubnet(length, this.#max);
    this.#cursor = this.#min;

    const reserved: Cidr[] = [];
    for (const r of options.reserved ?? []) {
      const cidr = typeof r === 'string' ? Cidr.parse(r) : r;
      if (cidr.family !== network.family) {
        throw new IpamError(
          IpamErrorCode.FamilyMismatch,
          `reserved range ${cidr.toString()} is not of the family of ${network.toString()}`,
          { field: 'reserved', reserved: cidr.toString(), network: network.toString() },
        );
      }
      reserved.push(cidr);
      if (!cidr.overlaps(network)) continue;
      const lo = bigMax(cidr.start, network.start);
      const hi = bigMin(cidr.end, network.end);
      const a = this.#indexOfAddress(lo);
      const b = this.#indexOfAddress(hi);
      this.#reservedIdx.addRange(a, b);
      this.#taken.addRange(a, b);
    }
    this.reserved = Object.freeze(reserved);
  }

  /**
   * The node's block: the one it holds; else `previous` (flannel's `FLANNEL_SUBNET` from `subnet.env`) or the
   * block it held before its last release, if still free and within the bounds; else a new one.
   * @throws IpamError `ERR_SUBNETS_EXHAUSTED` naming the network, `ERR_IPAM_OWNER`.
   */
  acquire(node: string, options: { previous?: Cidr } = {}): NodeSubnet {
    checkNodeName(node);
    const held = this.#byNode.get(node);
    if (held !== undefined) return held;
    const prev = options.previous;
    if (prev !== undefined && this.#compatible(prev)) {
      const idx = this.network.subnetIndex(prev);
      if (!this.#taken.has(idx)) return this.#take(node, idx);
    }
    const remembered = this.#released.get(node);
    if (remembered !== undefined && !this.#taken.has(remembered)) return this.#take(node, remembered);
    let idx: bigint | undefined;
    if (this.order === 'round-robin') {
      idx =
        this.#taken.firstAbsent(this.#cursor, this.#max) ??
        this.#taken.firstAbsent(this.#min, this.#cursor - 1n);
    } else {
      idx = this.#taken.firstAbsent(this.#min, this.#max);
    }
    if (idx === undefined) {
      throw new IpamError(
        IpamErrorCode.SubnetsExhausted,
        `no free /${this.subnetLength} block left in ${this.network.toString()} ` +
          `(${this.subnetMin.toString()}..${this.subnetMax.toString()}, ${this.#byNode.size} leased)`,
        {
          network: this.network.toString(),
          subnetLength: this.subnetLength,
          subnetMin: this.subnetMin.toString(),
          subnetMax: this.subnetMax.toString(),
          leased: this.#byNode.size,
        },
      );
    }
    const taken = this.#take(node, idx);
    this.#cursor = idx + 1n;
    return taken;
  }

  /**
   * Gives `node` exactly `subnet` (restoring a lease read back from a Node object). A node that already holds
   * that block keeps it.
   * @throws IpamError `ERR_SUBNET_UNAVAILABLE` (`details.reason`: `family`, `length`, `outside-network`,
   * `out-of-bounds`, `reserved`, `leased` with `details.holder`, or `node-has-lease`), `ERR_IPAM_OWNER`.
   */
  assign(node: string, subnet: Cidr): NodeSubnet {
    checkNodeName(node);
    const reason = this.#incompatibility(subnet);
    if (reason !== undefined) throw this.#unavailable(node, subnet, reason);
    const idx = this.network.subnetIndex(subnet);
    const held = this.#byNode.get(node);
    if (held !== undefined) {
      if (held.subnet.equals(subnet)) return held;
      throw this.#unavailable(node, subnet, 'node-has-lease', { current: held.subnet.toString() });
    }
    const holder = this.#byIndex.get(idx);
    if (holder !== undefined) throw this.#unavailable(node, subnet, 'leased', { holder: holder.node });
    if (this.#reservedIdx.has(idx)) throw this.#unavailable(node, subnet, 'reserved');
    return this.#take(node, idx);
  }

  /**
   * Takes over existing leases (e.g. every Node's `spec.podCIDR` at start-up). Each is {@link assign}ed; the ones
   * that do not fit (unparsable, another length, outside the bounds, reserved, or a block claimed twice — the
   * first claim wins) are returned as rejected rather than thrown, as flannel drops incompatible leases.
   */
  restore(leases: Iterable<{ readonly node: string; readonly subnet: Cidr | string }>): RestoreResult {
    const restored: NodeSubnet[] = [];
    const rejected: RestoreResult['rejected'][number][] = [];
    for (const lease of leases) {
      try {
        const subnet = typeof lease.subnet === 'string' ? Cidr.parse(lease.subnet) : lease.subnet;
        restored.push(this.assign(lease.node, subnet));
      } catch (error) {
        if (!(error instanceof EdgewayError)) throw error;
        rejected.push({ node: lease.node, subnet: lease.subnet, error });
      }
    }
    return { restored, rejected };
  }

  /** Frees the node's block (remembering it for the node); returns the freed lease or `undefined`. */
  release(node: string): NodeSubnet | undefined {
    const held = this.#byNode.get(node);
    if (held === undefined) return undefined;
    const idx = this.network.subnetIndex(held.subnet);
    this.#byNode.delete(node);
    this.#byIndex.delete(idx);
    this.#taken.delete(idx);
    this.#released.delete(node);
    if (this.#remember > 0) {
      this.#released.set(node, idx);
      if (this.#released.size > this.#remember) {
        const oldest = this.#released.keys().next().value;
        if (oldest !== undefined) this.#released.delete(oldest);
      }
    }
    return held;
  }

  /** The node's lease, if any. */
  leaseOf(node: string): NodeSubnet | undefined {
    return this.#byNode.get(node);
  }

  /** The node holding `subnet`, if any. */
  holderOf(subnet: Cidr): string | undefined {
    if (subnet.family !== this.network.family || subnet.prefixLength !== this.subnetLength) return undefined;
    if (!this.network.contains(subnet)) return undefined;
    return this.#byIndex.get(this.network.subnetIndex(subnet))?.node;
  }

  /** Whether `subnet` could be handed out now (right length, in bounds, not reserved, not leased). */
  isAvailable(subnet: Cidr): boolean {
    return this.#compatible(subnet) && !this.#taken.has(this.network.subnetIndex(subnet));
  }

  /** Every lease, in block order. */
  list(): NodeSubnet[] {
    return [...this.#byIndex.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]);
  }

  /** Block counts between the bounds. */
  stats(): SubnetStats {
    const capacity = this.#max - this.#min + 1n;
    const reserved = this.#reservedIdx.countIn(this.#min, this.#max);
    const leased = this.#byNode.size;
    return { capacity, leased, reserved, free: capacity - reserved - BigInt(leased) };
  }

  #take(node: string, idx: bigint): NodeSubnet {
    const lease: NodeSubnet = Object.freeze({ node, subnet: this.network.nthSubnet(this.subnetLength, idx) });
    this.#taken.add(idx);
    this.#byNode.set(node, lease);
    this.#byIndex.set(idx, lease);
    return lease;
  }

  #compatible(subnet: Cidr): boolean {
    return this.#incompatibility(subnet) === undefined;
  }

  #incompatibility(subnet: Cidr): string | undefined {
    if (subnet.family !== this.network.family) return 'family';
    if (subnet.prefixLength !== this.subnetLength) return 'length';
    if (!this.network.contains(subnet)) return 'outside-network';
    const idx = this.network.subnetIndex(subnet);
    if (idx < this.#min || idx > this.#max) return 'out-of-bounds';
    return undefined;
  }

  #unavailable(node: string, subnet: Cidr, reason: string, extra: Record<string, unknown> = {}): IpamError {
    return new IpamError(
      IpamErrorCode.SubnetUnavailable,
      `${subnet.toString()} cannot be leased to ${node}: ${reason}`,
      { node, subnet: subnet.toString(), network: this.network.toString(), reason, ...extra },
    );
  }

  #indexOfAddress(value: bigint): bigint {
    const address = IpAddress.fromBigInt(value, this.network.family);
    return this.network.subnetIndex(Cidr.of(address, this.subnetLength));
  }

  #boundIndex(field: 'subnetMin' | 'subnetMax', bound: IpAddress | Cidr | string): bigint {
    let address: IpAddress;
    let length = this.subnetLength;
    if (bound instanceof Cidr) {
      address = bound.network;
      length = bound.prefixLength;
    } else if (bound instanceof IpAddress) {
      address = bound;
    } else if (bound.includes('/')) {
      const cidr = Cidr.parse(bound);
      address = cidr.network;
      length = cidr.prefixLength;
    } else {
      address = IpAddress.parse(bound);
    }
    const text = bound.toString();
    if (address.family !== this.network.family) {
      throw new IpamError(
        IpamErrorCode.FamilyMismatch,
        `${field} ${text} is not of the family of ${this.network.toString()}`,
        { field, [field]: text, network: this.network.toString() },
      );
    }
    if (!this.network.contains(address)) {
      throw new IpamError(
        IpamErrorCode.InvalidConfig,
        `${field} ${text} is not in ${this.network.toString()}`,
        {
          field,
          [field]: text,
          network: this.network.toString(),
        },
      );
    }
    const block = Cidr.of(address, this.subnetLength);
    if (length !== this.subnetLength || !block.network.equals(address)) {
      throw new IpamError(
        IpamErrorCode.InvalidConfig,
        `${field} ${text} is not on a /${this.subnetLength} boundary`,
        { field, [field]: text, subnetLength: this.subnetLength },
      );
    }
    return this.network.subnetIndex(block);
  }
}
