export {
  type AllocationLock,
  KubeAllocationLock,
  type KubeAllocationLockOptions,
} from './allocation-lock.js';
export { KubeLeaseSource, type KubeLeaseSourceOptions } from './kube-lease-source.js';
export {
  type AcquireOptions,
  type LeaseEvent,
  type LeaseEventType,
  type LeaseListener,
  type LeaseSource,
  type NodeLease,
  type SkippedNode,
  sameLease,
} from './lease-source.js';
export { checkPublicIps, type OwnBlocks, type PlanOwnBlocksInput, planOwnBlocks } from './own-blocks.js';
export { StaticLeaseSource, type StaticLeaseSourceOptions, type StaticNode } from './static-lease-source.js';
