import {
  Cidr,
  EdgewayError,
  FakeClock,
  formatKernelRoute,
  IpAddress,
  type KernelRoute,
  kernelRouteKey,
  kernelRoutesEqual,
  MemoryRouteTable,
} from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import type { RouteLease } from './host-gw-routes.js';
import { HostGwRouteManager } from './route-manager.js';

const ip = IpAddress.parse;
const flush = () => new Promise((resolve) => setImmediate(resolve));

function table(fail?: (op: string, r: KernelRoute) => Error | undefined, initial: KernelRoute[] = []) {
  return new MemoryRouteTable<KernelRoute>({
    name: 'mem',
    key: (r) => kernelRouteKey(r, 254),
    equals: kernelRoutesEqual,
    format: (r) => formatKernelRoute(r, 254),
    initial,
    ...(fail ? { fail } : {}),
  });
}

const lease = (node: string, n: number, host = n): RouteLease => ({
  node,
  subnet: Cidr.parse(`10.0.${n}.0/24`),
  publicIp: ip(`198.51.100.${host}`),
  backendType: 'host-gw',
});
const iface = { name: 'eth0', addresses: [{ address: ip('198.51.100.1'), prefixLength: 24 }] };
const shown = (t: MemoryRouteTable<KernelRoute>) =>
  t
    .snapshot()
    .map((r) => formatKernelRoute(r, 254))
    .sort();

describe('HostGwRouteManager', () => {
  it('follows lease changes: joins, a changed IP, departures', async () => {
    const t = table();
    const m = new HostGwRouteManager(iface, { routeTable: t, linkWatch: 'off', clock: new FakeClock() });
    const a = lease('a', 1);
    await m.update(a, [a, lease('b', 2), lease('c', 3)]);
    expect(shown(t)).toEqual([
      '10.0.2.0/24 via 198.51.100.2 dev eth0 table main metric 0',
      '10.0.3.0/24 via 198.51.100.3 dev eth0 table main metric 0',
    ]);
    const r = await m.update(a, [lease('b', 2, 22), lease('d', 4)]);
    expect(r.plan.replace).toHaveLength(1);
    expect(shown(t)).toEqual([
      '10.0.2.0/24 via 198.51.100.22 dev eth0 table main metric 0',
      '10.0.4.0/24 via 198.51.100.4 dev eth0 table main metric 0',
    ]);
    expect(m.status()).toMatchObject({ device: 'eth0', desiredRoutes: 2, runs: 2, failures: [] });
    // the second lease change was planned from the cache; an explicit trigger lists the table
    expect(m.status().listings).toEqual({ cached: 1, listed: 1 });
    expect(m.status().lastRun).toMatchObject({ applied: true, added: 1, removed: 1, replaced: 1 });
    await m.trigger();
    expect(m.status().listings).toEqual({ cached: 1, listed: 2 });
  });

  it('reports skipped peers and per-route failures in its status', async () => {
    const boom = new EdgewayError('ERR_GATEWAY_UNREACHABLE', 'nope');
    const t = table((op, r) =>
      op === 'add' && r.destination.toString() === '10.0.3.0/24' ? boom : undefined,
    );
    const statuses: unknown[] = [];
    const m = new HostGwRouteManager(iface, {
      routeTable: t,
      linkWatch: 'off',
      clock: new FakeClock(),
      onStatus: (s) => statuses.push(s),
    });
    await m.update(lease('a', 1), [lease('b', 2), lease('c', 3), lease('far', 9, 0)]);
    const far = { ...lease('far', 9), publicIp: ip('203.0.113.9') };
    await m.update(lease('a', 1), [lease('b', 2), lease('c', 3), far]);
    const s = m.status();
    expect(s.skipped.map((x) => [x.node, x.reason])).toEqual([['far', 'not-on-link']]);
    expect(s.failures).toEqual([
      {
        op: 'add',
        route: '10.0.3.0/24 via 198.51.100.3 dev eth0 table main metric 0',
        code: 'ERR_GATEWAY_UNREACHABLE',
        message: 'nope',
      },
    ]);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
  });

  it('repairs drift at the periodic resync, and does nothing before it knows our lease', async () => {
    const clock = new FakeClock();
    const stale: KernelRoute = {
      destination: Cidr.parse('10.0.7.0/24'),
      gateway: ip('198.51.100.7'),
      device: 'eth0',
    };
    const t = table(undefined, [stale]);
    const m = new HostGwRouteManager(iface, {
      routeTable: t,
      linkWatch: 'off',
      clock,
      resyncIntervalMs: 10_000,
    });
    expect(await m.start()).toBeUndefined();
    clock.advance(60_000);
    await flush();
    expect(t.snapshot()).toEqual([stale]); // a restart does not remove routes before it knows the cluster
    await m.update(lease('a', 1), [lease('b', 2)]);
    await flush();
    expect(shown(t)).toEqual(['10.0.2.0/24 via 198.51.100.2 dev eth0 table main metric 0']);
    await t.remove(t.snapshot()[0]!); // someone deletes our route
    clock.advance(9_999);
    await flush();
    expect(t.snapshot()).toEqual([]);
    clock.advance(1);
    await flush();
    expect(shown(t)).toEqual(['10.0.2.0/24 via 198.51.100.2 dev eth0 table main metric 0']);
    await m.stop();
    expect(clock.pending).toBe(0);
  });

  it('leaves routes on stop, or removes them when asked', async () => {
    const t = table();
    const m = new HostGwRouteManager(iface, { routeTable: t, linkWatch: 'off', clock: new FakeClock() });
    await m.update(lease('a', 1), [lease('b', 2)]);
    await m.start();
    await m.stop();
    expect(t.snapshot()).toHaveLength(1);
    await m.close({ removeRoutes: true });
    expect(t.snapshot()).toEqual([]);
  });

  it('recomputes on-link peers when the interface changes', async () => {
    const t = table();
    const m = new HostGwRouteManager(iface, { routeTable: t, linkWatch: 'off', clock: new FakeClock() });
    const far = { ...lease('far', 9), publicIp: ip('203.0.113.9') };
    await m.update(lease('a', 1), [far]);
    expect(t.snapshot()).toEqual([]);
    await m.setInterface({
      name: 'eth0',
      addresses: [...iface.addresses, { address: ip('203.0.113.1'), prefixLength: 24 }],
    });
    expect(shown(t)).toEqual(['10.0.9.0/24 via 203.0.113.9 dev eth0 table main metric 0']);
    expect(m.skipped).toEqual([]);
  });
});
