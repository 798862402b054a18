/**
 * The kernel route model of edgeway and its pure mapping to and from rtnetlink route messages
 * (rtnetlink(7); include/uapi/linux/rtnetlink.h). No I/O: device names are resolved by the caller.
 * @module
 */
import { Cidr } from '../net/cidr.js';
import { IpAddress } from '../net/ip.js';
import type { RouteMessage } from './route-codec.js';
import { AddressFamily, RouteFlags, RouteScope, RouteTableId, RouteType } from './rtnetlink-constants.js';

/**
 * The rtnetlink protocol number edgeway marks its routes and rules with, and by which it recognises them as
 * its own: 0x45 = 69 (ASCII `E`). Not among the kernel's `RTPROT_*` (rtnetlink.h) nor iproute2's
 * `rt_protos`; `ip route` shows it as `proto 69`. Name it on a host with `echo "69 edgeway" >>
 * /etc/iproute2/rt_protos`. Configurable wherever a table is opened.
 */
export const EDGEWAY_ROUTE_PROTOCOL = 0x45;

/** Route scope (rtnetlink.h `enum rt_scope_t`); a number for a scope of `/etc/iproute2/rt_scopes`. */
export type KernelRouteScope = 'universe' | 'site' | 'link' | 'host' | 'nowhere' | number;

/** Route type (rtnetlink.h `RTN_*`). */
export type KernelRouteType =
  | 'unicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'nat'
  | 'xresolve';

/**
 * A route in a Linux FIB table, as edgeway programs it (`ip route` terms in brackets).
 * Identity (see {@link kernelRouteKey}): table, family, destination, metric — the kernel's own key for a
 * route (with TOS, always 0 here).
 */
export interface KernelRoute {
  /** Destination prefix (`ip route add DST`). */
  destination: Cidr;
  /** Next hop (`via`); of the other family it is sent as `RTA_VIA`. */
  gateway?: IpAddress;
  /** Output device (`dev`). */
  device?: string;
  /** Table id (`table`); default the table's configured one (254, `main`). */
  table?: number;
  /** Scope (`scope`); default `link` for an IPv4 unicast route without gateway, else `universe`. */
  scope?: KernelRouteScope;
  /** Metric (`metric`); default 0 for IPv4 and 1024 for IPv6, as the kernel applies. */
  metric?: number;
  /** `onlink`: treat the gateway as on the device's link even if no address covers it (`RTNH_F_ONLINK`). */
  onlink?: boolean;
  /** Type; default `unicast`. */
  type?: KernelRouteType;
  /** Preferred source address (`src`, `RTA_PREFSRC`). */
  source?: IpAddress;
}

const SCOPES: Record<Exclude<KernelRouteScope, number>, number> = {
  universe: RouteScope.UNIVERSE,
  site: RouteScope.SITE,
  link: RouteScope.LINK,
  host: RouteScope.HOST,
  nowhere: RouteScope.NOWHERE,
};
const SCOPE_NAMES = new Map<number, KernelRouteScope>(
  Object.entries(SCOPES).map(([k, v]) => [v, k as KernelRouteScope]),
);

const TYPES: Record<KernelRouteType, number> = {
  unicast: RouteType.UNICAST,
  local: RouteType.LOCAL,
  broadcast: RouteType.BROADCAST,
  anycast: RouteType.ANYCAST,
  multicast: RouteType.MULTICAST,
  blackhole: RouteType.BLACKHOLE,
  unreachable: RouteType.UNREACHABLE,
  prohibit: RouteType.PROHIBIT,
  throw: RouteType.THROW,
  nat: RouteType.NAT,
  xresolve: RouteType.XRESOLVE,
};
const TYPE_NAMES = new Map<number, KernelRouteType>(
  Object.entries(TYPES).map(([k, v]) => [v, k as KernelRouteType]),
);

/** `rtm_scope` of a scope name or number. */
export function scopeNumber(scope: KernelRouteScope): number {
  return typeof scope === 'number' ? scope : SCOPES[scope];
}

/** The name of an `rtm_scope` value, or the number for an unnamed one. */
export function scopeName(scope: number): KernelRouteScope {
  return SCOPE_NAMES.get(scope) ?? scope;
}

/** `rtm_type` of a type name. */
export function typeNumber(type: KernelRouteType): number {
  return TYPES[type];
}

