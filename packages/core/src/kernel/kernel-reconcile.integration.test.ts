/**
 * The generic reconciler driving a KernelRouteTable: desired state in, kernel state out, foreign routes kept.
 * Witness: `ip -j route show`.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cidr, IpAddress } from '../net/index.js';
import { reconcile } from '../routes/reconcile.js';
import { EDGEWAY_ROUTE_PROTOCOL, type KernelRoute } from './kernel-route.js';
import { KernelRouteTable } from './kernel-route-table.js';
import { type IpRoute, requireNetnsPrerequisites, TestNetns } from './netns-fixture.js';

const PROTO = String(EDGEWAY_ROUTE_PROTOCOL);

function ours(ns: TestNetns): (IpRoute & { protocol?: string })[] {
  return [
    ...ns.ipJson<IpRoute & { protocol?: string }>('-4', 'route', 'show', 'table', 'all'),
    ...ns.ipJson<IpRoute & { protocol?: string }>('-6', 'route', 'show', 'table', 'all'),
  ].filter((r) => r.protocol === PROTO);
}

function desired(n: number, gw: (i: number) => string): KernelRoute[] {
  return Array.from({ length: n }, (_, i) => ({
    destination: Cidr.parse(`10.${i >> 8}.${i & 255}.0/24`),
    gateway: IpAddress.parse(gw(i)),
    device: 'v0',
    metric: 100,
  }));
}

describe('reconcile(KernelRouteTable) (integration)', () => {
  let ns: TestNetns;
  let table: KernelRouteTable;

  beforeAll(() => requireNetnsPrerequisites());

  afterEach(async () => {
    table?.close();
    await ns?.destroy();
  });

  it('converges to the desired set, keeps foreign routes, and is then a no-op', async () => {
    ns = (await TestNetns.create()).withVeth();
    table = await KernelRouteTable.open({ netns: ns.name });
    ns.ip('route', 'add', '10.0.0.0/24', 'via', '198.51.100.250', 'metric', '100', 'proto', 'static'); // foreign, same key as ours #0
    ns.ip('route', 'add', '192.0.2.0/24', 'via', '198.51.100.251', 'proto', 'static');

    const first = desired(2000, (i) => `198.51.100.${2 + (i % 50)}`);
    const r1 = await reconcile(table, first);
    expect(r1.plan.add).toHaveLength(2000);
    // #0 collides with the foreign route: reported, not forced
    expect(r1.failures.map((f) => (f.error as { code?: string }).code)).toEqual(['ERR_ROUTE_EXISTS']);
    expect(ours(ns)).toHaveLength(1999);

    // change 100 gateways, drop 500, add 300 IPv6
    const second = [
      ...first
        .slice(1, 1500)
        .map((r, i) => (i < 100 ? { ...r, gateway: IpAddress.parse('198.51.100.99') } : r)),
      ...Array.from({ length: 300 }, (_, i) => ({
        destination: Cidr.parse(`2001:db8:${(0x100 + i).toString(16)}::/64`),
        gateway: IpAddress.parse('2001:db8:1::2'),
        device: 'v0',
      })),
    ];
    const r2 = await reconcile(table, second);
    expect(r2.failures).toEqual([]);
    expect(r2.plan.replace).toHaveLength(100);
    expect(r2.plan.remove).toHaveLength(500);
    expect(r2.plan.add).toHaveLength(300);
    const now = ours(ns);
    expect(now).toHaveLength(1499 + 300);
    expect(now.filter((r) => r.gateway === '198.51.100.99')).toHaveLength(100);
    expect(now.some((r) => r.dst === '10.7.207.0/24')).toBe(false); // #1999: dropped
    expect(now.some((r) => r.dst === '10.5.220.0/24')).toBe(false); // #1500: dropped
    expect(now.some((r) => r.dst === '10.5.219.0/24')).toBe(true); // #1499: kept
    // foreign routes untouched
    expect(ns.ipJson<{ protocol?: string }>('route', 'show', '10.0.0.0/24')).toEqual([
      expect.objectContaining({ gateway: '198.51.100.250', protocol: 'static' }),
    ]);
    expect(ns.ipJson('route', 'show', '192.0.2.0/24')).toHaveLength(1);

    const r3 = await reconcile(table, second);
    expect(r3.applied).toBe(false);
    expect(r3.plan.add.length + r3.plan.remove.length + r3.plan.replace.length).toBe(0);
  });
});
