import { describe, expect, it } from 'vitest';
import { prng } from '../testing/prng.test-support.js';
import { createFsmState, transition } from './fsm.js';
import { EVENT_TYPES, EVENTS } from './fsm.test-support.js';
import { FSM_STATES, type FsmEvent, type FsmState, type FsmStateName, type FsmTimer } from './fsm-types.js';

const HOLD_TIMES = [0, 3, 4, 9, 30, 90, 180, 65535, 1, 2];

/** The event that moves each state forward, so that random walks also reach Established often. */
const PROGRESS: Record<FsmStateName, FsmEvent['type'][]> = {
  Idle: ['ManualStart', 'ManualStart_with_PassiveTcpEstablishment', 'AutomaticStart'],
  Connect: ['Tcp_CR_Acked', 'TcpConnectionConfirmed', 'ConnectRetryTimer_Expires'],
  Active: ['TcpConnectionConfirmed', 'ConnectRetryTimer_Expires'],
  OpenSent: ['BGPOpen'],
  OpenConfirm: ['KeepAliveMsg', 'KeepaliveTimer_Expires'],
  Established: ['UpdateMsg', 'KeepAliveMsg', 'KeepaliveTimer_Expires'],
};

function randomEvent(rand: () => number, s: FsmState): FsmEvent {
  const pool = rand() < 0.6 ? PROGRESS[s.name] : EVENT_TYPES;
  const type = pool[Math.floor(rand() * pool.length)]!;
  if (type === 'BGPOpen') {
    const holdTime = HOLD_TIMES[Math.floor(rand() * HOLD_TIMES.length)]!;
    return { type, open: { holdTime, bgpId: Math.floor(rand() * 2 ** 32), asn: 65000 } };
  }
  if (type === 'AutomaticStop') return { type, subcode: Math.floor(rand() * 9) };
  return EVENTS[type];
}

describe('random event sequences (property)', () => {
  it('never throw, keep a valid state, consistent counter and timers over 200,000 events', () => {
    const rand = prng(0x5eed4271);
    const visits = Object.fromEntries(FSM_STATES.map((n) => [n, 0])) as Record<FsmStateName, number>;
    let established = 0;
    let s = createFsmState();
    // The timers as a session running the actions would see them.
    let running = new Set<FsmTimer>();
    for (let i = 0; i < 200_000; i++) {
      if (i % 10_000 === 0) {
        s = createFsmState({ holdTime: rand() < 0.3 ? 0 : 90, passive: rand() < 0.3 });
        running = new Set();
      }
      const e = randomEvent(rand, s);
      const { state: next, actions } = transition(s, e);
      const ctx = `step ${i}: ${s.name} + ${e.type} → ${next.name} ${JSON.stringify(actions)}`;

      if (!FSM_STATES.includes(next.name)) throw new Error(`invalid state: ${ctx}`);
      visits[next.name]++;
      const counterOk =
        next.connectRetryCounter === s.connectRetryCounter ||
        next.connectRetryCounter === s.connectRetryCounter + 1 ||
        next.connectRetryCounter === 0;
      if (!counterOk || !Number.isInteger(next.connectRetryCounter)) throw new Error(`counter jump: ${ctx}`);
      if (e.type === 'ManualStop' && s.name !== 'Idle' && next.connectRetryCounter !== 0) {
        throw new Error(`ManualStop must reset the counter: ${ctx}`);
      }

      for (const a of actions) {
        switch (a.type) {
          case 'start-timer':
            if (next.name === 'Idle') throw new Error(`timer started into Idle: ${ctx}`);
            if (a.seconds <= 0) throw new Error(`non-positive timer: ${ctx}`);
            if (a.timer === 'keepalive' && a.seconds !== next.keepaliveTime)
              throw new Error(`keepalive: ${ctx}`);
            if (
              a.timer === 'hold' &&
              a.seconds !== next.negotiatedHoldTime &&
              a.seconds !== next.config.largeHoldTime
            ) {
              throw new Error(`hold: ${ctx}`);
            }
            running.add(a.timer);
            break;
          case 'stop-timer':
            if (!running.has(a.timer)) throw new Error(`stopping a timer that is not running: ${ctx}`);
            running.delete(a.timer);
            break;
          case 'send-open':
            if (next.name !== 'OpenSent') throw new Error(`OPEN outside OpenSent: ${ctx}`);
            break;
          case 'connect':
            if (next.name !== 'Connect') throw new Error(`connect outside Connect: ${ctx}`);
            break;
          case 'send-notification':
            if (e.type === 'NotifMsg' || e.type === 'NotifMsgVerErr')
              throw new Error(`answered a NOTIFICATION: ${ctx}`);
            if (s.name === 'Idle' || s.name === 'Connect' || s.name === 'Active') {
              throw new Error(`NOTIFICATION before OPEN: ${ctx}`);
            }
            break;
          case 'session-established':
            established++;
            if (s.name !== 'OpenConfirm' || next.name !== 'Established')
              throw new Error(`established: ${ctx}`);
            break;
          case 'session-down':
            if (s.name !== 'Established' || next.name !== 'Idle') throw new Error(`session-down: ${ctx}`);
            break;
          default:
            break;
        }
      }
      const expected = (Object.keys(next.timers) as FsmTimer[]).filter((t) => next.timers[t]).sort();
      if (JSON.stringify([...running].sort()) !== JSON.stringify(expected))
        throw new Error(`timer drift: ${ctx}`);
      if (next.name === 'Idle' && running.size > 0) throw new Error(`timers left running in Idle: ${ctx}`);
      if (
        next.negotiatedHoldTime === 0 &&
        (running.has('keepalive') || (running.has('hold') && next.name !== 'OpenSent'))
      ) {
        throw new Error(`timer with hold 0: ${ctx}`);
      }
      if (next.name === 'Established' && next.peer === undefined) throw new Error(`no peer: ${ctx}`);
      s = next;
    }
    // The walk must have exercised every state, and many sessions.
    for (const n of FSM_STATES) expect(visits[n], n).toBeGreaterThan(1_000);
    expect(established).toBeGreaterThan(1_000);
  });
});
