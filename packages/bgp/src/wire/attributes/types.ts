import type { Cidr } from '@edgeway/core';

/** Path attribute type codes (IANA; RFC 4271 §5, 1997, 4760, 6793, 8092). */
export const AttrCode = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  As4Path: 17,
  As4Aggregator: 18,
  LargeCommunity: 32,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). */
export const AttrFlag = { Optional: 0x80, Transitive: 0x40, Partial: 0x20, ExtendedLength: 0x10 } as const;

/** ORIGIN values (RFC 4271 §5.1.1). */
export const Origin = { Igp: 0, Egp: 1, Incomplete: 2 } as const;

/** An AS_PATH segment (RFC 4271 §4.3; confederation types from RFC 5065). */
export interface AsPathSegment {
  readonly type: 'sequence' | 'set' | 'confed-sequence' | 'confed-set';
  readonly asns: readonly number[];
}

/** A large community (RFC 8092 §3). */
export interface LargeCommunity {
  readonly globalAdmin: number;
  readonly local1: number;
  readonly local2: number;
}

/** A decoded path attribute (RFC 4271 §4.3 and the RFCs per type). Unknown ones keep their flags and bytes. */
export type PathAttribute =
  | { readonly type: 'origin'; readonly origin: number }
  | { readonly type: 'as-path'; readonly segments: readonly AsPathSegment[] }
  | { readonly type: 'next-hop'; readonly nextHop: string }
  | { readonly type: 'med'; readonly med: number }
  | { readonly type: 'local-pref'; readonly localPref: number }
  | { readonly type: 'atomic-aggregate' }
  | { readonly type: 'aggregator'; readonly asn: number; readonly address: string }
  | { readonly type: 'communities'; readonly communities: readonly number[] }
  | {
      readonly type: 'mp-reach';
      readonly afi: number;
      readonly safi: number;
      readonly nextHop: string;
      /** The IPv6 link-local next hop of a 32-byte next hop (RFC 2545 §3). */
      readonly linkLocalNextHop?: string;
      readonly nlri: readonly Cidr[];
    }
  | {
      readonly type: 'mp-unreach';
      readonly afi: number;
      readonly safi: number;
      readonly withdrawn: readonly Cidr[];
    }
  | { readonly type: 'as4-path'; readonly segments: readonly AsPathSegment[] }
  | { readonly type: 'as4-aggregator'; readonly asn: number; readonly address: string }
  | { readonly type: 'large-communities'; readonly communities: readonly LargeCommunity[] }
  | { readonly type: 'unknown'; readonly code: number; readonly flags: number; readonly value: Uint8Array };

/** Codec options that depend on the negotiated session. */
export interface AttributeCodecOptions {
  /** Both sides announced the 4-octet AS capability: AS_PATH and AGGREGATOR carry 4-octet ASNs (RFC 6793 §4.1). */
  readonly fourOctetAs?: boolean;
}
