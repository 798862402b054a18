/**
 * `@edgeway/core`: CIDR/IP math, IPAM, the route-table interface and its generic reconciler, the Linux kernel
 * route table on rtnetlink, the peering interface, and the error, logging and clock seams every edgeway package
 * shares. No cloud, no BGP, no Kubernetes.
 *
 * @packageDocumentation
 */

export { type Clock, FakeClock, systemClock, type TimerHandle } from './clock/index.js';
export { EdgewayError, isEdgewayError } from './errors/index.js';
export {
  type AcquireLeaseOptions,
  AddressPool,
  type AddressPoolOptions,
  type AllocateOptions,
  checkNodeName,
  checkOwner,
  defaultSubnetLength,
  FileIpam,
  type FileIpamOptions,
  FileLock,
  FileStore,
  type FileStoreOptions,
  type Ipam,
  type IpamAllocation,
  IpamError,
  IpamErrorCode,
  type IpamOwner,
  type LockOptions,
  MemoryIpam,
  MemorySubnetLeaser,
  type MemorySubnetLeaserOptions,
  type NodeSubnet,
  POOL_STORE_FORMAT,
  POOL_STORE_VERSION,
  type PoolAllocation,
  type PoolRestoreResult,
  type PoolStoreDocument,
  poolStoreCodec,
  type RestoreResult,
  type StoreCodec,
  type StoreUpdate,
  SubnetAllocator,
  type SubnetAllocatorOptions,
  type SubnetLease,
  type SubnetLeaseAttributes,
  type SubnetLeaser,
  type SubnetOrder,
  type SubnetStats,
} from './ipam/index.js';
export { type Logger, silentLogger } from './logging/index.js';
export {
  aggregate,
  Cidr,
  type CidrOverlap,
  type CidrParseOptions,
  familyBits,
  findOverlaps,
  IpAddress,
  type IpFamily,
  type NamedCidr,
  NetError,
  NetErrorCode,
  parseInterfaceAddress,
  rangeToCidrs,
  sortCidrs,
} from './net/index.js';
export type {
  Advertisement,
  Community,
  LargeCommunity,
  Peering,
  PeeringEvent,
  PeerState,
  PeerStatus,
  ReceivedRoute,
} from './peering/index.js';
export {
  isEmptyPlan,
  MemoryRouteTable,
  type MemoryRouteTableOptions,
  planRoutes,
  type ReconcileOptions,
  type ReconcileResult,
  type Replacement,
  type RouteModel,
  type RouteOpFailure,
  type RoutePlan,
  RouteReconciler,
  type RouteReconcilerOptions,
  type RouteTable,
  reconcile,
} from './routes/index.js';
