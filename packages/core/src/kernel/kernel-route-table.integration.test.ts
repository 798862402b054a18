/**
 * KernelRouteTable against the real kernel, in throwaway namespaces, with `ip -j route show` as the witness.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cidr, IpAddress } from '../net/index.js';
import { KernelErrorCode, KernelRouteError, NetlinkError } from './kernel-errors.js';
import { EDGEWAY_ROUTE_PROTOCOL, type KernelRoute } from './kernel-route.js';
import { KernelRouteTable } from './kernel-route-table.js';
import { type IpRoute, requireNetnsPrerequisites, TestNetns } from './netns-fixture.js';

const cidr = Cidr.parse;
const ip = IpAddress.parse;
const PROTO = String(EDGEWAY_ROUTE_PROTOCOL);

/** Our routes per the independent witness (`ip -j route show table all`, both families). */
function witness(ns: TestNetns): IpRoute[] {
  const all = [
    ...ns.ipJson<IpRoute & { protocol?: string }>('-4', 'route', 'show', 'table', 'all'),
    ...ns.ipJson<IpRoute & { protocol?: string }>('-6', 'route', 'show', 'table', 'all'),
  ];
  return all.filter((r) => r.protocol === PROTO);
}

function find(ns: TestNetns, dst: string): IpRoute | undefined {
  return witness(ns).find((r) => r.dst === dst);
}

