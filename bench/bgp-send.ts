/**
 * Send: 100,000 IPv4 /24s (16.0.0.0/24 upwards) from a sender into one receiving BIRD 2, timed until the receiver
 * holds all of them. Contenders, one after another; each sender is made ready first, then a freshly started
 * receiver with the same config (protocol `from_sender`: import all, export none, no GR; only the neighbor
 * address/AS differ) dials it after `connect delay time 1`, so every contender's session starts with the whole
 * table waiting (the initial dump):
 *   - ours:  our BgpSpeaker in a child process (startSpeakerInNamespace, passive peer, listening on .2:179), the
 *            routes given with one `set()` (JSON over IPC) before the receiver starts;
 *   - BIRD:  a sending BIRD whose static protocol holds the same routes (`export where source = RTS_STATIC; next
 *            hop self`), ready once `birdc show status` answers "Daemon is up" (config parsed);
 *   - GoBGP: gobgpd loaded with the same paths through its gRPC API (AddPathStream) before the receiver starts.
 * Lab: 4 namespaces on a bridge: receiver 198.51.100.1 (AS 65001), ours .2 (65002), BIRD .3 (65003),
 * gobgpd .4 (65004).
 *
 * Two times per contender: from sender process start (its startup, config parse / route load, then the receiver's
 * start and its 1 s connect delay, session setup and the transfer) and from session Established to all held.
 * "Established" is the receiver BIRD's own "from_sender: State changed to up" log line (ms timestamps): the same
 * clock and definition for every contender. "All held" = the receiver's channel counter (`show protocols all
 * from_sender`, "Routes: N imported", O(1)) polled every 20 ms. The BENCH line uses the Established → all figure.
 *
 * BIRD 2.0.12 as sender leaves its last partial UPDATE batch until its event loop next wakes (≈3 s later here),
 * unless something touches it: the bench pokes the sending BIRD's control socket at every poll (its best figure)
 * and also reports one unpoked run.
 *
 * Sizes: BGP_BENCH_SEND (default 100000); BGP_BENCH_ROUNDS (default 1, median reported); BGP_BENCH_GOBGP=0 skips
 * GoBGP; BGP_BENCH_UNPOKED=0 skips the unpoked BIRD run; BGP_BENCH_CPU_PROF=DIR runs our child with
 * `--cpu-prof --cpu-prof-dir=DIR`; BGP_BENCH_NODE_ARGS adds
 * node flags to our child (e.g. `--trace-gc`, its output lands in the child's log, kept with KEEP_BGP_LAB=1). Needs root. Run: `node --import tsx bench/run.ts bgp-send`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  GobgpApi,
  type GobgpRouteSpec,
  type Lab,
  startGobgp,
  startSpeakerInNamespace,
} from '../packages/bgp/test-support/index.js';
import { benchLine, isMain } from './bench-util.js';
import {
  BenchBird,
  benchBirdConfig,
  benchSpeakerOptions,
  envCount,
  fmtMb,
  fmtMs,
  loadAverage,
  pollUntil,
  prefixV4,
  procMem,
  wallNow,
  withLab,
} from './bgp-util.js';

const RX = { ip: '198.51.100.1', asn: 65001, node: 0 };
const OURS = { ip: '198.51.100.2', asn: 65002, node: 1 };
const BIRD_TX = { ip: '198.51.100.3', asn: 65003, node: 2 };
const GOBGP_TX = { ip: '198.51.100.4', asn: 65004, node: 3 };

interface Result {
  who: string;
  fromStartMs?: number;
  establishedToAllMs: number;
  /** Extra phase the contender needed (ours: set() over IPC; GoBGP: the API load). */
  extra?: string;
  senderPeakRss?: number;
  receiverPeakRss: number;
}

/** A fresh receiving BIRD with protocol `tx` towards `peer`. */
async function startReceiver(
  lab: Lab,
  peer: { ip: string; asn: number },
  passive: boolean,
): Promise<BenchBird> {
  const rx = BenchBird.start(lab, RX.node, (dir) =>
    benchBirdConfig({
      routerId: RX.ip,
      logFile: join(dir, 'bird.log'),
      peers: [
        {
          name: 'from_sender',
          local: RX.ip,
          localAsn: RX.asn,
          neighbor: peer.ip,
          peerAsn: peer.asn,
          passive,
          exportStatic: false,
        },
      ],
    }),
  );
  await rx.waitUp();
  return rx;
}

/**
 * Polls the receiver until it holds `count`. `poke`: a sending BIRD also gets a `birdc show status` per poll —
 * BIRD 2.0.12 leaves its last partial UPDATE batch until its event loop next wakes (≈3 s later here; at once when
 * anything touches its control socket), which would add a 3 s stall to BIRD's figure that has nothing to do with
 * its speed. Poking gives BIRD its best figure.
 */
