import { type Cidr, IpAddress, type ReceivedRoute } from '@edgeway/core';
import { formatCommunity, formatLargeCommunity, type PathAttributes } from '../rib/index.js';

/**
 * A route of an Adj-RIB-In as core's {@link ReceivedRoute}: AS_PATH flattened (AS_SET members in order),
 * communities as `asn:value` or their well-known names (RFC 1997), large communities as `g:l1:l2` (RFC 8092).
 */
export function toReceivedRoute(
  peer: string,
  prefix: Cidr,
  attrs: PathAttributes,
  stale: boolean,
): ReceivedRoute {
  return {
    peer,
    prefix,
    nextHop: IpAddress.parse(attrs.nextHop),
    asPath: attrs.asPath.flatMap((s) => s.asns),
    communities: attrs.communities.map(formatCommunity),
    largeCommunities: attrs.largeCommunities.map(formatLargeCommunity),
    ...(attrs.localPref === undefined ? {} : { localPref: attrs.localPref }),
    ...(attrs.med === undefined ? {} : { med: attrs.med }),
    ...(stale ? { stale: true } : {}),
  };
}
