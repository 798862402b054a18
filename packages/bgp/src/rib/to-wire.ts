import { AS_TRANS, type AsPathSegment, AttrCode, AttrFlag, type PathAttribute } from '../wire/index.js';
import type { Family, PathAttributes } from './types.js';

/** How attributes are sent on one session. */
export interface WireAttributeOptions {
  readonly family: Family;
  /** The session negotiated 4-octet ASNs (RFC 6793 §3). */
  readonly fourOctetAs: boolean;
  /** The peer is external: LOCAL_PREF is not sent (RFC 4271 §5.1.5). */
  readonly ebgp: boolean;
}

const CODES: Record<Exclude<PathAttribute['type'], 'unknown'>, number> = {
  origin: AttrCode.Origin,
  'as-path': AttrCode.AsPath,
  'next-hop': AttrCode.NextHop,
  med: AttrCode.MultiExitDisc,
  'local-pref': AttrCode.LocalPref,
  'atomic-aggregate': AttrCode.AtomicAggregate,
  aggregator: AttrCode.Aggregator,
  communities: AttrCode.Communities,
  'mp-reach': AttrCode.MpReachNlri,
  'mp-unreach': AttrCode.MpUnreachNlri,
  'as4-path': AttrCode.As4Path,
  'as4-aggregator': AttrCode.As4Aggregator,
  'large-communities': AttrCode.LargeCommunity,
};

/** The type code of an attribute (RFC 4271 §4.3). */
function codeOf(a: PathAttribute): number {
  return a.type === 'unknown' ? a.code : CODES[a.type];
}

const isWide = (asn: number) => asn > 0xffff;

function toTwoOctet(path: readonly AsPathSegment[]): readonly AsPathSegment[] {
  return path.map((s) =>
    s.asns.some(isWide) ? { type: s.type, asns: s.asns.map((a) => (isWide(a) ? AS_TRANS : a)) } : s,
  );
}

/**
 * The wire attributes of a route, sorted by type code, without NLRI and without MP_REACH_NLRI (which the
 * caller puts first, RFC 7606 §5.1): NEXT_HOP only for IPv4 (RFC 4760 §3 leaves it out when only
 * MP_REACH_NLRI carries NLRI); no LOCAL_PREF to an eBGP peer (RFC 4271 §5.1.5); to a 2-octet peer every ASN
 * above 65535 in AS_PATH and AGGREGATOR becomes AS_TRANS and the real ones go in AS4_PATH (without
 * confederation segments) and AS4_AGGREGATOR (RFC 6793 §4.2.2); unknown optional transitive attributes get
 * the Partial bit (RFC 4271 §5).
 */
export function toWireAttributes(attrs: PathAttributes, opts: WireAttributeOptions): PathAttribute[] {
  const out: PathAttribute[] = [{ type: 'origin', origin: attrs.origin }];
  const twoOctet = !opts.fourOctetAs;
  const widePath = twoOctet && attrs.asPath.some((s) => s.asns.some(isWide));
  out.push({ type: 'as-path', segments: widePath ? toTwoOctet(attrs.asPath) : attrs.asPath });
  if (opts.family === 'ipv4') out.push({ type: 'next-hop', nextHop: attrs.nextHop });
  if (attrs.med !== undefined) out.push({ type: 'med', med: attrs.med });
  if (attrs.localPref !== undefined && !opts.ebgp)
    out.push({ type: 'local-pref', localPref: attrs.localPref });
  if (attrs.atomicAggregate) out.push({ type: 'atomic-aggregate' });
  const agg = attrs.aggregator;
  const wideAgg = twoOctet && agg !== undefined && isWide(agg.asn);
  if (agg !== undefined) {
    out.push({ type: 'aggregator', asn: wideAgg ? AS_TRANS : agg.asn, address: agg.address });
  }
  if (attrs.communities.length > 0) out.push({ type: 'communities', communities: attrs.communities });
  if (widePath) {
    const segments = attrs.asPath.filter((s) => s.type === 'sequence' || s.type === 'set');
    out.push({ type: 'as4-path', segments });
  }
  if (wideAgg) out.push({ type: 'as4-aggregator', asn: agg.asn, address: agg.address });
  if (attrs.largeCommunities.length > 0) {
    out.push({ type: 'large-communities', communities: attrs.largeCommunities });
  }
  for (const u of attrs.unknown) {
    if (u.code === AttrCode.MpReachNlri || u.code === AttrCode.MpUnreachNlri) continue;
    if (u.code === AttrCode.As4Path || u.code === AttrCode.As4Aggregator) continue;
    out.push({ type: 'unknown', code: u.code, flags: u.flags | AttrFlag.Partial, value: u.value });
  }
  // Known attributes were pushed in type-code order; unknown ones are sorted in by their codes.
  if (attrs.unknown.length > 0) out.sort((a, b) => codeOf(a) - codeOf(b));
  return out;
}
