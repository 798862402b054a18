import type { AcquireLeaseOptions, SubnetLease, SubnetLeaser } from './ipam.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';
import { SubnetAllocator, type SubnetAllocatorOptions } from './subnet-allocator.js';

/** Options of a {@link MemorySubnetLeaser}. */
export interface MemorySubnetLeaserOptions {
  /**
   * Lease lifetime; a lease not renewed within it is reclaimed on the next call (flannel's etcd leases last 24 h).
   * Default: leases never expire (flannel's Kubernetes mode, where the Node object is the lease).
   */
  readonly ttlMs?: number;
  /** The clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A {@link SubnetLeaser} held in memory over a {@link SubnetAllocator}: for tests, the lab and emulators. Sticky
 * per node, optional expiry through an injected clock; nothing persists.
 */
export class MemorySubnetLeaser implements SubnetLeaser {
  /** The allocator behind it. */
  readonly allocator: SubnetAllocator;
  readonly #leases = new Map<string, SubnetLease>();
  readonly #ttlMs: number | undefined;
  readonly #now: () => number;

  constructor(allocator: SubnetAllocator | SubnetAllocatorOptions, options: MemorySubnetLeaserOptions = {}) {
    this.allocator = allocator instanceof SubnetAllocator ? allocator : new SubnetAllocator(allocator);
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  async acquire(node: string, options: AcquireLeaseOptions = {}): Promise<SubnetLease> {
    options.signal?.throwIfAborted();
    this.#expire();
    const held = this.#leases.get(node);
    const { subnet } = this.allocator.acquire(node, options.previous ? { previous: options.previous } : {});
    const attributes = options.attributes ?? held?.attributes;
    const lease = this.#lease(node, subnet, attributes);
    this.#leases.set(node, lease);
    return lease;
  }

  async renew(lease: SubnetLease, options: { signal?: AbortSignal } = {}): Promise<SubnetLease> {
    options.signal?.throwIfAborted();
    this.#expire();
    const held = this.allocator.leaseOf(lease.node);
    if (held === undefined || !held.subnet.equals(lease.subnet)) {
      throw new IpamError(
        IpamErrorCode.SubnetUnavailable,
        `${lease.node} no longer holds ${lease.subnet.toString()}`,
        { node: lease.node, subnet: lease.subnet.toString(), reason: 'lost' },
      );
    }
    const renewed = this.#lease(lease.node, held.subnet, lease.attributes);
    this.#leases.set(lease.node, renewed);
    return renewed;
  }

  async release(node: string, options: { signal?: AbortSignal } = {}): Promise<SubnetLease | undefined> {
    options.signal?.throwIfAborted();
    const lease = this.#leases.get(node);
    this.#leases.delete(node);
    const freed = this.allocator.release(node);
    return freed === undefined ? undefined : (lease ?? { node, subnet: freed.subnet });
  }

  async list(options: { signal?: AbortSignal } = {}): Promise<SubnetLease[]> {
    options.signal?.throwIfAborted();
    this.#expire();
    return this.allocator.list().map((l) => this.#leases.get(l.node) ?? l);
  }

  #lease(node: string, subnet: SubnetLease['subnet'], attributes: SubnetLease['attributes']): SubnetLease {
    return Object.freeze({
      node,
      subnet,
      ...(attributes === undefined ? {} : { attributes }),
      ...(this.#ttlMs === undefined ? {} : { expiresAt: this.#now() + this.#ttlMs }),
    });
  }

  #expire(): void {
    if (this.#ttlMs === undefined) return;
    const now = this.#now();
    for (const [node, lease] of this.#leases) {
      if (lease.expiresAt !== undefined && lease.expiresAt <= now) {
        this.#leases.delete(node);
        this.allocator.release(node);
      }
    }
  }
}
