import { Cidr } from '@edgeway/core';
import type { PeerInfo } from './best-path.js';
import type { PathAttributes } from './types.js';

/** Parses a prefix (tests only). */
export const c = (t: string): Cidr => Cidr.parse(t);

/** Attributes with defaults: IGP, AS_PATH 65001, next hop 192.0.2.1 (tests only). */
export function attrs(over: Partial<PathAttributes> = {}): PathAttributes {
  return {
    origin: 0,
    asPath: [{ type: 'sequence', asns: [65001] }],
    nextHop: '192.0.2.1',
    communities: [],
    largeCommunities: [],
    unknown: [],
    ...over,
  };
}

/** A peer (tests only). */
export function peer(name: string, over: Partial<PeerInfo> = {}): PeerInfo {
  return { name, asn: 65001, bgpId: '192.0.2.1', address: '192.0.2.1', ebgp: true, ...over };
}

/** `count` consecutive /len IPv4 prefixes from `start` (tests only). */
export function v4Prefixes(start: string, count: number, len = 24): Cidr[] {
  const base = Cidr.parse(start);
  const out: Cidr[] = [];
  const step = 2n ** BigInt(32 - len);
  for (let i = 0n; i < BigInt(count); i++) out.push(Cidr.parse(`${intToV4(base.start + i * step)}/${len}`));
  return out;
}

function intToV4(v: bigint): string {
  const n = Number(v);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
