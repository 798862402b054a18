import type { Cidr } from '@edgeway/core';
import {
  Afi,
  AS_TRANS,
  type AsPathSegment,
  AttrFlag,
  effectiveAsPath,
  endOfRib,
  type LargeCommunity,
  type UpdateMessage,
} from '../wire/index.js';
import type { Family, PathAttributes, UnknownAttribute } from './types.js';

/** What one UPDATE announces and withdraws, by family. */
export interface UpdateRoutes {
  /** Announced prefixes; all prefixes of one entry share one {@link PathAttributes} object. */
  readonly announced: {
    readonly family: Family;
    readonly prefixes: readonly Cidr[];
    readonly attrs: PathAttributes;
  }[];
  readonly withdrawn: { readonly family: Family; readonly prefixes: readonly Cidr[] }[];
  /** Set when the UPDATE is an End-of-RIB marker (RFC 4724 §2). */
  readonly endOfRib?: Family;
}

const EMPTY: readonly never[] = Object.freeze([]);

function familyOfAfi(afi: number): Family | undefined {
  return afi === Afi.Ipv4 ? 'ipv4' : afi === Afi.Ipv6 ? 'ipv6' : undefined;
}

/**
 * Turns a decoded UPDATE (RFC 4271 §4.3) into routes. IPv4 comes from NLRI / Withdrawn Routes, other families
 * from MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760 §3-4). From a peer without the 4-octet AS capability
 * (`fourOctetAs: false`), AS4_PATH is merged into AS_PATH and AS4_AGGREGATOR replaces an AGGREGATOR of
 * AS_TRANS (RFC 6793 §4.2.3); from a 4-octet peer both are ignored (RFC 6793 §4.1). Unrecognized optional
 * transitive attributes are kept, non-transitive ones dropped (RFC 4271 §5). An UPDATE the codec handled as
 * treat-as-withdraw (RFC 7606 §2) already has its NLRI in the withdrawals and no other attributes, so it
 * yields withdrawals only. End-of-RIB (RFC 4724 §2: an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI for
 * others) is reported in `endOfRib`.
 */
export function routesFromUpdate(msg: UpdateMessage, opts: { readonly fourOctetAs: boolean }): UpdateRoutes {
  const announced: { family: Family; prefixes: readonly Cidr[]; attrs: PathAttributes }[] = [];
  const withdrawn: { family: Family; prefixes: readonly Cidr[] }[] = [];
  const eor = endOfRib(msg);
  if (eor !== undefined) {
    const family = eor.safi === 1 ? familyOfAfi(eor.afi) : undefined;
    return family === undefined ? { announced, withdrawn } : { announced, withdrawn, endOfRib: family };
  }
  if (msg.withdrawn.length > 0) withdrawn.push({ family: 'ipv4', prefixes: msg.withdrawn });

  let origin: 0 | 1 | 2 = 0;
  let nextHop: string | undefined;
  let med: number | undefined;
  let localPref: number | undefined;
  let atomicAggregate = false;
  let aggregator: { asn: number; address: string } | undefined;
  let as4Aggregator: { asn: number; address: string } | undefined;
  let communities: readonly number[] = EMPTY;
  let largeCommunities: readonly LargeCommunity[] = EMPTY;
  let asPath: readonly AsPathSegment[] = EMPTY;
  let unknown: UnknownAttribute[] | undefined;
  let mpReach:
    | { family: Family; nextHop: string; linkLocalNextHop?: string; nlri: readonly Cidr[] }
    | undefined;
  let hasAs4Path = false;

  for (const a of msg.attributes) {
    switch (a.type) {
      case 'origin':
        origin = a.origin as 0 | 1 | 2;
        break;
      case 'as-path':
        asPath = a.segments;
        break;
      case 'as4-path':
        hasAs4Path = true;
        break;
      case 'next-hop':
        nextHop = a.nextHop;
        break;
      case 'med':
        med = a.med;
        break;
      case 'local-pref':
        localPref = a.localPref;
        break;
      case 'atomic-aggregate':
        atomicAggregate = true;
        break;
      case 'aggregator':
        aggregator = { asn: a.asn, address: a.address };
        break;
      case 'as4-aggregator':
        as4Aggregator = { asn: a.asn, address: a.address };
        break;
      case 'communities':
        communities = a.communities;
        break;
      case 'large-communities':
        largeCommunities = a.communities;
        break;
      case 'mp-unreach': {
        const family = a.safi === 1 ? familyOfAfi(a.afi) : undefined;
        if (family !== undefined && a.withdrawn.length > 0) withdrawn.push({ family, prefixes: a.withdrawn });
        break;
      }
      case 'mp-reach': {
        const family = a.safi === 1 ? familyOfAfi(a.afi) : undefined;
        if (family !== undefined && a.nlri.length > 0) {
          mpReach = { family, nextHop: a.nextHop, nlri: a.nlri };
          if (a.linkLocalNextHop !== undefined) mpReach.linkLocalNextHop = a.linkLocalNextHop;
        }
        break;
      }
      case 'unknown': {
        const transitive = (a.flags & (AttrFlag.Optional | AttrFlag.Transitive)) === 0xc0;
        // MP attributes of families we do not carry arrive as unknown; they are never passed on.
        if (transitive && a.code !== 14 && a.code !== 15) {
          unknown ??= [];
          unknown.push({ code: a.code, flags: a.flags, value: a.value });
        }
        break;
      }
    }
  }
  if (msg.nlri.length === 0 && mpReach === undefined) return { announced, withdrawn };

  if (!opts.fourOctetAs) {
    // RFC 6793 §4.2.3: AS4_PATH is ignored when AGGREGATOR carries a real 2-octet AS (effectiveAsPath).
    if (hasAs4Path) asPath = effectiveAsPath(msg.attributes);
    if (aggregator?.asn === AS_TRANS && as4Aggregator !== undefined) aggregator = as4Aggregator;
  }
  const base: PathAttributes = {
    origin,
    asPath,
    nextHop: '',
    communities,
    largeCommunities,
    unknown: unknown ?? EMPTY,
    ...(med === undefined ? {} : { med }),
    ...(localPref === undefined ? {} : { localPref }),
    ...(atomicAggregate ? { atomicAggregate } : {}),
    ...(aggregator === undefined ? {} : { aggregator }),
  };
  if (msg.nlri.length > 0 && nextHop !== undefined) {
    announced.push({ family: 'ipv4', prefixes: msg.nlri, attrs: { ...base, nextHop } });
  }
  if (mpReach !== undefined) {
    const attrs: PathAttributes =
      mpReach.linkLocalNextHop === undefined
        ? { ...base, nextHop: mpReach.nextHop }
        : { ...base, nextHop: mpReach.nextHop, linkLocalNextHop: mpReach.linkLocalNextHop };
    announced.push({ family: mpReach.family, prefixes: mpReach.nlri, attrs });
  }
  return { announced, withdrawn };
}
