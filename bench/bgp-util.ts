/**
 * Helpers of the BGP benchmarks (bgp-send.ts, bgp-receive.ts): a bare BIRD launcher that times from process start
 * (the harness's `startBird` runs `bird -p` first, which would hide the sender's parse time), BIRD's own log with
 * millisecond timestamps (for the "session Established" instant, read on the same BIRD for every contender),
 * cheap route counters and peak-RSS readers. Not a benchmark itself (run.ts skips `*-util.ts`).
 *
 * Everything runs inside lab namespaces (documentation addresses 198.51.100.0/24); the daemons are registered with
 * the lab, so `lab.destroy()` stops them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Lab,
  type LabOptions,
  parseBirdProtocol,
  type SpeakerRunnerOptions,
} from '../packages/bgp/test-support/index.js';
import { giveToDaemon, ManagedProcess, makeDaemonDir, run } from '../packages/bgp/test-support/process.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Size from an env var (`BGP_BENCH_SEND=1000`), else the default. */
export function envCount(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

/** The i-th unique IPv4 /24 from 16.0.0.0 upwards (16.0.0.0/24, 16.0.1.0/24, …). */
export function prefixV4(i: number): string {
  return `${16 + Math.floor(i / 65536)}.${(i >> 8) & 255}.${i & 255}.0/24`;
}

/** `count` prefixes as BIRD static lines. */
export function staticRoutes(count: number): string {
  const lines: string[] = new Array(count);
  for (let i = 0; i < count; i++) lines[i] = `  route ${prefixV4(i)} blackhole;`;
  return lines.join('\n');
}

/** One BGP protocol of a bench BIRD. */
export interface BenchBirdPeer {
  name: string;
  local: string;
  localAsn: number;
  neighbor: string;
  peerAsn: number;
  /** true: waits to be dialled; false: dials after `connect delay time 1`. */
  passive: boolean;
  /** Export the static routes (sender) or nothing (receiver). */
  exportStatic: boolean;
}

/**
 * A BIRD config: millisecond log timestamps to a file, state-change debug on the BGP protocol (the
 * "State changed to up" line dates Established), an optional static protocol with `routes` prefixes.
 */
export function benchBirdConfig(opts: {
  routerId: string;
  logFile: string;
  peers: BenchBirdPeer[];
  routes?: number;
}): string {
  const out = [
    `router id ${opts.routerId};`,
    `log "${opts.logFile}" all;`,
    'timeformat log iso long ms;',
    'protocol device { }',
  ];
  if (opts.routes) out.push('protocol static static_ipv4 {', '  ipv4;', staticRoutes(opts.routes), '}');
  for (const p of opts.peers) {
    out.push(
      `protocol bgp ${p.name} {`,
      '  debug { states };',
      `  local ${p.local} as ${p.localAsn};`,
      `  neighbor ${p.neighbor} as ${p.peerAsn};`,
      p.passive ? '  passive on;' : '  connect delay time 1;',
      '  connect retry time 2;',
      '  error wait time 1, 5;',
      '  graceful restart off;',
      `  ipv4 { import all; ${p.exportStatic ? 'export where source = RTS_STATIC; next hop self;' : 'export none;'} };`,
      '}',
    );
  }
  return `${out.join('\n')}\n`;
}

/** A BIRD started straight from its config (no `bird -p` first), timed from the spawn. */
export class BenchBird {
  readonly startedAt: number;
  private constructor(
    private readonly proc: ManagedProcess,
    readonly dir: string,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
  }

  /** Writes `config(dir)` and spawns `bird -f` as the daemon user in lab node `nodeIndex`. */
  static start(lab: Lab, nodeIndex: number, config: (dir: string) => string): BenchBird {
    const d = makeDaemonDir('bench-bird');
    const conf = join(d.path, 'bird.conf');
    writeFileSync(conf, config(d.path));
    giveToDaemon(conf);
    const startedAt = performance.timeOrigin + performance.now();
    const proc = ManagedProcess.start({
      ns: lab.node(nodeIndex).ns,
      argv: ['bird', '-f', '-c', conf, '-s', join(d.path, 'bird.ctl'), '-P', join(d.path, 'bird.pid')],
      logFile: join(d.path, 'stdout.log'),
    });
    const b = new BenchBird(proc, d.path, startedAt);
    lab.onDestroy(async () => {
      await proc.stop();
      if (!process.env.KEEP_BGP_LAB) d.remove();
    });
    return b;
  }

  get pid(): number {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.proc.running;
  }

  async stop(): Promise<void> {
    await this.proc.stop();
  }

  async birdc(...args: string[]): Promise<string> {
    const { stdout } = await run('birdc', ['-s', join(this.dir, 'bird.ctl'), ...args]);
    return stdout;
  }

  /** Resolves once `birdc show status` says the daemon is up (i.e. the config is parsed). */
  async waitUp(timeoutMs = 120_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`bird exited during start:\n${this.log()}`);
      const up = await this.birdc('show', 'status').then(
        (o) => o.includes('Daemon is up'),
        () => false,
      );
      if (up) return wallNow();
      if (Date.now() > end) throw new Error(`bird not up after ${timeoutMs} ms:\n${this.log()}`);
      await sleep(20);
    }
  }

  /** Routes imported from protocol `name` (channel counter of `show protocols all`: O(1), no table walk). */
  async imported(name: string): Promise<{ imported: number; state: string }> {
    const st = parseBirdProtocol(await this.birdc('show', 'protocols', 'all', name), name);
    return { imported: st.channels[0]?.imported ?? 0, state: st.state };
  }

  /**
   * Wall-clock ms of the first "NAME: State changed to up" in BIRD's log at or after `after` (wall-clock ms;
   * undefined if none yet).
   */
  establishedAt(name: string, after = 0): number | undefined {
    return logTime(this.log(), new RegExp(`${name}: State changed to up`), after);
  }

  /** Peak RSS (VmHWM) in bytes. */
  peakRss(): number {
    return procMem(this.pid).hwm;
  }

  log(): string {
    const read = (f: string) => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return '';
      }
    };
    return read(join(this.dir, 'bird.log')) + read(join(this.dir, 'stdout.log'));
  }
}

