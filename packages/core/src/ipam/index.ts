/**
 * IP address management: per-node blocks carved from a cluster CIDR (flannel `SubnetLen`/`SubnetMin`/`SubnetMax`)
 * and per-pod addresses inside a block (CNI host-local), in memory or on disk with a cross-process lock.
 * @module
 */

/** Pod addresses of one block, host-local semantics, bitmap-backed. */
export {
  AddressPool,
  type AddressPoolOptions,
  type PoolAllocation,
  type PoolRestoreResult,
} from './address-pool.js';
/** The {@link Ipam} interface over an {@link AddressPool} persisted in a {@link FileStore}. */
export {
  FileIpam,
  type FileIpamOptions,
  POOL_STORE_FORMAT,
  POOL_STORE_VERSION,
  type PoolStoreDocument,
  poolStoreCodec,
} from './file-ipam.js';
/** `flock(2)` between processes, released by the kernel when the holder dies. */
export { FileLock, type LockOptions } from './file-lock.js';
/** One JSON document on disk: locked read-modify-write, atomic fsync'ed replace, loud corruption. */
export { FileStore, type FileStoreOptions, type StoreCodec, type StoreUpdate } from './file-store.js';
/** The interfaces every IPAM backend implements (CNI `ADD`/`DEL` and flannel-style subnet leases). */
export type {
  AcquireLeaseOptions,
  AllocateOptions,
  Ipam,
  IpamAllocation,
  IpamOwner,
  SubnetLease,
  SubnetLeaseAttributes,
  SubnetLeaser,
} from './ipam.js';
/** Owner and node-name validation shared by implementations (`ERR_IPAM_OWNER`). */
export { checkNodeName, checkOwner } from './ipam.js';
/** The IPAM error class and its stable codes. */
export { IpamError, IpamErrorCode } from './ipam-error.js';
/** The {@link Ipam} interface over an in-memory {@link AddressPool}. */
export { MemoryIpam } from './memory-ipam.js';
/** An in-memory {@link SubnetLeaser} with optional expiry. */
export { MemorySubnetLeaser, type MemorySubnetLeaserOptions } from './memory-subnet-leaser.js';
/** Node blocks of a cluster CIDR, flannel semantics, sticky per node, O(log n) free-block search. */
export {
  defaultSubnetLength,
  type NodeSubnet,
  type RestoreResult,
  SubnetAllocator,
  type SubnetAllocatorOptions,
  type SubnetOrder,
  type SubnetStats,
} from './subnet-allocator.js';
