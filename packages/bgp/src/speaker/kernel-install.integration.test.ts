import { execFileSync } from 'node:child_process';
import { type Advertisement, Cidr, IpAddress, KernelRouteTable } from '@edgeway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IpRoute, TestNetns } from '../../../core/src/kernel/netns-fixture.js';
import { waitFor } from '../../test-support/wait-for.js';
import { BgpSpeaker } from './bgp-speaker.js';

// Sessions run over root-namespace loopback (127.0.0.x only); the routes go into a namespace this test makes, whose
// veth holds 198.51.100.1/24 and 2001:db8:1::1/64 so that next hops 198.51.100.x / 2001:db8:1::x are on-link.
let ns: TestNetns;
const speakers: BgpSpeaker[] = [];
const tables: KernelRouteTable[] = [];

beforeEach(async () => {
  ns = (await TestNetns.create()).withVeth();
});
afterEach(async () => {
  await Promise.all(speakers.splice(0).map((s) => s.close({ graceful: true })));
  for (const t of tables.splice(0)) t.close();
  await ns.destroy();
});

const routes = (family: '-4' | '-6' = '-4'): IpRoute[] =>
  ns.ipJson<IpRoute>(family, 'route', 'show', 'proto', '186');
const dsts = (family: '-4' | '-6' = '-4') =>
  routes(family)
    .map((r) => `${r.dst} via ${r.gateway}`)
    .sort();

async function receiver(
  extra: Record<string, unknown> = {},
  peers = [{ name: 'b', address: '127.0.0.2', asn: 65002, passive: true }],
) {
  const table = await KernelRouteTable.open({ netns: ns.name, protocol: 186 });
  tables.push(table);
  const a = await BgpSpeaker.start(
    {
      asn: 65001,
      routerId: '192.0.2.1',
      listen: { address: '127.0.0.1', port: 0 },
      kernel: { install: true },
      peers,
      ...extra,
    },
    { kernelTable: table },
  );
  speakers.push(a);
  return a;
}

async function sender(port: number, from: string, asn: number, extra: Record<string, unknown> = {}) {
  const s = await BgpSpeaker.start({
    asn,
    routerId: from.replace('127.0.0', '192.0.2'),
    listen: false,
    connectRetry: { minSeconds: 0.1, maxSeconds: 0.3 },
    peers: [
      {
        name: 'a',
        address: '127.0.0.1',
        asn: 65001,
        port,
        localAddress: from,
        families: ['ipv4', 'ipv6'],
        ...extra,
      },
    ],
  });
  speakers.push(s);
  return s;
}

const adv = (prefix: string, nextHop: string, extra: Partial<Advertisement> = {}): Advertisement => ({
  prefix: Cidr.parse(prefix),
  nextHop: IpAddress.parse(nextHop),
  ...extra,
});

