/**
 * Receive: a sending BIRD 2 with 1,000,000 IPv4 /24s in a static protocol (16.0.0.0/24 upwards, one
 * `route X blackhole;` line each) sends them to a receiver, timed until the receiver holds all of them:
 *   - ours: our BgpSpeaker in a child process (startSpeakerInNamespace, kernel installation off — the default —
 *           and no event subscription, so nothing but the speaker works), until `receivedCount()` (Adj-RIB-In
 *           size, polled over IPC) says 1,000,000;
 *   - BIRD: a receiving BIRD (`import all; export none`, no kernel protocol), until its channel counter
 *           (`show protocols all from_sender`, "Routes: N imported", O(1)) says 1,000,000.
 * One sending BIRD serves both (parsed once: its config parse time is measured apart with `bird -p`); it has one
 * passive protocol per receiver and the receiver under test dials it — ours at once, BIRD after `connect delay
 * time 1` — so each session starts with the whole table waiting. "Established" is the sender's own
 * "to_…: State changed to up" log line (ms timestamps; same clock and definition for both). Poll interval 20 ms;
 * at every poll the sending BIRD's control socket is poked (`show status`): BIRD 2.0.12 leaves its last partial
 * UPDATE batch until its event loop next wakes (≈3 s otherwise), the same for both receivers.
 * Memory: our child's peak RSS (VmHWM of /proc/PID/status) and the receiving BIRD's VmHWM.
 *
 * Lab: 3 namespaces on a bridge: sender 198.51.100.1 (AS 65001), ours .2 (65002), receiving BIRD .3 (65003).
 * Sizes: BGP_BENCH_RECEIVE (default 1000000); BGP_BENCH_ROUNDS (default 1, median reported);
 * BGP_BENCH_EVENTS=state|all subscribes the child to the speaker's events (default none);
 * BGP_BENCH_CPU_PROF=DIR runs our child with `--cpu-prof --cpu-prof-dir=DIR`; BGP_BENCH_NODE_ARGS adds
 * node flags to our child (e.g. `--trace-gc`, its output lands in the child's log, kept with KEEP_BGP_LAB=1). Needs root.
 * Run: `node --import tsx bench/run.ts bgp-receive`.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { type Lab, startSpeakerInNamespace } from '../packages/bgp/test-support/index.js';
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
  procMem,
  wallNow,
  withLab,
} from './bgp-util.js';

const TX = { ip: '198.51.100.1', asn: 65001, node: 0 };
const OURS = { ip: '198.51.100.2', asn: 65002, node: 1, proto: 'to_ours' };
const BIRD_RX = { ip: '198.51.100.3', asn: 65003, node: 2, proto: 'to_bird' };

interface Result {
  who: string;
  establishedToAllMs: number;
  receiverStartToAllMs: number;
  peakRss: number;
  /** RSS once all held (after the run's garbage). */
  rssAtEnd: number;
  extra: string;
}

/** The sender's "PROTO: State changed to up" of this run (the sender serves every round). */
function established(tx: BenchBird, proto: string, after: number): number {
  const t = tx.establishedAt(proto, after);
  if (t === undefined)
    throw new Error(`bench bug: no "${proto}: State changed to up" in the sender log\n${tx.log()}`);
  return t;
}

async function runOurs(lab: Lab, tx: BenchBird, count: number): Promise<Result> {
  const events = (process.env.BGP_BENCH_EVENTS ?? 'none') as 'all' | 'state' | 'none';
  const t0 = wallNow();
  const sp = await startSpeakerInNamespace(
    lab,
    {
      asn: OURS.asn,
      routerId: OURS.ip,
      listen: false,
      peers: [{ name: 'tx', address: TX.ip, asn: TX.asn }],
    },
    benchSpeakerOptions(OURS.node, events),
  );
  const tStarted = wallNow();
  const rssBefore = procMem(sp.pid).rss;
  let polls = 0;
  const tAll = await pollUntil(
    async () => {
      const [n] = await Promise.all([sp.call<number>('receivedCount'), tx.birdc('show', 'status')]);
      polls++;
      return n;
    },
    count,
    { what: 'our speaker', intervalMs: 20, timeoutMs: 900_000 },
  );
  const tEst = established(tx, OURS.proto, t0);
  const mem = procMem(sp.pid);
  await sp.close();
  return {
    who: `ours (BgpSpeaker, events: ${events})`,
    establishedToAllMs: tAll - tEst,
    receiverStartToAllMs: tAll - t0,
    peakRss: mem.hwm,
    rssAtEnd: mem.rss,
    extra: `child start ${fmtMs(tStarted - t0)} ms, RSS after start ${fmtMb(rssBefore)} MB, ${polls} polls`,
  };
}

