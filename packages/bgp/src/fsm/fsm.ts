import { CeaseSubcode, ErrorCode } from '../notification-codes.js';
import {
  DEFAULT_FSM_CONFIG,
  type FsmAction,
  type FsmConfig,
  FsmErrorSubcode,
  type FsmEvent,
  type FsmResult,
  type FsmState,
  type FsmTimer,
  type OpenInfo,
  type WireError,
} from './fsm-types.js';

const TIMERS: readonly FsmTimer[] = ['connect-retry', 'hold', 'keepalive'];
const NO_TIMERS = { 'connect-retry': false, hold: false, keepalive: false } as const;

/**
 * A fresh FSM in Idle (RFC 4271 §8.2.2), with `config` over {@link DEFAULT_FSM_CONFIG}.
 *
 * @throws RangeError if the hold time is not 0 or an integer ≥ 3 (RFC 4271 §4.2), or a timer value is not a
 *   positive integer.
 */
export function createFsmState(config: Partial<FsmConfig> = {}): FsmState {
  const c: FsmConfig = { ...DEFAULT_FSM_CONFIG, ...config };
  if (
    !Number.isInteger(c.holdTime) ||
    c.holdTime < 0 ||
    c.holdTime > 0xffff ||
    c.holdTime === 1 ||
    c.holdTime === 2
  ) {
    throw new RangeError(`holdTime must be 0 or an integer in 3..65535, got ${c.holdTime}`);
  }
  for (const key of ['connectRetryTime', 'largeHoldTime'] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) {
      throw new RangeError(`${key} must be a positive integer, got ${c[key]}`);
    }
  }
  return {
    name: 'Idle',
    config: c,
    connectRetryCounter: 0,
    negotiatedHoldTime: 0,
    keepaliveTime: 0,
    peer: undefined,
    timers: NO_TIMERS,
  };
}

/** Negotiated KeepaliveTime: one third of the hold time, rounded down, at least 1 s; 0 for a hold time of 0. */
export function keepaliveFor(holdTime: number): number {
  return holdTime === 0 ? 0 : Math.max(1, Math.floor(holdTime / 3));
}

/** Accumulates actions and the timer status while one transition is computed. */
class Step {
  readonly actions: FsmAction[] = [];
  timers: Record<FsmTimer, boolean>;

  constructor(readonly from: FsmState) {
    this.timers = { ...from.timers };
  }

  push(action: FsmAction): this {
    this.actions.push(action);
    return this;
  }

  start(timer: FsmTimer, seconds: number): this {
    this.timers[timer] = true;
    return this.push({ type: 'start-timer', timer, seconds });
  }

  stop(timer: FsmTimer): this {
    if (this.timers[timer]) {
      this.timers[timer] = false;
      this.push({ type: 'stop-timer', timer });
    }
    return this;
  }

  notify(error: WireError): this {
    return this.push({ type: 'send-notification', code: error.code, subcode: error.subcode });
  }

  done(patch: Partial<FsmState>): FsmResult {
    return { state: { ...this.from, ...patch, timers: { ...this.timers } }, actions: this.actions };
  }
}

type CounterChange = 'reset' | 'increment' | 'keep';

/**
 * The common "go to Idle" path: an optional NOTIFICATION, every running timer stopped, resources released, the
 * connection dropped, `session-down` when leaving Established.
 */
function toIdle(s: FsmState, event: FsmEvent, counter: CounterChange, notification?: WireError): FsmResult {
  const step = new Step(s);
  if (notification) step.notify(notification);
  for (const t of TIMERS) step.stop(t);
  step.push({ type: 'release-resources' }).push({ type: 'drop-connection' });
  if (s.name === 'Established') step.push({ type: 'session-down', reason: event.type });
  const connectRetryCounter =
    counter === 'reset' ? 0 : counter === 'increment' ? s.connectRetryCounter + 1 : s.connectRetryCounter;
  return step.done({
    name: 'Idle',
    connectRetryCounter,
    negotiatedHoldTime: 0,
    keepaliveTime: 0,
    peer: undefined,
  });
}

function unchanged(s: FsmState): FsmResult {
  return { state: s, actions: [] };
}

/** Connect/Active on Tcp_CR_Acked or TcpConnectionConfirmed (no DelayOpen): send OPEN, large HoldTimer. */
function toOpenSent(s: FsmState): FsmResult {
  return new Step(s)
    .stop('connect-retry')
    .push({ type: 'send-open' })
    .start('hold', s.config.largeHoldTime)
    .done({ name: 'OpenSent' });
}

function fsmError(subcode: number): WireError {
  return { code: ErrorCode.FsmError, subcode };
}