describe('kernel installation of received routes (protocol 186)', () => {
  it('installs IPv4 and IPv6 best routes, removes withdrawn ones, and leaves other protocols alone', async () => {
    ns.ip('route', 'add', '10.99.0.0/24', 'via', '198.51.100.9', 'proto', 'static');
    ns.ip('route', 'add', '10.98.0.0/24', 'via', '198.51.100.9', 'proto', '69');
    const a = await receiver({}, [
      { name: 'b', address: '127.0.0.2', asn: 65002, passive: true, families: ['ipv4', 'ipv6'] } as never,
    ]);
    const b = await sender(a.listenPort!, '127.0.0.2', 65002);
    await b.set([
      adv('10.50.0.0/24', '198.51.100.2'),
      adv('10.51.0.0/16', '198.51.100.3'),
      adv('fd00:50::/64', '2001:db8:1::2'),
    ]);
    await waitFor(() => dsts().length === 2 && dsts('-6').length === 1, { what: 'routes in the namespace' });
    expect(dsts()).toEqual(['10.50.0.0/24 via 198.51.100.2', '10.51.0.0/16 via 198.51.100.3']);
    expect(dsts('-6')).toEqual(['fd00:50::/64 via 2001:db8:1::2']);
    const ours = ns.ipJson<IpRoute>('-4', 'route', 'show').find((r) => r.dst === '10.50.0.0/24');
    expect(ours?.protocol).toBe('bgp');

    await b.set([adv('10.51.0.0/16', '198.51.100.3')]);
    await waitFor(() => dsts().length === 1 && dsts('-6').length === 0, { what: 'withdrawn routes removed' });
    expect(dsts()).toEqual(['10.51.0.0/16 via 198.51.100.3']);
    const others = ns.ipJson<IpRoute>('-4', 'route', 'show').map((r) => `${r.dst} ${r.protocol}`);
    expect(others).toEqual(expect.arrayContaining(['10.99.0.0/24 static', '10.98.0.0/24 69']));
  });

  it('follows best-path selection across two peers: shorter AS path wins, the other takes over on withdrawal', async () => {
    const a = await receiver({}, [
      { name: 'b', address: '127.0.0.2', asn: 65002, passive: true },
      { name: 'c', address: '127.0.0.3', asn: 65003, passive: true },
    ]);
    const b = await sender(a.listenPort!, '127.0.0.2', 65002, { families: ['ipv4'] });
    const c = await sender(a.listenPort!, '127.0.0.3', 65003, { families: ['ipv4'] });
    await c.set([adv('10.60.0.0/24', '198.51.100.3')]);
    await b.set([adv('10.60.0.0/24', '198.51.100.2', { asPathPrepend: 2 })]);
    await waitFor(() => a.receivedCount() === 2, { what: 'both paths received' });
    await waitFor(() => dsts()[0] === '10.60.0.0/24 via 198.51.100.3', { what: 'C (AS path 1) is best' });
    await c.set([]);
    await waitFor(() => dsts()[0] === '10.60.0.0/24 via 198.51.100.2', { what: 'B takes over' });
    expect(dsts()).toEqual(['10.60.0.0/24 via 198.51.100.2']);
  });

  it('a clean close removes our routes; a graceful close keeps them for the next process', async () => {
    const a = await receiver();
    const b = await sender(a.listenPort!, '127.0.0.2', 65002, { families: ['ipv4'] });
    await b.set([adv('10.70.0.0/24', '198.51.100.2')]);
    await waitFor(() => dsts().length === 1);
    await a.close({ graceful: true });
    expect(dsts()).toEqual(['10.70.0.0/24 via 198.51.100.2']);

    const a2 = await receiver({ listen: { address: '127.0.0.1', port: a.listenPort } });
    await waitFor(() => a2.status()[0]?.state === 'established', { what: 'B reconnects to the new process' });
    await waitFor(() => a2.receivedCount() === 1);
    await a2.close();
    await waitFor(() => dsts().length === 0, { what: 'routes removed by a clean close' });
  });

  it('restarting speaker (RFC 4724 §4.1): the kernel is left alone until End-of-RIB, then routes no longer announced go', async () => {
    const a = await receiver();
    const b = await sender(a.listenPort!, '127.0.0.2', 65002, { families: ['ipv4'] });
    await b.set([adv('10.80.0.0/24', '198.51.100.2'), adv('10.81.0.0/24', '198.51.100.2')]);
    await waitFor(() => dsts().length === 2);
    await a.close({ graceful: true });
    await b.set([adv('10.80.0.0/24', '198.51.100.2')]);
    // Watch the kernel while the new process starts: 10.80.0.0/24 must never disappear.
    const afterClose = execFileSync('ip', ['-n', ns.name, 'route', 'show', 'proto', '186'], {
      encoding: 'utf8',
    });
    expect(afterClose).toContain('10.80.0.0/24');
    const a2 = await receiver({
      listen: { address: '127.0.0.1', port: a.listenPort },
      gracefulRestart: { restarting: true, restartTime: 30 },
    });
    let seenMissing = false;
    await waitFor(
      () => {
        const now = dsts();
        if (!now.includes('10.80.0.0/24 via 198.51.100.2')) seenMissing = true;
        return now.length === 1;
      },
      { what: 'the route B no longer announces removed after End-of-RIB', intervalMs: 20 },
    );
    expect(seenMissing).toBe(false);
    expect(dsts()).toEqual(['10.80.0.0/24 via 198.51.100.2']);
    expect(a2.status()[0]?.state).toBe('established');
  });
});
