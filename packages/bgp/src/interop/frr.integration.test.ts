/**
 * Interop of our BgpSpeaker with FRR's bgpd (alone, no zebra) in a two-namespace lab: node 0 runs our speaker as
 * AS 4200000001 (RFC 6793), node 1 runs bgpd as AS 65002. Every assertion about what FRR holds is read back from
 * FRR itself (`vtysh … json`); what FRR sent us is read from our Adj-RIB-In (`received()`).
 * IPv4 runs over an IPv4 session and IPv6 over an IPv6 session: over an IPv4 session bgpd without zebra knows no
 * global IPv6 address of its own and sends an IPv4-mapped next hop (::ffff:198.51.100.2).
 */

import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FrrConfig,
  type FrrDaemon,
  findRoute,
  frrConfig,
  Lab,
  run,
  type SpeakerHandle,
  startFrr,
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

const FRR_AS = PEER_AS;
const FRR_V4 = PEER_V4;
const FRR_V6 = PEER_V6;

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.destroy();
  lab = undefined;
});

interface Setup {
  lab: Lab;
  frr: FrrDaemon;
  frrConfig: FrrConfig;
  a: { ipv4: string; ipv6: string };
  b: { ipv4: string; ipv6: string };
}

/** bgpd in node 1 with one IPv4 and one IPv6 neighbor (our node 0). */
async function setupFrr(opts: {
  frrPassive: boolean;
  networks?: FrrConfig['networks'];
  gracefulRestart?: FrrConfig['gracefulRestart'];
  extraBgp?: string[];
  ipv6?: boolean;
}): Promise<Setup> {
  lab = await Lab.create({ nodes: 2 });
  const [a, b] = [lab.node(0), lab.node(1)];
  const cfg: FrrConfig = {
    routerId: b.ipv4,
    asn: FRR_AS,
    neighbors: [
      { address: a.ipv4, peerAsn: OUR_AS, passive: opts.frrPassive },
      ...(opts.ipv6 === false ? [] : [{ address: a.ipv6, peerAsn: OUR_AS, passive: opts.frrPassive }]),
    ],
    networks: opts.networks ?? [FRR_V4, FRR_V6],
    ...(opts.gracefulRestart ? { gracefulRestart: opts.gracefulRestart } : {}),
    ...(opts.extraBgp ? { extraBgp: opts.extraBgp } : {}),
  };
  const frr = await startFrr(lab, 1, cfg);
  return { lab, frr, frrConfig: cfg, a, b };
}

/** Our speaker's config towards FRR (frr4 over IPv4, frr6 over IPv6). */
const speakerConfig = (s: Setup, extra: Parameters<typeof interopSpeakerConfig>[2] = {}) =>
  interopSpeakerConfig(s, 'frr', extra);

/** Runs configuration commands in bgpd (`vtysh -c 'configure terminal' -c …`). */
async function frrConfigure(frr: FrrDaemon, lines: string[]): Promise<void> {
  const args = ['--config_dir', frr.dir, '--vty_socket', frr.dir, '-d', 'bgpd', '-c', 'configure terminal'];
  for (const l of lines) args.push('-c', l);
  await run('vtysh', args);
}

/** FRR's neighbor json for `address` (the raw object, with `messageStats`, `gracefulRestartInfo`, …). */
async function frrNeighborRaw(frr: FrrDaemon, address: string): Promise<Record<string, unknown>> {
  return (await frr.neighbor(address)).raw;
}

interface MessageStats {
  routeRefreshSent: number;
  routeRefreshRecv: number;
  updatesSent: number;
  updatesRecv: number;
}