function cease(subcode: number): WireError {
  return { code: ErrorCode.Cease, subcode };
}

const HOLD_EXPIRED: WireError = { code: ErrorCode.HoldTimerExpired, subcode: 0 };
const UNACCEPTABLE_HOLD_TIME: WireError = { code: ErrorCode.OpenMessage, subcode: 6 };

function idle(s: FsmState, e: FsmEvent): FsmResult {
  const passive = s.config.passive;
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
      if (!passive) {
        return new Step(s)
          .start('connect-retry', s.config.connectRetryTime)
          .push({ type: 'connect' })
          .done({ name: 'Connect', connectRetryCounter: 0 });
      }
      return new Step(s)
        .start('connect-retry', s.config.connectRetryTime)
        .done({ name: 'Active', connectRetryCounter: 0 });
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return new Step(s)
        .start('connect-retry', s.config.connectRetryTime)
        .done({ name: 'Active', connectRetryCounter: 0 });
    default:
      // Idle ignores every other event, ManualStop and AutomaticStop included.
      return unchanged(s);
  }
}

/** Connect and Active share most of their handling (§8.2.2). */
function connectOrActive(s: FsmState, e: FsmEvent): FsmResult {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
      return unchanged(s);
    case 'ManualStop':
      return toIdle(s, e, 'reset');
    case 'ConnectRetryTimer_Expires':
      if (s.name === 'Connect') {
        return new Step(s)
          .push({ type: 'drop-connection' })
          .start('connect-retry', s.config.connectRetryTime)
          .push({ type: 'connect' })
          .done({});
      }
      return new Step(s)
        .start('connect-retry', s.config.connectRetryTime)
        .push({ type: 'connect' })
        .done({ name: 'Connect' });
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return toOpenSent(s);
    case 'TcpConnectionFails':
      // Connect: counter kept; Active: counter incremented. (In Active the RFC restarts the ConnectRetryTimer
      // before going to Idle, which ignores its expiry; we stop it so that Idle never has a running timer.)
      return toIdle(s, e, s.name === 'Connect' ? 'keep' : 'increment');
    default:
      // BGPHeaderErr, BGPOpenMsgErr (no NOTIFICATION: SendNOTIFICATIONwithoutOPEN is FALSE), NotifMsgVerErr and
      // every other event.
      return toIdle(s, e, 'increment');
  }
}

function openSent(s: FsmState, e: FsmEvent): FsmResult {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    // A second connection is tracked by the session (collision detection, §6.8), not by this FSM.
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return unchanged(s);
    case 'ManualStop':
      return toIdle(s, e, 'reset', cease(CeaseSubcode.AdministrativeShutdown));
    case 'AutomaticStop':
      return toIdle(s, e, 'increment', cease(e.subcode ?? 0));
    case 'HoldTimer_Expires':
      return toIdle(s, e, 'increment', HOLD_EXPIRED);
    case 'TcpConnectionFails':
      return new Step(s)
        .push({ type: 'drop-connection' })
        .stop('hold')
        .stop('keepalive')
        .start('connect-retry', s.config.connectRetryTime)
        .done({ name: 'Active', peer: undefined });
    case 'BGPOpen':
      return receiveOpen(s, e.open);
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(s, e, 'increment', e.error);
    case 'OpenCollisionDump':
      return toIdle(s, e, 'increment', cease(CeaseSubcode.ConnectionCollisionResolution));
    case 'NotifMsgVerErr':
      return toIdle(s, e, 'keep');
    case 'NotifMsg':
      // RFC 4271 lists Event 25 with "any other event" (answer with an FSM Error), but a NOTIFICATION closes the
      // connection (§4.5, §6.4): nothing can be sent back.
      return toIdle(s, e, 'increment');
    default:
      return toIdle(s, e, 'increment', fsmError(FsmErrorSubcode.UnexpectedInOpenSent));
  }
}

/** OpenSent on a valid OPEN: negotiate the hold time, send KEEPALIVE, go to OpenConfirm. */
function receiveOpen(s: FsmState, open: OpenInfo): FsmResult {
  const theirs = open.holdTime;
  if (!Number.isInteger(theirs) || theirs < 0 || theirs > 0xffff || theirs === 1 || theirs === 2) {
    // The codec should already have rejected it (RFC 4271 §6.2); be safe anyway.
    return toIdle(
      s,
      { type: 'BGPOpenMsgErr', error: UNACCEPTABLE_HOLD_TIME },
      'increment',
      UNACCEPTABLE_HOLD_TIME,
    );
  }
  const hold = Math.min(s.config.holdTime, theirs);
  const keepalive = keepaliveFor(hold);
  const step = new Step(s).stop('connect-retry').push({ type: 'send-keepalive' });
  if (hold > 0) {
    step.start('keepalive', keepalive).start('hold', hold);
  } else {
    step.stop('keepalive').stop('hold');
  }
  return step.done({ name: 'OpenConfirm', negotiatedHoldTime: hold, keepaliveTime: keepalive, peer: open });
}

