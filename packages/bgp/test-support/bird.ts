/**
 * BIRD 2 as an interop peer: config generator, launcher (`bird -f`, unprivileged, control socket in a temp dir)
 * and readers of `birdc -s SOCK` output (BIRD has no JSON output; these parsers follow BIRD 2.0.12's text).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { BaseDaemon } from './daemon.js';
import type { Lab, LabNode } from './lab.js';
import { giveToDaemon, run } from './process.js';
import { normalizeOrigin, type PeerRoute, splitNextHops } from './routes.js';
import { waitFor } from './wait-for.js';

type Family = 'ipv4' | 'ipv6';

/** A route BIRD originates (static blackhole, exported to the BGP peers with its attributes). */
export interface BirdStaticRoute {
  prefix: string;
  communities?: string[];
  largeCommunities?: string[];
  /** Set by the export filter (BIRD drops a static route's own MED towards eBGP peers). */
  med?: number;
  localPref?: number;
}

/** One `protocol bgp` of a BIRD config. */
export interface BirdPeer {
  /** Protocol name (letters, digits, `_`). */
  name: string;
  neighbor: string;
  peerAsn: number;
  /** Local address (default: the lab node's address of the neighbor's family). */
  localAddress?: string;
  /** Port BIRD listens on for this peer (default 179). */
  localPort?: number;
  /** Neighbor's port (default 179). */
  neighborPort?: number;
  /** `passive on` — otherwise it dials with `connect delay time 1`. */
  passive?: boolean;
  /** Default: the family of the neighbor's address. */
  families?: Family[];
  /** `graceful restart on` (+ `graceful restart time N`). */
  gracefulRestart?: boolean | { restartTime: number };
  holdTime?: number;
  /** Export the static routes to this peer (default true). */
  exportStatic?: boolean;
  /** Next hop for the IPv6 channel of an IPv4 session (MP-BGP): `next hop address X`. */
  ipv6NextHop?: string;
  /** `require route refresh on` etc., verbatim inside the protocol block. */
  extra?: string[];
}

/** The whole BIRD config. */
export interface BirdConfig {
  routerId: string;
  asn: number;
  peers: BirdPeer[];
  routes?: BirdStaticRoute[];
  /** Verbatim at the end. */
  extra?: string;
}

const isV6 = (s: string) => s.includes(':');

function community(c: string): string {
  const [a, b] = c.split(':');
  return `(${Number(a)},${Number(b)})`;
}
function largeCommunity(c: string): string {
  const [a, b, d] = c.split(':');
  return `(${Number(a)},${Number(b)},${Number(d)})`;
}

/** Renders a BIRD 2 config (checked by `bird -p` in the self-tests). */
export function birdConfig(cfg: BirdConfig, node?: LabNode): string {
  const out: string[] = [`router id ${cfg.routerId};`, 'log stderr all;', 'protocol device { }'];
  const routes = cfg.routes ?? [];
  const byFamily: Record<Family, BirdStaticRoute[]> = {
    ipv4: routes.filter((r) => !isV6(r.prefix)),
    ipv6: routes.filter((r) => isV6(r.prefix)),
  };
  for (const fam of ['ipv4', 'ipv6'] as const) {
    if (byFamily[fam].length === 0) continue;
    out.push(`protocol static static_${fam} {`, `  ${fam};`);
    for (const r of byFamily[fam]) out.push(`  route ${r.prefix} blackhole;`);
    out.push('}');
  }
  // Attributes are set in one export filter, per prefix.
  out.push('filter export_static {', '  if source != RTS_STATIC then reject;');
  for (const r of routes) {
    const stmts: string[] = [];
    for (const c of r.communities ?? []) stmts.push(`bgp_community.add(${community(c)});`);
    for (const c of r.largeCommunities ?? []) stmts.push(`bgp_large_community.add(${largeCommunity(c)});`);
    if (r.med !== undefined) stmts.push(`bgp_med = ${r.med};`);
    if (r.localPref !== undefined) stmts.push(`bgp_local_pref = ${r.localPref};`);
    if (stmts.length) out.push(`  if net = ${r.prefix} then { ${stmts.join(' ')} }`);
  }
  out.push('  accept;', '}');
  for (const p of cfg.peers) {
    const v6 = isV6(p.neighbor);
    const local = p.localAddress ?? (node ? (v6 ? node.ipv6 : node.ipv4) : undefined);
    const families = p.families ?? [v6 ? 'ipv6' : 'ipv4'];
    const exp = p.exportStatic === false ? 'export none;' : 'export filter export_static;';
    out.push(`protocol bgp ${p.name} {`);
    out.push(`  local ${local ?? ''}${p.localPort ? ` port ${p.localPort}` : ''} as ${cfg.asn};`);
    out.push(`  neighbor ${p.neighbor}${p.neighborPort ? ` port ${p.neighborPort}` : ''} as ${p.peerAsn};`);
    out.push(p.passive ? '  passive on;' : '  connect delay time 1;');
    out.push('  connect retry time 2;', '  error wait time 1, 5;');
    if (p.holdTime !== undefined) out.push(`  hold time ${p.holdTime};`);
    if (p.gracefulRestart) {
      out.push('  graceful restart on;');
      if (typeof p.gracefulRestart === 'object')
        out.push(`  graceful restart time ${p.gracefulRestart.restartTime};`);
    } else out.push('  graceful restart off;');
    for (const x of p.extra ?? []) out.push(`  ${x}`);
    for (const fam of families) {
      const nh =
        fam === 'ipv6' && !v6
          ? ` next hop address ${p.ipv6NextHop ?? node?.ipv6};`
          : fam === 'ipv4' && v6
            ? ' extended next hop on;'
            : ' next hop self;';
      out.push(`  ${fam} { import all; ${exp}${nh} };`);
    }
    out.push('}');
  }
  if (cfg.extra) out.push(cfg.extra);
  return `${out.join('\n')}\n`;
}