/** The name of an `rtm_type` value (`unicast` for `RTN_UNSPEC`). */
export function typeName(type: number): KernelRouteType {
  return TYPE_NAMES.get(type) ?? 'unicast';
}

/** `main`, `local`, `default` or the number (iproute2's `rt_tables` names). */
export function tableName(table: number): string {
  return table === RouteTableId.MAIN
    ? 'main'
    : table === RouteTableId.LOCAL
      ? 'local'
      : table === RouteTableId.DEFAULT
        ? 'default'
        : String(table);
}

/** The kernel's default metric: 0 for IPv4, `IP6_RT_PRIO_USER` = 1024 for IPv6 (net/ipv6/route.c). */
export function defaultMetric(family: 4 | 6): number {
  return family === 6 ? 1024 : 0;
}

/** A route with every default applied, as the kernel will hold it. */
export interface NormalizedRoute {
  destination: Cidr;
  gateway: IpAddress | undefined;
  device: string | undefined;
  table: number;
  scope: number;
  metric: number;
  onlink: boolean;
  type: number;
  source: IpAddress | undefined;
}

/** The `rtm_scope` the kernel will hold for a route (see {@link KernelRoute.scope}). */
export function effectiveScope(route: KernelRoute): number {
  if (route.destination.family === 6) return RouteScope.UNIVERSE; // IPv6 routes have no scope: reported as universe
  if (route.scope !== undefined) return scopeNumber(route.scope);
  const type = route.type ?? 'unicast';
  if (type === 'local' || type === 'nat') return RouteScope.HOST;
  if (type === 'unicast' && route.gateway === undefined) return RouteScope.LINK;
  return RouteScope.UNIVERSE;
}

/** Applies the defaults (table, metric, type, scope, onlink) the kernel would apply. */
export function normalizeRoute(route: KernelRoute, defaultTable: number): NormalizedRoute {
  return {
    destination: route.destination,
    gateway: route.gateway,
    device: route.device,
    table: route.table ?? defaultTable,
    scope: effectiveScope(route),
    metric: route.metric ?? defaultMetric(route.destination.family),
    onlink: route.onlink === true,
    type: typeNumber(route.type ?? 'unicast'),
    source: route.source,
  };
}

/**
 * The identity of a route: `table|family|destination|metric`, the kernel's key (with TOS, always 0 here).
 * The destination is the network as a number (IPv4) or hex (IPv6), so computing it is cheap.
 */
export function kernelRouteKey(route: KernelRoute, defaultTable: number): string {
  const d = route.destination;
  const metric = route.metric ?? defaultMetric(d.family);
  const net = d.family === 4 ? Number(d.network.value) : d.network.value.toString(16);
  return `${route.table ?? defaultTable}|${d.family}|${net}/${d.prefixLength}|${metric}`;
}

function sameIp(a: IpAddress | undefined, b: IpAddress | undefined): boolean {
  return a === undefined ? b === undefined : b !== undefined && a.equals(b);
}

/**
 * Whether `installed` already is `desired`: same gateway, type, onlink, source and (IPv4) scope, and — when
 * `desired` names a device — the same device (the kernel picks the device of a gateway-only route itself).
 * The key (table, destination, metric) is not compared: it is equal by construction.
 */
export function kernelRoutesEqual(installed: KernelRoute, desired: KernelRoute): boolean {
  return (
    sameIp(installed.gateway, desired.gateway) &&
    (desired.device === undefined || installed.device === desired.device) &&
    (installed.type ?? 'unicast') === (desired.type ?? 'unicast') &&
    (installed.onlink === true) === (desired.onlink === true) &&
    sameIp(installed.source, desired.source) &&
    effectiveScope(installed) === effectiveScope(desired)
  );
}

/**
 * `ip route` syntax: `[TYPE] DST [via GW] [dev DEV] [table T] [proto P] [scope S] [metric M] [onlink] [src SRC]`.
 * Table, scope and metric are shown as the kernel will hold them.
 */
export function formatKernelRoute(route: KernelRoute, defaultTable: number, protocol?: number): string {
  const n = normalizeRoute(route, defaultTable);
  const parts: string[] = [];
  if (n.type !== RouteType.UNICAST) parts.push(typeName(n.type));
  parts.push(route.destination.toString());
  if (n.gateway) parts.push('via', n.gateway.toString());
  if (n.device !== undefined) parts.push('dev', n.device);
  parts.push('table', tableName(n.table));
  if (protocol !== undefined) parts.push('proto', String(protocol));
  if (route.destination.family === 4 && n.scope !== RouteScope.UNIVERSE)
    parts.push('scope', String(scopeName(n.scope)));
  parts.push('metric', String(n.metric));
  if (n.onlink) parts.push('onlink');
  if (n.source) parts.push('src', n.source.toString());
  return parts.join(' ');
}

