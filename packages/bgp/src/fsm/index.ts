/**
 * The BGP-4 finite state machine: RFC 4271 §8.2.2 as a pure function `(state, event) → {state, actions}`, and
 * connection collision detection (RFC 4271 §6.8) as a pure decision. NOTIFICATION subcodes follow RFC 4486
 * (Cease) and RFC 6608 (FSM Error). Timers are run by the session on an injected clock.
 *
 * @module
 */

export {
  bgpIdToNumber,
  type CollisionDecision,
  type CollisionInput,
  type ConnectionSide,
  resolveCollision,
} from './collision.js';
export { createFsmState, keepaliveFor, transition } from './fsm.js';
export {
  type AdministrativeEvent,
  type BgpMessageEvent,
  DEFAULT_FSM_CONFIG,
  FSM_STATES,
  type FsmAction,
  type FsmConfig,
  FsmErrorSubcode,
  type FsmEvent,
  type FsmEventType,
  type FsmResult,
  type FsmState,
  type FsmStateName,
  type FsmTimer,
  type OpenInfo,
  type TcpEvent,
  type TimerEvent,
  type TimerStatus,
  type WireError,
} from './fsm-types.js';
