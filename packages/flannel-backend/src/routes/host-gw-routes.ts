/**
 * The host routes of flannel's host-gw backend, as a pure function (`pkg/backend/hostgw/hostgw.go` and
 * `pkg/backend/route_network.go`): for every peer lease, `PEER_BLOCK via PEER_PUBLIC_IP dev EXTERNAL_IFACE`,
 * IPv4 and IPv6; plus what the BGP speaker should announce for a node. No I/O.
 * @module
 */
import type { Advertisement, Cidr, IpAddress, IpFamily, KernelRoute } from '@edgeway/core';
import { type InterfaceAddressInfo, onLinkPrefixes } from '../interface/external-interface.js';

/**
 * The part of a node lease the routes need (structurally a `NodeLease` of `../leases`): the node's blocks, its
 * public addresses and its backend type (flannel's `Lease.Subnet`, `IPv6Subnet`, `Attrs.PublicIP`,
 * `PublicIPv6`, `BackendType`).
 */
export interface RouteLease {
  readonly node: string;
  readonly subnet?: Cidr;
  readonly ipv6Subnet?: Cidr;
  readonly publicIp?: IpAddress;
  readonly publicIpv6?: IpAddress;
  readonly backendType?: string;
}

/** The external interface as the routes need it: its name (the routes' device) and addresses (on-link prefixes). */
export interface RouteInterface {
  readonly name: string;
  readonly addresses: readonly InterfaceAddressInfo[];
}

/** Backend types whose leases get host routes by default: flannel's `host-gw`, and `route` (ours). */
export const HOST_GW_BACKEND_TYPES: readonly string[] = ['host-gw', 'route'];

/** Metric of the blackhole route of the node's own block by default (see {@link HostGwRouteOptions.blackholeMetric}). */
export const DEFAULT_BLACKHOLE_METRIC = 65535;

/** Options of {@link hostGwRoutes}. */
export interface HostGwRouteOptions {
  /** Routing table (default: the route table's default, 254 `main`). */
  readonly table?: number;
  /** Metric of the peer routes (default: the kernel's, 0 for IPv4 and 1024 for IPv6, as flannel leaves it). */
  readonly metric?: number;
  /**
   * Add `blackhole OWN_BLOCK` so that traffic to unassigned addresses of the node's own block is dropped here
   * instead of following the default route back out (not done by flannel).
   */
  readonly blackhole?: boolean;
  /**
   * Metric of that blackhole (default {@link DEFAULT_BLACKHOLE_METRIC}). It must be worse than the connected
   * route of the node's pod bridge (`cni0`: metric 0 for IPv4, 256 for IPv6), so that live pods stay reachable.
   */
  readonly blackholeMetric?: number;
  /**
   * Backend types of peer leases to route (default {@link HOST_GW_BACKEND_TYPES}); flannel ignores leases of
   * another backend ("Ignoring non-host-gw subnet"). A lease with no backend type is routed.
   */
  readonly backendTypes?: readonly string[];
}

/** Why a peer got no route for a family. */
export type SkipReason =
  /** The peer's IP is not inside any prefix of our interface's addresses: another L2 segment (cross-domain). */
  | 'not-on-link'
  /** The peer has a block of the family but no public IP of it. */
  | 'no-public-ip'
  /** The peer has no block of a family we route. */
  | 'no-block'
  /** The peer's public IP is one of our own addresses. */
  | 'public-ip-is-local'
  /** The peer's block is ours. */
  | 'same-block-as-self'
  /** The peer's block overlaps ours. */
  | 'overlaps-own-block'
  /** Another peer (earlier by node name) already has this block. */
  | 'duplicate-block'
  /** The peer runs another backend (flannel's `BackendType`). */
  | 'backend-type';

/** A peer (and family) that got no host route, and why. */
export interface SkippedPeer {
  readonly node: string;
  readonly family: IpFamily;
  readonly reason: SkipReason;
  readonly block?: Cidr;
  readonly gateway?: IpAddress;
  /** A sentence for logs. */
  readonly message: string;
}