async function waitAll(rx: BenchBird, count: number, poke?: BenchBird): Promise<number> {
  return pollUntil(
    async () => {
      const [r] = await Promise.all([rx.imported('from_sender'), poke?.birdc('show', 'status')]);
      return r.imported;
    },
    count,
    {
      what: 'receiving BIRD',
      intervalMs: 20,
      timeoutMs: 600_000,
    },
  );
}

function established(rx: BenchBird): number {
  const t = rx.establishedAt('from_sender');
  if (t === undefined)
    throw new Error(`bench bug: no "from_sender: State changed to up" in the receiver log\n${rx.log()}`);
  return t;
}

/** Starts a fresh receiver towards `peer` (it dials after 1 s), waits until it holds `count`, times it. */
async function receive(
  lab: Lab,
  peer: { ip: string; asn: number },
  count: number,
  poke?: BenchBird,
): Promise<{ tAll: number; tEst: number; receiverPeakRss: number }> {
  const rx = await startReceiver(lab, peer, false);
  const tAll = await waitAll(rx, count, poke);
  const tEst = established(rx);
  const receiverPeakRss = rx.peakRss();
  await rx.stop();
  return { tAll, tEst, receiverPeakRss };
}

async function runOurs(lab: Lab, count: number): Promise<Result> {
  const ads = Array.from({ length: count }, (_, i) => ({ prefix: prefixV4(i) }));
  const t0 = wallNow();
  const sp = await startSpeakerInNamespace(
    lab,
    {
      asn: OURS.asn,
      routerId: OURS.ip,
      listen: { address: OURS.ip, port: 179 },
      peers: [{ name: 'rx', address: RX.ip, asn: RX.asn, passive: true }],
    },
    benchSpeakerOptions(OURS.node, 'none'),
  );
  const tStarted = wallNow();
  await sp.set(ads);
  const tSet = wallNow();
  const { tAll, tEst, receiverPeakRss } = await receive(lab, OURS, count);
  const senderPeakRss = procMem(sp.pid).hwm;
  await sp.close();
  return {
    who: 'ours (BgpSpeaker)',
    fromStartMs: tAll - t0,
    establishedToAllMs: tAll - tEst,
    extra: `ready after ${fmtMs(tSet - t0)} ms: child start ${fmtMs(tStarted - t0)} ms + set() over IPC ${fmtMs(tSet - tStarted)} ms`,
    senderPeakRss,
    receiverPeakRss,
  };
}

async function runBird(lab: Lab, count: number, poke: boolean): Promise<Result & { parseMs: number }> {
  const config = (dir: string) =>
    benchBirdConfig({
      routerId: BIRD_TX.ip,
      logFile: join(dir, 'bird.log'),
      routes: count,
      peers: [
        {
          name: 'to_receiver',
          local: BIRD_TX.ip,
          localAsn: BIRD_TX.asn,
          neighbor: RX.ip,
          peerAsn: RX.asn,
          passive: true,
          exportStatic: true,
        },
      ],
    });
  const t0 = wallNow();
  const tx = BenchBird.start(lab, BIRD_TX.node, config);
  const tUp = await tx.waitUp();
  const { tAll, tEst, receiverPeakRss } = await receive(lab, BIRD_TX, count, poke ? tx : undefined);
  // Config parse alone, measured apart (not in the timed run).
  const p0 = performance.now();
  execFileSync('bird', ['-p', '-c', join(tx.dir, 'bird.conf')]);
  const parseMs = performance.now() - p0;
  const senderPeakRss = tx.peakRss();
  await tx.stop();
  return {
    who: poke ? 'BIRD 2.0.12 (static)' : 'BIRD 2.0.12, not poked',
    fromStartMs: tAll - t0,
    establishedToAllMs: tAll - tEst,
    extra: `ready (birdc: Daemon is up) after ${fmtMs(tUp - t0)} ms; config parse alone (bird -p) ${fmtMs(parseMs)} ms${poke ? '; sender poked per poll' : ''}`,
    parseMs,
    senderPeakRss,
    receiverPeakRss,
  };
}

