/**
 * Child process of {@link startSpeakerInNamespace}: runs a speaker (by default `BgpSpeaker` from ../src/index.js;
 * the module and export are part of the `start` request, so a stub can stand in) inside the namespace it was
 * started in, and answers the parent's requests over the IPC channel. Logs go to stderr as JSON lines.
 * Started as `ip netns exec NS node --import tsx speaker-child.ts` (`ip netns exec` keeps NODE_CHANNEL_FD).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { Cidr, IpAddress } from '@edgeway/core';
import type {
  AdvertisementJson,
  PeerStatusJson,
  ReceivedRouteJson,
  SpeakerReply,
  SpeakerRequest,
} from './speaker-protocol.js';

/** What the child needs of a speaker (core's Peering plus `routeRefresh`). */
interface SpeakerLike {
  set(advertisements: readonly unknown[]): Promise<void> | void;
  status(): readonly Record<string, unknown>[];
  received(): readonly Record<string, unknown>[];
  subscribe(listener: (event: Record<string, unknown>) => void): () => void;
  close(): Promise<void>;
  routeRefresh?(peer: string): unknown;
}
interface SpeakerClass {
  start(config: unknown, deps: { logger: unknown }): Promise<SpeakerLike>;
}

type Bindings = Record<string, unknown>;
function makeLogger(bindings: Bindings = {}) {
  const write = (level: string) => (obj: object, msg?: string) => {
    const line = JSON.stringify({ t: Date.now(), level, msg, ...bindings, ...obj }, (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v,
    );
    process.stderr.write(`${line}\n`);
  };
  const level = process.env.EW_SPEAKER_LOG_LEVEL ?? 'info';
  const order = ['debug', 'info', 'warn', 'error'];
  const on = (l: string) => order.indexOf(l) >= order.indexOf(level);
  const nop = () => {};
  const logger = {
    debug: on('debug') ? write('debug') : nop,
    info: on('info') ? write('info') : nop,
    warn: on('warn') ? write('warn') : nop,
    error: write('error'),
    child: (b: Bindings) => makeLogger({ ...bindings, ...b }),
  };
  return logger;
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function toAdvertisement(a: AdvertisementJson): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a, prefix: Cidr.parse(a.prefix) };
  if (a.nextHop !== undefined) out.nextHop = IpAddress.parse(a.nextHop);
  return out;
}

function toReceived(r: Record<string, unknown>): ReceivedRouteJson {
  const out: ReceivedRouteJson = {
    peer: String(r.peer),
    prefix: String(r.prefix),
    nextHop: String(r.nextHop),
    asPath: [...((r.asPath as number[]) ?? [])],
    communities: [...((r.communities as string[]) ?? [])],
    largeCommunities: [...((r.largeCommunities as string[]) ?? [])],
  };
  if (r.localPref !== undefined) out.localPref = r.localPref as number;
  if (r.med !== undefined) out.med = r.med as number;
  if (r.stale !== undefined) out.stale = r.stale as boolean;
  return out;
}

function toStatus(s: Record<string, unknown>): PeerStatusJson {
  const out: PeerStatusJson = {
    name: String(s.name),
    address: String(s.address),
    asn: Number(s.asn),
    state: String(s.state),
    received: Number(s.received ?? 0),
    advertised: Number(s.advertised ?? 0),
  };
  if (s.establishedForMs !== undefined) out.establishedForMs = s.establishedForMs as number;
  if (s.lastError !== undefined) out.lastError = s.lastError as PeerStatusJson['lastError'];
  return out;
}

function toEvent(e: Record<string, unknown>): Record<string, unknown> {
  if (e.type === 'routes') {
    return {
      ...e,
      announced: ((e.announced as Record<string, unknown>[]) ?? []).map(toReceived),
      withdrawn: ((e.withdrawn as unknown[]) ?? []).map((w) => String(w)),
    };
  }
  return { ...e };
}

let speaker: SpeakerLike | undefined;
let unsubscribe: (() => void) | undefined;
const log = makeLogger({ component: 'speaker-child', pid: process.pid });

function send(msg: SpeakerReply): void {
  if (process.connected) process.send?.(msg);
}

async function handle(req: SpeakerRequest): Promise<unknown> {
  switch (req.op) {
    case 'start': {
      if (speaker) throw new Error('speaker already started');
      const url = req.modulePath.startsWith('file:') ? req.modulePath : pathToFileURL(req.modulePath).href;
      const mod = (await import(url)) as Record<string, unknown>;
      const cls = mod[req.exportName] as SpeakerClass | undefined;
      if (!cls || typeof cls.start !== 'function') {
        throw new Error(`${req.modulePath} has no export ${req.exportName} with a static start()`);
      }
      speaker = await cls.start(req.config, { logger: makeLogger({ component: 'speaker' }) });
      const events = req.events ?? 'all';
      if (events !== 'none') {
        unsubscribe = speaker.subscribe((e) => {
          if (events === 'state' && e.type === 'routes') return;
          send({ event: { at: Date.now(), ...toEvent(e) } as never });
        });
      }
      return { pid: process.pid, listenPort: (speaker as { listenPort?: number }).listenPort };
    }
    case 'set':
      await need().set(req.advertisements.map(toAdvertisement));
      return null;
    case 'status':
      return need().status().map(toStatus);
    case 'received':
      return need().received().map(toReceived);
    case 'routeRefresh': {
      const s = need();
      if (typeof s.routeRefresh !== 'function') throw new Error('speaker has no routeRefresh()');
      await s.routeRefresh(req.peer);
      return null;
    }
    case 'eval': {
      const s = need() as unknown as Record<string, unknown>;
      const fn = s[req.method];
      if (typeof fn !== 'function') throw new Error(`speaker has no method ${req.method}`);
      const result = await (fn as (...a: unknown[]) => unknown).apply(s, req.args);
      return JSON.parse(
        JSON.stringify(result ?? null, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
      );
    }
    case 'close':
      unsubscribe?.();
      await speaker?.close();
      speaker = undefined;
      setTimeout(() => process.exit(0), 10);
      return null;
  }
}

function need(): SpeakerLike {
  if (!speaker) throw new Error('speaker not started');
  return speaker;
}

process.on('message', (req: SpeakerRequest) => {
  handle(req).then(
    (result) => send({ id: req.id, ok: true, result: str(result) === undefined ? null : result }),
    (err: Error & { code?: string }) => {
      log.error({ op: req.op, err }, 'request failed');
      send({
        id: req.id,
        ok: false,
        error: {
          name: err?.name ?? 'Error',
          message: err?.message ?? String(err),
          code: err?.code,
          stack: err?.stack,
        },
      });
    },
  );
});
// The parent went away (test crashed): do not linger in the namespace.
process.on('disconnect', () => {
  void Promise.resolve(speaker?.close()).finally(() => process.exit(0));
  setTimeout(() => process.exit(1), 2000).unref();
});
process.on('uncaughtException', (err) => {
  log.error({ err }, 'uncaught exception');
  process.exit(70);
});
log.info({ ns: process.env.EW_SPEAKER_NS }, 'speaker child ready');
send({ id: 0, ok: true, result: 'ready' });