/** What {@link hostGwRoutes} computed. */
export interface HostGwRoutes {
  /** The desired routes, IPv4 then IPv6, peers by node name, then the blackholes. */
  readonly routes: KernelRoute[];
  readonly skipped: SkippedPeer[];
}

interface FamilyKeys {
  block: 'subnet' | 'ipv6Subnet';
  ip: 'publicIp' | 'publicIpv6';
}
const KEYS: Record<IpFamily, FamilyKeys> = {
  4: { block: 'subnet', ip: 'publicIp' },
  6: { block: 'ipv6Subnet', ip: 'publicIpv6' },
};

/**
 * Reuses the route objects of unchanged leases between calls of {@link hostGwRoutes} (same lease object, same
 * device, table and metric), so that a caller planning by key and equality — `reconcile` over thousands of peers —
 * works on the objects it already saw. The output is the same with or without it.
 */
export class HostGwRouteMemo {
  #signature = '';
  #routes = new WeakMap<RouteLease, { 4?: KernelRoute; 6?: KernelRoute }>();

  /** The memo for routes made with this device, table and metric (a new one when they changed). */
  scope(signature: string): WeakMap<RouteLease, { 4?: KernelRoute; 6?: KernelRoute }> {
    if (signature !== this.#signature) {
      this.#signature = signature;
      this.#routes = new WeakMap();
    }
    return this.#routes;
  }
}

/**
 * The desired host routes of node `self` (see the module): for each peer lease and each family that `self`
 * has a block of, `destination = peer block, gateway = peer public IP, device = iface.name`. A peer gets no
 * route — and is listed in `skipped` with the reason — when its IP is not on-link (not inside a prefix of
 * `iface`'s addresses: the kernel would refuse the gateway, and the peer is reached through the gateway BGP
 * feeds), when it lacks the IP or block, when its block is ours or overlaps ours or another peer's same block
 * came first, when its IP is ours, or when it runs another backend. `self` in `peers` is ignored.
 */
