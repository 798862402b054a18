/**
 * The core example (`pnpm example`): the Terway Edge addressing of SEED.md checked and put to work.
 *
 * 1. Checks the example CIDRs for overlaps (the source's caution: the container CIDR must not overlap any other
 *    CIDR the data-centre gateway knows), and shows what a collision looks like.
 * 2. Carves the edge pod CIDR into per-node blocks.
 * 3. In a network namespace it creates (never the root one), reconciles the host-gw routes an edge node needs to
 *    its peers' blocks, then reconciles again after one node leaves and another changes its IP — printing the
 *    plan and `ip -j route` as the witness, with a foreign route that must survive. The namespace is removed at
 *    the end, also on failure.
 */
import { execFileSync } from 'node:child_process';
import {
  Cidr,
  createNetns,
  deleteNetns,
  findOverlaps,
  IpAddress,
  type KernelRoute,
  KernelRouteTable,
  LinkManager,
  type NamedCidr,
  reconcile,
  SubnetAllocator,
} from '../packages/core/src/index.js';

const named = (name: string, cidr: string): NamedCidr => ({ name, cidr: Cidr.parse(cidr) });

function checkOverlaps(title: string, list: NamedCidr[]): void {
  const overlaps = findOverlaps(list);
  console.log(`\n${title}`);
  for (const n of list) console.log(`  ${n.name.padEnd(12)} ${n.cidr}`);
  if (overlaps.length === 0) console.log('  -> no overlaps');
  for (const o of overlaps) {
    console.log(`  -> OVERLAP: ${o.inner.name} ${o.inner.cidr} lies inside ${o.outer.name} ${o.outer.cidr}`);
  }
}

// 1. The example addressing of SEED.md, plus a service CIDR and a data-centre LAN.
checkOverlaps('SEED.md addressing:', [
  named('vpc', '192.168.0.0/16'),
  named('edge-pods', '10.0.0.0/16'),
  named('service', '172.21.0.0/20'),
  named('dc-lan', '172.16.0.0/24'),
]);
checkOverlaps('The same with a data-centre management network that collides:', [
  named('vpc', '192.168.0.0/16'),
  named('edge-pods', '10.0.0.0/16'),
  named('dc-mgmt', '10.0.200.0/24'),
]);

// 2. One block per edge node.
const allocator = new SubnetAllocator({ network: '10.0.0.0/16', subnetLength: 24 });
const nodes = [
  { name: 'edge-a', ip: '198.51.100.10' },
  { name: 'edge-b', ip: '198.51.100.11' },
  { name: 'edge-c', ip: '198.51.100.12' },
  { name: 'edge-d', ip: '198.51.100.13' },
].map((n) => ({ ...n, block: allocator.acquire(n.name).subnet }));
console.log('\nNode blocks carved from 10.0.0.0/16:');
for (const n of nodes) console.log(`  ${n.name}  ${n.block}  node IP ${n.ip}`);

// 3. edge-a's host-gw routes, in a namespace standing in for edge-a.
const ns = `ew-demo-${process.pid}`;
const hostGw = (peers: typeof nodes): KernelRoute[] =>
  peers.map((p) => ({ destination: p.block, gateway: IpAddress.parse(p.ip), device: 'eth0' }));
const witness = () =>
  JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'route', 'show'], { encoding: 'utf8' })) as {
    dst: string;
    gateway?: string;
    protocol?: string;
  }[];
const show = (title: string) => {
  console.log(`\n${title} (ip -n ${ns} -j route show):`);
  for (const r of witness())
    console.log(`  ${r.dst.padEnd(16)} via ${(r.gateway ?? '-').padEnd(14)} proto ${r.protocol ?? '-'}`);
};

await createNetns(ns);
try {
  const links = await LinkManager.open({ netns: ns });
  await links.createVeth('eth0', 'peer0');
  await links.addAddress('eth0', IpAddress.parse('198.51.100.10'), 24);
  await links.setUp('eth0');
  await links.setUp('peer0');
  links.close();
  // A route someone else owns (proto static): reconcile must never touch it.
  execFileSync('ip', [
    '-n',
    ns,
    'route',
    'add',
    '203.0.113.0/24',
    'via',
    '198.51.100.254',
    'proto',
    'static',
  ]);

  const table = await KernelRouteTable.open({ netns: ns });
  try {
    const peers = nodes.filter((n) => n.name !== 'edge-a');
    let result = await reconcile(table, hostGw(peers));
    console.log(
      `\nFirst reconcile: +${result.plan.add.length} -${result.plan.remove.length} ~${result.plan.replace.length}`,
    );
    show('Routes');

    // edge-d leaves the cluster; edge-c's node IP changes.
    const changed = peers
      .filter((n) => n.name !== 'edge-d')
      .map((n) => (n.name === 'edge-c' ? { ...n, ip: '198.51.100.42' } : n));
    const dry = await reconcile(table, hostGw(changed), { dryRun: true });
    console.log('\nedge-d left, edge-c moved to 198.51.100.42 — the plan (dry run):');
    for (const r of dry.plan.remove) console.log(`  remove  ${table.format(r)}`);
    for (const r of dry.plan.replace)
      console.log(`  replace ${table.format(r.from)}  ->  ${table.format(r.to)}`);
    for (const r of dry.plan.keep) console.log(`  keep    ${table.format(r)}`);
    result = await reconcile(table, hostGw(changed));
    if (result.failures.length > 0) throw result.failures[0]!.error;
    show('Routes after the second reconcile (the static route survived)');
    const again = await reconcile(table, hostGw(changed));
    console.log(
      `\nThird reconcile is a no-op: ${again.plan.keep.length} kept, ${again.durationMs.toFixed(1)} ms`,
    );
  } finally {
    table.close();
  }
} finally {
  await deleteNetns(ns);
  console.log(`\nNamespace ${ns} removed.`);
}