/** Wall clock in ms with sub-ms resolution (comparable with BIRD's log timestamps). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The wall-clock ms of the first log line matching `re` stamped at or after `after` (BIRD `iso long ms`:
 * "YYYY-MM-DD HH:MM:SS.mmm", local time).
 */
export function logTime(log: string, re: RegExp, after = 0): number | undefined {
  for (const line of log.split('\n')) {
    if (!re.test(line)) continue;
    const m = line.match(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/);
    if (!m) continue;
    const t = new Date(`${m[1]}T${m[2]}`).getTime();
    if (t >= Math.floor(after) - 1) return t;
  }
  return undefined;
}

/** VmRSS and VmHWM of a process, in bytes. */
export function procMem(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+)\\s+kB`, 'm'))?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/**
 * Polls `probe` every `intervalMs` until it returns ≥ `target`; returns the wall-clock ms at which the answer that
 * reached it arrived. `onPoll` sees every value (for progress/RSS sampling).
 */
export async function pollUntil(
  probe: () => Promise<number>,
  target: number,
  opts: { intervalMs?: number; timeoutMs?: number; what: string; onPoll?: (n: number) => void },
): Promise<number> {
  const end = Date.now() + (opts.timeoutMs ?? 300_000);
  let last = -1;
  for (;;) {
    last = await probe();
    const at = wallNow();
    opts.onPoll?.(last);
    if (last >= target) return at;
    if (Date.now() > end) throw new Error(`${opts.what}: ${last} of ${target} after ${opts.timeoutMs} ms`);
    await sleep(opts.intervalMs ?? 20);
  }
}

export const fmtMs = (ms: number | undefined) => (ms === undefined ? 'n/a' : ms.toFixed(0));
export const fmtMb = (b: number | undefined) => (b === undefined ? 'n/a' : (b / 2 ** 20).toFixed(0));

/** "1-min load average (of 2 cores)" for the report. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/**
 * Creates a lab, runs `fn`, and always destroys the lab — also on SIGINT/SIGTERM/SIGHUP (a killed bench must not
 * leave namespaces or daemons behind).
 */
export async function withLab<T>(opts: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.create(opts);
  const onSignal = (sig: NodeJS.Signals) => {
    void lab.destroy().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  const sigs: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of sigs) process.once(s, onSignal);
  try {
    return await fn(lab);
  } finally {
    for (const s of sigs) process.off(s, onSignal);
    await lab.destroy();
  }
}

/**
 * Runner options of our speaker child in a benchmark: quiet, long requests, and node flags from the environment
 * (`BGP_BENCH_CPU_PROF=DIR` writes a CPU profile, `BGP_BENCH_NODE_ARGS` adds flags).
 */
export function benchSpeakerOptions(
  nodeIndex: number,
  events: SpeakerRunnerOptions['events'],
): SpeakerRunnerOptions & { nodeIndex: number } {
  const prof = process.env.BGP_BENCH_CPU_PROF;
  return {
    nodeIndex,
    ...(events === undefined ? {} : { events }),
    requestTimeoutMs: 600_000,
    logLevel: 'warn',
    nodeArgs: [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      ...(process.env.BGP_BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? []),
    ],
  };
}
