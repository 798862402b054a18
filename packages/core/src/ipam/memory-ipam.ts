import type { IpAddress } from '../net/ip.js';
import type { AddressPool } from './address-pool.js';
import type { AllocateOptions, Ipam, IpamAllocation, IpamOwner } from './ipam.js';

/**
 * The {@link Ipam} interface over an in-memory {@link AddressPool}: nothing persists, nothing is shared between
 * processes. For tests, emulators and callers that keep state elsewhere.
 */
export class MemoryIpam implements Ipam {
  /** The pool behind it. */
  readonly pool: AddressPool;

  constructor(pool: AddressPool) {
    this.pool = pool;
  }

  async allocate(owner: IpamOwner, options: AllocateOptions = {}): Promise<IpamAllocation> {
    options.signal?.throwIfAborted();
    return this.pool.allocate(
      owner,
      options.requested === undefined ? undefined : { requested: options.requested },
    );
  }

  async release(
    owner: IpamOwner,
    options: { signal?: AbortSignal } = {},
  ): Promise<IpamAllocation | undefined> {
    options.signal?.throwIfAborted();
    return this.pool.release(owner);
  }

  async releaseByAddress(
    address: IpAddress | string,
    options: { signal?: AbortSignal } = {},
  ): Promise<IpamAllocation | undefined> {
    options.signal?.throwIfAborted();
    return this.pool.releaseByAddress(address);
  }

  async list(options: { signal?: AbortSignal } = {}): Promise<IpamAllocation[]> {
    options.signal?.throwIfAborted();
    return this.pool.list();
  }
}
