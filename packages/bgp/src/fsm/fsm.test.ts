import { describe, expect, it } from 'vitest';
import { createFsmState, keepaliveFor, transition } from './fsm.js';
import {
  CONNECT,
  DROP,
  EVENT_TYPES,
  EVENTS,
  notif,
  PROCESS,
  RELEASE,
  run,
  SEND_KA,
  SEND_OPEN,
  start,
  stateAt,
  stop,
} from './fsm.test-support.js';
import type { FsmAction, FsmEventType, FsmStateName } from './fsm-types.js';

type Row = [next: FsmStateName, actions: FsmAction[], counter: number];
type Table = Record<FsmEventType, Row>;

// Every state fixture starts with ConnectRetryCounter = 3, so reset (0), kept (3) and incremented (4) differ.
const STARTS = [
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
] as const;

function fill(base: Partial<Table>, rest: Row): Table {
  const t = {} as Table;
  for (const e of EVENT_TYPES) t[e] = base[e] ?? rest;
  return t;
}

const same = (name: FsmStateName, counter = 3): Row => [name, [], counter];

const idleTable = fill(
  {
    ManualStart: ['Connect', [start('connect-retry', 120), CONNECT], 0],
    AutomaticStart: ['Connect', [start('connect-retry', 120), CONNECT], 0],
    ManualStart_with_PassiveTcpEstablishment: ['Active', [start('connect-retry', 120)], 0],
    AutomaticStart_with_PassiveTcpEstablishment: ['Active', [start('connect-retry', 120)], 0],
  },
  same('Idle'),
);

const crDown = (counter: number): Row => ['Idle', [stop('connect-retry'), RELEASE, DROP], counter];
const connectTable = fill(
  {
    ...Object.fromEntries(STARTS.map((e) => [e, same('Connect')])),
    TcpConnection_Valid: same('Connect'),
    Tcp_CR_Invalid: same('Connect'),
    ManualStop: crDown(0),
    ConnectRetryTimer_Expires: ['Connect', [DROP, start('connect-retry', 120), CONNECT], 3],
    Tcp_CR_Acked: ['OpenSent', [stop('connect-retry'), SEND_OPEN, start('hold', 240)], 3],
    TcpConnectionConfirmed: ['OpenSent', [stop('connect-retry'), SEND_OPEN, start('hold', 240)], 3],
    TcpConnectionFails: crDown(3),
  },
  crDown(4),
);

const activeTable = fill(
  {
    ...Object.fromEntries(STARTS.map((e) => [e, same('Active')])),
    TcpConnection_Valid: same('Active'),
    Tcp_CR_Invalid: same('Active'),
    ManualStop: crDown(0),
    ConnectRetryTimer_Expires: ['Connect', [start('connect-retry', 120), CONNECT], 3],
    Tcp_CR_Acked: ['OpenSent', [stop('connect-retry'), SEND_OPEN, start('hold', 240)], 3],
    TcpConnectionConfirmed: ['OpenSent', [stop('connect-retry'), SEND_OPEN, start('hold', 240)], 3],
    TcpConnectionFails: crDown(4),
  },
  crDown(4),
);

const holdDown = (counter: number, n?: FsmAction): Row => [
  'Idle',
  [...(n ? [n] : []), stop('hold'), RELEASE, DROP],
  counter,
];
const openSentTable = fill(
  {
    ...Object.fromEntries(STARTS.map((e) => [e, same('OpenSent')])),
    TcpConnection_Valid: same('OpenSent'),
    Tcp_CR_Invalid: same('OpenSent'),
    Tcp_CR_Acked: same('OpenSent'),
    TcpConnectionConfirmed: same('OpenSent'),
    ManualStop: holdDown(0, notif(6, 2)),
    AutomaticStop: holdDown(4, notif(6, 0)),
    HoldTimer_Expires: holdDown(4, notif(4, 0)),
    TcpConnectionFails: ['Active', [DROP, stop('hold'), start('connect-retry', 120)], 3],
    BGPOpen: ['OpenConfirm', [SEND_KA, start('keepalive', 10), start('hold', 30)], 3],
    BGPHeaderErr: holdDown(4, notif(1, 2)),
    BGPOpenMsgErr: holdDown(4, notif(2, 2)),
    OpenCollisionDump: holdDown(4, notif(6, 7)),
    NotifMsgVerErr: holdDown(3),
    NotifMsg: holdDown(4),
  },
  holdDown(4, notif(5, 1)),
);

