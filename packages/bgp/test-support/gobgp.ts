/**
 * GoBGP 3 as an interop peer: TOML generator (passive by default: its first outgoing connect waits 5–10 s),
 * launcher (`gobgpd --api-hosts unix://DIR/gobgpd.sock --pprof-disable`: never the default TCP API/pprof ports),
 * readers of `gobgp --target unix://… -j` and route injection through the CLI (small sets) or gRPC (large sets,
 * see gobgp-grpc.ts).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { BaseDaemon } from './daemon.js';
import type { Lab, LabNode } from './lab.js';
import { giveToDaemon, run } from './process.js';
import { normalizeOrigin, type PeerRoute, splitNextHops } from './routes.js';
import { waitFor } from './wait-for.js';

type Family = 'ipv4' | 'ipv6';

/** One `[[neighbors]]` of gobgpd. */
export interface GobgpNeighbor {
  address: string;
  peerAsn: number;
  /** `passive-mode` (default true: let the other side dial). */
  passive?: boolean;
  /** Neighbor's port (`remote-port`). */
  port?: number;
  /** Default: the family of the address. */
  families?: Family[];
  holdTime?: number;
  /** Graceful restart (RFC 4724) with per-family `mp-graceful-restart`. */
  gracefulRestart?: boolean | { restartTime: number };
}

/** The whole gobgpd config. */
export interface GobgpConfig {
  routerId: string;
  asn: number;
  /** BGP port (default 179). */
  port?: number;
  /** Listen addresses (default: the lab node's IPv4 and IPv6 addresses). */
  localAddresses?: string[];
  neighbors: GobgpNeighbor[];
}

const isV6 = (s: string) => s.includes(':');

/** Renders gobgpd's TOML. */
export function gobgpConfig(cfg: GobgpConfig, node?: LabNode): string {
  const q = (s: string) => JSON.stringify(s);
  const locals = cfg.localAddresses ?? (node ? [node.ipv4, node.ipv6] : []);
  const out: string[] = [
    '[global.config]',
    `  as = ${cfg.asn}`,
    `  router-id = ${q(cfg.routerId)}`,
    `  port = ${cfg.port ?? 179}`,
  ];
  if (locals.length) out.push(`  local-address-list = [${locals.map(q).join(', ')}]`);
  for (const n of cfg.neighbors) {
    const families = n.families ?? [isV6(n.address) ? 'ipv6' : 'ipv4'];
    out.push('', '[[neighbors]]', '  [neighbors.config]');
    out.push(`    neighbor-address = ${q(n.address)}`, `    peer-as = ${n.peerAsn}`);
    out.push('  [neighbors.transport.config]', `    passive-mode = ${n.passive ?? true}`);
    if (n.port) out.push(`    remote-port = ${n.port}`);
    out.push('  [neighbors.timers.config]', '    connect-retry = 1');
    const hold = n.holdTime ?? 9;
    out.push(`    hold-time = ${hold}`, `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`);
    if (n.gracefulRestart) {
      out.push('  [neighbors.graceful-restart.config]', '    enabled = true');
      if (typeof n.gracefulRestart === 'object')
        out.push(`    restart-time = ${n.gracefulRestart.restartTime}`);
    }
    for (const f of families) {
      out.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]');
      out.push(`      afi-safi-name = ${q(`${f}-unicast`)}`);
      if (n.gracefulRestart)
        out.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
    }
  }
  return `${out.join('\n')}\n`;
}

/** A neighbor of `gobgp neighbor -j`. */
export interface GobgpNeighborStatus {
  address: string;
  /** `ESTABLISHED`, `ACTIVE`, `IDLE`, … */
  state: string;
  established: boolean;
  peerAsn?: number;
  routerId?: string;
  /** Received and accepted prefix counts summed over families. */
  received: number;
  accepted: number;
  raw: Record<string, unknown>;
}

const SESSION_STATES = ['UNKNOWN', 'IDLE', 'CONNECT', 'ACTIVE', 'OPENSENT', 'OPENCONFIRM', 'ESTABLISHED'];