describe('interop: our speaker ↔ FRR bgpd', () => {
  it('we dial a passive FRR: Established as AS 4200000001; IPv4 and IPv6 routes both ways with next hop, AS path and (large) communities; withdrawals both ways', async () => {
    const s = await setupFrr({ frrPassive: true });
    const { frr, a, b } = s;
    const t0 = Date.now();
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s));
    await sp.set([OURS_V4, OURS_V6]);

    // FRR's view of the sessions: Established, accepted on its port 179 (we dialled), our 4-octet AS.
    for (const [addr, fam] of [
      [a.ipv4, 'ipv4'],
      [a.ipv6, 'ipv6'],
    ] as const) {
      const n = await waitFor(
        async () => {
          const x = await frr.neighbor(addr);
          return x.established ? x : undefined;
        },
        { ...WAIT, what: `FRR neighbor ${addr} Established` },
      );
      expect(n.remoteAs).toBe(OUR_AS);
      expect(n.capabilities['4byteAs']).toBe('advertisedAndReceived');
      expect(n.negotiatedFamilies).toEqual([fam]);
      expect(n.raw.portLocal).toBe(179);
      expect(n.raw.portForeign).not.toBe(179);
      expect(n.raw.hostForeign).toBe(addr);
    }
    const established = Date.now() - t0;

    // Our routes in FRR's table, learned from us, with our attributes.
    const v4 = await waitFor(
      async () => findRoute(await frr.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix),
      { ...WAIT, what: 'our IPv4 route at FRR' },
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
      async () => findRoute(await frr.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix),
      { ...WAIT, what: 'our IPv6 route at FRR' },
    );
    expect(v6).toMatchObject({
      nextHop: a.ipv6,
      asPath: [OUR_AS],
      communities: OURS_V6.communities,
      largeCommunities: OURS_V6.largeCommunities,
      stale: false,
      best: true,
    });
    expect(await frr.prefixesReceived(a.ipv4, 'ipv4')).toBe(1);
    expect(await frr.prefixesReceived(a.ipv6, 'ipv6')).toBe(1);

    // FRR's routes in our Adj-RIB-In — and only those: FRR also sends our own routes back (AS path 65002
    // 4200000001); RFC 4271 §9.1.2 loop detection must keep them out.
    await sp.waitFor(async (x) => (await x.received()).length >= 2, WAIT.timeoutMs);
    await new Promise((r) => setTimeout(r, 500)); // let the reflected routes arrive too
    const rx = await sp.received();
    expect(rxFrom(rx, 'frr4')).toEqual([
      {
        peer: 'frr4',
        prefix: FRR_V4.prefix,
        nextHop: b.ipv4,
        asPath: [FRR_AS],
        communities: FRR_V4.communities,
        largeCommunities: FRR_V4.largeCommunities,
        med: 9,
      },
    ]);
    expect(rxFrom(rx, 'frr6')).toEqual([
      {
        peer: 'frr6',
        prefix: FRR_V6.prefix,
        nextHop: b.ipv6,
        asPath: [FRR_AS],
        communities: FRR_V6.communities,
        largeCommunities: FRR_V6.largeCommunities,
        med: 0, // bgpd sets MED 0 on a `network` without `set metric`
      },
    ]);

    // Withdrawals, ours → FRR: drop the IPv4 route, keep the IPv6 one.
    await sp.set([OURS_V6]);
    await waitFor(async () => (await frr.prefixesReceived(a.ipv4, 'ipv4')) === 0, {
      ...WAIT,
      what: 'FRR pfxRcd from us (IPv4) back to 0',
    });
    expect(findRoute(await frr.routes('ipv4'), OURS_V4.prefix)).toBeUndefined();
    expect(findRoute(await frr.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix)).toBeDefined();

    // Withdrawals, FRR → us: remove both `network` statements.
    await frrConfigure(frr, [
      `router bgp ${FRR_AS}`,
      'address-family ipv4 unicast',
      `no network ${FRR_V4.prefix}`,
      'exit-address-family',
      'address-family ipv6 unicast',
      `no network ${FRR_V6.prefix}`,
    ]);
    await sp.waitFor(async (x) => (await x.received()).length === 0, WAIT.timeoutMs);
    const status = await sp.status();
    expect(status.map((p) => [p.name, p.state, p.received])).toEqual([
      ['frr4', 'established', 0],
      ['frr6', 'established', 0],
    ]);
    console.log(
      `FRR: both sessions Established ${established} ms after our start; total ${Date.now() - t0} ms`,
    );
  });

  it('FRR dials us (we are passive): Established on our port 179, routes both ways', async () => {
    const s = await setupFrr({ frrPassive: false, ipv6: false, networks: [FRR_V4] });
    const { frr, a, b } = s;
    const t0 = Date.now();
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { passive: true, ipv6: false }));
    await sp.set([OURS_V4]);
    const n = await waitFor(
      async () => {
        const x = await frr.neighbor(a.ipv4);
        return x.established ? x : undefined;
      },
      { ...WAIT, what: 'FRR neighbor Established (FRR active)' },
    );
    // FRR opened the connection: its foreign port is our listener.
    expect(n.raw.portForeign).toBe(179);
    expect(n.raw.portLocal).not.toBe(179);
    expect(n.remoteAs).toBe(OUR_AS);
    expect(n.capabilities['4byteAs']).toBe('advertisedAndReceived');
    const established = Date.now() - t0;
    const atFrr = await waitFor(
      async () => findRoute(await frr.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix),
      { ...WAIT, what: 'our route at FRR' },
    );
    expect(atFrr).toMatchObject({ nextHop: a.ipv4, asPath: [OUR_AS], communities: OURS_V4.communities });
    const rx = await sp.waitFor(
      async (x) => (await x.received()).find((r) => r.prefix === FRR_V4.prefix),
      WAIT.timeoutMs,
    );
    expect(rx).toMatchObject({
      peer: 'frr4',
      nextHop: b.ipv4,
      asPath: [FRR_AS],
      communities: FRR_V4.communities,
    });
    console.log(`FRR active: Established ${established} ms after our start`);
  });

  it('route refresh both ways: FRR `clear … soft in` makes it send ROUTE-REFRESH and we re-send; ours makes FRR re-send', async () => {
    const s = await setupFrr({ frrPassive: true, ipv6: false, networks: [FRR_V4] });
    const { frr, a } = s;
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { ipv6: false }));
    await sp.set([OURS_V4]);
    await waitFor(async () => findRoute(await frr.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix), {
      ...WAIT,
      what: 'our route at FRR',
    });
    await sp.waitFor(
      async (x) => (await x.received()).some((r) => r.prefix === FRR_V4.prefix),
      WAIT.timeoutMs,
    );
    const stats = async () => (await frrNeighborRaw(frr, a.ipv4)).messageStats as MessageStats;
    // Let the initial exchange settle (End-of-RIB, reflected routes), then take a baseline.
    await new Promise((r) => setTimeout(r, 500));
    const before = await stats();

    // FRR → us: ROUTE-REFRESH (RFC 2918); we answer with our Adj-RIB-Out again (UPDATE + End-of-RIB).
    await frr.softClear(a.ipv4, 'in');
    const afterIn = await waitFor(
      async () => {
        const x = await stats();
        return x.routeRefreshSent === before.routeRefreshSent + 1 && x.updatesRecv > before.updatesRecv
          ? x
          : undefined;
      },
      { ...WAIT, what: 'FRR sent ROUTE-REFRESH and received our UPDATEs again' },
    );
    expect(findRoute(await frr.routes('ipv4', { from: a.ipv4 }), OURS_V4.prefix)).toMatchObject({
      asPath: [OUR_AS],
      stale: false,
    });

    // Us → FRR: our ROUTE-REFRESH; FRR re-sends its routes.
    await sp.routeRefresh('frr4');
    await waitFor(
      async () => {
        const x = await stats();
        return x.routeRefreshRecv === afterIn.routeRefreshRecv + 1 && x.updatesSent > afterIn.updatesSent;
      },
      { ...WAIT, what: 'FRR received our ROUTE-REFRESH and sent UPDATEs again' },
    );
    expect((await sp.received()).find((r) => r.prefix === FRR_V4.prefix)).toMatchObject({ asPath: [FRR_AS] });
    expect((await frr.neighbor(a.ipv4)).established).toBe(true);
  });

  it('graceful restart, we restart: FRR keeps our routes stale after SIGKILL; the restarted speaker (R bit) refreshes them and End-of-RIB removes the one no longer announced', async () => {
    const s = await setupFrr({ frrPassive: true, gracefulRestart: { restartTime: 60 }, networks: [FRR_V4] });
    const { frr, a } = s;
    const kept = { ...OURS_V4, prefix: '10.244.1.0/24' };
    const dropped = { ...OURS_V4, prefix: '10.244.2.0/24', communities: ['65001:999'] };
    const gr = { restartTime: 60 };
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { gracefulRestart: gr }));
    await sp.set([kept, dropped, OURS_V6]);
    const ourRoutes = async () => frr.routes('ipv4', { from: a.ipv4 });
    await waitFor(async () => (await ourRoutes()).length === 2, {
      ...WAIT,
      what: 'our 2 IPv4 routes at FRR',
    });
    const n = await frr.neighbor(a.ipv4);
    expect(n.capabilities.gracefulRestart).toBe('advertisedAndReceived');
    expect(n.gracefulRestartInfo?.rBit).toBe(false);

    // SIGKILL: no NOTIFICATION; FRR (helper, RFC 4724 §4.2) keeps our routes, marked stale.
    await sp.kill();
    const stale = await waitFor(
      async () => {
        const r = await ourRoutes();
        return r.length === 2 && r.every((x) => x.stale) ? r : undefined;
      },
      { ...WAIT, what: 'our routes stale at FRR' },
    );
    expect(stale.map((r) => r.prefix).sort()).toEqual([kept.prefix, dropped.prefix]);
    expect((await frr.neighbor(a.ipv4)).established).toBe(false);
    expect(findRoute(await frr.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix)?.stale).toBe(true);

    // Restart with the R bit, announcing only `kept` (and the IPv6 route): FRR sees the R bit, takes the fresh
    // route, and End-of-RIB sweeps `dropped` (its restart time is 60 s and its stale-path time 360 s: only our
    // End-of-RIB can remove it within this wait).
    const t0 = Date.now();
    // A restarting speaker sends nothing before its first set() (no empty End-of-RIB that would sweep them).
    const restarted = await startSpeakerInNamespace(
      s.lab,
      speakerConfig(s, { gracefulRestart: { ...gr, restarting: true } }),
    );
    await restarted.set([kept, OURS_V6]);
    const after = await waitFor(
      async () => {
        const r = await ourRoutes();
        const nb = await frr.neighbor(a.ipv4);
        if (nb.established && r.length === 1 && r[0]?.prefix === kept.prefix && !r[0].stale) return { r, nb };
        throw new Error(`neighbor ${nb.state}, routes ${JSON.stringify(r.map((x) => [x.prefix, x.stale]))}`);
      },
      { ...WAIT, what: 'fresh kept route, dropped route swept at FRR' },
    );
    expect(after.nb.gracefulRestartInfo?.rBit).toBe(true);
    expect(
      (after.nb.gracefulRestartInfo?.endOfRibRecv as Record<string, boolean> | undefined)?.ipv4Unicast,
    ).toBe(true);
    expect(after.r[0]).toMatchObject({ asPath: [OUR_AS], communities: kept.communities, nextHop: a.ipv4 });
    await waitFor(
      async () => findRoute(await frr.routes('ipv6', { from: a.ipv6 }), OURS_V6.prefix)?.stale === false,
      {
        ...WAIT,
        what: 'our IPv6 route fresh again at FRR',
      },
    );
    console.log(`FRR: our routes refreshed ${Date.now() - t0} ms after the restarted speaker started`);
  });

  it('graceful restart, FRR restarts: our Adj-RIB-In keeps its routes stale; the restarted FRR refreshes them and its End-of-RIB removes the one it no longer announces', async () => {
    const keptNet = FRR_V4;
    const droppedNet = { prefix: '10.56.0.0/24', communities: ['65002:56'] };
    const s = await setupFrr({
      frrPassive: false,
      ipv6: false,
      gracefulRestart: { restartTime: 60 },
      // F bit set: we must keep its routes across the reconnect until End-of-RIB (RFC 4724 §4.2).
      extraBgp: ['bgp graceful-restart preserve-fw-state'],
      networks: [keptNet, droppedNet],
    });
    const { frr } = s;
    const sp = await startSpeakerInNamespace(s.lab, speakerConfig(s, { ipv6: false }));
    const fromFrr = async (x: SpeakerHandle) => rxFrom(await x.received(), 'frr4');
    await sp.waitFor(async (x) => (await fromFrr(x)).length === 2, WAIT.timeoutMs);

    await frr.kill();
    const stale = await sp.waitFor(async (x) => {
      const r = await fromFrr(x);
      return r.length === 2 && r.every((y) => y.stale === true) ? r : undefined;
    }, WAIT.timeoutMs);
    expect(stale.map((r) => r.prefix)).toEqual([keptNet.prefix, droppedNet.prefix]);
    expect((await sp.status())[0]?.state).not.toBe('established');
    // Still kept after a few reconnect attempts against the dead peer.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await fromFrr(sp)).map((r) => r.stale)).toEqual([true, true]);

    // FRR comes back announcing only `keptNet`.
    writeFileSync(frr.path('bgpd.conf'), frrConfig({ ...s.frrConfig, networks: [keptNet] }, frr.dir));
    await frr.restart();
    const fresh = await sp.waitFor(async (x) => {
      const r = await fromFrr(x);
      return r.length === 1 && r[0]?.prefix === keptNet.prefix && !r[0].stale ? r : undefined;
    }, WAIT.timeoutMs);
    expect(fresh[0]).toMatchObject({ asPath: [FRR_AS], communities: keptNet.communities, nextHop: s.b.ipv4 });
    const withdrawnEvents = sp
      .events()
      .filter((e) => e.type === 'routes' && e.withdrawn.includes(droppedNet.prefix));
    expect(withdrawnEvents.length).toBe(1);
    expect((await frr.neighbor(s.a.ipv4)).established).toBe(true);
  });
});