/** An IP address in network byte order (4 or 16 bytes), without per-byte bigint arithmetic. */
export function ipToBytes(ip: IpAddress): Uint8Array {
  if (ip.family === 4) {
    const n = Number(ip.value);
    return Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  }
  const out = new Uint8Array(16);
  let v = ip.value;
  for (let w = 3; w >= 0; w--) {
    const n = Number(v & 0xffffffffn);
    v >>= 32n;
    out[w * 4] = n >>> 24;
    out[w * 4 + 1] = (n >>> 16) & 255;
    out[w * 4 + 2] = (n >>> 8) & 255;
    out[w * 4 + 3] = n & 255;
  }
  return out;
}

function u32At(b: Uint8Array, i: number): number {
  return (
    (((b[i] as number) << 24) |
      ((b[i + 1] as number) << 16) |
      ((b[i + 2] as number) << 8) |
      (b[i + 3] as number)) >>>
    0
  );
}

/** The address of 4 or 16 network-order bytes (faster than {@link IpAddress.fromBytes} on hot paths). */
export function ipFromBytes(b: Uint8Array): IpAddress {
  if (b.length === 4) return IpAddress.fromBigInt(BigInt(u32At(b, 0)), 4);
  if (b.length === 16) {
    const hi = (BigInt(u32At(b, 0)) << 32n) | BigInt(u32At(b, 4));
    const lo = (BigInt(u32At(b, 8)) << 32n) | BigInt(u32At(b, 12));
    return IpAddress.fromBigInt((hi << 64n) | lo, 6);
  }
  return IpAddress.fromBytes(b); // throws the typed error
}

/** `AF_INET` / `AF_INET6` of a family. */
export function addressFamily(family: 4 | 6): number {
  return family === 4 ? AddressFamily.INET : AddressFamily.INET6;
}

/** What a route's request needs besides the route: the owner's protocol and the device's ifindex. */
export interface RouteEncodingContext {
  protocol: number;
  defaultTable: number;
  /** ifindex of `route.device`, when it has one. */
  ifindex?: number;
}

/** The `RTM_NEWROUTE` message of a route (add or replace). */
export function routeToMessage(route: KernelRoute, ctx: RouteEncodingContext): RouteMessage {
  const n = normalizeRoute(route, ctx.defaultTable);
  const family = route.destination.family;
  const msg: RouteMessage = {
    family: addressFamily(family),
    dstLength: route.destination.prefixLength,
    srcLength: 0,
    tos: 0,
    table: n.table,
    protocol: ctx.protocol,
    scope: n.scope,
    type: n.type,
    flags: n.onlink ? RouteFlags.ONLINK : 0,
    priority: n.metric,
  };
  if (route.destination.prefixLength > 0) msg.destination = ipToBytes(route.destination.network);
  if (n.gateway) {
    if (n.gateway.family === family) msg.gateway = ipToBytes(n.gateway);
    else msg.via = { family: addressFamily(n.gateway.family), address: ipToBytes(n.gateway) };
  }
  if (ctx.ifindex !== undefined) msg.outputInterface = ctx.ifindex;
  if (n.source) msg.preferredSource = ipToBytes(n.source);
  return msg;
}

/**
 * The `RTM_DELROUTE` message for the route at a key that `protocol` owns: destination, table, metric and
 * protocol, scope `RT_SCOPE_NOWHERE` and type `RTN_UNSPEC` (match any). The kernel deletes only a route
 * whose protocol matches, so a foreign route at the same key is never touched. Caveat (net/ipv4/
 * fib_semantics.c `fib_nh_match`): an IPv4 metric of 0 matches any metric.
 */
export function routeToDeleteMessage(route: KernelRoute, ctx: RouteEncodingContext): RouteMessage {
  const n = normalizeRoute(route, ctx.defaultTable);
  const msg: RouteMessage = {
    family: addressFamily(route.destination.family),
    dstLength: route.destination.prefixLength,
    srcLength: 0,
    tos: 0,
    table: n.table,
    protocol: ctx.protocol,
    scope: RouteScope.NOWHERE,
    type: RouteType.UNSPEC,
    flags: 0,
    priority: n.metric,
  };
  if (route.destination.prefixLength > 0) msg.destination = ipToBytes(route.destination.network);
  return msg;
}

