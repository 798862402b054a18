import type { FsmStateName } from '../fsm/index.js';
import type { RouteRefreshMessage, UpdateMessage } from '../wire/index.js';

/** An address family the session can negotiate (RFC 4760: AFI 1/2, SAFI 1 unicast). */
export type Family = 'ipv4' | 'ipv6';

/** The configuration of one BGP peer (RFC 4271 §8 session attributes, plus the capabilities we announce). */
export interface SessionConfig {
  /** A name for logs and events. */
  readonly name: string;
  /** The peer's address (IPv4 or IPv6). */
  readonly peerAddress: string;
  /** The AS the peer must announce in its OPEN (RFC 4271 §6.2, else 2/2 Bad Peer AS). */
  readonly peerAsn: number;
  /** Our AS (4-octet allowed; My AS carries AS_TRANS when it does not fit 2 octets, RFC 6793 §4.1). */
  readonly localAsn: number;
  /** Our BGP Identifier, a dotted quad. */
  readonly routerId: string;
  /** The peer's TCP port for outgoing connections (default 179). */
  readonly peerPort?: number;
  /** Source address of outgoing connections. */
  readonly localAddress?: string;
  /** Source port of outgoing connections. */
  readonly localPort?: number;
  /** Never connect: only accept the peer's connections (RFC 4271 §8.1.1 PassiveTcpEstablishment). */
  readonly passive?: boolean;
  /** Our Hold Time in seconds: 0 or ≥ 3 (RFC 4271 §4.2). */
  readonly holdTime: number;
  /**
   * Reconnect delay of active peers, replacing the ConnectRetry timer: exponential backoff with jitter between
   * `minMs` and `maxMs` (default 1 s .. 60 s), reset once Established.
   */
  readonly connectRetry?: { readonly minMs: number; readonly maxMs: number };
  /** How long an outgoing TCP connection may take before it is abandoned (default 30 s). */
  readonly connectTimeoutMs?: number;
  /** One multiprotocol capability per family (RFC 4760 §8). */
  readonly families: readonly Family[];
  /** Announce the extended message capability (RFC 8654). */
  readonly extendedMessages: boolean;
  /** The route refresh capability (RFC 2918) is always announced. */
  readonly routeRefresh?: true;
  /** Announce the graceful restart capability (RFC 4724 §3) with the R bit and a per-family F bit. */
  readonly gracefulRestart?: {
    readonly restartTime: number;
    readonly restarting: boolean;
    readonly forwardingPreserved: boolean;
  };
}

/** The peer's graceful restart capability (RFC 4724 §3), restricted to the families we know. */
export interface PeerGracefulRestart {
  readonly restartTime: number;
  /** The R bit: the peer has restarted. */
  readonly restarting: boolean;
  readonly families: readonly { readonly family: Family; readonly forwardingPreserved: boolean }[];
}

/** What the two OPENs of an Established session agreed on. */
export interface Negotiated {
  readonly peerAsn: number;
  readonly peerBgpId: string;
  /** min(ours, theirs) in seconds (RFC 4271 §4.2). */
  readonly holdTime: number;
  readonly keepaliveTime: number;
  /** Both sides announced the 4-octet AS capability (RFC 6793). */
  readonly fourOctetAs: boolean;
  /** Both sides announced extended messages (RFC 8654): messages up to 65,535 bytes. */
  readonly extendedMessages: boolean;
  /** Families announced by both (IPv4 unicast when the peer sent no multiprotocol capability, RFC 4760 §8). */
  readonly families: readonly Family[];
  /** Both sides announced route refresh (RFC 2918). */
  readonly routeRefresh: boolean;
  /** Enhanced route refresh (RFC 7313) is not supported. */
  readonly enhancedRouteRefresh?: false;
  /** The peer's graceful restart capability, when it sent one (RFC 4724). */
  readonly peerGracefulRestart?: PeerGracefulRestart;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** A NOTIFICATION that ended a session. */
export interface DownNotification {
  readonly direction: 'sent' | 'received';
  readonly code: number;
  readonly subcode: number;
  /** The RFC 8203 / RFC 9003 shutdown communication, when there was one. */
  readonly message?: string;
}

/** The payload of the `down` event. */
export interface SessionDown {
  /** A short reason: the FSM event (`HoldTimer_Expires`, `NotifMsg`, `TcpConnectionFails`, …), `stop`, `abort`. */
  readonly reason: string;
  readonly notification?: DownNotification;
  /**
   * True when the session left Established without a NOTIFICATION sent or received (TCP reset or close, abort):
   * the case in which RFC 4724 §4.2 keeps the peer's routes as stale (when the peer announced graceful restart,
   * see {@link Negotiated.peerGracefulRestart}). A hold-timer expiry sends a NOTIFICATION (4/0), so it is not
   * graceful: we do not announce the RFC 8538 N bit.
   */
  readonly graceful: boolean;
}

/** The events of a {@link BgpSession}, as listener signatures. */
export interface SessionEvents {
  state: (state: FsmStateName, previous: FsmStateName) => void;
  established: (negotiated: Negotiated) => void;
  update: (message: UpdateMessage) => void;
  'route-refresh': (message: RouteRefreshMessage) => void;
  drain: () => void;
  down: (info: SessionDown) => void;
}