async function runBird(lab: Lab, tx: BenchBird, count: number): Promise<Result> {
  const t0 = wallNow();
  const rx = BenchBird.start(lab, BIRD_RX.node, (dir) =>
    benchBirdConfig({
      routerId: BIRD_RX.ip,
      logFile: join(dir, 'bird.log'),
      peers: [
        {
          name: 'from_sender',
          local: BIRD_RX.ip,
          localAsn: BIRD_RX.asn,
          neighbor: TX.ip,
          peerAsn: TX.asn,
          passive: false,
          exportStatic: false,
        },
      ],
    }),
  );
  const tUp = await rx.waitUp();
  const rssBefore = procMem(rx.pid).rss;
  const tAll = await pollUntil(
    async () => {
      const [r] = await Promise.all([rx.imported('from_sender'), tx.birdc('show', 'status')]);
      return r.imported;
    },
    count,
    { what: 'receiving BIRD', intervalMs: 20, timeoutMs: 900_000 },
  );
  const tEst = established(tx, BIRD_RX.proto, t0);
  const mem = procMem(rx.pid);
  await rx.stop();
  return {
    who: 'BIRD 2.0.12',
    establishedToAllMs: tAll - tEst,
    receiverStartToAllMs: tAll - t0,
    peakRss: mem.hwm,
    rssAtEnd: mem.rss,
    extra: `up after ${fmtMs(tUp - t0)} ms, RSS after start ${fmtMb(rssBefore)} MB; dials after connect delay 1 s`,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bgp-receive benchmark needs root (network namespaces)');
  const count = envCount('BGP_BENCH_RECEIVE', 1_000_000);
  const rounds = envCount('BGP_BENCH_ROUNDS', 1);
  const loadBefore = loadAverage();
  const results: Result[] = [];
  let sender: { readyMs: number; parseMs: number; peakRss: number } | undefined;
  await withLab({ nodes: 3 }, async (lab) => {
    const t0 = wallNow();
    const tx = BenchBird.start(lab, TX.node, (dir) =>
      benchBirdConfig({
        routerId: TX.ip,
        logFile: join(dir, 'bird.log'),
        routes: count,
        peers: [OURS, BIRD_RX].map((r) => ({
          name: r.proto,
          local: TX.ip,
          localAsn: TX.asn,
          neighbor: r.ip,
          peerAsn: r.asn,
          passive: true,
          exportStatic: true,
        })),
      }),
    );
    const tUp = await tx.waitUp(600_000);
    const readyMs = tUp - t0;
    const p0 = performance.now();
    execFileSync('bird', ['-p', '-c', join(tx.dir, 'bird.conf')]);
    const parseMs = performance.now() - p0;
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) results.push(await runOurs(lab, tx, count), await runBird(lab, tx, count));
      else results.push(await runBird(lab, tx, count), await runOurs(lab, tx, count));
    }
    sender = { readyMs, parseMs, peakRss: tx.peakRss() };
  });
  const byWho = [...new Set(results.map((r) => r.who))].map((who) => {
    const rs = results.filter((r) => r.who === who);
    return {
      who,
      rs,
      est: median(rs.map((r) => r.establishedToAllMs)),
      start: median(rs.map((r) => r.receiverStartToAllMs)),
      hwm: Math.max(...rs.map((r) => r.peakRss)),
    };
  });
  console.log(
    `Receive ${count.toLocaleString('en-US')} IPv4 prefixes from a sending BIRD until the receiver holds all ` +
      `(${rounds} round(s), median; load average before ${loadBefore}, after ${loadAverage()}, ${cpus().length} cores)`,
  );
  console.log(
    `  sender BIRD: config parse alone (bird -p) ${fmtMs(sender?.parseMs)} ms; start → "Daemon is up" ${fmtMs(
      sender?.readyMs,
    )} ms; peak RSS ${fmtMb(sender?.peakRss)} MB`,
  );
  console.table(
    byWho.map(({ who, rs, est, start, hwm }) => ({
      receiver: who,
      'Established→all ms': fmtMs(est),
      'receiver start→all ms': fmtMs(start),
      'peak RSS MB': fmtMb(hwm),
      'RSS at end MB': fmtMb(rs[0]?.rssAtEnd),
      runs: rs.map((r) => fmtMs(r.establishedToAllMs)).join(' '),
    })),
  );
  for (const { who, rs } of byWho) for (const r of rs) console.log(`  ${who}: ${r.extra}`);
  const ours = byWho.find((x) => x.who.startsWith('ours'));
  const bird = byWho.find((x) => x.who.startsWith('BIRD'));
  const k =
    count % 1_000_000 === 0 ? `${count / 1_000_000}m` : count % 1000 === 0 ? `${count / 1000}k` : `${count}`;
  console.log(
    'BENCH lines: Established → all held in ms (target ours ≤ 2× BIRD); peak RSS in MB (target ours ≤ 400).',
  );
  if (ours && bird) {
    benchLine(`bgp_receive_${k}_established_to_all`, Math.round(ours.est), 'ms', {
      value: Math.round(bird.est),
      name: 'bird-2.0.12',
    });
    benchLine(`bgp_receive_${k}_peak_rss`, Math.round(ours.hwm / 2 ** 20), 'MB', {
      value: Math.round(bird.hwm / 2 ** 20),
      name: 'bird-2.0.12',
    });
  }
}

if (isMain(import.meta.url)) await run();
