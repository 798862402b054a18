/**
 * Interop of our BgpSpeaker with GoBGP 3 (gobgpd) in a two-namespace lab: node 0 runs our speaker as AS 4200000001
 * (RFC 6793), node 1 runs gobgpd as AS 65002 with its API on a unix socket. What GoBGP holds is read back with its
 * own CLI (`gobgp … -j`); what it sent us from our Adj-RIB-In (`received()`).
 *
 * GoBGP quirks these tests live with:
 * - its first outgoing connect waits 5–10 s, so most tests make it passive and let us dial; one test lets it dial.
 * - it never sends ROUTE-REFRESH: `gobgp neighbor X softresetin` re-runs its import policy over the Adj-RIB-In it
 *   keeps (pkg/server/server.go `softResetIn`); only our ROUTE-REFRESH towards it can be tested.
 * - it advertises graceful restart without the Forwarding State bit, so when it comes back our speaker drops its
 *   stale routes as soon as the session is up (RFC 4724 §4.2) and takes them fresh from its UPDATEs (the End-of-RIB
 *   sweep itself is shown against FRR with `preserve-fw-state`).
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  findRoute,
  type GobgpConfig,
  type GobgpDaemon,
  type GobgpRouteSpec,
  Lab,
  type SpeakerHandle,
  startGobgp,
  startSpeakerInNamespace,
  waitFor,
} from '../../test-support/index.js';
import {
  interopSpeakerConfig,
  OUR_AS,
  OURS_V4,
  OURS_V6,
  PEER_AS,
  PEER_V4,
  PEER_V6,
  rxFrom,
  WAIT,
} from './interop-fixtures.test-support.js';

const GOBGP_AS = PEER_AS;
const GOBGP_V4 = PEER_V4;
const GOBGP_V6 = PEER_V6;

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.destroy();
  lab = undefined;
});

interface Setup {
  lab: Lab;
  gobgp: GobgpDaemon;
  a: { ipv4: string; ipv6: string };
  b: { ipv4: string; ipv6: string };
}

async function setupGobgp(opts: {
  passive?: boolean;
  ipv6?: boolean;
  gracefulRestart?: GobgpConfig['neighbors'][number]['gracefulRestart'];
  routes?: GobgpRouteSpec[];
}): Promise<Setup> {
  lab = await Lab.create({ nodes: 2 });
  const [a, b] = [lab.node(0), lab.node(1)];
  const n = {
    peerAsn: OUR_AS,
    passive: opts.passive ?? true,
    gracefulRestart: opts.gracefulRestart ?? false,
  };
  const gobgp = await startGobgp(lab, 1, {
    routerId: b.ipv4,
    asn: GOBGP_AS,
    neighbors: [{ address: a.ipv4, ...n }, ...(opts.ipv6 === false ? [] : [{ address: a.ipv6, ...n }])],
  });
  await gobgp.addRoutes(opts.routes ?? [GOBGP_V4, GOBGP_V6]);
  return { lab, gobgp, a, b };
}

const speakerConfig = (s: Setup, extra: Parameters<typeof interopSpeakerConfig>[2] = {}) =>
  interopSpeakerConfig(s, 'gobgp', extra);

/** Reads protobuf varint fields of a `google.protobuf.Any` value (GoBGP's capabilities in `neighbor -j`). */
function protoVarints(base64: string): Map<number, number> {
  const bytes = Buffer.from(base64, 'base64');
  const out = new Map<number, number>();
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[i++] ?? 0;
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < bytes.length) {
    const tag = varint();
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.set(field, varint());
    else if (wire === 2) i += varint();
    else break;
  }
  return out;
}

/** The capability `name` (e.g. `FourOctetASNCapability`) GoBGP received from neighbor `address`. */
async function remoteCapability(
  gobgp: GobgpDaemon,
  address: string,
  name: string,
): Promise<Map<number, number> | undefined> {
  const state = (await gobgp.neighbor(address)).raw.state as {
    remote_cap?: { type_url: string; value?: string }[];
  };
  const cap = state.remote_cap?.find((c) => c.type_url.endsWith(`.${name}`));
  return cap ? protoVarints(cap.value ?? '') : undefined;
}

