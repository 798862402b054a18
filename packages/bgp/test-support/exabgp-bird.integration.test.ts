/**
 * Harness self-test: ExaBGP → BIRD (BIRD passive, ExaBGP dials). Proves the ExaBGP config generator (communities,
 * large communities, a raw 5-byte MED), and that the recorder sees BIRD's announcement, read back in the harness
 * shape; BIRD withdraws just the malformed route (RFC 7606) and keeps the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startBird } from './bird.js';
import { startExabgp } from './exabgp.js';
import { Lab } from './lab.js';
import { findRoute } from './routes.js';
import { waitFor } from './wait-for.js';

describe('harness: ExaBGP → BIRD', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('establishes, sends communities and a malformed MED, and records what BIRD sends', async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const t0 = Date.now();
    const bird = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 65001,
      peers: [{ name: 'exa', neighbor: b.ipv4, peerAsn: 4200000002, passive: true, gracefulRestart: true }],
      routes: [
        { prefix: '10.244.9.0/24', communities: ['65001:9'], largeCommunities: ['65001:9:9'], med: 3 },
      ],
    });
    const exa = await startExabgp(lab, 1, {
      routerId: b.ipv4,
      asn: 4200000002,
      neighbors: [
        {
          address: a.ipv4,
          peerAsn: 65001,
          gracefulRestart: 120, // BIRD sends End-of-RIB only to GR-aware peers
          routes: [
            {
              prefix: '10.77.0.0/24',
              communities: ['65002:100'],
              largeCommunities: ['4200000002:1:1'],
              med: 50,
            },
            { prefix: '10.78.0.0/24', rawAttributes: [{ code: 4, flags: 0x80, valueHex: '0000000064' }] },
          ],
        },
      ],
    });
    await waitFor(() => bird.established('exa'), { timeoutMs: 15_000, what: 'BIRD established' });
    const established = Date.now() - t0;
    await waitFor(() => exa.established(a.ipv4), { what: 'ExaBGP reports up' });

    const atBird = await waitFor(async () => findRoute(await bird.routes('exa'), '10.77.0.0/24'), {
      what: 'route at BIRD',
    });
    expect(atBird).toMatchObject({
      nextHop: b.ipv4,
      asPath: [4200000002],
      communities: ['65002:100'],
      largeCommunities: ['4200000002:1:1'],
      med: 50,
    });
    // RFC 7606: the 5-byte MED makes BIRD treat that UPDATE as a withdraw; the session stays up.
    await new Promise((r) => setTimeout(r, 300));
    expect(findRoute(await bird.routes('exa'), '10.78.0.0/24')).toBeUndefined();
    expect(await bird.established('exa')).toBe(true);
    expect(bird.log()).toMatch(/MULTI_EXIT_DISC/);

    const atExa = await waitFor(() => findRoute(exa.routes(a.ipv4), '10.244.9.0/24'), {
      what: 'route at ExaBGP',
    });
    expect(atExa).toMatchObject({
      nextHop: a.ipv4,
      asPath: [65001],
      communities: ['65001:9'],
      largeCommunities: ['65001:9:9'],
      med: 3,
      origin: 'igp',
    });
    await waitFor(() => exa.received().endOfRib.length > 0, { what: 'End-of-RIB at ExaBGP' });
    console.log(`ExaBGP → BIRD established ${established} ms, all checks ${Date.now() - t0} ms`);
  });

  it('passive ExaBGP (listening on IPv4 and IPv6): BIRD dials it over IPv6', async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const exa = await startExabgp(lab, 1, {
      routerId: b.ipv4,
      asn: 65002,
      neighbors: [
        {
          address: a.ipv6,
          peerAsn: 65001,
          passive: true,
          routes: [{ prefix: '2001:db8:77::/64', communities: ['65002:6'] }],
        },
      ],
    });
    const bird = await startBird(lab, 0, {
      routerId: a.ipv4,
      asn: 65001,
      peers: [{ name: 'exa6', neighbor: b.ipv6, peerAsn: 65002 }],
      routes: [{ prefix: '2001:db8:244::/64', largeCommunities: ['65001:1:2'] }],
    });
    await waitFor(() => bird.established('exa6'), { timeoutMs: 15_000, what: 'BIRD established' });
    const atBird = await waitFor(async () => findRoute(await bird.routes('exa6'), '2001:db8:77::/64'), {
      what: 'IPv6 route at BIRD',
    });
    expect(atBird).toMatchObject({ nextHop: b.ipv6, asPath: [65002], communities: ['65002:6'] });
    const atExa = await waitFor(() => findRoute(exa.routes(a.ipv6), '2001:db8:244::/64'), {
      what: 'at ExaBGP',
    });
    expect(atExa).toMatchObject({ nextHop: a.ipv6, family: 'ipv6 unicast', largeCommunities: ['65001:1:2'] });
  });
});
