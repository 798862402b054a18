/**
 * Harness self-test: BIRD ↔ FRR bgpd in a two-namespace lab. Proves the launchers start both daemons
 * unprivileged and that the BIRD and FRR readers parse their real output (next hop, AS path, communities,
 * large communities, MED) in both directions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBird } from './bird.js';
import { startFrr } from './frr.js';
import { Lab } from './lab.js';
import { findRoute } from './routes.js';
import { waitFor } from './wait-for.js';

describe('harness: BIRD ↔ FRR', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('establishes and exchanges a prefix with communities both ways', async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const t0 = Date.now();
    const frr = await startFrr(lab, 1, {
      routerId: b.ipv4,
      asn: 4200000002,
      neighbors: [{ address: a.ipv4, peerAsn: 65001 }],
      networks: [
        { prefix: '10.55.0.0/24', communities: ['65002:7'], largeCommunities: ['4200000002:1:2'], med: 9 },
      ],
    });
    const bird = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 65001,
      peers: [{ name: 'frr', neighbor: b.ipv4, peerAsn: 4200000002 }],
      routes: [
        {
          prefix: '10.244.0.0/24',
          communities: ['65001:100', '65001:200'],
          largeCommunities: ['4200000001:1:1'],
          med: 5,
        },
      ],
    });
    await waitFor(() => bird.established('frr'), { timeoutMs: 15_000, what: 'BIRD established' });
    const established = Date.now() - t0;
    const status = await bird.protocol('frr');
    expect(status.neighborAs).toBe(4200000002);
    expect(status.neighborCapabilities).toContain('4-octet AS numbers');
    expect(status.negotiatedFamilies).toEqual(['ipv4']);
    expect((await frr.neighbor(a.ipv4)).established).toBe(true);

    const atFrr = await waitFor(
      async () => findRoute(await frr.routes('ipv4', { from: a.ipv4 }), '10.244.0.0/24'),
      { timeoutMs: 10_000, what: 'route at FRR' },
    );
    expect(atFrr).toMatchObject({
      nextHop: a.ipv4,
      asPath: [65001],
      communities: ['65001:100', '65001:200'],
      largeCommunities: ['4200000001:1:1'],
      med: 5,
      origin: 'igp',
      stale: false,
    });
    expect(await frr.prefixesReceived(a.ipv4)).toBe(1);

    const atBird = await waitFor(async () => findRoute(await bird.routes('frr'), '10.55.0.0/24'), {
      timeoutMs: 10_000,
      what: 'route at BIRD',
    });
    expect(atBird).toMatchObject({
      nextHop: b.ipv4,
      asPath: [4200000002],
      communities: ['65002:7'],
      largeCommunities: ['4200000002:1:2'],
      med: 9,
      origin: 'igp',
      best: true,
    });
    expect(await bird.routeCount('frr')).toBe(1);
    console.log(`BIRD ↔ FRR established ${established} ms, routes both ways ${Date.now() - t0} ms`);
  });

  it("IPv6 with graceful restart: FRR keeps a killed BIRD's route as stale until it is back", async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const frr = await startFrr(lab, 1, {
      routerId: b.ipv4,
      asn: 65002,
      gracefulRestart: { restartTime: 60 },
      neighbors: [{ address: a.ipv6, peerAsn: 65001 }],
      networks: [{ prefix: '2001:db8:55::/64', communities: ['65002:66'] }],
    });
    const bird = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 65001,
      peers: [{ name: 'frr6', neighbor: b.ipv6, peerAsn: 65002, gracefulRestart: true }],
      routes: [{ prefix: '2001:db8:244::/64', communities: ['65001:600'], largeCommunities: ['65001:6:6'] }],
    });
    await waitFor(() => frr.established(a.ipv6), { timeoutMs: 15_000, what: 'FRR established (IPv6)' });
    const n = await frr.neighbor(a.ipv6);
    expect(n.negotiatedFamilies).toEqual(['ipv6']);
    expect(n.capabilities.gracefulRestart).toBe('advertisedAndReceived');

    const atFrr = await waitFor(
      async () => findRoute(await frr.routes('ipv6', { from: a.ipv6 }), '2001:db8:244::/64'),
      { what: 'IPv6 route at FRR' },
    );
    expect(atFrr).toMatchObject({
      nextHop: a.ipv6,
      asPath: [65001],
      communities: ['65001:600'],
      largeCommunities: ['65001:6:6'],
      stale: false,
    });
    const atBird = await waitFor(async () => findRoute(await bird.routes('frr6'), '2001:db8:55::/64'), {
      what: 'IPv6 route at BIRD',
    });
    expect(atBird).toMatchObject({ nextHop: b.ipv6, asPath: [65002], communities: ['65002:66'] });

    await bird.kill();
    await waitFor(
      async () => findRoute(await frr.routes('ipv6', { from: a.ipv6 }), '2001:db8:244::/64')?.stale === true,
      { what: 'route stale at FRR' },
    );
    expect((await frr.neighbor(a.ipv6)).established).toBe(false);
    await bird.restart();
    await waitFor(
      async () => {
        const r = findRoute(await frr.routes('ipv6', { from: a.ipv6 }), '2001:db8:244::/64');
        const n = await frr.neighbor(a.ipv6);
        if (r?.stale === false && n.established) return true;
        throw new Error(`route ${JSON.stringify(r)}, neighbor ${n.state} (${n.lastResetDueTo})`);
      },
      { timeoutMs: 15_000, what: 'route fresh at FRR after restart' },
    );
  });
});