/**
 * Interns the addresses and prefixes decoded from dumps, so that a periodic `list()` reuses the objects of
 * the previous one instead of allocating (and garbage-collecting) tens of thousands anew. `IpAddress` and
 * `Cidr` are immutable, so sharing them is safe. Cleared when it outgrows `limit` entries.
 */
export class AddressCache {
  readonly #ips = new Map<number | string, IpAddress>();
  readonly #cidrs = new Map<number | string, Cidr>();

  constructor(readonly limit = 1 << 18) {}

  /** The address of 4 or 16 network-order bytes. */
  ip(b: Uint8Array): IpAddress {
    const k = bytesKey(b);
    if (k === undefined) return ipFromBytes(b);
    let hit = this.#ips.get(k);
    if (hit === undefined) {
      if (this.#ips.size >= this.limit) this.#ips.clear();
      hit = ipFromBytes(b);
      this.#ips.set(k, hit);
    }
    return hit;
  }

  /** The prefix `b/len` (`b` absent: the family's default route). */
  cidr(b: Uint8Array | undefined, family: 4 | 6, len: number): Cidr {
    const base = b === undefined ? (family === 4 ? 0 : '0,0,0,0') : bytesKey(b);
    if (base === undefined) return Cidr.of(ipFromBytes(b as Uint8Array), len);
    const k = typeof base === 'number' ? base * 64 + len : `${base}/${len}`;
    let hit = this.#cidrs.get(k);
    if (hit === undefined) {
      if (this.#cidrs.size >= this.limit) this.#cidrs.clear();
      hit = Cidr.of(b === undefined ? IpAddress.fromBigInt(0n, family) : this.ip(b), len);
      this.#cidrs.set(k, hit);
    }
    return hit;
  }

  /** Entries held. */
  get size(): number {
    return this.#ips.size + this.#cidrs.size;
  }
}

/** A cache key of 4 bytes (a number) or 16 bytes (a string of four u32); undefined for other lengths. */
function bytesKey(b: Uint8Array): number | string | undefined {
  if (b.length === 4) return u32At(b, 0);
  if (b.length === 16) return `${u32At(b, 0)},${u32At(b, 4)},${u32At(b, 8)},${u32At(b, 12)}`;
  return undefined;
}

const NO_CACHE = {
  ip: ipFromBytes,
  cidr: (b: Uint8Array | undefined, family: 4 | 6, len: number) =>
    Cidr.of(b === undefined ? IpAddress.fromBigInt(0n, family) : ipFromBytes(b), len),
};

/**
 * The route of a decoded message, or undefined for one edgeway cannot represent (not IPv4/IPv6, source-
 * specific). `deviceName` maps an ifindex to its name; `cache` interns addresses across calls.
 */
export function routeFromMessage(
  msg: RouteMessage,
  deviceName: (ifindex: number) => string | undefined,
  cache: Pick<AddressCache, 'ip' | 'cidr'> = NO_CACHE,
): KernelRoute | undefined {
  const family = msg.family === AddressFamily.INET ? 4 : msg.family === AddressFamily.INET6 ? 6 : undefined;
  if (family === undefined || msg.srcLength !== 0) return undefined;
  const route: KernelRoute = {
    destination: cache.cidr(msg.destination, family, msg.dstLength),
    table: msg.table,
    metric: msg.priority ?? 0, // IPv4 omits RTA_PRIORITY for metric 0
    type: typeName(msg.type),
  };
  if (family === 4) route.scope = scopeName(msg.scope);
  const firstHop = msg.multipath?.[0];
  const gw = msg.gateway ?? msg.via?.address ?? firstHop?.gateway ?? firstHop?.via?.address;
  if (gw) route.gateway = cache.ip(gw);
  const oif = msg.outputInterface ?? firstHop?.ifindex;
  if (oif !== undefined && oif > 0) route.device = deviceName(oif) ?? `if${oif}`;
  if ((msg.flags & RouteFlags.ONLINK) !== 0 || (firstHop && (firstHop.flags & RouteFlags.ONLINK) !== 0)) {
    route.onlink = true;
  }
  if (msg.preferredSource) route.source = cache.ip(msg.preferredSource);
  return route;
}
