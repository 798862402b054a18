import { describe, expect, it } from 'vitest';
import { Cidr, IpAddress } from '../net/index.js';
import {
  AddressCache,
  EDGEWAY_ROUTE_PROTOCOL,
  formatKernelRoute,
  ipFromBytes,
  ipToBytes,
  type KernelRoute,
  kernelRouteKey,
  kernelRoutesEqual,
  normalizeRoute,
  routeFromMessage,
  routeToDeleteMessage,
  routeToMessage,
} from './kernel-route.js';
import { splitMessages } from './netlink-message.js';
import { decodeRouteMessage, encodeRouteRequest } from './route-codec.js';
import { RouteFlags, RouteScope, RouteType } from './rtnetlink-constants.js';

const ip = IpAddress.parse;
const cidr = (s: string) => Cidr.parse(s);
const MAIN = 254;
const ctx = { protocol: EDGEWAY_ROUTE_PROTOCOL, defaultTable: MAIN, ifindex: 3 };

describe('KernelRoute model', () => {
  it('converts addresses to and from network-order bytes', () => {
    for (const s of ['0.0.0.0', '198.51.100.2', '255.255.255.255', '::', '2001:db8::1', 'ffff::ffff:1']) {
      const a = ip(s);
      expect(ipToBytes(a)).toEqual(a.toBytes());
      expect(ipFromBytes(a.toBytes()).equals(a)).toBe(true);
    }
    expect(() => ipFromBytes(new Uint8Array(5))).toThrow();
  });

  it('applies the kernel defaults: metric 0/1024, scope link for a device route, universe otherwise', () => {
    expect(normalizeRoute({ destination: cidr('10.0.0.0/24'), device: 'v0' }, MAIN)).toMatchObject({
      table: MAIN,
      metric: 0,
      scope: RouteScope.LINK,
      type: RouteType.UNICAST,
      onlink: false,
    });
    expect(
      normalizeRoute({ destination: cidr('10.0.0.0/24'), gateway: ip('198.51.100.2') }, 100),
    ).toMatchObject({
      table: 100,
      scope: RouteScope.UNIVERSE,
    });
    expect(
      normalizeRoute({ destination: cidr('2001:db8::/64'), device: 'v0', scope: 'link' }, MAIN),
    ).toMatchObject({
      metric: 1024,
      scope: RouteScope.UNIVERSE, // IPv6 has no route scopes
    });
    expect(normalizeRoute({ destination: cidr('10.0.0.0/8'), type: 'blackhole' }, MAIN).scope).toBe(
      RouteScope.UNIVERSE,
    );
  });

  it('keys on table, family, destination and metric only', () => {
    const a: KernelRoute = { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), metric: 100 };
    expect(kernelRouteKey(a, MAIN)).toBe(
      kernelRouteKey({ ...a, gateway: ip('198.51.100.3'), device: 'x' }, MAIN),
    );
    expect(kernelRouteKey(a, MAIN)).toBe(kernelRouteKey({ ...a, table: MAIN }, 100));
    expect(kernelRouteKey(a, MAIN)).not.toBe(kernelRouteKey({ ...a, metric: 101 }, MAIN));
    expect(kernelRouteKey(a, MAIN)).not.toBe(kernelRouteKey({ ...a, table: 100 }, MAIN));
    expect(kernelRouteKey(a, MAIN)).not.toBe(
      kernelRouteKey({ ...a, destination: cidr('10.1.0.0/25') }, MAIN),
    );
    // metric defaults are part of the key: an IPv6 route without metric is the 1024 one
    const v6 = { destination: cidr('2001:db8::/64') };
    expect(kernelRouteKey(v6, MAIN)).toBe(kernelRouteKey({ ...v6, metric: 1024 }, MAIN));
    expect(kernelRouteKey({ destination: cidr('10.0.0.0/8') }, MAIN)).toBe(
      kernelRouteKey({ destination: cidr('10.0.0.0/8'), metric: 0 }, MAIN),
    );
  });

  it('equals compares gateway, device (when wanted), scope, type, onlink and source', () => {
    const installed: KernelRoute = {
      destination: cidr('10.1.0.0/24'),
      gateway: ip('198.51.100.2'),
      device: 'v0',
      metric: 100,
      table: MAIN,
      scope: 'universe',
      type: 'unicast',
    };
    const desired: KernelRoute = {
      destination: cidr('10.1.0.0/24'),
      gateway: ip('198.51.100.2'),
      metric: 100,
    };
    expect(kernelRoutesEqual(installed, desired)).toBe(true); // device chosen by the kernel
    expect(kernelRoutesEqual(installed, { ...desired, device: 'v0' })).toBe(true);
    expect(kernelRoutesEqual(installed, { ...desired, device: 'v1' })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, gateway: ip('198.51.100.3') })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, gateway: undefined, device: 'v0' })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, onlink: true })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, type: 'blackhole' })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, scope: 'link' })).toBe(false);
    expect(kernelRoutesEqual(installed, { ...desired, source: ip('198.51.100.1') })).toBe(false);
  });

  it('formats in ip-route syntax', () => {
    expect(
      formatKernelRoute(
        { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), device: 'v0', metric: 100 },
        MAIN,
        69,
      ),
    ).toBe('10.1.0.0/24 via 198.51.100.2 dev v0 table main proto 69 metric 100');
    expect(
      formatKernelRoute({ destination: cidr('10.9.0.0/16'), type: 'blackhole', table: 1000 }, MAIN),
    ).toBe('blackhole 10.9.0.0/16 table 1000 metric 0');
    expect(
      formatKernelRoute(
        { destination: cidr('10.2.0.0/16'), device: 'v0', onlink: true, source: ip('198.51.100.1') },
        MAIN,
      ),
    ).toBe('10.2.0.0/16 dev v0 table main scope link metric 0 onlink src 198.51.100.1');
    expect(
      formatKernelRoute({ destination: cidr('2001:db8::/64'), gateway: ip('fe80::1'), device: 'v0' }, MAIN),
    ).toBe('2001:db8::/64 via fe80::1 dev v0 table main metric 1024');
  });

  it('builds the add and delete messages', () => {
    const r: KernelRoute = {
      destination: cidr('10.1.0.0/24'),
      gateway: ip('198.51.100.2'),
      device: 'v0',
      metric: 100,
      onlink: true,
      source: ip('198.51.100.1'),
    };
    expect(routeToMessage(r, ctx)).toEqual({
      family: 2,
      dstLength: 24,
      srcLength: 0,
      tos: 0,
      table: MAIN,
      protocol: 69,
      scope: RouteScope.UNIVERSE,
      type: RouteType.UNICAST,
      flags: RouteFlags.ONLINK,
      priority: 100,
      destination: Uint8Array.of(10, 1, 0, 0),
      gateway: Uint8Array.of(198, 51, 100, 2),
      outputInterface: 3,
      preferredSource: Uint8Array.of(198, 51, 100, 1),
    });
    expect(routeToDeleteMessage(r, ctx)).toEqual({
      family: 2,
      dstLength: 24,
      srcLength: 0,
      tos: 0,
      table: MAIN,
      protocol: 69,
      scope: RouteScope.NOWHERE,
      type: RouteType.UNSPEC,
      flags: 0,
      priority: 100,
      destination: Uint8Array.of(10, 1, 0, 0),
    });
    // the default route has no RTA_DST; a gateway of the other family is RTA_VIA
    const dflt = routeToMessage(
      { destination: cidr('0.0.0.0/0'), gateway: ip('fe80::1'), device: 'v0' },
      ctx,
    );
    expect(dflt.destination).toBeUndefined();
    expect(dflt.via).toEqual({ family: 10, address: ip('fe80::1').toBytes() });
  });

  it('round-trips route → message → bytes → message → route', () => {
    const names = new Map([[3, 'v0']]);
    const cases: KernelRoute[] = [
      { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), device: 'v0', metric: 100 },
      {
        destination: cidr('10.2.0.0/16'),
        gateway: ip('203.0.113.1'),
        device: 'v0',
        onlink: true,
        table: 1000,
      },
      { destination: cidr('10.3.0.0/16'), type: 'unreachable' },
      { destination: cidr('2001:db8:5::/48'), gateway: ip('2001:db8:1::2'), device: 'v0', metric: 5 },
      { destination: cidr('0.0.0.0/0'), gateway: ip('fe80::1'), device: 'v0' },
    ];
    for (const r of cases) {
      const bytes = encodeRouteRequest(
        'add',
        routeToMessage(r, { ...ctx, ifindex: r.device ? 3 : undefined }),
      );
      const back = routeFromMessage(decodeRouteMessage(splitMessages(bytes)[0]!), (i) => names.get(i));
      expect(back).toBeDefined();
      expect(kernelRouteKey(back!, MAIN)).toBe(kernelRouteKey(r, MAIN));
      expect(kernelRoutesEqual(back!, r)).toBe(true);
    }
  });

  it('interns addresses and prefixes across decodes (AddressCache)', () => {
    const cache = new AddressCache(4);
    const a = cache.ip(Uint8Array.of(198, 51, 100, 2));
    expect(cache.ip(Uint8Array.of(198, 51, 100, 2))).toBe(a);
    expect(a.toString()).toBe('198.51.100.2');
    const c = cache.cidr(Uint8Array.of(10, 1, 0, 0), 4, 24);
    expect(cache.cidr(Uint8Array.of(10, 1, 0, 0), 4, 24)).toBe(c);
    expect(cache.cidr(Uint8Array.of(10, 1, 0, 0), 4, 16).toString()).toBe('10.1.0.0/16');
    expect(cache.cidr(undefined, 6, 0).toString()).toBe('::/0');
    const v6 = ip('2001:db8::5').toBytes();
    expect(cache.ip(v6)).toBe(cache.ip(v6.slice()));
    expect(cache.cidr(ip('2001:db8::').toBytes(), 6, 32).toString()).toBe('2001:db8::/32');
    for (let i = 0; i < 10; i++) cache.ip(Uint8Array.of(10, 0, 0, i));
    expect(cache.size).toBeLessThanOrEqual(8); // bounded: cleared when full
    const names = new Map([[3, 'v0']]);
    const msg = routeToMessage({ destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2') }, ctx);
    const r1 = routeFromMessage(msg, (i) => names.get(i), cache);
    const r2 = routeFromMessage(msg, (i) => names.get(i), cache);
    expect(r1?.destination).toBe(r2?.destination);
    expect(r1?.gateway).toBe(r2?.gateway);
  });

  it('skips what it cannot represent and names unknown devices by index', () => {
    const base = routeToMessage({ destination: cidr('10.1.0.0/24'), device: 'v0' }, ctx);
    expect(routeFromMessage({ ...base, family: 28 }, () => undefined)).toBeUndefined(); // AF_MPLS
    expect(routeFromMessage({ ...base, srcLength: 8 }, () => undefined)).toBeUndefined(); // source-specific
    expect(routeFromMessage(base, () => undefined)?.device).toBe('if3');
  });
});
