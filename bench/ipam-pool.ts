/**
 * In-memory AddressPool throughput: allocate + release pairs per second, on node blocks of several sizes and
 * fill levels. The headline figure is a /16 with 1,000 live allocations churning (one CNI DEL + one CNI ADD).
 *
 * Run: `node --import tsx bench/ipam-pool.ts` or `pnpm bench ipam-pool`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AddressPool, FileIpam, type IpamOwner } from '../packages/core/src/ipam/index.js';

interface Case {
  readonly name: string;
  readonly block: string;
  /** Allocations kept alive while churning. */
  readonly live: number;
}

const CASES: readonly Case[] = [
  { name: '/16, 1,000 live', block: '10.244.0.0/16', live: 1_000 },
  { name: '/16, 90% full', block: '10.244.0.0/16', live: 58_980 },
  { name: '/24, 200 live', block: '10.244.1.0/24', live: 200 },
  { name: 'IPv6 /64, 1,000 live', block: 'fd00:10:244:1::/64', live: 1_000 },
];

/** Allocate + release pairs per second for one case. */
function measure(c: Case, durationMs: number): number {
  const pool = new AddressPool(c.block);
  const owners: IpamOwner[] = [];
  for (let i = 0; i < c.live; i++) {
    const owner = { containerId: `c0ffee${i.toString(16).padStart(58, '0')}`, ifName: 'eth0' };
    owners.push(owner);
    pool.allocate(owner);
  }
  const batch = 10_000;
  let slot = 0;
  let ops = 0;
  const churn = (): void => {
    for (let i = 0; i < batch; i++) {
      const owner = owners[slot]!;
      pool.release(owner);
      pool.allocate(owner);
      slot = slot + 1 === owners.length ? 0 : slot + 1;
    }
  };
  // Warm up the JIT.
  const warmUntil = performance.now() + Math.min(200, durationMs / 4);
  while (performance.now() < warmUntil) churn();
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    churn();
    ops += batch;
    now = performance.now();
  }
  if (pool.allocated !== c.live) throw new Error(`bench bug: ${pool.allocated} live, expected ${c.live}`);
  return ops / ((now - start) / 1000);
}

/** FileIpam (locked, fsync'ed read-modify-write per operation) allocate + release pairs per second on a /24. */
async function measureFile(durationMs: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeway-bench-ipam-'));
  try {
    const ipam = await FileIpam.open({ block: '10.244.1.0/24', path: join(dir, 'pool.json') });
    for (let i = 0; i < 100; i++) await ipam.allocate({ containerId: `live-${i}`, ifName: 'eth0' });
    const owner = { containerId: 'churn', ifName: 'eth0' };
    let ops = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      await ipam.allocate(owner);
      await ipam.release(owner);
      ops++;
    }
    const rate = ops / ((performance.now() - start) / 1000);
    await ipam.close();
    return rate;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs every case, prints a table and the BENCH lines. */
export async function run(): Promise<void> {
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
  const rows: { case: string; block: string; 'alloc+release/s': string }[] = [];
  let headline = 0;
  for (const c of CASES) {
    const rate = measure(c, durationMs);
    if (c === CASES[0]) headline = rate;
    rows.push({ case: c.name, block: c.block, 'alloc+release/s': Math.round(rate).toLocaleString('en-US') });
  }
  const file = await measureFile(durationMs);
  rows.push({
    case: 'FileIpam on disk, 100 live',
    block: '10.244.1.0/24',
    'alloc+release/s': Math.round(file).toLocaleString('en-US'),
  });
  console.log("AddressPool in memory (FileIpam: each op locked, read, written and fsync'ed):");
  console.log('one op = release(owner) + allocate(owner)');
  console.table(rows);
  console.log(`BENCH ipam_pool_alloc_release ours=${Math.round(headline)} unit=ops/s`);
  console.log(`BENCH ipam_file_alloc_release ours=${Math.round(file)} unit=ops/s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
