import { type Cidr, IpAddress } from '@edgeway/core';
import { bgpIdToNumber } from '../fsm/index.js';
import { asPathLength } from '../wire/index.js';
import type { PathAttributes } from './types.js';

/** The peer a route was learned from, as best-path selection needs it. */
export interface PeerInfo {
  /** The configured name; identifies the peer in the Loc-RIB. */
  readonly name: string;
  readonly asn: number;
  /** The peer's BGP Identifier, dotted quad (RFC 4271 §4.2). */
  readonly bgpId: string;
  /** The peer's address. */
  readonly address: string;
  /** Whether the peer is external (a different AS). */
  readonly ebgp: boolean;
}

/**
 * Where a route comes from and what it carries, without its prefix: the Loc-RIB interns one per (peer,
 * attributes object, stale flag), so a million prefixes from one UPDATE stream share a handful.
 */
export interface Path {
  readonly peer: PeerInfo;
  readonly attrs: PathAttributes;
  /** Kept through the peer's graceful restart and not yet refreshed (RFC 4724 §4.2). */
  readonly stale?: boolean;
}

/** A route competing for a prefix in the Loc-RIB. */
export interface Candidate extends Path {
  readonly prefix: Cidr;
}

/**
 * The decision steps in order; {@link compareCandidates} returns ± the 1-based index of the step that decided.
 * Step `stale` is ours (RFC 4724 leaves it open), `local-pref` is RFC 4271 §9.1.1/§9.1.2.1, the rest are
 * §9.1.2.2 a-g without the IGP cost step (e; there is no IGP here), and `peer-name` makes the order total.
 */
export const BEST_PATH_STEPS = [
  'stale',
  'local-pref',
  'as-path-length',
  'origin',
  'med',
  'ebgp-over-ibgp',
  'bgp-identifier',
  'peer-address',
  'peer-name',
] as const;

/** One step of {@link BEST_PATH_STEPS}. */
export type BestPathStep = (typeof BEST_PATH_STEPS)[number];

/** The default LOCAL_PREF when a route has none (RFC 4271 §5.1.5 leaves it local; 100 is the usual default). */
export const DEFAULT_LOCAL_PREF = 100;

interface PeerKey {
  readonly id: number;
  readonly address: IpAddress | undefined;
}
const peerKeys = new WeakMap<PeerInfo, PeerKey>();

function peerKey(p: PeerInfo): PeerKey {
  let k = peerKeys.get(p);
  if (k === undefined) {
    let id = 0;
    let address: IpAddress | undefined;
    try {
      id = bgpIdToNumber(p.bgpId);
    } catch {}
    try {
      address = IpAddress.parse(p.address);
    } catch {}
    k = { id, address };
    peerKeys.set(p, k);
  }
  return k;
}

/** The neighbouring AS of a route (RFC 4271 §9.1.2.2 c): the leftmost AS of AS_PATH, else the peer's AS. */
function neighbourAs(c: Path): number {
  for (const s of c.attrs.asPath) {
    if (s.type === 'confed-sequence' || s.type === 'confed-set') continue;
    return s.type === 'sequence' && s.asns.length > 0 ? s.asns[0]! : c.peer.asn;
  }
  return c.peer.asn;
}

/**
 * Orders two candidates for the same prefix by the BGP decision process (RFC 4271 §9.1.2): negative when `a`
 * is preferred, positive when `b` is, 0 when they are from the same peer with the same preference. The absolute
 * value is the 1-based index in {@link BEST_PATH_STEPS} of the step that decided:
 * stale routes lose (RFC 4724); higher LOCAL_PREF (default 100); shorter AS_PATH (an AS_SET counts 1,
 * confederation segments 0); lower ORIGIN; lower MED, only between routes from the same neighbouring AS, a
 * missing MED counting 0; eBGP over iBGP; lower peer BGP Identifier; lower peer address; then peer name.
 * MED makes the relation non-transitive with three or more neighbouring ASes (the known MED ordering issue,
 * RFC 4271 §9.1.2.2 c); {@link LocRib} picks by a linear scan, so the result may depend on arrival order then.
 */
export function compareCandidates(a: Path, b: Path): number {
  const x = a.attrs;
  const y = b.attrs;
  if ((a.stale ?? false) !== (b.stale ?? false)) return a.stale ? 1 : -1;
  const lpA = x.localPref ?? DEFAULT_LOCAL_PREF;
  const lpB = y.localPref ?? DEFAULT_LOCAL_PREF;
  if (lpA !== lpB) return lpA > lpB ? -2 : 2;
  const lenA = asPathLength(x.asPath);
  const lenB = asPathLength(y.asPath);
  if (lenA !== lenB) return lenA < lenB ? -3 : 3;
  if (x.origin !== y.origin) return x.origin < y.origin ? -4 : 4;
  const medA = x.med ?? 0;
  const medB = y.med ?? 0;
  if (medA !== medB && neighbourAs(a) === neighbourAs(b)) return medA < medB ? -5 : 5;
  if (a.peer.ebgp !== b.peer.ebgp) return a.peer.ebgp ? -6 : 6;
  if (a.peer === b.peer) return 0;
  const pa = peerKey(a.peer);
  const pb = peerKey(b.peer);
  if (pa.id !== pb.id) return pa.id < pb.id ? -7 : 7;
  if (pa.address !== undefined && pb.address !== undefined) {
    const c = IpAddress.compare(pa.address, pb.address);
    if (c !== 0) return c < 0 ? -8 : 8;
  }
  if (a.peer.name !== b.peer.name) return a.peer.name < b.peer.name ? -9 : 9;
  return 0;
}

/** The step of {@link BEST_PATH_STEPS} that decided a {@link compareCandidates} result, or undefined for 0. */
export function decidingStep(result: number): BestPathStep | undefined {
  return result === 0 ? undefined : BEST_PATH_STEPS[Math.abs(result) - 1];
}
