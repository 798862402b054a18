import { Cidr } from '../net/cidr.js';
import type { IpAddress } from '../net/ip.js';
import { AddressPool, type AddressPoolOptions } from './address-pool.js';
import { FileStore, type StoreCodec } from './file-store.js';
import type { AllocateOptions, Ipam, IpamAllocation, IpamOwner } from './ipam.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/** The `format` tag of a pool store file. */
export const POOL_STORE_FORMAT = 'edgeway-ipam-pool';
/** The version of the pool store file layout. */
export const POOL_STORE_VERSION = 1;

/**
 * The JSON layout of a pool store file (version 1). Allocations are sorted by address so files diff well.
 *
 * ```json
 * { "format": "edgeway-ipam-pool", "version": 1, "block": "10.244.1.0/24", "lastReserved": "10.244.1.3",
 *   "allocations": [ { "address": "10.244.1.2", "containerId": "4f1c…", "ifName": "eth0" } ] }
 * ```
 */
export interface PoolStoreDocument {
  readonly format: typeof POOL_STORE_FORMAT;
  readonly version: typeof POOL_STORE_VERSION;
  readonly block: string;
  readonly lastReserved?: string;
  readonly allocations: readonly {
    readonly address: string;
    readonly containerId: string;
    readonly ifName: string;
  }[];
}

/** Options of {@link FileIpam.open}: the pool's range keys plus where to keep its state. */
export interface FileIpamOptions extends AddressPoolOptions {
  /** The node block, e.g. the node's `spec.podCIDR`. */
  readonly block: Cidr | string;
  /** The store file, e.g. `/var/lib/edgeway/ipam/10.244.1.0_24.json`; its lock is `<path>.lock`. */
  readonly path: string;
  /** How long an operation waits for another process holding the store (default 30 s). */
  readonly lockTimeoutMs?: number;
}

/**
 * The codec of a pool store: JSON ⇄ a restored {@link AddressPool}. Any violation of the layout or of the pool's
 * invariants (an address twice, an owner twice, an address outside the block) is a corrupt file; a valid file
 * for another block, or with allocations the current configuration reserves, is `ERR_STORE_MISMATCH`.
 */
export function poolStoreCodec(block: Cidr, options: AddressPoolOptions = {}): StoreCodec<AddressPool> {
  return {
    empty: () => new AddressPool(block, options),
    encode: (pool): PoolStoreDocument => {
      const last = pool.lastReserved;
      return {
        format: POOL_STORE_FORMAT,
        version: POOL_STORE_VERSION,
        block: pool.block.toString(),
        ...(last === undefined ? {} : { lastReserved: last.toString() }),
        allocations: pool.list().map((a) => ({
          address: a.address.toString(),
          containerId: a.owner.containerId,
          ifName: a.owner.ifName,
        })),
      };
    },
    decode: (json, file) => {
      const doc = checkDocument(json);
      const stored = Cidr.parse(doc.block);
      if (!stored.equals(block)) {
        throw new IpamError(
          IpamErrorCode.StoreMismatch,
          `the store ${file} holds ${stored.toString()}, not ${block.toString()}`,
          { file, expected: block.toString(), found: stored.toString() },
        );
      }
      const pool = new AddressPool(block, options);
      const { rejected } = pool.restore(
        doc.allocations.map((a) => ({
          owner: { containerId: a.containerId, ifName: a.ifName },
          address: a.address,
        })),
        doc.lastReserved === undefined ? {} : { lastReserved: doc.lastReserved },
      );
      const first = rejected[0];
      if (first !== undefined) {
        const reason = first.error.details.reason;
        const byConfig =
          first.error.code === IpamErrorCode.AddressReserved &&
          reason !== 'network' &&
          reason !== 'broadcast';
        if (!byConfig) throw first.error;
        throw new IpamError(
          IpamErrorCode.StoreMismatch,
          `the store ${file} has allocations the configuration no longer allows: ` +
            rejected.map((r) => `${r.address.toString()} (${String(r.error.details.reason)})`).join(', '),
          { file, addresses: rejected.map((r) => r.address.toString()) },
          { cause: first.error },
        );
      }
      return pool;
    },
  };
}

/**
 * A node's pod addresses kept on disk, host-local style: an {@link AddressPool} restored from a {@link FileStore}
 * for every operation, under the store's cross-process lock, and written back (atomically, fsync'ed) before the
 * operation resolves. Any number of processes on the node (CNI plugin invocations, the daemon, the CLI) may open
 * the same file; they never hand out one address twice, and a process killed at any point loses no allocation
 * it reported and leaves no half-written file. Round-robin position (`lastReserved`) is shared through the file.
 */
