/**
 * Route mode at cluster scale: a 5,000-node cluster (StaticLeaseSource, `Network` 10.0.0.0/8 with /24 node blocks,
 * nodes on one 172.16.0.0/16 node network, all on-link) seen from one node whose HostGwRouteManager programs a
 * fresh network namespace through KernelRouteTable:
 * - the first full reconcile (4,999 host routes `10.x.y.0/24 via 172.16.a.b dev v0`), target ≤ 2 s;
 * - one node joining: from the lease source's change to the route present in the kernel (the reconcile run that
 *   the lease watch triggers, then an `RTM_GETROUTE` lookup of an address in the new block showing the gateway),
 *   target ≤ 50 ms;
 * - a resync with nothing to do (list 5,000 routes + plan), target ≤ 50 ms.
 * flannel cannot be run here (no binary), so there is no peer figure.
 *
 * Needs root (network namespaces). Touches only namespaces it creates (`ew-bench-fl-<pid>-<n>`).
 * Run: `node --import tsx bench/flannel-routes.ts` or `pnpm bench flannel-routes`.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createNetns, deleteNetns, IpAddress, LinkManager } from '../packages/core/src/index.js';
import { parseNetConf } from '../packages/flannel-backend/src/config/net-conf.js';
import { routeGet } from '../packages/flannel-backend/src/interface/lookup-interface.js';
import type { NodeLease } from '../packages/flannel-backend/src/leases/lease-source.js';
import {
  StaticLeaseSource,
  type StaticNode,
} from '../packages/flannel-backend/src/leases/static-lease-source.js';
import { hostGwRoutes } from '../packages/flannel-backend/src/routes/host-gw-routes.js';
import { HostGwRouteManager } from '../packages/flannel-backend/src/routes/route-manager.js';
import { benchLine } from './bench-util.js';

const NODES = 5_000;
const ROUNDS = 3;
const JOINS = 25;
const NOOPS = 10;
const NODE_NET = 0xac100000; // 172.16.0.0/16

let nsCounter = 0;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function nodeIp(i: number): string {
  const v = NODE_NET + 1 + i; // node-0 is 172.16.0.1
  return `172.16.${(v >> 8) & 255}.${v & 255}`;
}

function node(i: number): StaticNode {
  return {
    node: `node-${String(i).padStart(5, '0')}`,
    subnet: `10.${i >> 8}.${i & 255}.0/24`,
    publicIp: nodeIp(i),
  };
}

/** A fresh namespace with veth v0 (172.16.0.1/16, our node) and v1, both up. */
async function makeNamespace(): Promise<string> {
  const ns = `ew-bench-fl-${process.pid}-${nsCounter++}`;
  await createNetns(ns);
  ip('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip('-n', ns, 'address', 'add', '172.16.0.1/16', 'dev', 'v0');
  ip('-n', ns, 'link', 'set', 'v0', 'up');
  ip('-n', ns, 'link', 'set', 'v1', 'up');
  return ns;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export async function run(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('flannel-routes benchmark needs root (network namespaces)');
  const config = parseNetConf({ Network: '10.0.0.0/8', SubnetLen: 24, Backend: { Type: 'host-gw' } });
  const firsts: number[] = [];
  const joins: number[] = [];
  const noops: number[] = [];
  const created: string[] = [];
  let computeMs = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const ns = await makeNamespace();
      created.push(ns);
      const leases = new StaticLeaseSource({
        config,
        nodes: Array.from({ length: NODES }, (_, i) => node(i)),
      });
      const all = await leases.list();
      const self = all.find((l) => l.node === node(0).node) as NodeLease;
      const links = await LinkManager.open({ netns: ns });
      const addresses = (await links.listAddresses('v0')).map((a) => ({
        address: a.address,
        prefixLength: a.prefixLength,
      }));
      const manager = await HostGwRouteManager.open(
        { name: 'v0', addresses },
        { netns: ns, linkWatch: 'off', resyncIntervalMs: 0 },
      );
      try {
        const t = performance.now();
        const first = await manager.update(self, all);
        firsts.push(performance.now() - t);
        if (first.failures.length > 0 || first.plan.add.length !== NODES - 1) {
          throw new Error(
            `bench bug: first reconcile added ${first.plan.add.length}, ${first.failures.length} failures`,
          );
        }
        const shown = (JSON.parse(ip('-n', ns, '-j', 'route', 'show', 'proto', '69')) as unknown[]).length;
        if (shown !== NODES - 1) throw new Error(`bench bug: the kernel shows ${shown} routes`);
        const tc = performance.now();
        hostGwRoutes(self, all, { name: 'v0', addresses }); // the pure generator alone, for the table
        computeMs = performance.now() - tc;

        // One node joining, through the lease watch, as the agent wires it.
        let pending: Promise<unknown> = Promise.resolve();
        const unwatch = leases.watch((ev) => {
          pending = manager.update(self, ev.leases);
        });
        for (let j = 0; j < JOINS; j++) {
          const i = NODES + round * JOINS + j;
          const target = IpAddress.parse(`10.${i >> 8}.${i & 255}.7`);
          const gateway = nodeIp(i);
          const t0 = performance.now();
          leases.upsert(node(i));
          await pending;
          const seen = await routeGet(links.socket, target);
          const ms = performance.now() - t0;
          const hop = JSON.parse(ip('-n', ns, '-j', 'route', 'get', target.toString()))[0] as {
            gateway?: string;
          };
          if (!seen || hop.gateway !== gateway)
            throw new Error(`bench bug: ${target} is not routed via ${gateway}`);
          if (j >= 3) joins.push(ms);
        }
        unwatch();

        for (let k = 0; k < NOOPS; k++) {
          const r = await manager.trigger();
          if (r.applied) throw new Error('bench bug: a no-op resync changed the table');
          if (k >= 2) noops.push(r.durationMs);
        }
      } finally {
        await manager.close();
        links.close();
        await leases.close();
      }
      await deleteNetns(ns);
    }
  } finally {
    for (const ns of created) await deleteNetns(ns).catch(() => {});
  }
  const f = median(firsts);
  const j = median(joins);
  const n = median(noops);
  console.log(
    `Route mode, ${NODES.toLocaleString('en-US')}-node cluster (10.0.0.0/8 in /24 blocks, one /16 node network), one node's view`,
  );
  console.table([
    {
      what: `first full reconcile (${NODES - 1} host routes)`,
      'median ms': f.toFixed(1),
      target: '≤ 2000',
      runs: firsts.map((x) => x.toFixed(0)).join(' '),
    },
    {
      what: 'one node joins → its route in the kernel',
      'median ms': j.toFixed(1),
      target: '≤ 50',
      runs: `${joins.length} joins, max ${Math.max(...joins).toFixed(1)}`,
    },
    {
      what: `no-op resync over ${NODES - 1} routes (list + plan)`,
      'median ms': n.toFixed(1),
      target: '≤ 50',
      runs: noops.map((x) => x.toFixed(0)).join(' '),
    },
    {
      what: `hostGwRoutes() over ${NODES} leases (pure)`,
      'median ms': computeMs.toFixed(1),
      target: '',
      runs: '',
    },
  ]);
  benchLine('flannel_first_reconcile_5000', round1(f), 'ms');
  benchLine('flannel_node_join', round1(j), 'ms');
  benchLine('flannel_noop_resync_5000', round1(n), 'ms');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