/** OpenConfirm and Established share the stop, timer and error handling (§8.2.2). */
function openConfirmOrEstablished(s: FsmState, e: FsmEvent): FsmResult {
  const established = s.name === 'Established';
  const unexpected = fsmError(
    established ? FsmErrorSubcode.UnexpectedInEstablished : FsmErrorSubcode.UnexpectedInOpenConfirm,
  );
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return unchanged(s);
    case 'ManualStop':
      return toIdle(s, e, 'reset', cease(CeaseSubcode.AdministrativeShutdown));
    case 'AutomaticStop':
      return toIdle(s, e, 'increment', cease(e.subcode ?? 0));
    case 'HoldTimer_Expires':
      return toIdle(s, e, 'increment', HOLD_EXPIRED);
    case 'KeepaliveTimer_Expires': {
      const step = new Step(s).push({ type: 'send-keepalive' });
      if (s.keepaliveTime > 0) step.start('keepalive', s.keepaliveTime);
      return step.done({});
    }
    case 'TcpConnectionFails':
    case 'NotifMsg':
      return toIdle(s, e, 'increment');
    case 'NotifMsgVerErr':
      return toIdle(s, e, established ? 'increment' : 'keep');
    case 'BGPHeaderErr':
      return toIdle(s, e, 'increment', e.error);
    case 'BGPOpenMsgErr':
      return toIdle(s, e, 'increment', established ? unexpected : e.error);
    case 'OpenCollisionDump':
      return toIdle(s, e, 'increment', cease(CeaseSubcode.ConnectionCollisionResolution));
    case 'KeepAliveMsg': {
      const step = new Step(s);
      if (s.negotiatedHoldTime > 0) step.start('hold', s.negotiatedHoldTime);
      if (!established) {
        step.push({
          type: 'session-established',
          holdTime: s.negotiatedHoldTime,
          keepaliveTime: s.keepaliveTime,
        });
      }
      return step.done({ name: 'Established' });
    }
    case 'UpdateMsg':
      if (!established) return toIdle(s, e, 'increment', unexpected);
      {
        const step = new Step(s).push({ type: 'process-update' });
        if (s.negotiatedHoldTime > 0) step.start('hold', s.negotiatedHoldTime);
        return step.done({});
      }
    case 'UpdateMsgErr':
      return toIdle(s, e, 'increment', established ? e.error : unexpected);
    default:
      // ConnectRetryTimer_Expires, and BGPOpen: this FSM runs one connection, so a second OPEN on it is
      // unexpected (RFC 6608); a colliding OPEN on another connection is the session's (§6.8, OpenCollisionDump).
      return toIdle(s, e, 'increment', unexpected);
  }
}

/**
 * One step of the BGP-4 FSM of RFC 4271 §8.2.2, as a pure function: the next state and the actions the session
 * must carry out, in order. Never throws, for any state produced by {@link createFsmState} and `transition`.
 *
 * Choices where the RFC leaves room (or is not followed to the letter):
 * - DelayOpen, IdleHold, damping and SendNOTIFICATIONwithoutOPEN are not supported (all FALSE).
 * - Every path to Idle emits, in this order: the NOTIFICATION if any, `stop-timer` for each running timer,
 *   `release-resources`, `drop-connection`, and `session-down` when leaving Established.
 * - Unexpected events in OpenSent, OpenConfirm and Established send an FSM Error with the RFC 6608 subcode 1, 2
 *   or 3; ManualStop sends Cease/Administrative Shutdown (RFC 4486 subcode 2); OpenCollisionDump sends
 *   Cease/Connection Collision Resolution (subcode 7); a received NOTIFICATION is never answered.
 * - A hold time of 0 (negotiated) starts neither the Hold nor the Keepalive timer (§4.4).
 */
export function transition(state: FsmState, event: FsmEvent): FsmResult {
  switch (state.name) {
    case 'Idle':
      return idle(state, event);
    case 'Connect':
    case 'Active':
      return connectOrActive(state, event);
    case 'OpenSent':
      return openSent(state, event);
    case 'OpenConfirm':
    case 'Established':
      return openConfirmOrEstablished(state, event);
  }
}