async function runGobgp(lab: Lab, count: number): Promise<Result> {
  const t0 = wallNow();
  const gd = await startGobgp(lab, GOBGP_TX.node, {
    routerId: GOBGP_TX.ip,
    asn: GOBGP_TX.asn,
    localAddresses: [GOBGP_TX.ip],
    neighbors: [{ address: RX.ip, peerAsn: RX.asn, passive: true, holdTime: 90 }],
  });
  const api = await GobgpApi.connect(gd);
  let loadMs: number;
  try {
    function* routes(): Iterable<GobgpRouteSpec> {
      for (let i = 0; i < count; i++) yield { prefix: prefixV4(i) };
    }
    const l0 = wallNow();
    const added = await api.addPaths(routes(), { defaultNextHop: { ipv4: GOBGP_TX.ip } });
    loadMs = wallNow() - l0;
    if (added !== count) throw new Error(`bench bug: AddPathStream took ${added} of ${count}`);
  } finally {
    api.close();
  }
  const inRib = await gd.routeCount('ipv4');
  if (inRib !== count) throw new Error(`bench bug: gobgpd holds ${inRib} of ${count} paths after the load`);
  const tReady = wallNow();
  const { tAll, tEst, receiverPeakRss } = await receive(lab, GOBGP_TX, count);
  const senderPeakRss = gd.pid ? procMem(gd.pid).hwm : undefined;
  await gd.stop();
  return {
    who: 'GoBGP 3 (gRPC-loaded)',
    establishedToAllMs: tAll - tEst,
    extra: `ready after ${fmtMs(tReady - t0)} ms, of which AddPathStream (paths encoded in the bench process) ${fmtMs(loadMs)} ms; from-start not comparable`,
    ...(senderPeakRss === undefined ? {} : { senderPeakRss }),
    receiverPeakRss,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bgp-send benchmark needs root (network namespaces)');
  const count = envCount('BGP_BENCH_SEND', 100_000);
  const rounds = envCount('BGP_BENCH_ROUNDS', 1);
  const withGobgp = process.env.BGP_BENCH_GOBGP !== '0';
  const loadBefore = loadAverage();
  const all: Result[][] = [];
  await withLab({ nodes: 4 }, async (lab) => {
    for (let r = 0; r < rounds; r++) {
      const round: Result[] = [];
      // Alternate the order of ours and BIRD between rounds.
      if (r % 2 === 0) round.push(await runOurs(lab, count), await runBird(lab, count, true));
      else round.push(await runBird(lab, count, true), await runOurs(lab, count));
      if (r === 0 && process.env.BGP_BENCH_UNPOKED !== '0') round.push(await runBird(lab, count, false));
      if (withGobgp) {
        try {
          round.push(await runGobgp(lab, count));
        } catch (err) {
          console.error(`GoBGP column skipped: ${(err as Error).message.slice(0, 2000)}`);
        }
      }
      all.push(round);
    }
  });
  const rows = [
    'ours (BgpSpeaker)',
    'BIRD 2.0.12 (static)',
    'BIRD 2.0.12, not poked',
    'GoBGP 3 (gRPC-loaded)',
  ].flatMap((who) => {
    const rs = all.flatMap((round) => round.filter((x) => x.who === who));
    if (rs.length === 0) return [];
    const est = median(rs.map((x) => x.establishedToAllMs));
    const start = rs.every((x) => x.fromStartMs !== undefined)
      ? median(rs.map((x) => x.fromStartMs!))
      : undefined;
    return [{ who, est, start, rs }];
  });
  console.log(
    `Send ${count.toLocaleString('en-US')} IPv4 prefixes into a receiving BIRD until it holds all ` +
      `(${rounds} round(s), median; load average before ${loadBefore}, after ${loadAverage()}, ${
        (await import('node:os')).cpus().length
      } cores)`,
  );
  console.table(
    rows.map(({ who, est, start, rs }) => ({
      sender: who,
      'Established→all ms': fmtMs(est),
      'process start→all ms': fmtMs(start),
      'sender peak RSS MB': fmtMb(median(rs.map((x) => x.senderPeakRss ?? NaN))),
      'receiver peak RSS MB': fmtMb(median(rs.map((x) => x.receiverPeakRss))),
      runs: rs.map((x) => `${fmtMs(x.establishedToAllMs)}/${fmtMs(x.fromStartMs)}`).join(' '),
    })),
  );
  for (const { who, rs } of rows) for (const x of rs) if (x.extra) console.log(`  ${who}: ${x.extra}`);
  const ours = rows.find((x) => x.who.startsWith('ours'));
  const bird = rows.find((x) => x.who === 'BIRD 2.0.12 (static)');
  const gobgp = rows.find((x) => x.who.startsWith('GoBGP'));
  const k = count >= 1000 && count % 1000 === 0 ? `${count / 1000}k` : String(count);
  console.log('BENCH lines: Established → all held, in ms (target ours ≤ 1.5× BIRD).');
  if (ours && bird) {
    benchLine(`bgp_send_${k}_established_to_all`, Math.round(ours.est), 'ms', {
      value: Math.round(bird.est),
      name: 'bird-2.0.12',
    });
  }
  if (ours && gobgp) {
    benchLine(`bgp_send_${k}_established_to_all_vs_gobgp`, Math.round(ours.est), 'ms', {
      value: Math.round(gobgp.est),
      name: 'gobgp-3',
    });
  }
}

if (isMain(import.meta.url)) await run();
