import type { Cidr } from '@edgeway/core';
import type { AsPathSegment, LargeCommunity } from '../wire/index.js';

/** An address family this speaker carries: IPv4 or IPv6 unicast (AFI 1/2, SAFI 1; RFC 4760 §3). */
export type Family = 'ipv4' | 'ipv6';

/** An optional transitive attribute this speaker does not know, kept to pass on (RFC 4271 §5, §9.1.3). */
export interface UnknownAttribute {
  readonly code: number;
  /** The flags as received; the Partial bit is added when the attribute is passed on (RFC 4271 §4.3). */
  readonly flags: number;
  readonly value: Uint8Array;
}

/**
 * The path attributes of a route, normalized (RFC 4271 §5). Treat as immutable: one object is shared by every
 * prefix of an UPDATE and stored by reference in the RIBs, so identity is a cheap "same attributes" test.
 */
export interface PathAttributes {
  /** ORIGIN (RFC 4271 §5.1.1): 0 IGP, 1 EGP, 2 INCOMPLETE. */
  readonly origin: 0 | 1 | 2;
  /** AS_PATH with 4-octet ASNs; AS4_PATH already merged when the peer is 2-octet (RFC 6793 §4.2.3). */
  readonly asPath: readonly AsPathSegment[];
  /** NEXT_HOP (RFC 4271 §5.1.3) or the global MP_REACH_NLRI next hop (RFC 4760 §3). */
  readonly nextHop: string;
  /** The IPv6 link-local next hop of a 32-byte MP_REACH_NLRI next hop (RFC 2545 §3). */
  readonly linkLocalNextHop?: string;
  /** MULTI_EXIT_DISC (RFC 4271 §5.1.4). */
  readonly med?: number;
  /** LOCAL_PREF (RFC 4271 §5.1.5). */
  readonly localPref?: number;
  /** ATOMIC_AGGREGATE (RFC 4271 §5.1.6). */
  readonly atomicAggregate?: boolean;
  /** AGGREGATOR with a 4-octet ASN (RFC 4271 §5.1.7; AS4_AGGREGATOR merged, RFC 6793 §4.2.3). */
  readonly aggregator?: { readonly asn: number; readonly address: string };
  /** COMMUNITIES as 32-bit values (RFC 1997). */
  readonly communities: readonly number[];
  /** LARGE_COMMUNITY (RFC 8092). */
  readonly largeCommunities: readonly LargeCommunity[];
  /** Unrecognized optional transitive attributes (RFC 4271 §5). */
  readonly unknown: readonly UnknownAttribute[];
}

/** A prefix with its attributes. */
export interface Route {
  readonly prefix: Cidr;
  readonly attrs: PathAttributes;
}

/** The family of a prefix. */
export function familyOf(prefix: Cidr): Family {
  return prefix.network.family === 4 ? 'ipv4' : 'ipv6';
}
