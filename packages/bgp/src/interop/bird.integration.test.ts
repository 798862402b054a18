/**
 * Interop of our BgpSpeaker with BIRD 2 (Debian's bird2), each in its own network namespace joined by a veth pair
 * (198.51.100.0/24, 2001:db8::/64). Everything is asserted on what BIRD itself shows (`birdc show protocols all`,
 * `show route all`), and on our Adj-RIB-In for what BIRD sends. We are AS 4200000001 (RFC 6793), BIRD AS 65002.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdvertisementJson,
  type BirdConfig,
  type BirdDaemon,
  findRoute,
  Lab,
  type SpeakerHandle,
  startBird,
  startSpeakerInNamespace,
  waitFor,
} from '../../test-support/index.js';
import {
  birdChannelStats,
  parseBirdNeighborGr,
  rewriteBirdConfig,
  startBirdRecovering,
} from './bird.test-support.js';

const OUR_AS = 4200000001;
const BIRD_AS = 65002;
/** Generous: the machine has 2 cores shared with other suites. */
const WAIT = { timeoutMs: 20_000 };

const OURS: AdvertisementJson[] = [
  { prefix: '10.244.1.0/24', communities: ['65001:100'], largeCommunities: ['4200000001:1:1'] },
  { prefix: '10.244.2.0/24', communities: ['65001:200', '65001:201'], largeCommunities: ['4200000001:2:2'] },
  { prefix: '2001:db8:244:1::/64', communities: ['65001:600'], largeCommunities: ['4200000001:6:6'] },
];

const BIRD_ROUTES: BirdConfig['routes'] = [
  { prefix: '10.55.1.0/24', communities: ['65002:1'], largeCommunities: ['65002:1:1'], med: 7 },
  { prefix: '10.55.2.0/24', communities: ['65002:2'], largeCommunities: ['65002:2:2'] },
  { prefix: '2001:db8:55:1::/64', communities: ['65002:6'], largeCommunities: ['65002:6:6'], med: 9 },
];

interface Setup {
  lab: Lab;
  bird: BirdDaemon;
  birdConfig: BirdConfig;
  sp: SpeakerHandle;
  speakerConfig: Record<string, unknown>;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.destroy();
  lab = undefined;
});

/**
 * Lab of 2 nodes: our speaker in node 0 (198.51.100.1, 2001:db8::1), BIRD in node 1 (.2, ::2) with two BGP
 * protocols, `ours4` over IPv4 and `ours6` over IPv6. `birdPassive`: BIRD waits and we dial; otherwise BIRD
 * dials (connect delay 1 s) and we only listen.
 */
async function setup(opts: {
  birdPassive: boolean;
  gracefulRestart?: boolean;
  birdRoutes?: BirdConfig['routes'];
}): Promise<Setup> {
  lab = await Lab.create({ nodes: 2 });
  const [a, b] = [lab.node(0), lab.node(1)];
  const gr = opts.gracefulRestart ? { restartTime: 30 } : false;
  const birdCfg: BirdConfig = {
    routerId: b.ipv4,
    asn: BIRD_AS,
    peers: [
      { name: 'ours4', neighbor: a.ipv4, peerAsn: OUR_AS, passive: opts.birdPassive, gracefulRestart: gr },
      { name: 'ours6', neighbor: a.ipv6, peerAsn: OUR_AS, passive: opts.birdPassive, gracefulRestart: gr },
    ],
    routes: opts.birdRoutes ?? BIRD_ROUTES,
  };
  const bird = await startBird(lab, 1, birdCfg);
  const speakerConfig = {
    asn: OUR_AS,
    routerId: a.ipv4,
    holdTime: 9,
    connectRetry: { minSeconds: 0.5, maxSeconds: 2 },
    gracefulRestart: { enabled: !!opts.gracefulRestart, restartTime: 20, staleRoutesSeconds: 60 },
    peers: [
      { name: 'bird4', address: b.ipv4, asn: BIRD_AS, passive: !opts.birdPassive },
      { name: 'bird6', address: b.ipv6, asn: BIRD_AS, passive: !opts.birdPassive },
    ],
  };
  const sp = await startSpeakerInNamespace(lab, speakerConfig);
  return { lab, bird, birdConfig: birdCfg, sp, speakerConfig };
}

