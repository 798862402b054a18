/**
 * The BGP session layer: TCP transport (active and passive, RFC 4271 §8), the FSM driver with timers on an
 * injected clock, capability negotiation (RFC 4760, 2918, 6793, 8654, 4724), connection collisions (§6.8),
 * reconnect backoff, and a listener that only accepts configured peers (RFC 4486 Connection Rejected).
 *
 * @module
 */
export { normaliseAddress } from './address.js';
export { Backoff, type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
export { SessionError, SessionErrorCode } from './errors.js';
export { BgpListener, type ListenerDeps, type ListenerOptions } from './listener.js';
export {
  afiSafiOf,
  type CapabilityResult,
  checkPeerOpen,
  familyOf,
  localCapabilities,
  localOpen,
  negotiateCapabilities,
  validateSessionConfig,
} from './negotiate.js';
export { BgpSession, type SessionDeps, type StopOptions } from './session.js';
export type {
  DownNotification,
  Family,
  Negotiated,
  PeerGracefulRestart,
  SessionConfig,
  SessionDown,
  SessionEvents,
} from './types.js';
