/**
 * FRR bgpd (alone, no zebra) as an interop peer: config generator, launcher (`bgpd -Z -S`, unprivileged, vty
 * socket/pid/log in a temp dir) and readers of `vtysh --config_dir DIR --vty_socket DIR -d bgpd -c '… json'`.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { BaseDaemon } from './daemon.js';
import type { Lab, LabNode } from './lab.js';
import { giveToDaemon, run } from './process.js';
import { normalizeOrigin, type PeerRoute, splitNextHops } from './routes.js';
import { waitFor } from './wait-for.js';

type Family = 'ipv4' | 'ipv6';

/** A route bgpd originates (`network X route-map …`, no zebra needed with `no bgp network import-check`). */
export interface FrrNetwork {
  prefix: string;
  communities?: string[];
  largeCommunities?: string[];
  med?: number;
  localPref?: number;
}

/** One neighbor of bgpd. */
export interface FrrNeighbor {
  address: string;
  peerAsn: number;
  /** Neighbor's port (`neighbor X port N`). */
  port?: number;
  passive?: boolean;
  /** Families to activate (default: the family of the address). */
  families?: Family[];
  /** `timers K H` (default 3 9). */
  timers?: { keepalive: number; hold: number };
  /** Extra `neighbor X …` lines (without the prefix). */
  extra?: string[];
}

/** The whole bgpd config. */
export interface FrrConfig {
  routerId: string;
  asn: number;
  neighbors: FrrNeighbor[];
  networks?: FrrNetwork[];
  /** `bgp graceful-restart` (+ `bgp graceful-restart restart-time N`). */
  gracefulRestart?: boolean | { restartTime?: number; stalePathTime?: number };
  /** BGP listen port (`-p`, default 179). */
  port?: number;
  /** Verbatim lines inside `router bgp`. */
  extraBgp?: string[];
}

const isV6 = (s: string) => s.includes(':');

/** Renders a bgpd config. Route-maps come first (a route-map defined later waits for the 5 s delay timer). */
export function frrConfig(cfg: FrrConfig, dir: string): string {
  const out: string[] = ['hostname frr', `log file ${dir}/bgpd.log`, 'log timestamp precision 3', '!'];
  const networks = cfg.networks ?? [];
  networks.forEach((n, i) => {
    const sets: string[] = [];
    if (n.communities?.length) sets.push(` set community ${n.communities.join(' ')}`);
    if (n.largeCommunities?.length) sets.push(` set large-community ${n.largeCommunities.join(' ')}`);
    if (n.med !== undefined) sets.push(` set metric ${n.med}`);
    if (n.localPref !== undefined) sets.push(` set local-preference ${n.localPref}`);
    out.push(`route-map NET${i} permit 10`, ...sets, 'exit', '!');
  });
  out.push(`router bgp ${cfg.asn}`, ` bgp router-id ${cfg.routerId}`);
  out.push(' no bgp ebgp-requires-policy', ' no bgp network import-check', ' no bgp default ipv4-unicast');
  if (cfg.gracefulRestart) {
    out.push(' bgp graceful-restart');
    if (typeof cfg.gracefulRestart === 'object') {
      if (cfg.gracefulRestart.restartTime !== undefined)
        out.push(` bgp graceful-restart restart-time ${cfg.gracefulRestart.restartTime}`);
      if (cfg.gracefulRestart.stalePathTime !== undefined)
        out.push(` bgp graceful-restart stalepath-time ${cfg.gracefulRestart.stalePathTime}`);
    }
  }
  for (const x of cfg.extraBgp ?? []) out.push(` ${x}`);
  for (const n of cfg.neighbors) {
    const t = n.timers ?? { keepalive: 3, hold: 9 };
    out.push(` neighbor ${n.address} remote-as ${n.peerAsn}`);
    out.push(` neighbor ${n.address} timers ${t.keepalive} ${t.hold}`);
    out.push(` neighbor ${n.address} timers connect 1`);
    if (n.port) out.push(` neighbor ${n.address} port ${n.port}`);
    if (n.passive) out.push(` neighbor ${n.address} passive`);
    for (const x of n.extra ?? []) out.push(` neighbor ${n.address} ${x}`);
  }
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const active = cfg.neighbors.filter((n) =>
      (n.families ?? [isV6(n.address) ? 'ipv6' : 'ipv4']).includes(fam),
    );
    const nets = networks.map((n, i) => ({ n, i })).filter(({ n }) => isV6(n.prefix) === (fam === 'ipv6'));
    if (!active.length && !nets.length) continue;
    out.push(` address-family ${fam} unicast`);
    for (const { n, i } of nets) out.push(`  network ${n.prefix} route-map NET${i}`);
    for (const n of active) out.push(`  neighbor ${n.address} activate`);
    out.push(' exit-address-family');
  }
  out.push('exit', '!');
  return `${out.join('\n')}\n`;
}

