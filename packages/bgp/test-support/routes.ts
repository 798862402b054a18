/**
 * The one route shape every daemon reader of the harness returns, so an interop test asserts the same way whether
 * BIRD, FRR, GoBGP or ExaBGP holds the route.
 * @module
 */

/** A route as a peer daemon reports it (strings as the daemon prints them, normalized). */
export interface PeerRoute {
  /** CIDR, e.g. `10.244.0.0/24` or `2001:db8:244::/64`. */
  prefix: string;
  /** Global next hop (IPv6 link-local next hops are in `linkLocalNextHop`). */
  nextHop: string;
  linkLocalNextHop?: string;
  /** AS_PATH flattened (AS_SET members included in order). */
  asPath: number[];
  /** RFC 1997 communities as `asn:value`. */
  communities: string[];
  /** RFC 8092 large communities as `global:local1:local2`. */
  largeCommunities: string[];
  med?: number;
  localPref?: number;
  /** ORIGIN as `igp` | `egp` | `incomplete` when the daemon reports it. */
  origin?: 'igp' | 'egp' | 'incomplete';
  /** Kept as stale during a peer's graceful restart (RFC 4724), where the daemon reports it. */
  stale?: boolean;
  /** True for the daemon's best path, where it reports it. */
  best?: boolean;
}

/** Sorts routes by prefix (stable output for assertions). */
export function sortRoutes<T extends { prefix: string }>(routes: T[]): T[] {
  return routes.sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0));
}

/** The route for `prefix`, if any. */
export function findRoute<T extends { prefix: string }>(routes: readonly T[], prefix: string): T | undefined {
  return routes.find((r) => r.prefix === prefix);
}

/** Parses `origin` spellings of the daemons (`IGP`, `i`, `igp`, 0 …). */
export function normalizeOrigin(value: string | number | undefined): PeerRoute['origin'] {
  if (value === undefined) return undefined;
  const v = String(value).toLowerCase();
  if (v === 'igp' || v === 'i' || v === '0') return 'igp';
  if (v === 'egp' || v === 'e' || v === '1') return 'egp';
  if (v === 'incomplete' || v === '?' || v === '2') return 'incomplete';
  return undefined;
}

/** Splits an IPv6 next-hop list into global and link-local. */
export function splitNextHops(hops: readonly string[]): { nextHop: string; linkLocalNextHop?: string } {
  const linkLocal = hops.find((h) => /^fe80:/i.test(h));
  const global = hops.find((h) => !/^fe80:/i.test(h)) ?? linkLocal ?? '';
  return linkLocal && linkLocal !== global
    ? { nextHop: global, linkLocalNextHop: linkLocal }
    : { nextHop: global };
}