/** `show protocols all NAME`, parsed. */
export interface BirdProtocolStatus {
  name: string;
  /** Protocol state column (`up`, `start`, `down`). */
  protoState: string;
  /** `BGP state:` (`Established`, `Active`, `Passive`, `Connect`, `Idle`, …). */
  state: string;
  established: boolean;
  neighborAs?: number;
  neighborId?: string;
  /** `Neighbor capabilities` as listed (`Multiprotocol`, `Route refresh`, `Graceful restart`, `4-octet AS numbers`, …). */
  neighborCapabilities: string[];
  localCapabilities: string[];
  /** Families both sides announced (from `AF announced:`). */
  negotiatedFamilies: Family[];
  /** `Neighbor graceful restart active` present: BIRD keeps the neighbor's routes as stale. */
  gracefulRestartActive: boolean;
  lastError?: string;
  holdTime?: number;
  channels: { family: string; state: string; imported: number; exported: number }[];
  raw: string;
}

/** Runs the handler of the first rule whose pattern matches `text`. */
function firstMatch<A extends unknown[]>(
  rules: readonly [RegExp, (m: RegExpMatchArray, ...args: A) => unknown][],
  text: string,
  ...args: A
): boolean {
  for (const [re, fn] of rules) {
    const m = text.match(re);
    if (m) {
      fn(m, ...args);
      return true;
    }
  }
  return false;
}

