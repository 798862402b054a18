export { CachedRouteTable } from './cached-route-table.js';
export { MemoryRouteTable, type MemoryRouteTableOptions } from './memory-route-table.js';
export { isEmptyPlan, planRoutes, type Replacement, type RouteModel, type RoutePlan } from './plan.js';
export {
  type ReconcileOptions,
  type ReconcileResult,
  type RouteOpFailure,
  reconcile,
} from './reconcile.js';
export { RouteReconciler, type RouteReconcilerOptions } from './route-reconciler.js';
export type { RouteTable } from './route-table.js';
