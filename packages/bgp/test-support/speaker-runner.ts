/**
 * Runs OUR speaker in a child process inside a lab namespace (`ip netns exec NS node --import tsx
 * speaker-child.ts`, root so it can bind 179 and install kernel routes there), driven over an IPC channel with
 * JSON-friendly requests. `kill()` is a SIGKILL by pid: the peer sees the TCP session die without a NOTIFICATION
 * (graceful-restart tests).
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Lab, LabNode } from './lab.js';
import { ManagedProcess, makeDaemonDir } from './process.js';
import type {
  AdvertisementJson,
  PeeringEventJson,
  PeerStatusJson,
  ReceivedRouteJson,
  SpeakerReply,
  SpeakerRequest,
} from './speaker-protocol.js';
import { type WaitForOptions, waitFor } from './wait-for.js';

export type {
  AdvertisementJson,
  PeeringEventJson,
  PeerStatusJson,
  ReceivedRouteJson,
} from './speaker-protocol.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The speaker module the child imports by default. */
export const DEFAULT_SPEAKER_MODULE = here('../src/index.ts');
const CHILD = here('./speaker-child.ts');
const ROOT_TSCONFIG = here('../../../tsconfig.json');

/** Options of {@link startSpeakerInNamespace}. */
export interface SpeakerRunnerOptions {
  /** Module exporting the speaker class (default ../src/index.ts). */
  modulePath?: string;
  /** Export name (default `BgpSpeaker`). */
  exportName?: string;
  /** Child's log level (`debug`, `info` (default), `warn`, `error`). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Per-request timeout (default 15 s). */
  requestTimeoutMs?: number;
  /** Extra `node` flags (e.g. `--max-old-space-size=512`, `--expose-gc`). */
  nodeArgs?: string[];
  /**
   * Which speaker events the child forwards to `events()` (default 'all'). 'state': it still subscribes (the
   * speaker builds its route events) but forwards only peer-state events; 'none': no subscription at all. For
   * benchmarks: forwarding 1M received routes as JSON over IPC would dominate what is measured.
   */
  events?: 'all' | 'state' | 'none';
}

/** Parent-side handle of a speaker running in a namespace. */
export interface SpeakerHandle {
  readonly ns: string;
  readonly pid: number;
  /** Port the speaker listens on, as it reported at start. */
  readonly listenPort: number | undefined;
  set(advertisements: AdvertisementJson[]): Promise<void>;
  status(): Promise<PeerStatusJson[]>;
  received(): Promise<ReceivedRouteJson[]>;
  routeRefresh(peer: string): Promise<void>;
  /** Calls any other method of the speaker with JSON arguments (for lead-specific APIs). */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Events the speaker emitted so far (subscribe() in the child). */
  events(): readonly PeeringEventJson[];
  /** Polls `probe(this)` until truthy; on timeout the error names the last value. */
  waitFor<T>(probe: (sp: SpeakerHandle) => T | Promise<T>, timeoutMs?: number): Promise<NonNullable<T>>;
  /** Waits until peer `name` is `established`. */
  waitEstablished(name: string, timeoutMs?: number): Promise<PeerStatusJson>;
  /** Resident set size of the child in bytes (/proc/PID/status VmRSS). */
  rss(): number;
  /** `close()` the speaker (NOTIFICATION Cease to peers) and wait for the child to exit. */
  close(): Promise<void>;
  /** SIGKILL by pid: no NOTIFICATION, sockets die with the process. */
  kill(): Promise<void>;
  readonly running: boolean;
  /** The child's stdout/stderr so far (JSON log lines). */
  log(): string;
}

let nextId = 1;

/**
 * Starts our speaker in `lab` node `nodeIndex` (or a namespace name) with `config` (the speaker's JSON config).
 * The child is registered with the lab (and with {@link ManagedProcess.live}), so `lab.destroy()` kills it.
 * @throws Error with the child's log if it fails to start.
 */