export class FileIpam implements Ipam {
  /** The node block. */
  readonly block: Cidr;
  /** The store file. */
  readonly path: string;
  readonly #store: FileStore<AddressPool>;

  private constructor(block: Cidr, path: string, store: FileStore<AddressPool>) {
    this.block = block;
    this.path = path;
    this.#store = store;
  }

  /**
   * Opens (or starts) the store of a block. Checks the configuration at once; the file is read per operation.
   * @throws IpamError `ERR_IPAM_CONFIG`, `ERR_IPAM_FAMILY_MISMATCH`, `ERR_STORE_IO`, `ERR_STORE_LOCK_TIMEOUT`;
   * `NetError` for unparsable text.
   */
  static async open(options: FileIpamOptions): Promise<FileIpam> {
    const block = typeof options.block === 'string' ? Cidr.parse(options.block) : options.block;
    const { block: _b, path, lockTimeoutMs, ...poolOptions } = options;
    const codec = poolStoreCodec(block, poolOptions);
    codec.empty(); // validates the configuration before touching the disk
    const store = await FileStore.open(path, codec, lockTimeoutMs === undefined ? {} : { lockTimeoutMs });
    return new FileIpam(block, path, store);
  }

  /**
   * Allocates under the lock and resolves once the allocation is on disk. An owner that already holds an
   * address gets it back without a write.
   * @throws IpamError as {@link AddressPool.allocate}, plus the store's errors.
   */
  allocate(owner: IpamOwner, options: AllocateOptions = {}): Promise<IpamAllocation> {
    const requested = options.requested;
    return this.#store.update(
      (pool) => {
        const had = pool.get(owner) !== undefined;
        const allocation = pool.allocate(owner, requested === undefined ? undefined : { requested });
        return had ? { result: allocation } : { result: allocation, next: pool };
      },
      options.signal ? { signal: options.signal } : {},
    );
  }

  /** Releases under the lock; writes only if the owner held an address. */
  release(owner: IpamOwner, options: { signal?: AbortSignal } = {}): Promise<IpamAllocation | undefined> {
    return this.#store.update((pool) => {
      const freed = pool.release(owner);
      return freed === undefined ? { result: undefined } : { result: freed, next: pool };
    }, options);
  }

  /** Releases an address whoever holds it (garbage collection). */
  releaseByAddress(
    address: IpAddress | string,
    options: { signal?: AbortSignal } = {},
  ): Promise<IpamAllocation | undefined> {
    return this.#store.update((pool) => {
      const freed = pool.releaseByAddress(address);
      return freed === undefined ? { result: undefined } : { result: freed, next: pool };
    }, options);
  }

  /** Every allocation on disk, in address order. */
  async list(options: { signal?: AbortSignal } = {}): Promise<IpamAllocation[]> {
    options.signal?.throwIfAborted();
    return (await this.#store.read()).list();
  }

  /** The pool as on disk now (a snapshot; changing it changes nothing on disk). */
  snapshot(): Promise<AddressPool> {
    return this.#store.read();
  }

  /** Closes the store (waits for queued operations). */
  close(): Promise<void> {
    return this.#store.close();
  }
}

function checkDocument(json: unknown): PoolStoreDocument {
  const fail = (what: string): never => {
    throw new Error(what);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('not a JSON object');
  const doc = json as Record<string, unknown>;
  if (doc.format !== POOL_STORE_FORMAT)
    fail(`format is ${JSON.stringify(doc.format)}, not "${POOL_STORE_FORMAT}"`);
  if (doc.version !== POOL_STORE_VERSION) fail(`unsupported version ${JSON.stringify(doc.version)}`);
  if (typeof doc.block !== 'string') fail('block is not a string');
  if (doc.lastReserved !== undefined && typeof doc.lastReserved !== 'string')
    fail('lastReserved is not a string');
  if (!Array.isArray(doc.allocations)) fail('allocations is not an array');
  (doc.allocations as unknown[]).forEach((a, i) => {
    if (a === null || typeof a !== 'object') fail(`allocations[${i}] is not an object`);
    const r = a as Record<string, unknown>;
    for (const key of ['address', 'containerId', 'ifName']) {
      if (typeof r[key] !== 'string') fail(`allocations[${i}].${key} is not a string`);
    }
  });
  return doc as unknown as PoolStoreDocument;
}
