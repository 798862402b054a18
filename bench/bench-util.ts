/** Helpers shared by the benchmark modules. */

/** Prints one machine-readable result line, as BRIEF.md describes. */
export function benchLine(
  name: string,
  ours: number,
  unit: string,
  peer?: { value: number; name: string },
): void {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(3));
  const parts = [`BENCH ${name}`, `ours=${fmt(ours)}`];
  if (peer) parts.push(`peer=${fmt(peer.value)}`, `ratio=${(ours / peer.value).toFixed(3)}`);
  parts.push(`unit=${unit}`);
  if (peer) parts.push(`peer_name=${peer.name}`);
  console.log(parts.join(' '));
}

/** The median of several timings of `fn` in milliseconds, after `warmup` untimed runs. */
export async function medianMs(fn: () => unknown, runs = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** True when run as `node --import tsx bench/<file>.ts` rather than imported by run.ts. */
export function isMain(importMetaUrl: string): boolean {
  return process.argv[1] !== undefined && importMetaUrl.endsWith(process.argv[1].split('/').pop()!);
}
