/**
 * Harness self-test: BIRD ↔ GoBGP (passive) in a two-namespace lab; routes injected into GoBGP through its CLI
 * and through the gRPC loader, read back through the BIRD and GoBGP readers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBird } from './bird.js';
import { startGobgp } from './gobgp.js';
import { GobgpApi } from './gobgp-grpc.js';
import { Lab } from './lab.js';
import { findRoute } from './routes.js';
import { waitFor } from './wait-for.js';

describe('harness: BIRD ↔ GoBGP', () => {
  let lab: Lab | undefined;
  let api: GobgpApi | undefined;
  afterEach(async () => {
    api?.close();
    api = undefined;
    await lab?.destroy();
    lab = undefined;
  });

  it('establishes, exchanges routes with communities and loads 1,000 paths over gRPC', async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const t0 = Date.now();
    const gobgp = await startGobgp(lab, 1, {
      routerId: b.ipv4,
      asn: 65003,
      neighbors: [{ address: a.ipv4, peerAsn: 4200000001 }],
    });
    const bird = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 4200000001,
      peers: [{ name: 'gobgp', neighbor: b.ipv4, peerAsn: 65003 }],
      routes: [{ prefix: '10.244.1.0/24', communities: ['65001:100'], largeCommunities: ['4200000001:7:8'] }],
    });
    await waitFor(() => gobgp.established(a.ipv4), { timeoutMs: 20_000, what: 'GoBGP established' });
    const established = Date.now() - t0;
    expect(await bird.established('gobgp')).toBe(true);
    const n = await gobgp.neighbor(a.ipv4);
    expect(n.peerAsn).toBe(4200000001);

    const atGobgp = await waitFor(
      async () => findRoute(await gobgp.routes('ipv4', { from: a.ipv4 }), '10.244.1.0/24'),
      { timeoutMs: 10_000, what: 'route at GoBGP' },
    );
    expect(atGobgp).toMatchObject({
      nextHop: a.ipv4,
      asPath: [4200000001],
      communities: ['65001:100'],
      largeCommunities: ['4200000001:7:8'],
      origin: 'igp',
      stale: false,
    });

    await gobgp.addRoutes([
      {
        prefix: '10.66.0.0/24',
        communities: ['65003:1', '65003:2'],
        largeCommunities: ['65003:0:9'],
        med: 20,
      },
    ]);
    const atBird = await waitFor(async () => findRoute(await bird.routes('gobgp'), '10.66.0.0/24'), {
      timeoutMs: 10_000,
      what: 'CLI route at BIRD',
    });
    expect(atBird).toMatchObject({
      nextHop: b.ipv4,
      asPath: [65003],
      communities: ['65003:1', '65003:2'],
      largeCommunities: ['65003:0:9'],
      med: 20,
    });

    api = await GobgpApi.connect(gobgp);
    const routes = Array.from({ length: 1000 }, (_, i) => ({
      prefix: `10.${100 + (i >> 8)}.${i & 255}.0/24`,
      communities: ['65003:1000'],
      largeCommunities: ['65003:1:1000'],
    }));
    const tLoad = Date.now();
    expect(await api.addPaths(routes, { defaultNextHop: { ipv4: b.ipv4 } })).toBe(1000);
    const loadMs = Date.now() - tLoad;
    await waitFor(async () => (await bird.routeCount('gobgp')) === 1001, {
      timeoutMs: 15_000,
      what: 'BIRD 1001',
    });
    const arrived = Date.now() - tLoad;
    const sample = findRoute(await bird.routes('gobgp'), '10.103.231.0/24');
    expect(sample).toMatchObject({
      nextHop: b.ipv4,
      communities: ['65003:1000'],
      largeCommunities: ['65003:1:1000'],
    });
    expect(await gobgp.routeCount('ipv4')).toBe(1002);

    await gobgp.deleteRoutes(['10.66.0.0/24']);
    await waitFor(async () => !findRoute(await bird.routes('gobgp'), '10.66.0.0/24'), {
      what: 'withdrawal at BIRD',
    });
    console.log(
      `BIRD ↔ GoBGP established ${established} ms; gRPC AddPathStream 1,000 paths ${loadMs} ms, all at BIRD after ${arrived} ms`,
    );
  });
});
