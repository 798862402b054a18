/**
 * ExaBGP 4.2 as an interop peer: config generator (static routes with communities, raw attributes for RFC 7606
 * tests), launcher (env vars of BGP-PEERS.md, unprivileged) and a recorder: an API `process` that appends every
 * message ExaBGP receives (JSON encoder: parsed updates, neighbor changes) to a file, replayed by the reader into
 * the harness route shape.
 * @module
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { BaseDaemon } from './daemon.js';
import type { Lab, LabNode } from './lab.js';
import { giveToDaemon } from './process.js';
import type { PeerRoute } from './routes.js';
import { splitNextHops } from './routes.js';
import { waitFor } from './wait-for.js';

type Family = 'ipv4' | 'ipv6';

/** A static route ExaBGP announces. */
export interface ExabgpRoute {
  prefix: string;
  /** `self` (default) or an address. */
  nextHop?: string;
  communities?: string[];
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
  asPath?: number[];
  /**
   * Raw attributes, as in `attribute [ 0x04 0x80 0x0000000064 ]` (code, flags, value): a 5-byte MED is the
   * RFC 7606 "treat-as-withdraw" case.
   */
  rawAttributes?: { code: number; flags: number; valueHex: string }[];
}

/** One `neighbor` block. */
export interface ExabgpNeighbor {
  address: string;
  peerAsn: number;
  /** Local address (default: the lab node's address of the neighbor's family). */
  localAddress?: string;
  /** Wait for the peer to dial (`passive;`); ExaBGP then listens (env `exabgp.tcp.bind`). */
  passive?: boolean;
  /** Port to dial (`connect PORT`, default 179). */
  connectPort?: number;
  families?: Family[];
  holdTime?: number;
  /** `capability { graceful-restart N; }` */
  gracefulRestart?: number;
  routes?: ExabgpRoute[];
}

/** The whole ExaBGP config. */
export interface ExabgpConfig {
  routerId: string;
  asn: number;
  neighbors: ExabgpNeighbor[];
  /** Port ExaBGP listens on when a neighbor is passive (default 179). */
  listenPort?: number;
}

const isV6 = (s: string) => s.includes(':');