function sessionTable(name: 'OpenConfirm' | 'Established'): Table {
  const est = name === 'Established';
  const down = (counter: number, n: FsmAction | undefined, reason: FsmEventType): Row => [
    'Idle',
    [
      ...(n ? [n] : []),
      stop('hold'),
      stop('keepalive'),
      RELEASE,
      DROP,
      ...(est ? [{ type: 'session-down', reason } as const] : []),
    ],
    counter,
  ];
  const sub = est ? 3 : 2;
  const t = {} as Table;
  for (const e of EVENT_TYPES) t[e] = down(4, notif(5, sub), e);
  for (const e of [
    ...STARTS,
    'TcpConnection_Valid',
    'Tcp_CR_Invalid',
    'Tcp_CR_Acked',
    'TcpConnectionConfirmed',
  ] as const) {
    t[e] = same(name);
  }
  t.ManualStop = down(0, notif(6, 2), 'ManualStop');
  t.AutomaticStop = down(4, notif(6, 0), 'AutomaticStop');
  t.HoldTimer_Expires = down(4, notif(4, 0), 'HoldTimer_Expires');
  t.KeepaliveTimer_Expires = [name, [SEND_KA, start('keepalive', 10)], 3];
  t.TcpConnectionFails = down(4, undefined, 'TcpConnectionFails');
  t.NotifMsg = down(4, undefined, 'NotifMsg');
  t.NotifMsgVerErr = down(est ? 4 : 3, undefined, 'NotifMsgVerErr');
  t.BGPHeaderErr = down(4, notif(1, 2), 'BGPHeaderErr');
  t.BGPOpenMsgErr = down(4, est ? notif(5, 3) : notif(2, 2), 'BGPOpenMsgErr');
  t.OpenCollisionDump = down(4, notif(6, 7), 'OpenCollisionDump');
  t.KeepAliveMsg = est
    ? ['Established', [start('hold', 30)], 3]
    : [
        'Established',
        [start('hold', 30), { type: 'session-established', holdTime: 30, keepaliveTime: 10 }],
        3,
      ];
  if (est) {
    t.UpdateMsg = ['Established', [PROCESS, start('hold', 30)], 3];
    t.UpdateMsgErr = down(4, notif(3, 1), 'UpdateMsgErr');
  }
  return t;
}

const TABLES: Record<FsmStateName, Table> = {
  Idle: idleTable,
  Connect: connectTable,
  Active: activeTable,
  OpenSent: openSentTable,
  OpenConfirm: sessionTable('OpenConfirm'),
  Established: sessionTable('Established'),
};

describe('transition: every event in every state (RFC 4271 §8.2.2)', () => {
  for (const [stateName, table] of Object.entries(TABLES) as [FsmStateName, Table][]) {
    describe(stateName, () => {
      it('has a row for every event', () => {
        expect(Object.keys(table).sort()).toEqual([...EVENT_TYPES].sort());
      });
      it.each(EVENT_TYPES.map((e) => [e, ...table[e]] as const))(
        '%s → %s',
        (event, next, actions, counter) => {
          const from = stateAt(stateName);
          const r = transition(from, EVENTS[event]);
          expect(r.state.name).toBe(next);
          expect(r.actions).toEqual(actions);
          expect(r.state.connectRetryCounter).toBe(counter);
          if (next === 'Idle') {
            expect(r.state.timers).toEqual({ 'connect-retry': false, hold: false, keepalive: false });
            expect(r.state.peer).toBeUndefined();
          }
        },
      );
    });
  }
});

