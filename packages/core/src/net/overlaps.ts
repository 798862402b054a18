import { Cidr } from './cidr.js';

/** A block with the name it is known by (`vpc`, `vsw-a`, `edge-pods`, `service`, `dc-lan-1`…). */
export interface NamedCidr {
  readonly name: string;
  readonly cidr: Cidr;
}

/** Two named blocks that share addresses; `outer` contains `inner` (CIDRs never partly overlap). */
export interface CidrOverlap {
  readonly outer: NamedCidr;
  readonly inner: NamedCidr;
}

/**
 * Every pair of overlapping blocks among named ones. Because two CIDRs either nest or are disjoint, one sort and a
 * sweep with a stack of enclosing blocks finds all pairs in O(n log n + pairs) — not pairwise. Identical blocks
 * under two names are reported (the first given as `outer`). IPv4 and IPv6 never overlap.
 *
 * This enforces the Terway Edge caution that the container CIDR must not overlap any other CIDR known to the
 * data-centre gateway.
 */
export function findOverlaps(named: readonly NamedCidr[]): CidrOverlap[] {
  const order = named.map((_, i) => i);
  order.sort((a, b) => Cidr.compare(named[a]!.cidr, named[b]!.cidr) || a - b);
  const out: CidrOverlap[] = [];
  const stack: NamedCidr[] = [];
  for (const i of order) {
    const cur = named[i]!;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.cidr.family === cur.cidr.family && top.cidr.end >= cur.cidr.start) break;
      stack.pop();
    }
    for (const outer of stack) out.push({ outer, inner: cur });
    stack.push(cur);
  }
  return out;
}
