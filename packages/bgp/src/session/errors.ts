import { EdgewayError } from '@edgeway/core';

/** Stable codes of {@link SessionError}. */
export const SessionErrorCode = {
  /** The session configuration is invalid; `details.field` names the field. */
  Config: 'ERR_BGP_SESSION_CONFIG',
  /** `send()` or `routeRefresh()` while the session is not Established. */
  NotEstablished: 'ERR_BGP_SESSION_NOT_ESTABLISHED',
  /** `routeRefresh()` for a family or a capability that was not negotiated (RFC 2918 §4). */
  NotNegotiated: 'ERR_BGP_SESSION_NOT_NEGOTIATED',
  /** The peer sent a NOTIFICATION (`details.code`, `details.subcode`). */
  NotificationReceived: 'ERR_BGP_NOTIFICATION_RECEIVED',
  /** The TCP connection failed or was closed by the peer. */
  Socket: 'ERR_BGP_SOCKET',
  /** The hold timer expired (RFC 4271 §6.5). */
  HoldTimerExpired: 'ERR_BGP_HOLD_TIMER_EXPIRED',
  /** The peer's OPEN was refused (bad peer AS, BGP identifier, …; RFC 4271 §6.2). */
  OpenRejected: 'ERR_BGP_OPEN_REJECTED',
  /** The outgoing TCP connection did not complete in time. */
  ConnectTimeout: 'ERR_BGP_CONNECT_TIMEOUT',
  /** The listening socket could not be bound. */
  Listen: 'ERR_BGP_LISTEN',
} as const;

/** An error of the BGP session layer, with a stable `code` from {@link SessionErrorCode}. */
export class SessionError extends EdgewayError {}