async function bothEstablished(s: Setup): Promise<void> {
  await s.sp.waitEstablished('bird4', 30_000);
  await s.sp.waitEstablished('bird6', 30_000);
  await waitFor(async () => (await s.bird.established('ours4')) && (await s.bird.established('ours6')), {
    ...WAIT,
    what: 'BIRD shows ours4 and ours6 Established',
  });
}

const rx = async (sp: SpeakerHandle, prefix: string) =>
  (await sp.received()).find((r) => r.prefix === prefix);

/** Our routes as BIRD holds them, from both protocols. */
async function birdHas(bird: BirdDaemon, prefix: string) {
  const proto = prefix.includes(':') ? 'ours6' : 'ours4';
  return findRoute(await bird.routes(proto), prefix);
}

describe('interop: BIRD 2', () => {
  it('we dial a passive BIRD: 4-octet AS, IPv4 and IPv6 routes both ways with attributes, withdrawals both ways', async () => {
    const s = await setup({ birdPassive: true });
    const [a, b] = [s.lab.node(0), s.lab.node(1)];
    await bothEstablished(s);

    // BIRD's view of the session: our 4-octet AS and the capability (RFC 6793), one family per session.
    const p4 = await s.bird.protocol('ours4');
    expect(p4.neighborAs).toBe(OUR_AS);
    expect(p4.neighborId).toBe(a.ipv4);
    expect(p4.neighborCapabilities).toEqual(expect.arrayContaining(['4-octet AS numbers', 'Route refresh']));
    expect(p4.negotiatedFamilies).toEqual(['ipv4']);
    expect((await s.bird.protocol('ours6')).negotiatedFamilies).toEqual(['ipv6']);

    // Ours → BIRD.
    await s.sp.set(OURS);
    for (const adv of OURS) {
      const r = await waitFor(() => birdHas(s.bird, adv.prefix), { ...WAIT, what: `${adv.prefix} at BIRD` });
      expect(r).toMatchObject({
        nextHop: adv.prefix.includes(':') ? a.ipv6 : a.ipv4,
        asPath: [OUR_AS],
        origin: 'igp',
        communities: adv.communities,
        largeCommunities: adv.largeCommunities,
      });
    }

    // BIRD → ours (Adj-RIB-In), with its MED, communities and large communities.
    for (const br of BIRD_ROUTES ?? []) {
      const r = await s.sp.waitFor(() => rx(s.sp, br.prefix), 20_000);
      expect(r).toMatchObject({
        peer: br.prefix.includes(':') ? 'bird6' : 'bird4',
        nextHop: br.prefix.includes(':') ? b.ipv6 : b.ipv4,
        asPath: [BIRD_AS],
        communities: br.communities,
        largeCommunities: br.largeCommunities,
      });
      expect(r.med).toBe(br.med);
      expect(r.stale).toBeUndefined();
    }

    // Our withdrawal of one IPv4 and the IPv6 prefix reaches BIRD; the other stays.
    await s.sp.set([OURS[0]!]);
    await waitFor(
      async () =>
        !(await birdHas(s.bird, '10.244.2.0/24')) && !(await birdHas(s.bird, '2001:db8:244:1::/64')),
      { ...WAIT, what: 'BIRD dropped our withdrawn prefixes' },
    );
    expect(await birdHas(s.bird, '10.244.1.0/24')).toBeDefined();
    expect(await s.bird.routeCount('ours4')).toBe(1);
    expect(await s.bird.routeCount('ours6')).toBe(0);

    // BIRD's withdrawal (static routes removed by `birdc configure`) reaches our Adj-RIB-In.
    await s.bird.reconfigure({ ...s.birdConfig, routes: [BIRD_ROUTES![0]!] });
    await s.sp.waitFor(
      async () => !(await rx(s.sp, '10.55.2.0/24')) && !(await rx(s.sp, '2001:db8:55:1::/64')),
      20_000,
    );
    expect((await s.sp.received()).map((r) => r.prefix)).toEqual(['10.55.1.0/24']);
    expect(await s.bird.established('ours4')).toBe(true);
  });

  it('BIRD dials us (we are passive): sessions come up and routes cross', async () => {
    const s = await setup({ birdPassive: false });
    const [a, b] = [s.lab.node(0), s.lab.node(1)];
    await bothEstablished(s);
    const p4 = await s.bird.protocol('ours4');
    expect(p4.neighborAs).toBe(OUR_AS);
    expect(p4.neighborCapabilities).toContain('4-octet AS numbers');
    await s.sp.set(OURS);
    const r4 = await waitFor(() => birdHas(s.bird, '10.244.1.0/24'), { ...WAIT, what: 'IPv4 route at BIRD' });
    expect(r4).toMatchObject({ nextHop: a.ipv4, asPath: [OUR_AS], communities: ['65001:100'] });
    const r6 = await waitFor(() => birdHas(s.bird, '2001:db8:244:1::/64'), { ...WAIT, what: 'IPv6 at BIRD' });
    expect(r6).toMatchObject({ nextHop: a.ipv6, asPath: [OUR_AS], largeCommunities: ['4200000001:6:6'] });
    const in6 = await s.sp.waitFor(() => rx(s.sp, '2001:db8:55:1::/64'), 20_000);
    expect(in6).toMatchObject({ peer: 'bird6', nextHop: b.ipv6, asPath: [BIRD_AS], med: 9 });
  });

  it('route refresh: BIRD `reload in` makes us re-send our routes; our routeRefresh() makes BIRD re-send', async () => {
    const s = await setup({ birdPassive: true });
    await bothEstablished(s);
    await s.sp.set(OURS);
    await waitFor(async () => (await s.bird.routeCount('ours4')) === 2, {
      ...WAIT,
      what: '2 routes at BIRD',
    });
    await s.sp.waitFor(async () => (await s.sp.received()).length === 3, 20_000);

    // BIRD sends ROUTE-REFRESH (RFC 2918); its import counter shows our UPDATEs arriving again.
    const before = await birdChannelStats(s.bird, 'ours4', 'ipv4');
    expect(before.importUpdates.received).toBe(2);
    expect(await s.bird.reload('ours4', 'in')).toMatch(/reload/i);
    const after = await waitFor(
      async () => {
        const st = await birdChannelStats(s.bird, 'ours4', 'ipv4');
        return st.importUpdates.received >= before.importUpdates.received + 2 ? st : undefined;
      },
      { ...WAIT, what: 'BIRD received our routes again after reload in' },
    );
    expect(after.importWithdraws.received).toBe(0);
    expect(await s.bird.routeCount('ours4')).toBe(2);
    expect(await s.bird.established('ours4')).toBe(true);

    // We send ROUTE-REFRESH; BIRD's export counter shows it sent its routes again.
    const exp0 = await birdChannelStats(s.bird, 'ours6', 'ipv6');
    await s.sp.routeRefresh('bird6');
    await waitFor(
      async () =>
        (await birdChannelStats(s.bird, 'ours6', 'ipv6')).exportUpdates.received >
        exp0.exportUpdates.received,
      { ...WAIT, what: 'BIRD re-exported to us after our ROUTE-REFRESH' },
    );
    expect(await rx(s.sp, '2001:db8:55:1::/64')).toBeDefined();
    expect(await s.bird.established('ours6')).toBe(true);
  });

  it('graceful restart, we restart: BIRD keeps our routes stale after SIGKILL; End-of-RIB of the restarted speaker refreshes them and drops the one no longer announced', async () => {
    const s = await setup({ birdPassive: false, gracefulRestart: true });
    const a = s.lab.node(0);
    await bothEstablished(s);
    const grBefore = parseBirdNeighborGr((await s.bird.protocol('ours4')).raw);
    expect(grBefore).toEqual({ restartTime: 20, restartRecovery: false, preserved: ['ipv4'] });
    await s.sp.set(OURS);
    await waitFor(async () => (await s.bird.routeCount('ours4')) === 2, {
      ...WAIT,
      what: '2 routes at BIRD',
    });

    await s.sp.kill();
    const kept = await waitFor(
      async () => {
        const st = await s.bird.protocol('ours4');
        const routes = await s.bird.routes('ours4');
        return !st.established && st.gracefulRestartActive && routes.length === 2 ? routes : undefined;
      },
      { ...WAIT, what: 'BIRD keeps our routes as stale' },
    );
    expect(kept.every((r) => r.stale)).toBe(true);
    expect(findRoute(kept, '10.244.2.0/24')).toMatchObject({
      nextHop: a.ipv4,
      communities: OURS[1]!.communities,
    });

    // The new process: R bit set, announcing only the first prefix. We are passive: BIRD dials again after its
    // error wait, by then set() has given the speaker its routes.
    const sp2 = await startSpeakerInNamespace(s.lab, {
      ...s.speakerConfig,
      gracefulRestart: { enabled: true, restartTime: 20, restarting: true },
    });
    await sp2.set([OURS[0]!, OURS[2]!]);
    await sp2.waitEstablished('bird4', 30_000);
    const fresh = await waitFor(
      async () => {
        const st = await s.bird.protocol('ours4');
        const routes = await s.bird.routes('ours4');
        return st.established && !st.gracefulRestartActive && routes.length === 1
          ? { st, routes }
          : undefined;
      },
      { ...WAIT, what: 'BIRD: End-of-RIB ended the restart, stale 10.244.2.0/24 gone' },
    );
    expect(parseBirdNeighborGr(fresh.st.raw)).toMatchObject({ restartRecovery: true, preserved: ['ipv4'] });
    expect(fresh.routes[0]).toMatchObject({ prefix: '10.244.1.0/24', nextHop: a.ipv4, stale: false });
    await waitFor(async () => (await birdHas(s.bird, '2001:db8:244:1::/64'))?.stale === false, {
      ...WAIT,
      what: 'IPv6 route fresh at BIRD',
    });
  });

  it('graceful restart, BIRD restarts: its routes stay in our Adj-RIB-In as stale after SIGKILL; its End-of-RIB refreshes them and drops the one it no longer sends', async () => {
    const s = await setup({ birdPassive: true, gracefulRestart: true });
    await bothEstablished(s);
    await s.sp.waitFor(async () => (await s.sp.received()).length === 3, 20_000);

    await s.bird.kill();
    const stale = await s.sp.waitFor(async () => {
      const routes = await s.sp.received();
      return routes.length === 3 && routes.every((r) => r.stale) ? routes : undefined;
    }, 20_000);
    expect(stale.find((r) => r.prefix === '10.55.1.0/24')).toMatchObject({
      med: 7,
      communities: ['65002:1'],
    });
    expect((await s.sp.status()).find((p) => p.name === 'bird4')?.state).not.toBe('established');

    // BIRD comes back in recovery mode (R and F bits) without 10.55.2.0/24.
    rewriteBirdConfig(s.bird, { ...s.birdConfig, routes: [BIRD_ROUTES![0]!, BIRD_ROUTES![2]!] });
    await startBirdRecovering(s.bird);
    await bothEstablished(s);
    const after = await s.sp.waitFor(async () => {
      const routes = await s.sp.received();
      return routes.length === 2 && routes.every((r) => !r.stale) ? routes : undefined;
    }, 30_000);
    expect(after.map((r) => r.prefix).sort()).toEqual(['10.55.1.0/24', '2001:db8:55:1::/64']);
    expect(await s.bird.protocol('ours4')).toMatchObject({ established: true });
  });
});
