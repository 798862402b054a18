/**
 * Host-gw routes in a dual-stack cluster of namespaces: a switch, three nodes on 198.51.100.0/24 and
 * 2001:db8:1::/64, two pods per node; each node runs a HostGwRouteManager on a KernelRouteTable in its namespace.
 * Witnesses: ping between pods (IPv4 and IPv6), and `ip -n NODE [-6] -j route show proto 69`.
 */
import { Cidr, IpAddress } from '@edgeway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import { lookupExternalInterface } from '../interface/lookup-interface.js';
import type { NodeLease } from '../leases/lease-source.js';
import { StaticLeaseSource } from '../leases/static-lease-source.js';
import { type LabPod, NetnsLab, ownRoutes, requireLabPrerequisites } from './netns-lab.js';
import { HostGwRouteManager } from './route-manager.js';

interface Node {
  name: string;
  ns: string;
  manager: HostGwRouteManager;
  lease: NodeLease;
  pods: LabPod[];
}

const waitFor = async (what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('HostGwRouteManager (integration, three nodes in namespaces)', () => {
  const lab = new NetnsLab();
  const nodes: Node[] = [];
  let leases: StaticLeaseSource;

  beforeAll(async () => {
    requireLabPrerequisites();
    try {
      const config = parseNetConf({
        Network: '10.0.0.0/16',
        EnableIPv6: true,
        IPv6Network: 'fd00:10::/56',
        Backend: { Type: 'host-gw' },
      });
      leases = new StaticLeaseSource({ config, allocateSubnets: true });
      const sw = await lab.switch('198.51.100.254/24');
      for (let i = 1; i <= 3; i++) {
        const ns = await lab.node(sw, i, `198.51.100.${10 + i}/24`, `2001:db8:1::${10 + i}/64`);
        const iface = await lookupExternalInterface({ netns: ns, iface: 'eth0', ipv6: true });
        const lease = await leases.acquire(`node-${i}`, {
          publicIp: iface.publicIp as IpAddress,
          publicIpv6: iface.publicIpv6 as IpAddress,
        });
        const pods = await lab.pods(ns, lease.subnet as Cidr, 2, lease.ipv6Subnet);
        // blackhole for our block: must not hide the pods behind cni0 (its metric is above the connected route's)
        const manager = await HostGwRouteManager.open(iface, {
          netns: ns,
          blackhole: true,
          resyncIntervalMs: 60_000,
        });
        nodes.push({ name: `node-${i}`, ns, manager, lease, pods });
      }
      // foreign routes on node 1, never touched: one elsewhere, one at the destination of a peer's route
      lab.ip(
        nodes[0]!.ns,
        'route',
        'add',
        '192.0.2.0/24',
        'via',
        '10.0.1.200',
        'dev',
        'cni0',
        'proto',
        'static',
      );
      lab.ip(nodes[0]!.ns, 'route', 'add', 'blackhole', '10.0.2.0/24', 'metric', '500', 'proto', 'static');
      const all = await leases.list();
      for (const n of nodes) {
        await n.manager.update(n.lease, all);
        await n.manager.start();
      }
    } catch (err) {
      for (const n of nodes) await n.manager.close().catch(() => undefined);
      await lab.destroy();
      throw err;
    }
  });

  afterAll(async () => {
    for (const n of nodes) await n.manager.close().catch(() => undefined);
    await leases?.close();
    await lab.destroy();
  });

  it('gives blocks from the lease source and routes every peer block via the peer on eth0', () => {
    expect(nodes.map((n) => n.lease.subnet?.toString())).toEqual([
      '10.0.1.0/24',
      '10.0.2.0/24',
      '10.0.3.0/24',
    ]);
    expect(ownRoutes(lab, nodes[0]!.ns)).toEqual([
      expect.objectContaining({ dst: '10.0.1.0/24', type: 'blackhole', metric: 65535 }),
      expect.objectContaining({ dst: '10.0.2.0/24', gateway: '198.51.100.12', dev: 'eth0' }),
      expect.objectContaining({ dst: '10.0.3.0/24', gateway: '198.51.100.13', dev: 'eth0' }),
    ]);
    expect(ownRoutes(lab, nodes[0]!.ns, 6)).toEqual([
      expect.objectContaining({ dst: 'fd00:10:0:1::/64', type: 'blackhole', metric: 65535 }),
      expect.objectContaining({ dst: 'fd00:10:0:2::/64', gateway: '2001:db8:1::12', dev: 'eth0' }),
      expect.objectContaining({ dst: 'fd00:10:0:3::/64', gateway: '2001:db8:1::13', dev: 'eth0' }),
    ]);
    expect(nodes[0]!.manager.status()).toMatchObject({ desiredRoutes: 6, failures: [], skipped: [] });
  });

  it('lets every pod ping every other pod, over IPv4 and IPv6', async () => {
    const pods = nodes.flatMap((n) => n.pods);
    expect(pods).toHaveLength(6);
    expect(await lab.pingMatrix(pods)).toEqual([]);
    expect(await lab.pingMatrix(pods, 6)).toEqual([]);
  });

  it("replaces the others' routes when a node's IP changes", async () => {
    const c = nodes[2]!;
    // the new address first, promoted to primary when the old one goes (else deleting the primary drops it too)
    await lab.sysctl(c.ns, { 'net.ipv4.conf.eth0.promote_secondaries': '1' });
    lab.ip(c.ns, 'address', 'add', '198.51.100.23/24', 'dev', 'eth0');
    lab.ip(c.ns, 'address', 'del', '198.51.100.13/24', 'dev', 'eth0');
    leases.upsert({ ...c.lease, publicIp: '198.51.100.23' });
    const all = await leases.list();
    c.lease = all.find((l) => l.node === c.name) as NodeLease;
    for (const n of nodes) {
      const r = await n.manager.update(n.lease, all);
      if (n !== c) expect(r.plan.replace).toHaveLength(1);
    }
    for (const n of nodes.slice(0, 2)) {
      expect(ownRoutes(lab, n.ns).find((r) => r.dst === '10.0.3.0/24')).toMatchObject({
        gateway: '198.51.100.23',
      });
    }
    expect(await lab.pingMatrix([nodes[0]!.pods[0]!, c.pods[1]!])).toEqual([]);
  });

  it('repairs its routes at once when the external interface comes back up', async () => {
    const a = nodes[0]!;
    lab.ip(a.ns, 'link', 'set', 'eth0', 'down');
    expect(ownRoutes(lab, a.ns).filter((r) => r.dev === 'eth0')).toEqual([]); // the kernel flushed them
    const runs = a.manager.status().runs;
    const t0 = Date.now();
    lab.ip(a.ns, 'link', 'set', 'eth0', 'up');
    // the resync interval is 60 s: only the link-up trigger brings them back this fast
    await waitFor(
      'routes back after link up',
      () => ownRoutes(lab, a.ns).filter((r) => r.dev === 'eth0').length === 2,
    );
    await waitFor(
      'IPv6 routes back',
      () => ownRoutes(lab, a.ns, 6).filter((r) => r.dev === 'eth0').length === 2,
    );
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(a.manager.status()).toMatchObject({ linkWatch: 'monitor', linkUp: true });
    expect(a.manager.status().runs).toBeGreaterThan(runs);
  });

  it('falls back to polling the link, in its own table and protocol', async () => {
    const b = nodes[1]!;
    const poller = await HostGwRouteManager.open(b.manager.interface, {
      netns: b.ns,
      table: 100,
      protocol: 70,
      resyncIntervalMs: 60_000,
      linkWatch: 'poll',
      linkPollIntervalMs: 200,
    });
    try {
      await poller.update(b.lease, await leases.list());
      await poller.start();
      const inTable = () => lab.ipJson(b.ns, 'route', 'show', 'table', '100', 'proto', '70').length;
      expect(inTable()).toBe(2);
      await new Promise((r) => setTimeout(r, 300)); // the first poll records the state
      lab.ip(b.ns, 'link', 'set', 'eth0', 'down');
      await waitFor('the poll to see eth0 down', () => poller.status().linkUp === false);
      expect(inTable()).toBe(0);
      lab.ip(b.ns, 'link', 'set', 'eth0', 'up');
      await waitFor('routes back after link up (poll)', () => inTable() === 2);
      expect(ownRoutes(lab, b.ns).filter((r) => r.dev === 'eth0')).toHaveLength(2); // the monitor one too
    } finally {
      await poller.close({ removeRoutes: true });
    }
    expect(lab.ipJson(b.ns, 'route', 'show', 'table', '100')).toEqual([]);
  });

  it("removes a departed node's routes from the others, and keeps foreign routes", async () => {
    leases.remove(nodes[1]!.name);
    const all = await leases.list();
    for (const n of [nodes[0]!, nodes[2]!]) {
      const r = await n.manager.update(n.lease, all);
      expect(r.plan.remove.map((x) => x.destination.toString())).toEqual(['10.0.2.0/24', 'fd00:10:0:2::/64']);
    }
    expect(ownRoutes(lab, nodes[0]!.ns).map((r) => r.dst)).toEqual(['10.0.1.0/24', '10.0.3.0/24']);
    expect(ownRoutes(lab, nodes[2]!.ns).map((r) => r.dst)).toEqual(['10.0.1.0/24', '10.0.3.0/24']);
    expect(ownRoutes(lab, nodes[0]!.ns, 6).map((r) => r.dst)).toEqual([
      'fd00:10:0:1::/64',
      'fd00:10:0:3::/64',
    ]);
    expect(lab.ipJson(nodes[0]!.ns, 'route', 'show', '192.0.2.0/24')).toEqual([
      expect.objectContaining({ dst: '192.0.2.0/24', gateway: '10.0.1.200', protocol: 'static' }),
    ]);
    expect(lab.ipJson(nodes[0]!.ns, 'route', 'show', '10.0.2.0/24')).toEqual([
      expect.objectContaining({ type: 'blackhole', metric: 500, protocol: 'static' }),
    ]);
  });

  it('skips a peer that is not on-link and reports it', async () => {
    const a = nodes[0]!;
    const far: NodeLease = {
      node: 'far',
      subnet: Cidr.parse('10.0.9.0/24'),
      publicIp: IpAddress.parse('203.0.113.9'),
      ipv6Subnet: Cidr.parse('fd00:10:0:9::/64'),
      publicIpv6: IpAddress.parse('2001:db8:9::9'),
      backendType: 'host-gw',
      backendData: null,
    };
    const r = await a.manager.update(a.lease, [...(await leases.list()), far]);
    expect(r.failures).toEqual([]);
    expect(ownRoutes(lab, a.ns).some((x) => x.dst === '10.0.9.0/24')).toBe(false);
    expect(a.manager.status().skipped).toEqual([
      expect.objectContaining({ node: 'far', family: 4, reason: 'not-on-link' }),
      expect.objectContaining({ node: 'far', family: 6, reason: 'not-on-link' }),
    ]);
  });

  it('removes every route of ours on close when asked, and only ours', async () => {
    const a = nodes[0]!;
    await a.manager.close({ removeRoutes: true });
    expect(ownRoutes(lab, a.ns)).toEqual([]);
    expect(ownRoutes(lab, a.ns, 6)).toEqual([]);
    expect(lab.ipJson(a.ns, 'route', 'show', '192.0.2.0/24')).toHaveLength(1);
    expect(lab.ipJson(a.ns, 'route', 'show', '10.0.2.0/24')).toHaveLength(1);
  });
});