function routeLine(r: ExabgpRoute): string {
  const parts = [`route ${r.prefix} next-hop ${r.nextHop ?? 'self'}`];
  if (r.asPath?.length) parts.push(`as-path [ ${r.asPath.join(' ')} ]`);
  if (r.med !== undefined) parts.push(`med ${r.med}`);
  if (r.localPref !== undefined) parts.push(`local-preference ${r.localPref}`);
  if (r.communities?.length) parts.push(`community [ ${r.communities.join(' ')} ]`);
  if (r.largeCommunities?.length) parts.push(`large-community [ ${r.largeCommunities.join(' ')} ]`);
  for (const a of r.rawAttributes ?? []) {
    const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, '0')}`;
    parts.push(`attribute [ ${hex(a.code, 2)} ${hex(a.flags, 2)} 0x${a.valueHex} ]`);
  }
  return `${parts.join(' ')};`;
}

/** Renders ExaBGP's config; `recorder` is the path of the API process script. */
export function exabgpConfig(cfg: ExabgpConfig, recorder: string, node?: LabNode): string {
  const out: string[] = ['process recorder {', `  run ${recorder};`, '  encoder json;', '}', ''];
  for (const n of cfg.neighbors) {
    const v6 = isV6(n.address);
    const local = n.localAddress ?? (node ? (v6 ? node.ipv6 : node.ipv4) : undefined);
    const families = n.families ?? [v6 ? 'ipv6' : 'ipv4'];
    out.push(`neighbor ${n.address} {`);
    out.push(`  router-id ${cfg.routerId};`, `  local-address ${local};`);
    out.push(`  local-as ${cfg.asn};`, `  peer-as ${n.peerAsn};`);
    if (n.holdTime !== undefined) out.push(`  hold-time ${n.holdTime};`);
    out.push(n.passive ? '  passive;' : `  connect ${n.connectPort ?? 179};`);
    out.push('  family {', ...families.map((f) => `    ${f} unicast;`), '  }');
    out.push('  capability {', '    route-refresh;');
    if (n.gracefulRestart !== undefined) out.push(`    graceful-restart ${n.gracefulRestart};`);
    out.push('  }');
    out.push(
      '  api {',
      '    processes [ recorder ];',
      '    receive { parsed; update; refresh; open; }',
      '    neighbor-changes;',
      '  }',
    );
    if (n.routes?.length) out.push('  static {', ...n.routes.map((r) => `    ${routeLine(r)}`), '  }');
    out.push('}', '');
  }
  return out.join('\n');
}

/** A neighbor state change ExaBGP reported (`type: state`). */
export interface ExabgpStateChange {
  peer: string;
  /** `connected`, `up`, `down`. */
  state: string;
  reason?: string;
  time: number;
}

/** What the recorder saw, replayed: the routes each peer currently announces, End-of-RIBs and state changes. */
export interface ExabgpReceived {
  routes: (PeerRoute & { peer: string; family: string })[];
  endOfRib: { peer: string; family: string }[];
  states: ExabgpStateChange[];
  /** Number of update messages seen. */
  updates: number;
  /** ROUTE-REFRESH messages received (RFC 2918), by peer and family (`ipv4 unicast`). */
  refreshes: { peer: string; family: string }[];
  /** OPEN messages received: the peer's capabilities as ExaBGP decoded them (JSON `capabilities`). */
  opens: { peer: string; capabilities: Record<string, unknown> }[];
  /** Lines that were not JSON (ExaBGP's own notices), for debugging. */
  other: string[];
}

type Json = Record<string, unknown>;

function pairList(v: unknown, n: 2 | 3): string[] {
  if (!Array.isArray(v)) return [];
  return v.map((c) => (Array.isArray(c) ? c.slice(0, n).join(':') : String(c)));
}

function flattenAsPath(v: unknown): number[] {
  if (Array.isArray(v)) return v.flatMap((x) => flattenAsPath(x));
  if (typeof v === 'number') return [v];
  if (typeof v === 'string' && /^\d+$/.test(v)) return [Number(v)];
  if (v && typeof v === 'object') return Object.values(v as Json).flatMap((x) => flattenAsPath(x));
  return [];
}

/** Replays the recorder's JSON lines. Exported for unit tests. */
export function parseExabgpRecord(text: string): ExabgpReceived {
  const rib = new Map<string, ExabgpReceived['routes'][number]>();
  const result: ExabgpReceived = {
    routes: [],
    endOfRib: [],
    states: [],
    updates: 0,
    refreshes: [],
    opens: [],
    other: [],
  };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let msg: Json;
    try {
      msg = JSON.parse(line) as Json;
    } catch {
      // ExaBGP 4.2 quotes the fields of a route-refresh twice (`"afi": ""ipv4""`): not JSON, read by pattern.
      const rr = line.match(/"type": "refresh".*"peer": "([^"]+)".*"afi": ""(\w+)"", "safi": ""(\w+)""/);
      if (rr) result.refreshes.push({ peer: rr[1]!, family: `${rr[2]} ${rr[3]}` });
      else result.other.push(line);
      continue;
    }
    const neighbor = (msg.neighbor ?? {}) as Json;
    const peer = String(((neighbor.address ?? {}) as Json).peer ?? '');
    if (msg.type === 'state') {
      result.states.push({
        peer,
        state: String(neighbor.state),
        reason: neighbor.reason as string | undefined,
        time: Number(msg.time),
      });
      if (neighbor.state === 'down')
        for (const k of [...rib.keys()]) if (k.startsWith(`${peer} `)) rib.delete(k);
      continue;
    }
    if (msg.type === 'refresh') {
      const rr = (neighbor['route-refresh'] ?? {}) as Json;
      result.refreshes.push({ peer, family: `${rr.afi} ${rr.safi}` });
      continue;
    }
    if (msg.type === 'open') {
      const open = (neighbor.open ?? (neighbor.message as Json | undefined)?.open ?? {}) as Json;
      result.opens.push({ peer, capabilities: (open.capabilities ?? {}) as Record<string, unknown> });
      continue;
    }
    if (msg.type !== 'update') continue;
    const message = (neighbor.message ?? {}) as Json;
    if (message.eor) {
      const eor = message.eor as Json;
      result.endOfRib.push({ peer, family: `${eor.afi} ${eor.safi}` });
      continue;
    }
    const update = (message.update ?? {}) as Json;
    result.updates++;
    const attr = (update.attribute ?? {}) as Json;
    for (const [family, byNextHop] of Object.entries((update.announce ?? {}) as Record<string, Json>)) {
      for (const [nh, nlris] of Object.entries(byNextHop)) {
        for (const n of nlris as Json[]) {
          const prefix = String(n.nlri);
          const route: ExabgpReceived['routes'][number] = {
            peer,
            family,
            prefix,
            ...splitNextHops(nh.split(/\s+/)),
            asPath: flattenAsPath(attr['as-path']),
            communities: pairList(attr.community, 2),
            largeCommunities: pairList(attr['large-community'], 3),
            origin: attr.origin as PeerRoute['origin'],
          };
          if (attr.med !== undefined) route.med = Number(attr.med);
          if (attr['local-preference'] !== undefined) route.localPref = Number(attr['local-preference']);
          rib.set(`${peer} ${prefix}`, route);
        }
      }
    }
    for (const nlris of Object.values((update.withdraw ?? {}) as Record<string, Json[]>)) {
      for (const n of nlris) rib.delete(`${peer} ${String(n.nlri)}`);
    }
  }
  result.routes = [...rib.values()];
  return result;
}

/** A running ExaBGP. */
export class ExabgpDaemon extends BaseDaemon {
  private constructor(
    ns: string,
    readonly config: ExabgpConfig,
    readonly node: LabNode,
  ) {
    super('exabgp', ns);
  }

  /** Writes config and recorder, starts ExaBGP in lab node `nodeIndex` (start its peer first if ExaBGP dials). */
  static async start(lab: Lab, nodeIndex: number, config: ExabgpConfig): Promise<ExabgpDaemon> {
    const node = lab.node(nodeIndex);
    const d = new ExabgpDaemon(node.ns, config, node);
    d.register(lab);
    writeFileSync(d.path('received.jsonl'), '');
    giveToDaemon(d.path('received.jsonl'));
    // Not `exec cat`: ExaBGP reads the process's stdout and counts EOF there as the process dying ("Too many
    // death for recorder"), so the shell stays as the holder of that pipe while cat appends stdin to the file.
    // Lines appended to commands.txt ({@link ExabgpDaemon.command}) reach ExaBGP as API commands: tail writes them
    // to the process's stdout, which ExaBGP reads.
    writeFileSync(d.path('commands.txt'), '');
    giveToDaemon(d.path('commands.txt'));
    writeFileSync(
      d.path('recorder.sh'),
      `#!/bin/sh\ntail -n 0 -F ${d.path('commands.txt')} 2>/dev/null &\ncat >> ${d.path('received.jsonl')}\n`,
    );
    giveToDaemon(d.path('recorder.sh'), 0o755);
    writeFileSync(d.path('exabgp.conf'), exabgpConfig(config, d.path('recorder.sh'), node));
    giveToDaemon(d.path('exabgp.conf'));
    await d.start();
    return d;
  }

  protected argv(): string[] {
    return ['exabgp', this.path('exabgp.conf')];
  }

  protected override env(): NodeJS.ProcessEnv {
    const listen = this.config.neighbors.some((n) => n.passive);
    return {
      PATH: process.env.PATH,
      'exabgp.api.cli': 'false',
      'exabgp.daemon.drop': 'false',
      'exabgp.daemon.pid': this.path('exabgp.pid'),
      'exabgp.log.destination': 'stdout',
      // A space-separated list of addresses to listen on; empty = do not listen (dial only).
      'exabgp.tcp.bind': listen ? `${this.node.ipv4} ${this.node.ipv6}` : '',
      'exabgp.tcp.port': String(this.config.listenPort ?? 179),
      'exabgp.cache.attributes': 'false',
    };
  }

  protected async ready(): Promise<void> {
    // No control socket: ready once the pid file is there (config parsed, reactor running).
    await waitFor(
      () => {
        try {
          return readFileSync(this.path('exabgp.pid'), 'utf8').trim() !== '';
        } catch {
          return false;
        }
      },
      { timeoutMs: 10_000, intervalMs: 50, what: 'exabgp pid file' },
    );
  }

  /** Everything the recorder saw so far, replayed. */
  received(): ExabgpReceived {
    let text = '';
    try {
      text = readFileSync(this.path('received.jsonl'), 'utf8');
    } catch {
      /* not yet */
    }
    return parseExabgpRecord(text);
  }

  /**
   * Sends an API command (e.g. `announce route-refresh ipv4 unicast`, `neighbor 198.51.100.1 withdraw route
   * 10.77.0.0/24`) through the recorder process; ExaBGP runs it as it arrives.
   */
  command(line: string): void {
    appendFileSync(this.path('commands.txt'), `${line}\n`);
  }

  /** Routes currently announced to ExaBGP (by `peer` if given). */
  routes(peer?: string): ExabgpReceived['routes'] {
    const r = this.received().routes;
    return peer ? r.filter((x) => x.peer === peer) : r;
  }

  /** The last state ExaBGP reported for `peer` (`up`, `down`, `connected`, or `unknown`). */
  state(peer: string): string {
    const s = this.received().states.filter((x) => x.peer === peer);
    return s.at(-1)?.state ?? 'unknown';
  }

  /** True when the last reported state of `peer` is `up`. */
  established(peer: string): boolean {
    return this.state(peer) === 'up';
  }
}

/** Starts ExaBGP in lab node `nodeIndex` (see {@link ExabgpDaemon.start}). */
export function startExabgp(lab: Lab, nodeIndex: number, config: ExabgpConfig): Promise<ExabgpDaemon> {
  return ExabgpDaemon.start(lab, nodeIndex, config);
}