/** Normalizes one entry of `gobgp neighbor -j`. Exported for unit tests. */
export function parseGobgpNeighbor(raw: Record<string, unknown>): GobgpNeighborStatus {
  const conf = (raw.conf ?? {}) as Record<string, unknown>;
  const state = (raw.state ?? {}) as Record<string, unknown>;
  const s = state.session_state;
  const name =
    typeof s === 'number' ? (SESSION_STATES[s] ?? String(s)) : String(s ?? 'UNKNOWN').toUpperCase();
  let received = 0;
  let accepted = 0;
  for (const a of (raw.afi_safis ?? []) as { state?: { received?: number; accepted?: number } }[]) {
    received += a.state?.received ?? 0;
    accepted += a.state?.accepted ?? 0;
  }
  return {
    address: String(conf.neighbor_address ?? state.neighbor_address ?? ''),
    state: name,
    established: name === 'ESTABLISHED',
    peerAsn: (conf.peer_asn ?? state.peer_asn) as number | undefined,
    routerId: state.router_id as string | undefined,
    received,
    accepted,
    raw,
  };
}

/** A path of `gobgp global rib -j`, in the harness shape plus its source. */
export interface GobgpRoute extends PeerRoute {
  /** `neighbor-ip` (empty / `<nil>` for local paths). */
  neighbor: string;
}

interface GobgpPath {
  nlri?: { prefix?: string };
  attrs?: Record<string, unknown>[];
  best?: boolean;
  stale?: boolean;
  'neighbor-ip'?: string;
}

const communityString = (n: number) => `${Math.floor(n / 65536)}:${n % 65536}`;

/** Parses `gobgp global rib -a FAM -j` (prefix → paths; attributes by type code). Exported for unit tests. */
export function parseGobgpRib(json: Record<string, GobgpPath[]>): GobgpRoute[] {
  const out: GobgpRoute[] = [];
  for (const [prefix, paths] of Object.entries(json)) {
    for (const p of paths) {
      const r: GobgpRoute = {
        prefix: p.nlri?.prefix ?? prefix,
        nextHop: '',
        asPath: [],
        communities: [],
        largeCommunities: [],
        best: p.best === true,
        stale: p.stale === true,
        neighbor: p['neighbor-ip'] ?? '',
      };
      for (const a of p.attrs ?? []) {
        switch (a.type) {
          case 1:
            r.origin = normalizeOrigin(a.value as number);
            break;
          case 2:
            r.asPath = ((a.as_paths ?? []) as { asns?: number[] }[]).flatMap((s) => s.asns ?? []);
            break;
          case 3:
            r.nextHop = String(a.nexthop);
            break;
          case 4:
            r.med = a.metric as number;
            break;
          case 5:
            r.localPref = a.value as number;
            break;
          case 8:
            r.communities = ((a.communities ?? []) as number[]).map(communityString);
            break;
          case 14: {
            const hops = (a.nexthop ? [String(a.nexthop)] : []).concat((a.linklocal_nexthop as string) ?? []);
            Object.assign(r, splitNextHops(hops.filter(Boolean)));
            break;
          }
          case 32:
            r.largeCommunities = ((a.value ?? []) as Record<string, number>[]).map(
              (c) => `${c.ASN ?? c.asn}:${c.LocalData1 ?? c.local_data1}:${c.LocalData2 ?? c.local_data2}`,
            );
            break;
        }
      }
      out.push(r);
    }
  }
  return out;
}

/** A route for {@link GobgpDaemon.addRoutes}. */
export interface GobgpRouteSpec {
  prefix: string;
  /** Default: the lab node's address of the prefix's family. */
  nextHop?: string;
  communities?: string[];
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
  origin?: 'igp' | 'egp' | 'incomplete';
}

/** A running gobgpd. */
export class GobgpDaemon extends BaseDaemon {
  private constructor(
    ns: string,
    readonly config: GobgpConfig,
    readonly node: LabNode,
  ) {
    super('gobgp', ns);
  }

  /** Writes the TOML, starts gobgpd in lab node `nodeIndex` and waits until its API answers. */
  static async start(lab: Lab, nodeIndex: number, config: GobgpConfig): Promise<GobgpDaemon> {
    const node = lab.node(nodeIndex);
    const d = new GobgpDaemon(node.ns, config, node);
    d.register(lab);
    writeFileSync(d.path('gobgpd.toml'), gobgpConfig(config, node));
    giveToDaemon(d.path('gobgpd.toml'));
    await d.start();
    return d;
  }

  /** The gRPC API socket (a unix socket in the temp dir). */
  get socketPath(): string {
    return this.path('gobgpd.sock');
  }