export function hostGwRoutes(
  self: RouteLease,
  peers: readonly RouteLease[],
  iface: RouteInterface,
  options: HostGwRouteOptions = {},
  memo?: HostGwRouteMemo,
): HostGwRoutes {
  const prefixes = onLinkPrefixes(iface.addresses);
  const accepted = options.backendTypes ?? HOST_GW_BACKEND_TYPES;
  const ordered = peers
    .filter((p) => p.node !== self.node)
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const routes: KernelRoute[] = [];
  const skipped: SkippedPeer[] = [];
  const base = {
    device: iface.name,
    ...(options.table === undefined ? {} : { table: options.table }),
    ...(options.metric === undefined ? {} : { metric: options.metric }),
  };
  const made = memo?.scope(`${iface.name}|${options.table ?? ''}|${options.metric ?? ''}`);
  const families: IpFamily[] = [];
  if (self.subnet) families.push(4);
  if (self.ipv6Subnet) families.push(6);
  const skip = (
    node: string,
    family: IpFamily,
    reason: SkipReason,
    message: string,
    block?: Cidr,
    gateway?: IpAddress,
  ) => {
    skipped.push({
      node,
      family,
      reason,
      message,
      ...(block ? { block } : {}),
      ...(gateway ? { gateway } : {}),
    });
  };
  for (const family of families) {
    const k = KEYS[family];
    const own = self[k.block] as Cidr;
    const famPrefixes = prefixes.filter((p) => p.family === family);
    const taken = new Map<string, string>();
    for (const peer of ordered) {
      if (peer.backendType && !accepted.includes(peer.backendType)) {
        if (family === families[0]) {
          skip(
            peer.node,
            family,
            'backend-type',
            `${peer.node} runs backend ${peer.backendType}, not ${accepted.join('/')}`,
          );
        }
        continue;
      }
      const block = peer[k.block];
      const gw = peer[k.ip];
      if (!block || block.family !== family) {
        skip(peer.node, family, 'no-block', `${peer.node} has no IPv${family} block`, undefined, gw);
        continue;
      }
      const label = `${peer.node} (${block.toString()})`;
      if (!gw || gw.family !== family) {
        skip(peer.node, family, 'no-public-ip', `${label} has no IPv${family} public IP`, block);
        continue;
      }
      if (block.equals(own)) {
        skip(
          peer.node,
          family,
          'same-block-as-self',
          `${label} has our own block ${own.toString()}`,
          block,
          gw,
        );
        continue;
      }
      if (block.overlaps(own)) {
        skip(
          peer.node,
          family,
          'overlaps-own-block',
          `${label} overlaps our block ${own.toString()}`,
          block,
          gw,
        );
        continue;
      }
      if (iface.addresses.some((a) => a.address.equals(gw))) {
        skip(
          peer.node,
          family,
          'public-ip-is-local',
          `${label} claims our own address ${gw.toString()}`,
          block,
          gw,
        );
        continue;
      }
      if (!famPrefixes.some((p) => p.contains(gw))) {
        skip(
          peer.node,
          family,
          'not-on-link',
          `${label} at ${gw.toString()} is not on-link through ${iface.name} (${famPrefixes.map(String).join(', ') || `no IPv${family} prefix`}); reached through the BGP-fed gateway`,
          block,
          gw,
        );
        continue;
      }
      const key = block.toString();
      const holder = taken.get(key);
      if (holder !== undefined) {
        skip(peer.node, family, 'duplicate-block', `${label} has the block of ${holder}`, block, gw);
        continue;
      }
      taken.set(key, peer.node);
      let route = made?.get(peer)?.[family];
      if (!route) {
        route = { destination: block, gateway: gw, ...base };
        if (made) made.set(peer, { ...made.get(peer), [family]: route });
      }
      routes.push(route);
    }
  }
  if (options.blackhole) {
    for (const family of families) {
      routes.push({
        destination: self[KEYS[family].block] as Cidr,
        type: 'blackhole',
        metric: options.blackholeMetric ?? DEFAULT_BLACKHOLE_METRIC,
        ...(options.table === undefined ? {} : { table: options.table }),
      });
    }
  }
  return { routes, skipped };
}

/** Options of {@link advertisementsFor}: the domain aggregate(s) and BGP attributes for every announcement. */
export interface AdvertisementOptions extends Omit<Advertisement, 'prefix' | 'nextHop'> {
  /** Announce also the aggregate of the domain (e.g. the edge pod CIDR `10.0.0.0/16`), per family. */
  readonly aggregate?: Cidr | readonly Cidr[];
}

/**
 * What a node's BGP speaker announces to the data-centre router (the seed's cross-domain path): the node's
 * block(s) with next hop = the node's IP of that family, and optionally the domain aggregate(s) with the same
 * next hop. A family without a node IP is announced without a next hop (the speaker's next-hop-self).
 */
export function advertisementsFor(node: RouteLease, options: AdvertisementOptions = {}): Advertisement[] {
  const { aggregate, ...attributes } = options;
  const aggregates: readonly Cidr[] =
    aggregate === undefined
      ? []
      : Array.isArray(aggregate)
        ? (aggregate as readonly Cidr[])
        : [aggregate as Cidr];
  const out: Advertisement[] = [];
  for (const family of [4, 6] as const) {
    const block = node[KEYS[family].block];
    const ip = node[KEYS[family].ip];
    const nextHop = ip?.family === family ? { nextHop: ip } : {};
    if (block) out.push({ prefix: block, ...nextHop, ...attributes });
    for (const agg of aggregates) {
      if (agg.family !== family || (block && agg.equals(block))) continue;
      out.push({ prefix: agg, ...nextHop, ...attributes });
    }
  }
  return out;
}
