import { type Cidr, IpAddress, type KernelRoute } from '@edgeway/core';

/** A best route as the kernel installer needs it. */
export interface InstallableRoute {
  readonly prefix: Cidr;
  readonly nextHop: string;
}

/** Options of {@link kernelRoutesFor}. */
export interface KernelRoutesOptions {
  /** Table to install into (default 254, `main`). */
  readonly table?: number;
  /** Route metric; default the kernel's (0 for IPv4, 1024 for IPv6). */
  readonly metric?: number;
}

/**
 * The kernel routes for the best BGP routes: `PREFIX via NEXT_HOP`, as BIRD's kernel protocol exports them. Routes
 * whose next hop is unusable for forwarding are left out: an unspecified or multicast next hop, a next hop inside its
 * own prefix (it would recurse), or a next hop of the other family (RFC 8950 is not negotiated).
 */
export function kernelRoutesFor(
  routes: Iterable<InstallableRoute>,
  options: KernelRoutesOptions = {},
): KernelRoute[] {
  const out: KernelRoute[] = [];
  for (const r of routes) {
    if (!IpAddress.isValid(r.nextHop)) continue;
    const gw = IpAddress.parse(r.nextHop);
    if (gw.family !== r.prefix.family) continue;
    const text = gw.toString();
    if (text === '0.0.0.0' || text === '::' || isMulticast(gw)) continue;
    if (r.prefix.contains(gw)) continue;
    out.push({
      destination: r.prefix,
      gateway: gw,
      ...(options.table === undefined ? {} : { table: options.table }),
      ...(options.metric === undefined ? {} : { metric: options.metric }),
    });
  }
  return out;
}

function isMulticast(ip: IpAddress): boolean {
  const b = ip.toBytes();
  return ip.family === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff;
}
