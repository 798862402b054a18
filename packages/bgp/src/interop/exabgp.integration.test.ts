/**
 * Interop of our BgpSpeaker with ExaBGP 4.2 (Debian's exabgp), each in its own network namespace joined by a veth
 * pair. What ExaBGP receives is read from its JSON API recorder (every OPEN, UPDATE, ROUTE-REFRESH and state change
 * it reports); what it sends is driven by its config and API commands, and read back from our Adj-RIB-In.
 * We are AS 4200000001, ExaBGP AS 4200000002: both 4-octet (RFC 6793).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdvertisementJson,
  type ExabgpConfig,
  type ExabgpDaemon,
  type ExabgpRoute,
  findRoute,
  Lab,
  type SpeakerHandle,
  startExabgp,
  startSpeakerInNamespace,
  waitFor,
} from '../../test-support/index.js';
import { rewriteExabgpConfig } from './exabgp.test-support.js';

const OUR_AS = 4200000001;
const EXA_AS = 4200000002;
/** Generous: the machine has 2 cores shared with other suites. */
const WAIT = { timeoutMs: 20_000 };

const OURS: AdvertisementJson[] = [
  { prefix: '10.244.1.0/24', communities: ['65001:100'], largeCommunities: ['4200000001:1:1'] },
  { prefix: '10.244.2.0/24', communities: ['65001:200'], largeCommunities: ['4200000001:2:2'] },
  { prefix: '2001:db8:244:1::/64', communities: ['65001:600'], largeCommunities: ['4200000001:6:6'] },
];

const EXA_V4: ExabgpRoute[] = [
  { prefix: '10.77.1.0/24', communities: ['65002:1'], largeCommunities: ['4200000002:1:1'], med: 5 },
  { prefix: '10.77.2.0/24', communities: ['65002:2'] },
];
const EXA_V6: ExabgpRoute[] = [
  { prefix: '2001:db8:77:1::/64', communities: ['65002:6'], largeCommunities: ['4200000002:6:6'], med: 6 },
];

interface Setup {
  lab: Lab;
  exa: ExabgpDaemon;
  exaConfig: ExabgpConfig;
  sp: SpeakerHandle;
  speakerConfig: Record<string, unknown>;
}

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.destroy();
  lab = undefined;
});

/**
 * Our speaker in node 0 (198.51.100.1, 2001:db8::1) with peers `exa4` (IPv4 session) and `exa6` (IPv6 session);
 * ExaBGP in node 1. `exaPassive`: ExaBGP listens and we dial (ExaBGP started first); otherwise we listen and
 * ExaBGP dials (we start first: ExaBGP backs off after a refused connect).
 */
async function setup(opts: { exaPassive: boolean; v4Routes?: ExabgpRoute[] }): Promise<Setup> {
  lab = await Lab.create({ nodes: 2 });
  const [a, b] = [lab.node(0), lab.node(1)];
  const exaConfig: ExabgpConfig = {
    routerId: b.ipv4,
    asn: EXA_AS,
    neighbors: [
      {
        address: a.ipv4,
        peerAsn: OUR_AS,
        passive: opts.exaPassive,
        holdTime: 9,
        gracefulRestart: 30,
        routes: opts.v4Routes ?? EXA_V4,
      },
      {
        address: a.ipv6,
        peerAsn: OUR_AS,
        passive: opts.exaPassive,
        holdTime: 9,
        gracefulRestart: 30,
        routes: EXA_V6,
      },
    ],
  };
  const speakerConfig = {
    asn: OUR_AS,
    routerId: a.ipv4,
    holdTime: 9,
    connectRetry: { minSeconds: 0.5, maxSeconds: 2 },
    gracefulRestart: { enabled: true, restartTime: 20, staleRoutesSeconds: 60 },
    peers: [
      { name: 'exa4', address: b.ipv4, asn: EXA_AS, passive: !opts.exaPassive },
      { name: 'exa6', address: b.ipv6, asn: EXA_AS, passive: !opts.exaPassive },
    ],
  };
  let exa: ExabgpDaemon | undefined;
  if (opts.exaPassive) exa = await startExabgp(lab, 1, exaConfig);
  const sp = await startSpeakerInNamespace(lab, speakerConfig);
  if (!exa) exa = await startExabgp(lab, 1, exaConfig);
  return { lab, exa, exaConfig, sp, speakerConfig };
}