/** A neighbor as `show bgp neighbors json` reports it. */
export interface FrrNeighborStatus {
  address: string;
  /** `bgpState` (`Established`, `Active`, `Connect`, `Idle`, …). */
  state: string;
  established: boolean;
  remoteAs?: number;
  remoteRouterId?: string;
  /** `neighborCapabilities` as FRR prints it (e.g. `4byteAs: 'advertisedAndReceived'`). */
  capabilities: Record<string, unknown>;
  /** Families with `multiprotocolExtensions.<fam>Unicast.advertisedAndReceived`. */
  negotiatedFamilies: Family[];
  holdTimeMs?: number;
  lastResetDueTo?: string;
  gracefulRestartInfo?: Record<string, unknown>;
  raw: Record<string, unknown>;
}

/** Normalizes one neighbor of `show bgp neighbors json`. Exported for unit tests. */
export function parseFrrNeighbor(address: string, raw: Record<string, unknown>): FrrNeighborStatus {
  const caps = (raw.neighborCapabilities ?? {}) as Record<string, unknown>;
  const mp = (caps.multiprotocolExtensions ?? {}) as Record<string, Record<string, unknown>>;
  const negotiatedFamilies = (['ipv4', 'ipv6'] as const).filter(
    (f) => mp[`${f}Unicast`]?.advertisedAndReceived === true,
  );
  const state = String(raw.bgpState ?? 'unknown');
  return {
    address,
    state,
    established: state === 'Established',
    remoteAs: raw.remoteAs as number | undefined,
    remoteRouterId: raw.remoteRouterId as string | undefined,
    capabilities: caps,
    negotiatedFamilies,
    holdTimeMs: raw.bgpTimerHoldTimeMsecs as number | undefined,
    lastResetDueTo: raw.lastResetDueTo as string | undefined,
    gracefulRestartInfo: raw.gracefulRestartInfo as Record<string, unknown> | undefined,
    raw,
  };
}

/** A path of `show bgp … json detail`, in the harness shape plus the peer it came from. */
export interface FrrRoute extends PeerRoute {
  /** `peer.peerId` (the neighbor address; `0.0.0.0`/`::` for local networks). */
  peer: string;
  local: boolean;
}

interface FrrPath {
  aspath?: { segments?: { type: string; list: number[] }[] };
  origin?: string;
  metric?: number;
  localpref?: number;
  locPrf?: number;
  community?: { list?: string[] };
  largeCommunity?: { list?: string[] };
  nexthops?: { ip: string; scope?: string }[];
  peer?: { peerId?: string };
  stale?: boolean;
  local?: boolean;
  bestpath?: { overall?: boolean } | boolean;
}

/** Parses `show bgp <fam> unicast json detail` (each prefix: a header object, then its paths). */
export function parseFrrRoutes(json: { routes?: Record<string, unknown[]> }): FrrRoute[] {
  const out: FrrRoute[] = [];
  for (const [prefix, entries] of Object.entries(json.routes ?? {})) {
    for (const e of entries as FrrPath[]) {
      if (!e.nexthops && !e.aspath) continue; // the header element
      const hops = (e.nexthops ?? []).map((h) => h.ip);
      const best = typeof e.bestpath === 'object' ? e.bestpath.overall === true : e.bestpath === true;
      const route: FrrRoute = {
        prefix,
        ...splitNextHops(hops),
        asPath: (e.aspath?.segments ?? []).flatMap((s) => s.list.map(Number)),
        communities: e.community?.list ?? [],
        largeCommunities: e.largeCommunity?.list ?? [],
        origin: normalizeOrigin(e.origin),
        stale: e.stale === true,
        best,
        peer: e.peer?.peerId ?? '',
        local: e.local === true,
      };
      if (e.metric !== undefined) route.med = e.metric;
      const lp = e.localpref ?? e.locPrf;
      if (lp !== undefined) route.localPref = lp;
      out.push(route);
    }
  }
  return out;
}

