/** findOverlaps over 10,000 CIDRs (target ≤ 50 ms), and aggregate over the same set. */
import { aggregate, Cidr, findOverlaps, IpAddress, type NamedCidr } from '../packages/core/src/index.js';
import { benchLine, isMain, medianMs } from './bench-util.js';

export async function run(): Promise<void> {
  // A realistic inventory: 9,900 disjoint blocks (vSwitches, node blocks, data-centre LANs: /20../28 laid out
  // without overlap across 10/8, plus IPv6 /64s), shuffled, and 100 larger blocks that each collide with some.
  let seed = 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const named: NamedCidr[] = [];
  let next = 0x0a000000n;
  for (let i = 0; i < 9_000; i++) {
    const len = 20 + (rnd() % 9);
    const size = 1n << BigInt(32 - len);
    next = ((next + size - 1n) / size) * size;
    named.push({ name: `b${i}`, cidr: Cidr.of(IpAddress.fromBigInt(next, 4), len) });
    next += size;
  }
  for (let i = 0; i < 900; i++) {
    const v6 = (0x20010db8n << 96n) | (BigInt(i) << 64n);
    named.push({ name: `v6-${i}`, cidr: Cidr.of(IpAddress.fromBigInt(v6, 6), 64) });
  }
  for (let i = 0; i < 100; i++) {
    const v = 0x0a000000 + (rnd() % Number(next - 0x0a000000n));
    named.push({ name: `wide${i}`, cidr: Cidr.of(IpAddress.fromBigInt(BigInt(v), 4), 18 + (rnd() % 4)) });
  }
  for (let i = named.length - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    [named[i], named[j]] = [named[j]!, named[i]!];
  }
  let pairs = 0;
  const overlapsMs = await medianMs(() => {
    pairs = findOverlaps(named).length;
  });
  let merged = 0;
  const aggregateMs = await medianMs(() => {
    merged = aggregate(named.map((n) => n.cidr)).length;
  });
  console.log(
    `findOverlaps  10,000 CIDRs: ${overlapsMs.toFixed(2)} ms (${pairs} overlapping pairs)  target ≤ 50 ms`,
  );
  console.log(`aggregate     10,000 CIDRs: ${aggregateMs.toFixed(2)} ms (${merged} blocks out)`);
  benchLine('core_find_overlaps_10k', overlapsMs, 'ms');
  benchLine('core_aggregate_10k', aggregateMs, 'ms');
}

if (isMain(import.meta.url)) await run();
