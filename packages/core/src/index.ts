/**
 * `@edgeway/core`: CIDR/IP math, IPAM, the route-table interface and its generic reconciler, the Linux kernel
 * route table on rtnetlink, the peering interface, and the error, logging and clock seams every edgeway package
 * shares. No cloud, no BGP, no Kubernetes.
 *
 * @packageDocumentation
 */

export { type Clock, FakeClock, systemClock, type TimerHandle } from './clock/index.js';
export { EdgewayError, isEdgewayError } from './errors/index.js';
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