/** A running bgpd. */
export class FrrDaemon extends BaseDaemon {
  private constructor(
    ns: string,
    readonly config: FrrConfig,
    readonly node: LabNode,
  ) {
    super('frr', ns);
  }

  /** Writes the config, starts bgpd in lab node `nodeIndex` and waits until vtysh answers. */
  static async start(lab: Lab, nodeIndex: number, config: FrrConfig): Promise<FrrDaemon> {
    const node = lab.node(nodeIndex);
    const d = new FrrDaemon(node.ns, config, node);
    d.register(lab);
    writeFileSync(d.path('bgpd.conf'), frrConfig(config, d.dir));
    giveToDaemon(d.path('bgpd.conf'));
    // vtysh reads DIR/vtysh.conf (--config_dir); an empty one silences its complaint.
    writeFileSync(d.path('vtysh.conf'), '');
    await d.start();
    return d;
  }

  protected argv(): string[] {
    return [
      '/usr/lib/frr/bgpd',
      '-Z', // no zebra
      '-S', // skip capabilities and user switching: we already run as the daemon user
      '-f',
      this.path('bgpd.conf'),
      '-i',
      this.path('bgpd.pid'),
      '--vty_socket',
      this.dir,
      '-p',
      String(this.config.port ?? 179),
      '-P',
      '0', // no TCP vty
    ];
  }

  protected override extraLogFiles(): string[] {
    return [this.path('bgpd.log')];
  }

  protected async ready(): Promise<void> {
    await waitFor(() => this.vtysh('show bgp summary json').then(() => true), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'vtysh show bgp summary',
    });
  }

  /** Runs one vtysh command against this bgpd; returns stdout. */
  async vtysh(command: string): Promise<string> {
    const { stdout } = await run('vtysh', [
      '--config_dir',
      this.dir,
      '--vty_socket',
      this.dir,
      '-d',
      'bgpd',
      '-c',
      command,
    ]);
    return stdout;
  }

  /** Runs a vtysh command ending in `json` and parses it. */
  async vtyshJson<T = Record<string, unknown>>(command: string): Promise<T> {
    const out = await this.vtysh(command);
    try {
      return JSON.parse(out) as T;
    } catch (err) {
      throw new Error(`vtysh '${command}' did not return JSON: ${out.slice(0, 500)}`, { cause: err });
    }
  }

  /** `show bgp neighbors ADDR json`. */
  async neighbor(address: string): Promise<FrrNeighborStatus> {
    const all = await this.vtyshJson<Record<string, Record<string, unknown>>>(
      `show bgp neighbors ${address} json`,
    );
    const raw = all[address];
    if (!raw) return parseFrrNeighbor(address, { bgpState: 'unknown' });
    return parseFrrNeighbor(address, raw);
  }

  /** True when neighbor `address` is Established. */
  async established(address: string): Promise<boolean> {
    return (await this.neighbor(address)).established;
  }

  /** `show bgp <fam> unicast summary json` → prefixes received from `address` (`pfxRcd`). */
  async prefixesReceived(address: string, family: Family = isV6(address) ? 'ipv6' : 'ipv4'): Promise<number> {
    const s = await this.vtyshJson<{ peers?: Record<string, { pfxRcd?: number }> }>(
      `show bgp ${family} unicast summary json`,
    );
    return s.peers?.[address]?.pfxRcd ?? 0;
  }

  /**
   * Every path of the table (`show bgp <fam> unicast json detail`), or only those learned from `from`.
   */
  async routes(family: Family, opts: { from?: string } = {}): Promise<FrrRoute[]> {
    const json = await this.vtyshJson<{ routes?: Record<string, unknown[]> }>(
      `show bgp ${family} unicast json detail`,
    );
    const routes = parseFrrRoutes(json);
    return opts.from ? routes.filter((r) => r.peer === opts.from) : routes;
  }

  /** `clear bgp <fam> unicast ADDR soft in|out` (route refresh / re-advertise). */
  async softClear(address: string, direction: 'in' | 'out', family: Family = 'ipv4'): Promise<void> {
    await this.vtysh(`clear bgp ${family} unicast ${address} soft ${direction}`);
  }
}

/** Starts bgpd in lab node `nodeIndex` (see {@link FrrDaemon.start}). */
export function startFrr(lab: Lab, nodeIndex: number, config: FrrConfig): Promise<FrrDaemon> {
  return FrrDaemon.start(lab, nodeIndex, config);
}
