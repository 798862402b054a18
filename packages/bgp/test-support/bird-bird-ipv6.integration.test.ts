/**
 * Harness self-test: BIRD ↔ BIRD over IPv6 (2001:db8::/64 in the lab), then graceful restart: SIGKILL the
 * sender, the receiver keeps its route as stale; restart() it, the route is fresh again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBird } from './bird.js';
import { Lab } from './lab.js';
import { findRoute } from './routes.js';
import { waitFor } from './wait-for.js';

describe('harness: BIRD ↔ BIRD (IPv6)', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('establishes over IPv6, carries communities, and keeps routes stale across a SIGKILL restart', async () => {
    lab = await Lab.create({ nodes: 2, linkLocal: true });
    const [a, b] = [lab.node(0), lab.node(1)];
    const t0 = Date.now();
    const receiver = await startBird(lab, 1, {
      routerId: b.ipv4,
      asn: 65002,
      peers: [{ name: 'a6', neighbor: a.ipv6, peerAsn: 65001, passive: true, gracefulRestart: true }],
    });
    const sender = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 65001,
      peers: [{ name: 'b6', neighbor: b.ipv6, peerAsn: 65002, gracefulRestart: true }],
      routes: [
        {
          prefix: '2001:db8:244::/64',
          communities: ['65001:600'],
          largeCommunities: ['65001:6:6'],
          med: 6,
        },
      ],
    });
    await waitFor(() => receiver.established('a6'), { timeoutMs: 15_000, what: 'established' });
    const established = Date.now() - t0;
    const status = await receiver.protocol('a6');
    expect(status.negotiatedFamilies).toEqual(['ipv6']);
    expect(status.neighborCapabilities).toContain('Graceful restart');

    const route = await waitFor(async () => findRoute(await receiver.routes('a6'), '2001:db8:244::/64'), {
      what: 'IPv6 route at receiver',
    });
    expect(route).toMatchObject({
      nextHop: a.ipv6,
      asPath: [65001],
      communities: ['65001:600'],
      largeCommunities: ['65001:6:6'],
      med: 6,
      stale: false,
      table: 'master6',
    });
    expect(route.linkLocalNextHop).toBe(a.linkLocal); // RFC 2545: BIRD sends its link-local address too

    await sender.kill();
    const stale = await waitFor(
      async () => {
        const r = findRoute(await receiver.routes('a6'), '2001:db8:244::/64');
        return r?.stale ? r : undefined;
      },
      { what: 'route kept as stale' },
    );
    expect(stale.communities).toEqual(['65001:600']);
    expect((await receiver.protocol('a6')).established).toBe(false);

    await sender.restart();
    await waitFor(
      async () => {
        const r = findRoute(await receiver.routes('a6'), '2001:db8:244::/64');
        return r && !r.stale && (await receiver.established('a6'));
      },
      { timeoutMs: 15_000, what: 'route fresh after restart' },
    );
    console.log(
      `BIRD ↔ BIRD IPv6 established ${established} ms; GR kill+restart cycle done at ${Date.now() - t0} ms`,
    );
  });
});