  protected argv(): string[] {
    return [
      'gobgpd',
      '-f',
      this.path('gobgpd.toml'),
      '--api-hosts',
      `unix://${this.socketPath}`,
      '--pprof-disable',
      '-p', // plain log lines
      '-l',
      'info',
    ];
  }

  protected async ready(): Promise<void> {
    await waitFor(() => this.gobgp('global').then(() => true), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'gobgp global',
    });
  }

  /** Runs the `gobgp` CLI against this daemon. */
  async gobgp(...args: string[]): Promise<string> {
    const { stdout } = await run('gobgp', ['--target', `unix://${this.socketPath}`, ...args]);
    return stdout;
  }

  /** `gobgp neighbor -j`, normalized. */
  async neighbors(): Promise<GobgpNeighborStatus[]> {
    const out = (await this.gobgp('neighbor', '-j')).trim();
    return out ? (JSON.parse(out) as Record<string, unknown>[]).map(parseGobgpNeighbor) : [];
  }

  /** One neighbor's status (state `UNKNOWN` if not configured). */
  async neighbor(address: string): Promise<GobgpNeighborStatus> {
    const n = (await this.neighbors()).find((x) => x.address === address);
    return n ?? parseGobgpNeighbor({ conf: { neighbor_address: address } });
  }

  /** True when neighbor `address` is Established. */
  async established(address: string): Promise<boolean> {
    return (await this.neighbor(address)).established;
  }

  /** `gobgp global rib -a FAM -j`, optionally only the paths learned from `from`. */
  async routes(family: Family, opts: { from?: string } = {}): Promise<GobgpRoute[]> {
    const out = (await this.gobgp('global', 'rib', '-a', family, '-j')).trim();
    const routes = out && out !== 'null' ? parseGobgpRib(JSON.parse(out) as Record<string, GobgpPath[]>) : [];
    return opts.from ? routes.filter((r) => r.neighbor === opts.from) : routes;
  }

  /** `gobgp global rib summary -a FAM` ("Destination: N, Path: M"). */
  async ribSummary(family: Family): Promise<{ destinations: number; paths: number }> {
    const out = await this.gobgp('global', 'rib', 'summary', '-a', family);
    const m = out.match(/Destination:\s*(\d+),\s*Path:\s*(\d+)/);
    if (!m) throw new Error(`unexpected \`gobgp global rib summary\` output: ${out}`);
    return { destinations: Number(m[1]), paths: Number(m[2]) };
  }

  /** Number of paths in the global RIB of a family. */
  async routeCount(family: Family): Promise<number> {
    return (await this.ribSummary(family)).paths;
  }

  private routeArgs(r: GobgpRouteSpec): string[] {
    const fam: Family = isV6(r.prefix) ? 'ipv6' : 'ipv4';
    const args = [r.prefix, 'origin', r.origin ?? 'igp'];
    args.push('nexthop', r.nextHop ?? (fam === 'ipv6' ? this.node.ipv6 : this.node.ipv4));
    if (r.communities?.length) args.push('community', r.communities.join(','));
    if (r.largeCommunities?.length) args.push('large-community', r.largeCommunities.join(','));
    if (r.med !== undefined) args.push('med', String(r.med));
    if (r.localPref !== undefined) args.push('local-pref', String(r.localPref));
    return [...args, '-a', fam];
  }

  /** Adds routes with the CLI (`gobgp global rib add …`, ~40 ms each: use gRPC for more than a few dozen). */
  async addRoutes(routes: readonly GobgpRouteSpec[]): Promise<void> {
    for (const r of routes) await this.gobgp('global', 'rib', 'add', ...this.routeArgs(r));
  }

  /** Withdraws routes with the CLI (`gobgp global rib del PREFIX -a FAM`). */
  async deleteRoutes(prefixes: readonly string[]): Promise<void> {
    for (const p of prefixes) await this.gobgp('global', 'rib', 'del', p, '-a', isV6(p) ? 'ipv6' : 'ipv4');
  }
}

/** Starts gobgpd in lab node `nodeIndex` (see {@link GobgpDaemon.start}). */
export function startGobgp(lab: Lab, nodeIndex: number, config: GobgpConfig): Promise<GobgpDaemon> {
  return GobgpDaemon.start(lab, nodeIndex, config);
}
