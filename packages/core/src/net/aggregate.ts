import { Cidr } from './cidr.js';
import { IpAddress, type IpFamily } from './ip.js';

/** Sorts a copy of `cidrs` by {@link Cidr.compare}: IPv4 first, then address, then larger blocks first. */
export function sortCidrs(cidrs: Iterable<Cidr>): Cidr[] {
  return Array.from(cidrs).sort(Cidr.compare);
}

/**
 * The fewest CIDRs that cover exactly the union of `cidrs` (no address added, none lost), sorted; overlapping,
 * nested and adjacent blocks are merged (`10.0.0.0/25` + `10.0.0.128/25` → `10.0.0.0/24`). IPv4 and IPv6 are
 * aggregated separately and both returned. Runs in O(n log n).
 */
export function aggregate(cidrs: Iterable<Cidr>): Cidr[] {
  const sorted = sortCidrs(cidrs);
  const out: Cidr[] = [];
  let family: IpFamily | undefined;
  let start = 0n;
  let end = -1n;
  const flush = () => {
    if (family !== undefined && end >= start) out.push(...rangeToCidrs(start, end, family));
  };
  for (const c of sorted) {
    if (c.family === family && c.start <= end + 1n) {
      if (c.end > end) end = c.end;
      continue;
    }
    flush();
    family = c.family;
    start = c.start;
    end = c.end;
  }
  flush();
  return out;
}

/**
 * The fewest CIDRs covering exactly the inclusive address range `start..end` of one family, in order.
 */
export function rangeToCidrs(start: bigint, end: bigint, family: IpFamily): Cidr[] {
  const bits = family === 4 ? 32 : 128;
  const out: Cidr[] = [];
  let cur = start;
  while (cur <= end) {
    // Largest aligned block starting at `cur` that does not pass `end`.
    let hostBits = cur === 0n ? bits : trailingZeros(cur, bits);
    while (hostBits > 0 && cur + (1n << BigInt(hostBits)) - 1n > end) hostBits--;
    out.push(Cidr.of(IpAddress.fromBigInt(cur, family), bits - hostBits));
    cur += 1n << BigInt(hostBits);
  }
  return out;
}

function trailingZeros(v: bigint, max: number): number {
  let n = 0;
  while (n < max && ((v >> BigInt(n)) & 1n) === 0n) n++;
  return n;
}
