/**
 * Host routes of route mode (flannel host-gw): the pure route generator, BGP advertisements, the link watchers
 * and the manager that keeps a kernel table at the desired routes.
 * @module
 */
export {
  type AdvertisementOptions,
  advertisementsFor,
  DEFAULT_BLACKHOLE_METRIC,
  HOST_GW_BACKEND_TYPES,
  HostGwRouteMemo,
  type HostGwRouteOptions,
  type HostGwRoutes,
  hostGwRoutes,
  type RouteInterface,
  type RouteLease,
  type SkippedPeer,
  type SkipReason,
} from './host-gw-routes.js';
export {
  IpMonitorWatcher,
  type IpMonitorWatcherOptions,
  type LinkEvent,
  type LinkWatcher,
  PollingWatcher,
  type PollingWatcherOptions,
  parseIpMonitorLine,
} from './link-watcher.js';
export {
  HostGwRouteManager,
  type HostGwRouteManagerOptions,
  type LinkWatchMode,
  type RouteFailureStatus,
  type RouteManagerStatus,
} from './route-manager.js';