/** Parses `birdc show protocols all NAME`. Exported for unit tests. */
export function parseBirdProtocol(text: string, name: string): BirdProtocolStatus {
  const lines = text.split('\n');
  const head = lines.find((l) => l.startsWith(`${name} `));
  const cols = head?.trim().split(/\s+/) ?? [];
  const status: BirdProtocolStatus = {
    name,
    protoState: cols[3] ?? 'unknown',
    state: 'unknown',
    established: false,
    neighborCapabilities: [],
    localCapabilities: [],
    negotiatedFamilies: [],
    gracefulRestartActive: false,
    channels: [],
    raw: text,
  };
  let capList: string[] | undefined;
  const afAnnounced: { local?: string[]; neighbor?: string[] } = {};
  let capSide: 'local' | 'neighbor' | undefined;
  let channel: BirdProtocolStatus['channels'][number] | undefined;
  const rules: [RegExp, (m: RegExpMatchArray) => void][] = [
    [/^BGP state:\s+(\S+)/, (m) => (status.state = m[1]!)],
    [/^Neighbor AS:\s+(\d+)/, (m) => (status.neighborAs = Number(m[1]))],
    [/^Neighbor ID:\s+(\S+)/, (m) => (status.neighborId = m[1])],
    [/^Last error:\s+(.*)$/, (m) => (status.lastError = m[1])],
    [/^Hold timer:\s+[\d.]+\/(\d+)/, (m) => (status.holdTime = Number(m[1]))],
    [/^Neighbor graceful restart active$/, () => (status.gracefulRestartActive = true)],
    [
      /^Channel (\S+)/,
      (m) => {
        channel = { family: m[1]!, state: 'unknown', imported: 0, exported: 0 };
        status.channels.push(channel);
      },
    ],
    [
      /^State:\s+(\S+)/,
      (m) => {
        if (channel) channel.state = m[1]!;
      },
    ],
    [
      /^Routes:\s+(\d+) imported, (?:(\d+) filtered, )?(\d+) exported/,
      (m) => {
        if (!channel) return;
        channel.imported = Number(m[1]);
        channel.exported = Number(m[3]);
      },
    ],
  ];
  for (const line of lines) {
    const t = line.trim();
    const indent = line.length - line.trimStart().length;
    if (t === 'Local capabilities' || t === 'Neighbor capabilities') {
      capSide = t === 'Local capabilities' ? 'local' : 'neighbor';
      capList = capSide === 'local' ? status.localCapabilities : status.neighborCapabilities;
      continue;
    }
    if (capList && (indent <= 4 || t === '')) {
      capList = undefined;
      capSide = undefined;
    }
    if (capList && capSide) {
      const af = t.match(/^AF announced:\s*(.*)$/);
      if (af) afAnnounced[capSide] = af[1]!.split(/\s+/);
      else if (indent === 6) capList.push(t);
      continue;
    }
    firstMatch(rules, t);
  }
  status.established = status.state === 'Established';
  status.negotiatedFamilies = (['ipv4', 'ipv6'] as const).filter(
    (f) => afAnnounced.local?.includes(f) && afAnnounced.neighbor?.includes(f),
  );
  return status;
}

/** A route of `show route all`, in the harness shape plus BIRD's own fields. */
export interface BirdRoute extends PeerRoute {
  protocol: string;
  table: string;
}