export async function startSpeakerInNamespace(
  target: Lab | string,
  config: unknown,
  opts: SpeakerRunnerOptions & { nodeIndex?: number } = {},
): Promise<SpeakerHandle> {
  const lab = typeof target === 'string' ? undefined : target;
  const node: LabNode | undefined = lab?.node(opts.nodeIndex ?? 0);
  const ns = typeof target === 'string' ? target : node!.ns;
  const dir = makeDaemonDir('speaker');
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const proc = ManagedProcess.start({
    ns,
    argv: [process.execPath, ...(opts.nodeArgs ?? []), '--import', tsx, CHILD],
    unprivileged: false,
    logFile: `${dir.path}/speaker.log`,
    extraStdio: ['ipc'],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: ROOT_TSCONFIG,
      EW_SPEAKER_NS: ns,
      EW_SPEAKER_LOG_LEVEL: opts.logLevel ?? 'info',
      NODE_OPTIONS: '',
    },
  });
  const child = proc.child;
  const timeoutMs = opts.requestTimeoutMs ?? 15_000;
  const pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  const events: PeeringEventJson[] = [];
  const log = () => {
    try {
      return readFileSync(`${dir.path}/speaker.log`, 'utf8');
    } catch {
      return '';
    }
  };
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => {
    readyResolve = r;
  });
  child.on('message', (msg: SpeakerReply) => {
    if ('event' in msg) {
      events.push(msg.event);
      return;
    }
    if (msg.id === 0) return readyResolve();
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.result);
    else
      p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name, code: msg.error.code }));
  });
  void proc.exited.then((e) => {
    for (const [, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`speaker child exited (code ${e.code}, signal ${e.signal})\n${log().slice(-4000)}`));
    }
    pending.clear();
  });
  const request = <T>(req: Omit<SpeakerRequest, 'id'> & Record<string, unknown>): Promise<T> => {
    if (!proc.running || !child.connected) return Promise.reject(new Error('speaker child is not running'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`speaker request ${String(req.op)} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      child.send({ ...req, id } as SpeakerRequest);
    });
  };

  const cleanup = async () => {
    await handle.kill();
    if (!process.env.KEEP_BGP_LAB) dir.remove();
  };
  const handle: SpeakerHandle = {
    ns,
    pid: proc.pid,
    listenPort: undefined,
    set: (advertisements) => request({ op: 'set', advertisements }),
    status: () => request({ op: 'status' }),
    received: () => request({ op: 'received' }),
    routeRefresh: (peer) => request({ op: 'routeRefresh', peer }),
    call: (method, ...args) => request({ op: 'eval', method, args }),
    events: () => events,
    waitFor: (probe, t) => waitFor(() => probe(handle), { timeoutMs: t ?? 10_000, what: 'speaker' }),
    waitEstablished: async (name, t) => {
      const opts2: WaitForOptions = { timeoutMs: t ?? 15_000, what: `speaker peer ${name} established` };
      return waitFor(async () => {
        const s = (await handle.status()).find((p) => p.name === name);
        if (s?.state === 'established') return s;
        throw new Error(`peer ${name}: ${JSON.stringify(s)}`);
      }, opts2);
    },
    rss: () => {
      const m = readFileSync(`/proc/${proc.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
      if (!m) throw new Error(`no VmRSS for pid ${proc.pid}`);
      return Number(m[1]) * 1024;
    },
    close: async () => {
      if (!proc.running) return;
      await request({ op: 'close' }).catch(() => undefined);
      const exited = await Promise.race([
        proc.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!exited) await proc.stop(1000);
    },
    kill: () => proc.kill(),
    get running() {
      return proc.running;
    },
    log,
  };
  lab?.onDestroy(cleanup);

  try {
    await Promise.race([
      ready,
      proc.exited.then((e) => {
        throw new Error(`exited (code ${e.code}, signal ${e.signal})`);
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no ready message in 20 s')), 20_000)),
    ]);
    const started = await request<{ listenPort?: number }>({
      op: 'start',
      modulePath: opts.modulePath ?? DEFAULT_SPEAKER_MODULE,
      exportName: opts.exportName ?? 'BgpSpeaker',
      config,
      ...(opts.events ? { events: opts.events } : {}),
    });
    (handle as { listenPort: number | undefined }).listenPort = started.listenPort;
  } catch (err) {
    await proc.kill();
    if (!lab && !process.env.KEEP_BGP_LAB) dir.remove();
    throw new Error(`speaker in ${ns} did not start: ${(err as Error).message}\n${log().slice(-4000)}`, {
      cause: err,
    });
  }
  if (!lab) {
    // Without a lab, the caller owns cleanup through close()/kill(); still remove the dir once it exits.
    void proc.exited.then(() => {
      if (!process.env.KEEP_BGP_LAB) dir.remove();
    });
  }
  return handle;
}
