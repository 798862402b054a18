/**
 * Installing 10,000 host-gw routes (`10.x.y.0/24 via 198.51.100.N dev v0 metric 100`) into a fresh network
 * namespace through `KernelRouteTable` (256 calls in flight, as `reconcile` drives it), against
 * `ip -n NS -batch FILE` installing the same routes into another fresh namespace in the same run. Then the
 * cost of `list()` over the 10,000 owned routes — the fixed cost of a no-op reconcile — and of the no-op
 * `reconcile()` itself (list + plan).
 *
 * Needs root (network namespaces). Touches only namespaces it creates (`ew-bench-<pid>-<n>`).
 * Run: `node --import tsx bench/kernel-routes.ts` or `pnpm bench kernel-routes`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createNetns,
  deleteNetns,
  EDGEWAY_ROUTE_PROTOCOL,
  type KernelRoute,
  KernelRouteTable,
} from '../packages/core/src/kernel/index.js';
import { Cidr, IpAddress } from '../packages/core/src/net/index.js';
import { reconcile } from '../packages/core/src/routes/index.js';
import { benchLine } from './bench-util.js';

const COUNT = 10_000;
const IN_FLIGHT = 256;
const ROUNDS = 3;

let nsCounter = 0;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

/** A namespace with a veth pair: v0 198.51.100.1/24 (the routes' device) and v1, both up. */
async function makeNamespace(): Promise<string> {
  const ns = `ew-bench-${process.pid}-${nsCounter++}`;
  await createNetns(ns);
  ip('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip('-n', ns, 'address', 'add', '198.51.100.1/24', 'dev', 'v0');
  ip('-n', ns, 'link', 'set', 'v0', 'up');
  ip('-n', ns, 'link', 'set', 'v1', 'up');
  return ns;
}

interface Spec {
  dst: string;
  gw: string;
}

function specs(): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < COUNT; i++) {
    out.push({ dst: `10.${(i >> 8) & 255}.${i & 255}.0/24`, gw: `198.51.100.${2 + (i % 50)}` });
  }
  return out;
}

function countOwned(ns: string): number {
  const routes = JSON.parse(
    ip('-n', ns, '-j', 'route', 'show', 'proto', String(EDGEWAY_ROUTE_PROTOCOL)),
  ) as unknown[];
  return routes.length;
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function installOurs(
  ns: string,
  routes: KernelRoute[],
): Promise<{ ms: number; table: KernelRouteTable }> {
  const table = await KernelRouteTable.open({ netns: ns });
  const t = performance.now();
  await pool(routes, IN_FLIGHT, (r) => table.add(r));
  return { ms: performance.now() - t, table };
}

function installPeer(ns: string, list: Spec[], dir: string): number {
  const file = join(dir, `${ns}.batch`);
  writeFileSync(
    file,
    list
      .map((s) => `route add ${s.dst} via ${s.gw} dev v0 metric 100 proto ${EDGEWAY_ROUTE_PROTOCOL}\n`)
      .join(''),
  );
  const t = performance.now();
  execFileSync('ip', ['-n', ns, '-batch', file], { stdio: 'inherit' });
  return performance.now() - t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('kernel-routes benchmark needs root (network namespaces)');
  const list = specs();
  const routes: KernelRoute[] = list.map((s) => ({
    destination: Cidr.parse(s.dst),
    gateway: IpAddress.parse(s.gw),
    device: 'v0',
    metric: 100,
  }));
  const dir = mkdtempSync(join(tmpdir(), 'ew-bench-'));
  const ours: number[] = [];
  const peer: number[] = [];
  const lists: number[] = [];
  const noops: number[] = [];
  const created: string[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const nsOurs = await makeNamespace();
      created.push(nsOurs);
      const nsPeer = await makeNamespace();
      created.push(nsPeer);
      // Alternate who goes first so neither always runs on a warmer kernel.
      let result: { ms: number; table: KernelRouteTable };
      if (round % 2 === 0) {
        result = await installOurs(nsOurs, routes);
        peer.push(installPeer(nsPeer, list, dir));
      } else {
        peer.push(installPeer(nsPeer, list, dir));
        result = await installOurs(nsOurs, routes);
      }
      ours.push(result.ms);
      const table = result.table;
      try {
        for (const [ns, who] of [
          [nsOurs, 'KernelRouteTable'],
          [nsPeer, 'ip -batch'],
        ] as const) {
          const n = countOwned(ns);
          if (n !== COUNT) throw new Error(`bench bug: ${who} installed ${n} routes, expected ${COUNT}`);
        }
        for (let i = 0; i < 7; i++) {
          const t = performance.now();
          const listed = await table.list();
          const ms = performance.now() - t;
          if (listed.length !== COUNT) throw new Error(`bench bug: list() returned ${listed.length} routes`);
          if (i >= 2) lists.push(ms);
        }
        for (let i = 0; i < 5; i++) {
          const result = await reconcile(table, routes);
          if (result.applied) throw new Error('bench bug: a no-op reconcile changed the table');
          if (i >= 1) noops.push(result.durationMs);
        }
      } finally {
        table.close();
      }
      await deleteNetns(nsOurs);
      await deleteNetns(nsPeer);
    }
  } finally {
    for (const ns of created) await deleteNetns(ns).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  const o = median(ours);
  const p = median(peer);
  const l = median(lists);
  const r = median(noops);
  console.log(`Installing ${COUNT.toLocaleString('en-US')} routes via a veth gateway into a fresh namespace`);
  console.table([
    {
      what: `KernelRouteTable.add ×${COUNT} (${IN_FLIGHT} in flight)`,
      'median ms': o.toFixed(1),
      runs: ours.map((x) => x.toFixed(0)).join(' '),
    },
    {
      what: 'ip -n NS -batch FILE',
      'median ms': p.toFixed(1),
      runs: peer.map((x) => x.toFixed(0)).join(' '),
    },
    {
      what: `KernelRouteTable.list() of ${COUNT} owned`,
      'median ms': l.toFixed(1),
      runs: lists.map((x) => x.toFixed(0)).join(' '),
    },
    {
      what: `reconcile() no-op over ${COUNT} (list + plan)`,
      'median ms': r.toFixed(1),
      runs: noops.map((x) => x.toFixed(0)).join(' '),
    },
  ]);
  benchLine('kernel_install_10k', round1(o), 'ms', { value: round1(p), name: 'ip-batch' });
  benchLine('kernel_noop_list_10k', round1(l), 'ms');
  benchLine('kernel_noop_reconcile_10k', round1(r), 'ms');
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