function parseCommunities(s: string): string[] {
  return [...s.matchAll(/\((\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);
}
function parseLargeCommunities(s: string): string[] {
  return [...s.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
}

/** Parses `birdc show route all …` (several routes per prefix, several tables). Exported for unit tests. */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const routes: BirdRoute[] = [];
  let table = '';
  let prefix = '';
  let cur: BirdRoute | undefined;
  const attrRules: [RegExp, (m: RegExpMatchArray, r: BirdRoute) => void][] = [
    [/^via (\S+)/, (m, r) => (r.nextHop ||= m[1]!)],
    [/^BGP\.origin:\s+(\S+)/, (m, r) => (r.origin = normalizeOrigin(m[1]))],
    [/^BGP\.as_path:\s*(.*)$/, (m, r) => (r.asPath = (m[1]!.match(/\d+/g) ?? []).map(Number))],
    [/^BGP\.next_hop:\s*(.*)$/, (m, r) => Object.assign(r, splitNextHops(m[1]!.split(/\s+/)))],
    [/^BGP\.med:\s*(\d+)/, (m, r) => (r.med = Number(m[1]))],
    [/^BGP\.local_pref:\s*(\d+)/, (m, r) => (r.localPref = Number(m[1]))],
    [/^BGP\.community:\s*(.*)$/, (m, r) => (r.communities = parseCommunities(m[1]!))],
    [/^BGP\.large_community:\s*(.*)$/, (m, r) => (r.largeCommunities = parseLargeCommunities(m[1]!))],
  ];
  for (const line of text.split('\n')) {
    const tableLine = line.match(/^Table (\S+):/);
    if (tableLine) {
      table = tableLine[1]!;
      continue;
    }
    // Route line: "PREFIX  unicast [proto time (from X)] * (pref) [ASPATH]", or the same without the prefix.
    const head = line.startsWith('\t') ? null : line.match(/^(\S+)?\s+(\w+)\s+\[(\S+)\s[^\]]*\]\s*(\*)?/);
    if (head) {
      if (head[1]) prefix = head[1];
      cur = {
        prefix,
        table,
        protocol: head[3]!,
        nextHop: '',
        asPath: [],
        communities: [],
        largeCommunities: [],
        best: head[4] === '*',
      };
      routes.push(cur);
      continue;
    }
    if (!cur) continue;
    const route = cur;
    firstMatch(attrRules, line.trim(), route);
  }
  return routes;
}

/** Parses `show route count …`: per table and total. */
export function parseBirdCount(text: string): { total: number; tables: Record<string, number> } {
  const tables: Record<string, number> = {};
  let total = 0;
  for (const m of text.matchAll(/^(\d+) of \d+ routes for \d+ networks in table (\S+)/gm)) {
    tables[m[2]!] = Number(m[1]);
    total += Number(m[1]);
  }
  return { total, tables };
}

/** A running BIRD. */
export class BirdDaemon extends BaseDaemon {
  private constructor(
    ns: string,
    readonly config: BirdConfig,
    readonly node: LabNode | undefined,
  ) {
    super('bird', ns);
  }

  /** Writes the config (checked with `bird -p`), starts BIRD in the lab node and waits for its socket. */
  static async start(lab: Lab, nodeIndex: number, config: BirdConfig): Promise<BirdDaemon> {
    const node = lab.node(nodeIndex);
    const d = new BirdDaemon(node.ns, config, node);
    d.register(lab);
    d.writeConfig(config);
    await run('bird', ['-p', '-c', d.path('bird.conf')]).catch((err) => {
      throw new Error(`bird config rejected: ${err.message}\n${birdConfig(config, node)}`, { cause: err });
    });
    await d.start();
    return d;
  }

  /** Rewrites the config and asks BIRD to reload it (`birdc configure`). */
  async reconfigure(config: BirdConfig): Promise<void> {
    this.writeConfig(config);
    const out = await this.birdc('configure');
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) throw new Error(`birdc configure: ${out}`);
  }

  private writeConfig(config: BirdConfig): void {
    writeFileSync(this.path('bird.conf'), birdConfig(config, this.node));
    giveToDaemon(this.path('bird.conf'));
    (this as { config: BirdConfig }).config = config;
  }

  protected argv(): string[] {
    return [
      'bird',
      '-f',
      '-c',
      this.path('bird.conf'),
      '-s',
      this.path('bird.ctl'),
      '-P',
      this.path('bird.pid'),
    ];
  }

  protected async ready(): Promise<void> {
    await waitFor(() => this.birdc('show status').then((o) => o.includes('Daemon is up')), {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'birdc show status',
    });
  }

  /** Runs a birdc command and returns its output (the "BIRD x ready." banner removed). */
  async birdc(...args: string[]): Promise<string> {
    const { stdout } = await run('birdc', ['-s', this.path('bird.ctl'), ...args]);
    return stdout.replace(/^BIRD [\d.]+ ready\.\n/, '');
  }

  /** `show protocols all NAME`. */
  async protocol(name: string): Promise<BirdProtocolStatus> {
    return parseBirdProtocol(await this.birdc('show', 'protocols', 'all', name), name);
  }

  /** True when protocol `name` is Established. */
  async established(name: string): Promise<boolean> {
    return (await this.protocol(name)).established;
  }

  /**
   * Routes learned from protocol `name` (`show route all protocol NAME`). `stale` is set on all of them while
   * BIRD reports the neighbor's graceful restart as active (BIRD 2.0.12 prints no per-route stale mark).
   */
  async routes(name: string): Promise<BirdRoute[]> {
    const [text, status] = await Promise.all([
      this.birdc('show', 'route', 'all', 'protocol', name),
      this.protocol(name),
    ]);
    const routes = parseBirdRoutes(text);
    for (const r of routes) r.stale = status.gracefulRestartActive;
    return routes;
  }

  /** Every route of every table (`show route all`). */
  async allRoutes(): Promise<BirdRoute[]> {
    return parseBirdRoutes(await this.birdc('show', 'route', 'all'));
  }

  /** `show route count protocol NAME` → routes of that protocol. */
  async routeCount(name: string): Promise<number> {
    return parseBirdCount(await this.birdc('show', 'route', 'count', 'protocol', name)).total;
  }

  /** Sends a route refresh to / asks re-export from peer `name` (`reload in|out NAME`). */
  async reload(name: string, direction: 'in' | 'out'): Promise<string> {
    return this.birdc('reload', direction, name);
  }
}

/** Starts BIRD in lab node `nodeIndex` (see {@link BirdDaemon.start}). */
export function startBird(lab: Lab, nodeIndex: number, config: BirdConfig): Promise<BirdDaemon> {
  return BirdDaemon.start(lab, nodeIndex, config);
}
