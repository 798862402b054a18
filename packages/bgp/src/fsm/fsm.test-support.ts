// Shared fixtures for the FSM tests (not exported from the package).
import { createFsmState, transition } from './fsm.js';
import type {
  FsmAction,
  FsmConfig,
  FsmEvent,
  FsmEventType,
  FsmState,
  FsmTimer,
  OpenInfo,
} from './fsm-types.js';

export const PEER_OPEN: OpenInfo = { holdTime: 30, bgpId: '10.0.0.2', asn: 65002 };

/** One sample of every supported event; `Record` makes the compiler check that none is missing. */
export const EVENTS: Record<FsmEventType, FsmEvent> = {
  ManualStart: { type: 'ManualStart' },
  ManualStop: { type: 'ManualStop' },
  AutomaticStart: { type: 'AutomaticStart' },
  ManualStart_with_PassiveTcpEstablishment: { type: 'ManualStart_with_PassiveTcpEstablishment' },
  AutomaticStart_with_PassiveTcpEstablishment: { type: 'AutomaticStart_with_PassiveTcpEstablishment' },
  AutomaticStop: { type: 'AutomaticStop' },
  ConnectRetryTimer_Expires: { type: 'ConnectRetryTimer_Expires' },
  HoldTimer_Expires: { type: 'HoldTimer_Expires' },
  KeepaliveTimer_Expires: { type: 'KeepaliveTimer_Expires' },
  TcpConnection_Valid: { type: 'TcpConnection_Valid' },
  Tcp_CR_Invalid: { type: 'Tcp_CR_Invalid' },
  Tcp_CR_Acked: { type: 'Tcp_CR_Acked' },
  TcpConnectionConfirmed: { type: 'TcpConnectionConfirmed' },
  TcpConnectionFails: { type: 'TcpConnectionFails' },
  BGPOpen: { type: 'BGPOpen', open: PEER_OPEN },
  BGPHeaderErr: { type: 'BGPHeaderErr', error: { code: 1, subcode: 2 } },
  BGPOpenMsgErr: { type: 'BGPOpenMsgErr', error: { code: 2, subcode: 2 } },
  OpenCollisionDump: { type: 'OpenCollisionDump' },
  NotifMsgVerErr: { type: 'NotifMsgVerErr' },
  NotifMsg: { type: 'NotifMsg' },
  KeepAliveMsg: { type: 'KeepAliveMsg' },
  UpdateMsg: { type: 'UpdateMsg' },
  UpdateMsgErr: { type: 'UpdateMsgErr', error: { code: 3, subcode: 1 } },
};

export const EVENT_TYPES = Object.keys(EVENTS) as FsmEventType[];

/** Feed events in order; return the final state and every action emitted. */
export function run(state: FsmState, events: FsmEvent[]): { state: FsmState; actions: FsmAction[] } {
  let s = state;
  const actions: FsmAction[] = [];
  for (const e of events) {
    const r = transition(s, e);
    s = r.state;
    actions.push(...r.actions);
  }
  return { state: s, actions };
}

/** The state reached along the active happy path, with the ConnectRetryCounter then set to `counter`. */
export function stateAt(
  name: 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established',
  counter = 3,
  config: Partial<FsmConfig> = {},
): FsmState {
  const paths: Record<typeof name, FsmEvent[]> = {
    Idle: [],
    Connect: [EVENTS.ManualStart],
    Active: [EVENTS.ManualStart_with_PassiveTcpEstablishment],
    OpenSent: [EVENTS.ManualStart, EVENTS.Tcp_CR_Acked],
    OpenConfirm: [EVENTS.ManualStart, EVENTS.Tcp_CR_Acked, EVENTS.BGPOpen],
    Established: [EVENTS.ManualStart, EVENTS.Tcp_CR_Acked, EVENTS.BGPOpen, EVENTS.KeepAliveMsg],
  };
  const s = run(createFsmState(config), paths[name]).state;
  if (s.name !== name) throw new Error(`fixture did not reach ${name}`);
  return { ...s, connectRetryCounter: counter };
}

// Action shorthands.
export const CONNECT: FsmAction = { type: 'connect' };
export const DROP: FsmAction = { type: 'drop-connection' };
export const RELEASE: FsmAction = { type: 'release-resources' };
export const SEND_OPEN: FsmAction = { type: 'send-open' };
export const SEND_KA: FsmAction = { type: 'send-keepalive' };
export const PROCESS: FsmAction = { type: 'process-update' };
export const notif = (code: number, subcode: number): FsmAction => ({
  type: 'send-notification',
  code,
  subcode,
});
export const start = (timer: FsmTimer, seconds: number): FsmAction => ({
  type: 'start-timer',
  timer,
  seconds,
});
export const stop = (timer: FsmTimer): FsmAction => ({ type: 'stop-timer', timer });
