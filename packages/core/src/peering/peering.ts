import type { Cidr } from '../net/cidr.js';
import type { IpAddress } from '../net/ip.js';

/** A BGP community (RFC 1997) as `asn:value`, e.g. `65000:100`, or a well-known name (`no-export`, …). */
export type Community = string;

/** A large community (RFC 8092) as `global:local1:local2`. */
export type LargeCommunity = string;

/**
 * One prefix to announce. Path attributes not given are left to the speaker's export policy (next hop self,
 * no MED, the speaker's default local preference on iBGP).
 */
export interface Advertisement {
  readonly prefix: Cidr;
  /** The next hop to announce; default: the speaker's own address on the session (next-hop-self). */
  readonly nextHop?: IpAddress;
  readonly communities?: readonly Community[];
  readonly largeCommunities?: readonly LargeCommunity[];
  /** LOCAL_PREF (RFC 4271 §5.1.5), iBGP only. */
  readonly localPref?: number;
  /** MULTI_EXIT_DISC (RFC 4271 §5.1.4). */
  readonly med?: number;
  /** Times to prepend the local AS to AS_PATH. */
  readonly asPathPrepend?: number;
  /** Restrict the advertisement to these peers (by name); default: every peer. */
  readonly peers?: readonly string[];
}

/** A session's state (RFC 4271 §8.2.2). */
export type PeerState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established';

/** What a peering implementation reports of one peer. */
export interface PeerStatus {
  /** The configured name of the peer. */
  readonly name: string;
  readonly address: IpAddress;
  readonly asn: number;
  readonly state: PeerState;
  /** Milliseconds since the session reached `established`; absent otherwise. */
  readonly establishedForMs?: number;
  /** Prefixes accepted from the peer after import policy. */
  readonly received: number;
  /** Prefixes announced to the peer after export policy. */
  readonly advertised: number;
  /** The last error that took the session down (e.g. a NOTIFICATION received or sent). */
  readonly lastError?: { readonly code: string; readonly message: string };
}

/** A route learned from a peer, after import policy. */
export interface ReceivedRoute {
  readonly peer: string;
  readonly prefix: Cidr;
  readonly nextHop: IpAddress;
  /** AS_PATH flattened to the sequence of ASNs (AS_SETs expanded in order). */
  readonly asPath: readonly number[];
  readonly communities: readonly Community[];
  readonly largeCommunities: readonly LargeCommunity[];
  readonly localPref?: number;
  readonly med?: number;
  /** True while kept during a peer's graceful restart (RFC 4724) and not yet refreshed. */
  readonly stale?: boolean;
}

/** What a peering implementation tells its listeners. */
export type PeeringEvent =
  | {
      readonly type: 'peer-state';
      readonly peer: string;
      readonly state: PeerState;
      readonly previous: PeerState;
    }
  | {
      readonly type: 'routes';
      readonly peer: string;
      readonly announced: readonly ReceivedRoute[];
      readonly withdrawn: readonly Cidr[];
    };

/**
 * Declarative route exchange with routers, in the style of MetalLB's `Session.Set`: the caller hands over the
 * whole set of advertisements every time, and the implementation computes what to announce and withdraw.
 * `@edgeway/bgp`'s speaker is one implementation.
 */
export interface Peering {
  /** Replaces everything advertised with `advertisements`. Resolves once the change is queued to every peer. */
  set(advertisements: readonly Advertisement[]): Promise<void>;
  /** The state of every configured peer. */
  status(): readonly PeerStatus[];
  /** Routes accepted from peers now (Adj-RIB-In after import policy). */
  received(): readonly ReceivedRoute[];
  /** Subscribes to events; returns the function that unsubscribes. */
  subscribe(listener: (event: PeeringEvent) => void): () => void;
  /** Closes every session (with a Cease NOTIFICATION where the protocol has one) and releases sockets and timers. */
  close(): Promise<void>;
}