describe('happy paths', () => {
  it('active: Idle → Connect → OpenSent → OpenConfirm → Established', () => {
    let s = createFsmState();
    const seen: FsmStateName[] = [s.name];
    const all: FsmAction[] = [];
    for (const e of [EVENTS.ManualStart, EVENTS.Tcp_CR_Acked, EVENTS.BGPOpen, EVENTS.KeepAliveMsg]) {
      const r = transition(s, e);
      s = r.state;
      seen.push(s.name);
      all.push(...r.actions);
    }
    expect(seen).toEqual(['Idle', 'Connect', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(all).toEqual([
      start('connect-retry', 120),
      CONNECT,
      stop('connect-retry'),
      SEND_OPEN,
      start('hold', 240),
      SEND_KA,
      start('keepalive', 10),
      start('hold', 30),
      start('hold', 30),
      { type: 'session-established', holdTime: 30, keepaliveTime: 10 },
    ]);
    expect(s.peer).toEqual(EVENTS.BGPOpen.type === 'BGPOpen' ? EVENTS.BGPOpen.open : undefined);
    expect(s.timers).toEqual({ 'connect-retry': false, hold: true, keepalive: true });
  });

  it('passive: Idle → Active → OpenSent → OpenConfirm → Established', () => {
    const names: FsmStateName[] = [];
    let s = createFsmState();
    for (const e of [
      EVENTS.ManualStart_with_PassiveTcpEstablishment,
      EVENTS.TcpConnectionConfirmed,
      EVENTS.BGPOpen,
      EVENTS.KeepAliveMsg,
    ]) {
      const r = transition(s, e);
      if (e.type === 'ManualStart_with_PassiveTcpEstablishment')
        expect(r.actions).not.toContainEqual(CONNECT);
      s = r.state;
      names.push(s.name);
    }
    expect(names).toEqual(['Active', 'OpenSent', 'OpenConfirm', 'Established']);
  });

  it('the passive flag makes ManualStart passive', () => {
    const r = transition(createFsmState({ passive: true }), EVENTS.ManualStart);
    expect(r.state.name).toBe('Active');
    expect(r.actions).toEqual([start('connect-retry', 120)]);
  });

  it('uses the configured ConnectRetryTime and large hold time', () => {
    const r = run(createFsmState({ connectRetryTime: 5, largeHoldTime: 60 }), [
      EVENTS.ManualStart,
      EVENTS.Tcp_CR_Acked,
    ]);
    expect(r.actions).toEqual([
      start('connect-retry', 5),
      CONNECT,
      stop('connect-retry'),
      SEND_OPEN,
      start('hold', 60),
    ]);
  });
});

describe('hold time negotiation and keepalives', () => {
  it.each([
    [90, 180, 90, 30],
    [90, 9, 9, 3],
    [90, 4, 4, 1],
    [90, 3, 3, 1],
    [10, 90, 10, 3],
    [65535, 65535, 65535, 21845],
  ])('ours %i, theirs %i → hold %i, keepalive %i', (ours, theirs, hold, ka) => {
    const s = stateAt('OpenSent', 0, { holdTime: ours });
    const r = transition(s, {
      type: 'BGPOpen',
      open: { ...EVENTS.BGPOpen, holdTime: theirs, bgpId: 1, asn: 1 },
    });
    expect(r.state.negotiatedHoldTime).toBe(hold);
    expect(r.state.keepaliveTime).toBe(ka);
    expect(r.actions).toEqual([SEND_KA, start('keepalive', ka), start('hold', hold)]);
    expect(keepaliveFor(hold)).toBe(ka);
  });

  it.each([
    [0, 90],
    [90, 0],
  ])('hold 0 (ours %i, theirs %i): no hold or keepalive timers, ever', (ours, theirs) => {
    let s = stateAt('OpenSent', 0, { holdTime: ours });
    let r = transition(s, { type: 'BGPOpen', open: { holdTime: theirs, bgpId: 1, asn: 1 } });
    expect(r.actions).toEqual([SEND_KA, stop('hold')]);
    s = r.state;
    expect(s.negotiatedHoldTime).toBe(0);
    expect(s.keepaliveTime).toBe(0);
    r = transition(s, EVENTS.KeepAliveMsg);
    expect(r.actions).toEqual([{ type: 'session-established', holdTime: 0, keepaliveTime: 0 }]);
    const later = run(r.state, [EVENTS.KeepAliveMsg, EVENTS.UpdateMsg, EVENTS.KeepaliveTimer_Expires]);
    expect(later.actions).toEqual([PROCESS, SEND_KA]);
    expect(later.state.timers).toEqual({ 'connect-retry': false, hold: false, keepalive: false });
  });

  it('an unacceptable peer hold time (1 or 2) that slipped past the codec gives 2/6 and Idle', () => {
    const r = transition(stateAt('OpenSent'), { type: 'BGPOpen', open: { holdTime: 2, bgpId: 1, asn: 1 } });
    expect(r.state.name).toBe('Idle');
    expect(r.actions[0]).toEqual(notif(2, 6));
  });
});

describe('errors and stops', () => {
  it.each(['OpenConfirm', 'Established'] as const)(
    'hold timer expiry in %s → NOTIFICATION 4/0, Idle',
    (name) => {
      const r = transition(stateAt(name), EVENTS.HoldTimer_Expires);
      expect(r.state.name).toBe('Idle');
      expect(r.actions[0]).toEqual(notif(4, 0));
      expect(r.actions).toContainEqual(DROP);
    },
  );

  it.each(['Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'] as const)(
    'a NOTIFICATION received in %s → Idle without sending one',
    (name) => {
      for (const e of [EVENTS.NotifMsg, EVENTS.NotifMsgVerErr]) {
        const r = transition(stateAt(name), e);
        expect(r.state.name).toBe('Idle');
        expect(r.actions.filter((a) => a.type === 'send-notification')).toEqual([]);
      }
    },
  );

  it('ManualStop in Established → Cease 6/2 (Administrative Shutdown), session-down, counter 0', () => {
    const r = transition(stateAt('Established', 7), EVENTS.ManualStop);
    expect(r.state.name).toBe('Idle');
    expect(r.state.connectRetryCounter).toBe(0);
    expect(r.actions[0]).toEqual(notif(6, 2));
    expect(r.actions.at(-1)).toEqual({ type: 'session-down', reason: 'ManualStop' });
  });

  it('AutomaticStop carries its RFC 4486 subcode', () => {
    const r = transition(stateAt('Established'), { type: 'AutomaticStop', subcode: 1 });
    expect(r.actions[0]).toEqual(notif(6, 1));
  });

  it('does not mutate the input state', () => {
    const s = stateAt('Established');
    const copy = structuredClone(s);
    transition(s, EVENTS.HoldTimer_Expires);
    expect(s).toEqual(copy);
  });

  it.each([{ holdTime: 1 }, { holdTime: 2 }, { holdTime: -1 }, { holdTime: 1.5 }, { connectRetryTime: 0 }])(
    'createFsmState rejects %o',
    (config) => {
      expect(() => createFsmState(config)).toThrow(RangeError);
    },
  );
});