interface GobgpMessages {
  received: Record<string, number>;
  sent: Record<string, number>;
}
const messages = async (gobgp: GobgpDaemon, address: string) =>
  ((await gobgp.neighbor(address)).raw.state as { messages: GobgpMessages }).messages;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('interop: our speaker ↔ GoBGP', () => {
  it('we dial a passive GoBGP: Established as AS 4200000001; IPv4 and IPv6 routes both ways with next hop, AS path and (large) communities; withdrawals both ways', async () => {
    const s = await setupGobgp({});
    const { gobgp, a, b } = s;
    const t0 = Date.now();
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s));
    await sp.set([OURS_V4, OURS_V6]);
    for (const addr of [a.ipv4, a.ipv6]) {
      const n = await waitFor(
        async () => {
          const x = await gobgp.neighbor(addr);
          return x.established ? x : undefined;
        },
        { ...WAIT, what: `GoBGP neighbor ${addr} ESTABLISHED` },
      );
      expect(n.peerAsn).toBe(OUR_AS);
      // Our 4-octet AS capability as GoBGP decoded it (FourOctetASNCapability.as = field 1).
      expect((await remoteCapability(gobgp, addr, 'FourOctetASNCapability'))?.get(1)).toBe(OUR_AS);
      expect((n.raw.transport as { passive_mode?: boolean }).passive_mode).toBe(true);
    }
    // We dialled: our side of each session is an ephemeral port towards GoBGP's 179.
    const neg = await sp.call<{ remotePort: number; localPort: number }>('negotiated', 'gobgp4');
    expect(neg.remotePort).toBe(179);
    const established = Date.now() - t0;

    const v4 = await waitFor(
      async () => findRoute(await gobgp.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix),
      { ...WAIT, what: 'our IPv4 route at GoBGP' },
    );
    expect(v4).toMatchObject({
      nextHop: a.ipv4,
      asPath: [OUR_AS],
      communities: OURS_V4.communities,
      largeCommunities: OURS_V4.largeCommunities,
      med: 7,
      origin: 'igp',
      stale: false,
      best: true,
    });
    const v6 = await waitFor(
      async () => findRoute(await gobgp.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix),
      { ...WAIT, what: 'our IPv6 route at GoBGP' },
    );
    expect(v6).toMatchObject({
      nextHop: a.ipv6,
      asPath: [OUR_AS],
      communities: OURS_V6.communities,
      largeCommunities: OURS_V6.largeCommunities,
      stale: false,
      best: true,
    });

    const rx = await sp.waitFor(async (x) => {
      const r = await x.received();
      return r.length === 2 ? r : undefined;
    }, WAIT.timeoutMs);
    expect(rxFrom(rx, 'gobgp4')).toEqual([
      {
        peer: 'gobgp4',
        prefix: GOBGP_V4.prefix,
        nextHop: b.ipv4,
        asPath: [GOBGP_AS],
        communities: GOBGP_V4.communities,
        largeCommunities: GOBGP_V4.largeCommunities,
        med: 9,
      },
    ]);
    expect(rxFrom(rx, 'gobgp6')).toEqual([
      {
        peer: 'gobgp6',
        prefix: GOBGP_V6.prefix,
        nextHop: b.ipv6,
        asPath: [GOBGP_AS],
        communities: GOBGP_V6.communities,
        largeCommunities: GOBGP_V6.largeCommunities,
      },
    ]);

    // Withdrawals, ours → GoBGP.
    await sp.set([OURS_V6]);
    await waitFor(async () => (await gobgp.routes('ipv4', { from: a.ipv4 })).length === 0, {
      ...WAIT,
      what: 'our IPv4 route withdrawn at GoBGP',
    });
    expect(findRoute(await gobgp.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix)).toBeDefined();
    // Withdrawals, GoBGP → us.
    await gobgp.deleteRoutes([GOBGP_V4.prefix, GOBGP_V6.prefix]);
    await sp.waitFor(async (x) => (await x.received()).length === 0, WAIT.timeoutMs);
    expect((await sp.status()).map((p) => [p.name, p.state])).toEqual([
      ['gobgp4', 'established'],
      ['gobgp6', 'established'],
    ]);
    console.log(
      `GoBGP: both sessions Established ${established} ms after our start; total ${Date.now() - t0} ms`,
    );
  });

  it('GoBGP dials us (we are passive): Established on our port 179 within its 5–10 s first-connect delay, routes both ways', async () => {
    const s = await setupGobgp({ passive: false, ipv6: false, routes: [GOBGP_V4] });
    const { gobgp, a, b } = s;
    const t0 = Date.now();
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { passive: true, ipv6: false }));
    await sp.set([OURS_V4]);
    await waitFor(() => gobgp.established(a.ipv4), { timeoutMs: 25_000, what: 'GoBGP (active) ESTABLISHED' });
    const established = Date.now() - t0;
    // GoBGP opened the connection: we accepted it on our listener.
    const neg = await sp.call<{ remotePort: number; localPort: number }>('negotiated', 'gobgp4');
    expect(neg.localPort).toBe(179);
    expect(neg.remotePort).not.toBe(179);
    const atGobgp = await waitFor(
      async () => findRoute(await gobgp.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix),
      { ...WAIT, what: 'our route at GoBGP' },
    );
    expect(atGobgp).toMatchObject({ nextHop: a.ipv4, asPath: [OUR_AS], communities: OURS_V4.communities });
    const rx = await sp.waitFor(
      async (x) => (await x.received()).find((r) => r.prefix === GOBGP_V4.prefix),
      WAIT.timeoutMs,
    );
    expect(rx).toMatchObject({
      peer: 'gobgp4',
      nextHop: b.ipv4,
      asPath: [GOBGP_AS],
      communities: GOBGP_V4.communities,
      largeCommunities: GOBGP_V4.largeCommunities,
    });
    console.log(`GoBGP active: Established ${established} ms after our start`);
  }, 40_000);

  it('route refresh: our ROUTE-REFRESH makes GoBGP count it and send its routes again', async () => {
    const s = await setupGobgp({ ipv6: false, routes: [GOBGP_V4] });
    const { gobgp, a } = s;
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { ipv6: false }));
    await sp.waitFor(
      async (x) => (await x.received()).some((r) => r.prefix === GOBGP_V4.prefix),
      WAIT.timeoutMs,
    );
    await sleep(500);
    const before = await messages(gobgp, a.ipv4);
    await sp.routeRefresh('gobgp4');
    await waitFor(
      async () => {
        const m = await messages(gobgp, a.ipv4);
        return (m.received.refresh ?? 0) === (before.received.refresh ?? 0) + 1 &&
          (m.sent.update ?? 0) > (before.sent.update ?? 0)
          ? m
          : undefined;
      },
      { ...WAIT, what: 'GoBGP received our ROUTE-REFRESH and re-sent UPDATEs' },
    );
    expect((await sp.received()).find((r) => r.prefix === GOBGP_V4.prefix)).toMatchObject({
      asPath: [GOBGP_AS],
    });
    expect(await gobgp.established(a.ipv4)).toBe(true);
  });

  it('graceful restart, we restart: GoBGP keeps our routes stale after SIGKILL; the restarted speaker (R bit) refreshes them and End-of-RIB removes the one no longer announced', async () => {
    const s = await setupGobgp({ ipv6: false, gracefulRestart: { restartTime: 60 }, routes: [GOBGP_V4] });
    const { gobgp, a } = s;
    const kept = { ...OURS_V4, prefix: '10.244.1.0/24' };
    const dropped = { ...OURS_V4, prefix: '10.244.2.0/24', communities: ['65001:999'] };
    const gr = { restartTime: 60 };
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { ipv6: false, gracefulRestart: gr }));
    await sp.set([kept, dropped]);
    const ours = () => gobgp.routes('ipv4', { from: a.ipv4 });
    await waitFor(async () => (await ours()).length === 2, { ...WAIT, what: 'our 2 routes at GoBGP' });
    expect(((await remoteCapability(gobgp, a.ipv4, 'GracefulRestartCapability'))?.get(1) ?? 0) & 0x8).toBe(0);

    await sp.kill();
    const stale = await waitFor(
      async () => {
        const r = await ours();
        return r.length === 2 && r.every((x) => x.stale) ? r : undefined;
      },
      { ...WAIT, what: 'our routes stale at GoBGP' },
    );
    expect(stale.map((r) => r.prefix).sort()).toEqual([kept.prefix, dropped.prefix]);
    expect(await gobgp.established(a.ipv4)).toBe(false);

    const t0 = Date.now();
    // A restarting speaker sends nothing before its first set() (no empty End-of-RIB that would sweep them).
    const restarted = await startSpeakerInNamespace(
      s.lab,
      speakerConfig(s, { ipv6: false, gracefulRestart: { ...gr, restarting: true } }),
    );
    await restarted.set([kept]);
    const after = await waitFor(
      async () => {
        const r = await ours();
        if (
          (await gobgp.established(a.ipv4)) &&
          r.length === 1 &&
          r[0]?.prefix === kept.prefix &&
          !r[0].stale
        )
          return r;
        throw new Error(`routes ${JSON.stringify(r.map((x) => [x.prefix, x.stale]))}`);
      },
      { ...WAIT, what: 'fresh kept route, dropped route swept at GoBGP' },
    );
    expect(after[0]).toMatchObject({ asPath: [OUR_AS], communities: kept.communities, nextHop: a.ipv4 });
    // GoBGP received the Restart State bit (GracefulRestartCapability.flags = field 1, R = 0x8).
    expect(((await remoteCapability(gobgp, a.ipv4, 'GracefulRestartCapability'))?.get(1) ?? 0) & 0x8).toBe(
      0x8,
    );
    console.log(`GoBGP: our routes refreshed ${Date.now() - t0} ms after the restarted speaker started`);
  });

  it('graceful restart, GoBGP restarts: our Adj-RIB-In keeps its routes stale while it is down; fresh again once it is back', async () => {
    const droppedRoute: GobgpRouteSpec = { prefix: '10.56.0.0/24', communities: ['65002:56'] };
    const s = await setupGobgp({
      ipv6: false,
      gracefulRestart: { restartTime: 60 },
      routes: [GOBGP_V4, droppedRoute],
    });
    const { gobgp } = s;
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { ipv6: false }));
    const fromGobgp = async (x: SpeakerHandle) => rxFrom(await x.received(), 'gobgp4');
    await sp.waitFor(async (x) => (await fromGobgp(x)).length === 2, WAIT.timeoutMs);

    await gobgp.kill();
    const stale = await sp.waitFor(async (x) => {
      const r = await fromGobgp(x);
      return r.length === 2 && r.every((y) => y.stale === true) ? r : undefined;
    }, WAIT.timeoutMs);
    expect(stale.map((r) => r.prefix)).toEqual([GOBGP_V4.prefix, droppedRoute.prefix]);
    await sleep(1500); // reconnect attempts against the dead peer do not drop them
    expect((await fromGobgp(sp)).map((r) => r.stale)).toEqual([true, true]);
    expect((await sp.status())[0]?.state).not.toBe('established');

    // Back, announcing only GOBGP_V4 (its RIB is in memory: re-add it). A SIGKILLed gobgpd leaves its API socket
    // behind and the next one refuses to start ("bind: address already in use").
    rmSync(gobgp.socketPath, { force: true });
    await gobgp.restart();
    await gobgp.addRoutes([GOBGP_V4]);
    const fresh = await sp.waitFor(async (x) => {
      const r = await fromGobgp(x);
      return r.length === 1 && r[0]?.prefix === GOBGP_V4.prefix && !r[0].stale ? r : undefined;
    }, WAIT.timeoutMs);
    expect(fresh[0]).toMatchObject({
      asPath: [GOBGP_AS],
      communities: GOBGP_V4.communities,
      nextHop: s.b.ipv4,
    });
    expect(await gobgp.established(s.a.ipv4)).toBe(true);
  });
});