async function bothEstablished(s: Setup): Promise<void> {
  const [a] = [s.lab.node(0)];
  await s.sp.waitEstablished('exa4', 30_000);
  await s.sp.waitEstablished('exa6', 30_000);
  await waitFor(() => s.exa.established(a.ipv4) && s.exa.established(a.ipv6), {
    ...WAIT,
    what: 'ExaBGP reports both neighbors up',
  });
}

const rx = async (sp: SpeakerHandle, prefix: string) =>
  (await sp.received()).find((r) => r.prefix === prefix);

describe('interop: ExaBGP 4.2', () => {
  it('we dial a passive ExaBGP: 4-octet AS in our OPEN, IPv4 and IPv6 routes both ways with attributes, withdrawals both ways', async () => {
    const s = await setup({ exaPassive: true });
    const [a, b] = [s.lab.node(0), s.lab.node(1)];
    await bothEstablished(s);

    // Our OPEN as ExaBGP decoded it: the 4-octet AS capability carries 4200000001 (RFC 6793 §3).
    const open = s.exa.received().opens.find((o) => o.peer === a.ipv4);
    expect(open?.capabilities['65']).toEqual({ name: 'asn4', asn4: OUR_AS });
    expect(open?.capabilities['1']).toEqual({ name: 'multiprotocol', families: ['ipv4/unicast'] });
    expect(s.exa.received().opens.find((o) => o.peer === a.ipv6)?.capabilities['1']).toEqual({
      name: 'multiprotocol',
      families: ['ipv6/unicast'],
    });

    // Ours → ExaBGP.
    await s.sp.set(OURS);
    for (const adv of OURS) {
      const v6 = adv.prefix.includes(':');
      const r = await waitFor(() => findRoute(s.exa.routes(v6 ? a.ipv6 : a.ipv4), adv.prefix), {
        ...WAIT,
        what: `${adv.prefix} at ExaBGP`,
      });
      expect(r).toMatchObject({
        family: v6 ? 'ipv6 unicast' : 'ipv4 unicast',
        nextHop: v6 ? a.ipv6 : a.ipv4,
        asPath: [OUR_AS],
        origin: 'igp',
        communities: adv.communities,
        largeCommunities: adv.largeCommunities,
      });
    }
    // End-of-RIB per session (RFC 4724 §2).
    expect(s.exa.received().endOfRib).toEqual(
      expect.arrayContaining([
        { peer: a.ipv4, family: 'ipv4 unicast' },
        { peer: a.ipv6, family: 'ipv6 unicast' },
      ]),
    );

    // ExaBGP → ours.
    for (const er of [...EXA_V4, ...EXA_V6]) {
      const v6 = er.prefix.includes(':');
      const r = await s.sp.waitFor(() => rx(s.sp, er.prefix), 20_000);
      expect(r).toMatchObject({
        peer: v6 ? 'exa6' : 'exa4',
        nextHop: v6 ? b.ipv6 : b.ipv4,
        asPath: [EXA_AS],
        communities: er.communities ?? [],
        largeCommunities: er.largeCommunities ?? [],
      });
      expect(r.med).toBe(er.med);
    }

    // Our withdrawals reach ExaBGP.
    await s.sp.set([OURS[0]!]);
    await waitFor(
      () =>
        s.exa.routes(a.ipv4).length === 1 &&
        s.exa.routes(a.ipv6).length === 0 &&
        findRoute(s.exa.routes(a.ipv4), '10.244.1.0/24'),
      { ...WAIT, what: 'ExaBGP saw 10.244.2.0/24 and 2001:db8:244:1::/64 withdrawn' },
    );

    // ExaBGP's withdrawals (API commands) reach our Adj-RIB-In.
    s.exa.command(`neighbor ${a.ipv4} withdraw route 10.77.2.0/24`);
    s.exa.command(`neighbor ${a.ipv6} withdraw route 2001:db8:77:1::/64`);
    await s.sp.waitFor(
      async () => !(await rx(s.sp, '10.77.2.0/24')) && !(await rx(s.sp, '2001:db8:77:1::/64')),
      20_000,
    );
    expect((await s.sp.received()).map((r) => r.prefix)).toEqual(['10.77.1.0/24']);
    expect(s.exa.received().states.filter((x) => x.state === 'down')).toEqual([]);
  });

  it('ExaBGP dials us (we are passive): sessions come up and routes cross', async () => {
    const s = await setup({ exaPassive: false });
    const [a, b] = [s.lab.node(0), s.lab.node(1)];
    await bothEstablished(s);
    expect(s.exa.received().opens.find((o) => o.peer === a.ipv4)?.capabilities['65']).toEqual({
      name: 'asn4',
      asn4: OUR_AS,
    });
    await s.sp.set(OURS);
    const r4 = await waitFor(() => findRoute(s.exa.routes(a.ipv4), '10.244.1.0/24'), {
      ...WAIT,
      what: 'IPv4 route at ExaBGP',
    });
    expect(r4).toMatchObject({ nextHop: a.ipv4, asPath: [OUR_AS], communities: ['65001:100'] });
    const r6 = await waitFor(() => findRoute(s.exa.routes(a.ipv6), '2001:db8:244:1::/64'), {
      ...WAIT,
      what: 'IPv6 route at ExaBGP',
    });
    expect(r6).toMatchObject({ nextHop: a.ipv6, largeCommunities: ['4200000001:6:6'] });
    const in4 = await s.sp.waitFor(() => rx(s.sp, '10.77.1.0/24'), 20_000);
    expect(in4).toMatchObject({ peer: 'exa4', nextHop: b.ipv4, asPath: [EXA_AS], med: 5 });
    const in6 = await s.sp.waitFor(() => rx(s.sp, '2001:db8:77:1::/64'), 20_000);
    expect(in6).toMatchObject({ peer: 'exa6', nextHop: b.ipv6, asPath: [EXA_AS], med: 6 });
  });

  it("route refresh: ExaBGP's ROUTE-REFRESH makes us re-send our routes; ours reaches ExaBGP", async () => {
    const s = await setup({ exaPassive: true });
    const a = s.lab.node(0);
    await bothEstablished(s);
    await s.sp.set(OURS);
    await waitFor(() => s.exa.routes(a.ipv4).length === 2, { ...WAIT, what: 'our 2 IPv4 routes at ExaBGP' });
    const before = s.exa.received();
    const eor0 = before.endOfRib.filter((e) => e.peer === a.ipv4).length;

    // ExaBGP asks (RFC 2918); the recorder sees our UPDATE(s) and End-of-RIB again.
    s.exa.command(`neighbor ${a.ipv4} announce route-refresh ipv4 unicast`);
    const after = await waitFor(
      () => {
        const r = s.exa.received();
        return r.updates > before.updates && r.endOfRib.filter((e) => e.peer === a.ipv4).length > eor0
          ? r
          : undefined;
      },
      { ...WAIT, what: 'our routes re-sent to ExaBGP after its ROUTE-REFRESH' },
    );
    expect(
      after.routes
        .filter((r) => r.peer === a.ipv4)
        .map((r) => r.prefix)
        .sort(),
    ).toEqual(['10.244.1.0/24', '10.244.2.0/24']);

    // We ask; ExaBGP records our ROUTE-REFRESH for the family of that session.
    await s.sp.routeRefresh('exa6');
    await waitFor(
      () => s.exa.received().refreshes.some((r) => r.peer === a.ipv6 && r.family === 'ipv6 unicast'),
      { ...WAIT, what: 'ExaBGP received our ROUTE-REFRESH' },
    );
    expect(await rx(s.sp, '2001:db8:77:1::/64')).toBeDefined();
    expect(s.exa.established(a.ipv4) && s.exa.established(a.ipv6)).toBe(true);
  });

  it('graceful restart, ExaBGP restarts: after SIGKILL its routes stay in our Adj-RIB-In as stale; after its restart End-of-RIB drops the one it no longer sends', async () => {
    const s = await setup({ exaPassive: true });
    await bothEstablished(s);
    await s.sp.waitFor(async () => (await s.sp.received()).length === 3, 20_000);

    await s.exa.kill();
    const stale = await s.sp.waitFor(async () => {
      const routes = await s.sp.received();
      return routes.length === 3 && routes.every((r) => r.stale) ? routes : undefined;
    }, 20_000);
    expect(stale.find((r) => r.prefix === '10.77.1.0/24')).toMatchObject({
      med: 5,
      communities: ['65002:1'],
      largeCommunities: ['4200000002:1:1'],
    });

    // Back without 10.77.2.0/24.
    rewriteExabgpConfig(s.exa, {
      ...s.exaConfig,
      neighbors: [{ ...s.exaConfig.neighbors[0]!, routes: [EXA_V4[0]!] }, s.exaConfig.neighbors[1]!],
    });
    await s.exa.restart();
    await s.sp.waitEstablished('exa4', 30_000);
    const fresh = await s.sp.waitFor(async () => {
      const routes = await s.sp.received();
      return routes.length === 2 && routes.every((r) => !r.stale) ? routes : undefined;
    }, 30_000);
    expect(fresh.map((r) => r.prefix).sort()).toEqual(['10.77.1.0/24', '2001:db8:77:1::/64']);
  });

  it('graceful restart, we restart: ExaBGP sees the Restart State bit in our new OPEN, then our routes and End-of-RIB', async () => {
    const s = await setup({ exaPassive: true });
    const a = s.lab.node(0);
    await bothEstablished(s);
    // ExaBGP 4.2 labels the GR flags the other way round: "restart" per family is the Forwarding State bit,
    // "forwarding" in restart-flags is the Restart State bit (R).
    expect(s.exa.received().opens.find((o) => o.peer === a.ipv4)?.capabilities['64']).toMatchObject({
      time: 20,
      'address-family-flags': { 'ipv4/unicast': ['restart'] },
      'restart-flags': [],
    });
    await s.sp.set(OURS);
    await waitFor(() => s.exa.routes(a.ipv4).length === 2, { ...WAIT, what: 'our routes at ExaBGP' });

    await s.sp.kill();
    await waitFor(() => s.exa.state(a.ipv4) === 'down', { ...WAIT, what: 'ExaBGP saw the session go' });
    const opens0 = s.exa.received().opens.length;
    const eor0 = s.exa.received().endOfRib.filter((e) => e.peer === a.ipv4).length;
    const sp2 = await startSpeakerInNamespace(s.lab, {
      ...s.speakerConfig,
      gracefulRestart: { enabled: true, restartTime: 20, restarting: true },
    });
    await sp2.set([OURS[0]!]);
    await sp2.waitEstablished('exa4', 30_000);
    await waitFor(
      () =>
        s.exa.received().endOfRib.filter((e) => e.peer === a.ipv4).length > eor0 &&
        findRoute(s.exa.routes(a.ipv4), '10.244.1.0/24'),
      { ...WAIT, what: 'our route and End-of-RIB at ExaBGP after the restart' },
    );
    const open = s.exa
      .received()
      .opens.slice(opens0)
      .find((o) => o.peer === a.ipv4);
    expect(open?.capabilities['64']).toMatchObject({
      'address-family-flags': { 'ipv4/unicast': ['restart'] },
      'restart-flags': ['forwarding'],
    });
    expect(s.exa.routes(a.ipv4).map((r) => r.prefix)).toEqual(['10.244.1.0/24']);
  });

  it('RFC 7606: an UPDATE with a 5-byte MED is treated as withdraw (an earlier valid route goes too), the session stays up', async () => {
    const s = await setup({
      exaPassive: true,
      v4Routes: [
        ...EXA_V4,
        // Never valid: must never enter our Adj-RIB-In.
        { prefix: '10.78.1.0/24', rawAttributes: [{ code: 4, flags: 0x80, valueHex: '0000000064' }] },
        // Valid first; replaced below by a malformed UPDATE.
        { prefix: '10.78.2.0/24', med: 1 },
      ],
    });
    const a = s.lab.node(0);
    await bothEstablished(s);
    await s.sp.waitFor(
      async () => !!(await rx(s.sp, '10.78.2.0/24')) && !!(await rx(s.sp, '10.77.2.0/24')),
      20_000,
    );
    expect(await rx(s.sp, '10.78.1.0/24')).toBeUndefined();

    s.exa.command(
      `neighbor ${a.ipv4} announce route 10.78.2.0/24 next-hop self attribute [ 0x04 0x80 0x0000000064 ]`,
    );
    await s.sp.waitFor(async () => !(await rx(s.sp, '10.78.2.0/24')), 20_000);
    // Three keepalive intervals (hold 9 s): a NOTIFICATION or reset would show by then.
    await new Promise((r) => setTimeout(r, 3500));
    const routes = (await s.sp.received()).map((r) => r.prefix).sort();
    expect(routes).toEqual(['10.77.1.0/24', '10.77.2.0/24', '2001:db8:77:1::/64']);
    const exa4 = (await s.sp.status()).find((p) => p.name === 'exa4');
    expect(exa4?.state).toBe('established');
    expect(exa4?.lastError).toBeUndefined();
    // ExaBGP's view: one session, never down.
    const states = s.exa.received().states.filter((x) => x.peer === a.ipv4);
    expect(states.map((x) => x.state)).toEqual(['connected', 'up']);
    expect(s.exa.log()).not.toMatch(/notification/i);
  });
});