describe('KernelRouteTable (integration, own namespaces)', () => {
  let ns: TestNetns;
  let table: KernelRouteTable;

  beforeAll(() => requireNetnsPrerequisites());

  afterEach(async () => {
    table?.close();
    await ns?.destroy();
  });

  async function setup(options: Parameters<typeof KernelRouteTable.open>[0] = {}): Promise<void> {
    ns = (await TestNetns.create()).withVeth();
    table = await KernelRouteTable.open({ netns: ns.name, ...options });
  }

  it('installs host-gw routes with the right gateway, device, protocol and metric (IPv4 and IPv6)', async () => {
    await setup();
    const routes: KernelRoute[] = [
      { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), device: 'v0', metric: 100 },
      { destination: cidr('10.1.1.0/24'), gateway: ip('198.51.100.3') },
      { destination: cidr('2001:db8:99::/64'), gateway: ip('2001:db8:1::2'), device: 'v0' },
      { destination: cidr('2001:db8:98::/64'), gateway: ip('2001:db8:1::3'), device: 'v0', metric: 50 },
    ];
    await Promise.all(routes.map((r) => table.add(r)));
    expect(find(ns, '10.1.0.0/24')).toMatchObject({ gateway: '198.51.100.2', dev: 'v0', metric: 100 });
    expect(find(ns, '10.1.1.0/24')).toMatchObject({ gateway: '198.51.100.3', dev: 'v0' });
    expect(find(ns, '10.1.1.0/24')?.metric).toBeUndefined(); // IPv4 metric 0
    expect(find(ns, '2001:db8:99::/64')).toMatchObject({ gateway: '2001:db8:1::2', dev: 'v0', metric: 1024 });
    expect(find(ns, '2001:db8:98::/64')).toMatchObject({ gateway: '2001:db8:1::3', metric: 50 });
    expect(witness(ns)).toHaveLength(4);

    // list() sees exactly them: same keys, and equal to the desired ones (a no-op reconcile)
    const listed = await table.list();
    expect(listed.map((r) => table.key(r)).sort()).toEqual(routes.map((r) => table.key(r)).sort());
    for (const want of routes) {
      const got = listed.find((r) => table.key(r) === table.key(want));
      expect(got && table.equals(got, want)).toBe(true);
      expect(got?.device).toBe('v0');
    }
  });

  it('never lists, replaces or removes a foreign route (proto static) at the same key', async () => {
    await setup();
    ns.ip(
      'route',
      'add',
      '10.7.0.0/24',
      'via',
      '198.51.100.7',
      'dev',
      'v0',
      'metric',
      '100',
      'proto',
      'static',
    );
    ns.ip('-6', 'route', 'add', '2001:db8:77::/64', 'via', '2001:db8:1::7', 'dev', 'v0', 'proto', 'static');
    await table.add({ destination: cidr('10.8.0.0/24'), gateway: ip('198.51.100.8'), metric: 100 });
    const listed = await table.list();
    expect(listed.map((r) => r.destination.toString())).toEqual(['10.8.0.0/24']);

    // adding at the foreign key: EEXIST, typed, naming the route
    const exists = await table
      .add({ destination: cidr('10.7.0.0/24'), gateway: ip('198.51.100.9'), metric: 100 })
      .catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(KernelRouteError);
    expect(exists).toMatchObject({ code: KernelErrorCode.RouteExists, errno: 17 });
    expect((exists as Error).message).toContain('10.7.0.0/24 via 198.51.100.9');
    expect((exists as KernelRouteError).details.route).toContain('10.7.0.0/24');

    // removing at the foreign key: our protocol does not match, ESRCH, the foreign route stays
    const missing = await table
      .remove({ destination: cidr('10.7.0.0/24'), metric: 100 })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: KernelErrorCode.RouteNotFound, errno: 3 });
    const missing6 = await table.remove({ destination: cidr('2001:db8:77::/64') }).catch((e: unknown) => e);
    expect(missing6).toMatchObject({ code: KernelErrorCode.RouteNotFound });

    const foreign = ns.ipJson<IpRoute & { protocol?: string }>('route', 'show', '10.7.0.0/24');
    expect(foreign).toEqual([expect.objectContaining({ gateway: '198.51.100.7', protocol: 'static' })]);
    const foreign6 = ns.ipJson<IpRoute & { protocol?: string }>('-6', 'route', 'show', '2001:db8:77::/64');
    expect(foreign6).toEqual([expect.objectContaining({ gateway: '2001:db8:1::7', protocol: 'static' })]);
  });

  it('replaces a changed gateway in place and removes routes', async () => {
    await setup();
    const v4: KernelRoute = { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), device: 'v0' };
    const v6: KernelRoute = {
      destination: cidr('2001:db8:99::/64'),
      gateway: ip('2001:db8:1::2'),
      device: 'v0',
    };
    await table.add(v4);
    await table.add(v6);
    const [installed4] = (await table.list()).filter((r) => r.destination.family === 4);
    const want4 = { ...v4, gateway: ip('198.51.100.20') };
    expect(table.equals(installed4!, want4)).toBe(false);
    await table.replace(want4, installed4!);
    await table.replace({ ...v6, gateway: ip('2001:db8:1::20') }, v6);
    expect(find(ns, '10.1.0.0/24')?.gateway).toBe('198.51.100.20');
    expect(find(ns, '2001:db8:99::/64')?.gateway).toBe('2001:db8:1::20');
    expect(witness(ns)).toHaveLength(2); // replaced, not added next to it

    await table.remove(want4);
    await table.remove(v6);
    expect(witness(ns)).toEqual([]);
    expect(await table.list()).toEqual([]);
  });

  it('replace with a different key adds the new route before removing the old', async () => {
    await setup();
    const old: KernelRoute = { destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2'), metric: 10 };
    await table.add(old);
    await table.replace({ ...old, metric: 20 }, old);
    expect(witness(ns)).toEqual([expect.objectContaining({ dst: '10.1.0.0/24', metric: 20 })]);
  });

  it('rejects an off-link gateway with a typed ENETUNREACH naming the route; onlink forces it', async () => {
    await setup();
    const route: KernelRoute = { destination: cidr('10.4.0.0/16'), gateway: ip('203.0.113.1'), device: 'v0' };
    const err = await table.add(route).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KernelRouteError);
    expect(err).toMatchObject({
      code: KernelErrorCode.GatewayUnreachable,
      errno: 101,
      errnoName: 'ENETUNREACH',
    });
    expect((err as Error).message).toContain('10.4.0.0/16 via 203.0.113.1 dev v0');
    expect((err as Error).message).toContain('onlink');
    expect(find(ns, '10.4.0.0/16')).toBeUndefined();

    await table.add({ ...route, onlink: true });
    expect(find(ns, '10.4.0.0/16')).toMatchObject({ gateway: '203.0.113.1', flags: ['onlink'] });
    const [listed] = await table.list();
    expect(listed).toMatchObject({ onlink: true });
    expect(table.equals(listed!, { ...route, onlink: true })).toBe(true);

    // IPv6: the kernel answers EHOSTUNREACH; same typed error
    const route6: KernelRoute = {
      destination: cidr('2001:db8:9::/64'),
      gateway: ip('2001:db8:2::1'),
      device: 'v0',
    };
    const err6 = await table.add(route6).catch((e: unknown) => e);
    expect(err6).toMatchObject({ code: KernelErrorCode.GatewayUnreachable, errnoName: 'EHOSTUNREACH' });
    expect((err6 as Error).message).toContain('2001:db8:9::/64 via 2001:db8:2::1 dev v0');
    await table.add({ ...route6, onlink: true });
    expect(find(ns, '2001:db8:9::/64')).toMatchObject({ gateway: '2001:db8:2::1', flags: ['onlink'] });
    const listed6 = (await table.list()).find((r) => r.destination.family === 6);
    expect(listed6).toMatchObject({ onlink: true });
    expect(table.equals(listed6!, { ...route6, onlink: true })).toBe(true);
  });

  it('reports a missing device as ERR_NO_DEVICE before sending', async () => {
    await setup();
    const err = await table
      .add({ destination: cidr('10.5.0.0/24'), gateway: ip('198.51.100.2'), device: 'nope0' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: KernelErrorCode.NoDevice });
    expect((err as Error).message).toContain('nope0');
  });

  it('handles tables above 255 (RTA_TABLE), device routes with src, blackhole/unreachable/prohibit', async () => {
    await setup({ tables: [254, 1000] });
    await table.add({ destination: cidr('10.2.0.0/16'), gateway: ip('198.51.100.2'), table: 1000 });
    await table.add({ destination: cidr('10.5.0.0/24'), device: 'v0', source: ip('198.51.100.1') });
    await table.add({ destination: cidr('10.3.0.0/16'), type: 'blackhole' });
    await table.add({ destination: cidr('10.6.0.0/16'), type: 'unreachable' });
    await table.add({ destination: cidr('2001:db8:66::/48'), type: 'prohibit' });
    expect(find(ns, '10.2.0.0/16')).toMatchObject({ table: '1000', gateway: '198.51.100.2' });
    expect(find(ns, '10.5.0.0/24')).toMatchObject({ dev: 'v0', scope: 'link', prefsrc: '198.51.100.1' });
    expect(find(ns, '10.3.0.0/16')).toMatchObject({ type: 'blackhole' });
    expect(find(ns, '10.6.0.0/16')).toMatchObject({ type: 'unreachable' });
    expect(find(ns, '2001:db8:66::/48')).toMatchObject({ type: 'prohibit' });
    const listed = await table.list();
    expect(listed).toHaveLength(5);
    expect(listed.find((r) => r.table === 1000)?.destination.toString()).toBe('10.2.0.0/16');
    expect(listed.find((r) => r.destination.toString() === '10.5.0.0/24')).toMatchObject({
      scope: 'link',
      device: 'v0',
    });
    // a table outside the configured ones is refused, so list() can always see what add() made
    await expect(
      table.add({ destination: cidr('10.9.0.0/16'), type: 'blackhole', table: 7 }),
    ).rejects.toMatchObject({
      code: KernelErrorCode.InvalidArgument,
    });
  });

  it('pipelines thousands of concurrent calls and attributes each error to its own route', async () => {
    await setup();
    const routes: KernelRoute[] = Array.from({ length: 3000 }, (_, i) => ({
      destination: cidr(`10.${100 + (i >> 8)}.${i & 255}.0/24`),
      gateway: ip(`198.51.100.${2 + (i % 100)}`),
      device: 'v0',
      metric: 100,
    }));
    // pre-install every 100th so its add fails with EEXIST in the middle of a datagram
    await Promise.all(routes.filter((_, i) => i % 100 === 37).map((r) => table.add(r)));
    const before = table.socket.stats.datagramsSent;
    const settled = await Promise.allSettled(routes.map((r) => table.add(r)));
    settled.forEach((s, i) => {
      if (i % 100 === 37) {
        expect(s.status).toBe('rejected');
        expect((s as PromiseRejectedResult).reason).toMatchObject({ code: KernelErrorCode.RouteExists });
        expect(((s as PromiseRejectedResult).reason as Error).message).toContain(
          routes[i]!.destination.toString(),
        );
      } else expect(s.status).toBe('fulfilled');
    });
    expect(table.socket.stats.datagramsSent - before).toBeLessThan(30); // batched, not 3000 sendmsg calls
    expect(witness(ns)).toHaveLength(3000);
    expect(await table.list()).toHaveLength(3000);
  });

  it('stays within a small receive buffer when every request fails (no ENOBUFS)', async () => {
    await setup({ socketOptions: { receiveBufferSize: 64 * 1024 } });
    const n = 2000;
    const settled = await Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        table.add({
          destination: cidr(`10.${i >> 8}.${i & 255}.0/24`),
          gateway: ip('203.0.113.1'),
          device: 'v0',
        }),
      ),
    );
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(n);
    expect(
      settled.every((s) => (s as PromiseRejectedResult).reason?.code === KernelErrorCode.GatewayUnreachable),
    ).toBe(true);
    expect(table.socket.stats.datagramsSent).toBeGreaterThan(1); // the window split the work
  });

  it('owns by protocol: two owners in one namespace do not see each other', async () => {
    await setup();
    const other = await KernelRouteTable.open({ netns: ns.name, protocol: 70 });
    try {
      await table.add({ destination: cidr('10.1.0.0/24'), gateway: ip('198.51.100.2') });
      await other.add({ destination: cidr('10.2.0.0/24'), gateway: ip('198.51.100.2') });
      expect((await table.list()).map((r) => r.destination.toString())).toEqual(['10.1.0.0/24']);
      expect((await other.list()).map((r) => r.destination.toString())).toEqual(['10.2.0.0/24']);
      await expect(other.remove({ destination: cidr('10.1.0.0/24') })).rejects.toMatchObject({
        code: KernelErrorCode.RouteNotFound,
      });
    } finally {
      other.close();
    }
  });

  it('opening a table in a missing namespace fails with ERR_NETNS_NOT_FOUND; close() fails later calls', async () => {
    await expect(KernelRouteTable.open({ netns: `ew-test-${process.pid}-missing` })).rejects.toMatchObject({
      code: KernelErrorCode.NetnsNotFound,
    });
    await setup();
    table.close();
    const err = await table.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ code: KernelErrorCode.Closed });
  });
});
