/**
 * Types of the pure BGP-4 finite state machine (RFC 4271 §8).
 *
 * The FSM never touches sockets or clocks: it consumes {@link FsmEvent}s (RFC 4271 §8.1 events, with the decoded
 * message fields it needs as plain data) and emits {@link FsmAction}s that an I/O session carries out — including
 * starting and stopping the ConnectRetry, Hold and Keepalive timers on an injected clock and feeding their expiry
 * back as `*_Expires` events.
 *
 * @module
 */

/** The six states of RFC 4271 §8.2.2. */
export type FsmStateName = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** All FSM states, in RFC order. */
export const FSM_STATES: readonly FsmStateName[] = [
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
];

/** The timers the FSM asks its session to run (RFC 4271 §8.1.3; DelayOpen and IdleHold are not supported). */
export type FsmTimer = 'connect-retry' | 'hold' | 'keepalive';

/** The fields of a received, already validated OPEN message that the FSM needs (RFC 4271 §4.2). */
export interface OpenInfo {
  /** The peer's proposed Hold Time in seconds (0, or ≥ 3; the codec rejects 1 and 2 with 2/6). */
  readonly holdTime: number;
  /** The peer's BGP Identifier: a 32-bit number or a dotted quad. */
  readonly bgpId: number | string;
  /** The peer's AS number (the 4-octet one when RFC 6793 is negotiated). */
  readonly asn: number;
}

/** An error that the codec found, to be reported in a NOTIFICATION (RFC 4271 §4.5, §6). */
export interface WireError {
  readonly code: number;
  readonly subcode: number;
}

/** Administrative events (RFC 4271 §8.1.2, Events 1–8; 6 and 7 are not supported). */
export type AdministrativeEvent =
  | { readonly type: 'ManualStart' }
  | { readonly type: 'ManualStop' }
  | { readonly type: 'AutomaticStart' }
  | { readonly type: 'ManualStart_with_PassiveTcpEstablishment' }
  | { readonly type: 'AutomaticStart_with_PassiveTcpEstablishment' }
  /** Event 8. `subcode` is the RFC 4486 Cease subcode sent when a session exists (default 0). */
  | { readonly type: 'AutomaticStop'; readonly subcode?: number };

/** Timer events (RFC 4271 §8.1.3, Events 9–11). */
export type TimerEvent =
  | { readonly type: 'ConnectRetryTimer_Expires' }
  | { readonly type: 'HoldTimer_Expires' }
  | { readonly type: 'KeepaliveTimer_Expires' };

/** TCP connection events (RFC 4271 §8.1.4, Events 14–18). */
export type TcpEvent =
  | { readonly type: 'TcpConnection_Valid' }
  | { readonly type: 'Tcp_CR_Invalid' }
  | { readonly type: 'Tcp_CR_Acked' }
  | { readonly type: 'TcpConnectionConfirmed' }
  | { readonly type: 'TcpConnectionFails' };

/** BGP message events (RFC 4271 §8.1.5, Events 19, 21–28; 20 needs DelayOpen and is not supported). */
export type BgpMessageEvent =
  | { readonly type: 'BGPOpen'; readonly open: OpenInfo }
  | { readonly type: 'BGPHeaderErr'; readonly error: WireError }
  | { readonly type: 'BGPOpenMsgErr'; readonly error: WireError }
  | { readonly type: 'OpenCollisionDump' }
  | { readonly type: 'NotifMsgVerErr' }
  | { readonly type: 'NotifMsg' }
  | { readonly type: 'KeepAliveMsg' }
  | { readonly type: 'UpdateMsg' }
  | { readonly type: 'UpdateMsgErr'; readonly error: WireError };

/** Every event {@link transition} accepts. */
export type FsmEvent = AdministrativeEvent | TimerEvent | TcpEvent | BgpMessageEvent;

/** The `type` of every supported event. */
export type FsmEventType = FsmEvent['type'];

/** What the session must do, in order, after a transition. */
export type FsmAction =
  /** Initiate a TCP connection to the peer. */
  | { readonly type: 'connect' }
  | { readonly type: 'drop-connection' }
  /** Release the BGP resources of this connection (routes learnt from the peer included). */
  | { readonly type: 'release-resources' }
  | { readonly type: 'send-open' }
  | { readonly type: 'send-keepalive' }
  | { readonly type: 'send-notification'; readonly code: number; readonly subcode: number }
  /** (Re)start a timer: an already running one is restarted with `seconds`. */
  | { readonly type: 'start-timer'; readonly timer: FsmTimer; readonly seconds: number }
  | { readonly type: 'stop-timer'; readonly timer: FsmTimer }
  /** Hand the received UPDATE to the RIB. */
  | { readonly type: 'process-update' }
  | {
      readonly type: 'session-established';
      readonly holdTime: number;
      readonly keepaliveTime: number;
    }
  /** The session left Established; `reason` is the event that ended it. */
  | { readonly type: 'session-down'; readonly reason: FsmEventType };

/** The configurable session attributes (RFC 4271 §8; §10 for the suggested values). */
export interface FsmConfig {
  /** ConnectRetryTime in seconds (default 120). */
  readonly connectRetryTime: number;
  /** Our Hold Time in seconds, sent in our OPEN: 0 (no keepalives) or ≥ 3 (default 90). */
  readonly holdTime: number;
  /** The "large value" the HoldTimer is set to in OpenSent, in seconds (default 240, i.e. 4 minutes). */
  readonly largeHoldTime: number;
  /** PassiveTcpEstablishment: ManualStart/AutomaticStart then behave as their passive variants (default false). */
  readonly passive: boolean;
}

/** The running state of the timers, as the FSM has asked the session to run them. */
export type TimerStatus = Readonly<Record<FsmTimer, boolean>>;

/** The whole, immutable state of one connection's FSM. */
export interface FsmState {
  readonly name: FsmStateName;
  readonly config: FsmConfig;
  /** ConnectRetryCounter (RFC 4271 §8). */
  readonly connectRetryCounter: number;
  /** min(our hold time, the peer's), set on receipt of OPEN; 0 before (or when negotiated as 0). */
  readonly negotiatedHoldTime: number;
  /** KeepaliveTime = negotiated hold time / 3 (rounded down, at least 1); 0 when the hold time is 0. */
  readonly keepaliveTime: number;
  /** The peer's OPEN, once received on this connection. */
  readonly peer: OpenInfo | undefined;
  /** Which timers are running. */
  readonly timers: TimerStatus;
}

/** The result of {@link transition}. */
export interface FsmResult {
  readonly state: FsmState;
  readonly actions: FsmAction[];
}

/** RFC 4271 §10 suggested defaults. */
export const DEFAULT_FSM_CONFIG: FsmConfig = {
  connectRetryTime: 120,
  holdTime: 90,
  largeHoldTime: 240,
  passive: false,
};

/** FSM Error subcodes (RFC 6608 §3). */
export const FsmErrorSubcode = {
  Unspecified: 0,
  UnexpectedInOpenSent: 1,
  UnexpectedInOpenConfirm: 2,
  UnexpectedInEstablished: 3,
} as const;
