import { Cidr, FakeClock } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../testing/prng.test-support.js';
import {
  BgpDecoder,
  type BgpMessage,
  encodeKeepalive,
  encodeMessage,
  encodeRouteRefresh,
  isBgpError,
  notification,
} from '../wire/index.js';
import { BgpListener } from './listener.js';
import { familyOf } from './negotiate.js';
import { BgpSession } from './session.js';
import { type RawPeer, rawConnect, rawOpen, testConfig, waitUntil } from './session.test-support.js';

/** Messages sent to the live session (≈ 3 s per 10,000 on loopback). */
const MESSAGES = 100_000;
const OPTIONS = { fourOctetAs: true } as const;
const VALID: Uint8Array[] = [
  encodeKeepalive(),
  encodeRouteRefresh({ afi: 1, safi: 1, subtype: 0 }),
  encodeRouteRefresh({ afi: 2, safi: 1, subtype: 0 }),
  encodeRouteRefresh({ afi: 3, safi: 9, subtype: 0 }),
  ...(
    [
      {
        type: 'update',
        withdrawn: [Cidr.parse('10.9.0.0/16')],
        attributes: [
          { type: 'origin', origin: 0 },
          { type: 'as-path', segments: [{ type: 'sequence', asns: [65002, 4200000001] }] },
          { type: 'next-hop', nextHop: '192.0.2.1' },
          { type: 'med', med: 5 },
          { type: 'local-pref', localPref: 100 },
          { type: 'communities', communities: [1, 2] },
          { type: 'large-communities', communities: [{ globalAdmin: 1, local1: 2, local2: 3 }] },
          { type: 'aggregator', asn: 65002, address: '192.0.2.1' },
        ],
        nlri: [Cidr.parse('10.1.0.0/24'), Cidr.parse('10.2.0.0/16')],
      },
      {
        type: 'update',
        withdrawn: [],
        attributes: [
          { type: 'origin', origin: 1 },
          { type: 'as-path', segments: [{ type: 'set', asns: [65002] }] },
          {
            type: 'mp-reach',
            afi: 2,
            safi: 1,
            nextHop: '2001:db8::1',
            linkLocalNextHop: 'fe80::1',
            nlri: [Cidr.parse('2001:db8::/32')],
          },
          { type: 'mp-unreach', afi: 2, safi: 1, withdrawn: [Cidr.parse('2001:db8:ff::/48')] },
        ],
        nlri: [],
      },
      { type: 'update', withdrawn: [Cidr.parse('10.3.0.0/16')], attributes: [], nlri: [] },
    ] satisfies BgpMessage[]
  ).map((m) => encodeMessage(m, OPTIONS)),
];
const RARE: Uint8Array[] = [
  encodeMessage(notification(6, 4, undefined, 'reset'), OPTIONS),
  rawOpen({ myAs: 65002 }),
];

function mutate(rnd: () => number, input: Uint8Array): Uint8Array {
  const m = input.slice();
  const kind = Math.floor(rnd() * 6);
  const pick = (from: number) => from + Math.floor(rnd() * Math.max(1, m.length - from));
  switch (kind) {
    case 0: // flip bits in the body
      for (let i = 0, n = 1 + Math.floor(rnd() * 3); i < n; i++) m[pick(19)]! ^= 1 << Math.floor(rnd() * 8);
      return m;
    case 1: // random byte anywhere past the marker
      m[pick(16)] = Math.floor(rnd() * 256);
      return m;
    case 2: {
      // truncate, header length fixed up
      const len = 19 + Math.floor(rnd() * (m.length - 19));
      const t = m.slice(0, len);
      t[16] = len >> 8;
      t[17] = len & 255;
      return t;
    }
    case 3: {
      // append garbage, header length fixed up
      const extra = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256));
      const t = new Uint8Array(m.length + extra.length);
      t.set(m);
      t.set(extra, m.length);
      t[16] = t.length >> 8;
      t[17] = t.length & 255;
      return t;
    }
    case 4: // a random body behind a valid header of a random type
      {
        const len = 19 + Math.floor(rnd() * 60);
        const t = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
        t.fill(0xff, 0, 16);
        t[16] = len >> 8;
        t[17] = len & 255;
        t[18] = 1 + Math.floor(rnd() * 6);
        return t;
      }
    default: // break the marker or the length (rarely)
      if (rnd() < 0.5) m[Math.floor(rnd() * 16)] = 0;
      else m[16] = Math.floor(rnd() * 256);
      return m;
  }
}

type Outcome =
  | { kind: 'notification'; code: number; subcode: number }
  | { kind: 'peer-closed' }
  | { kind: 'alive' };

/** What an Established session must do with `bytes`, per the decoder and the FSM (RFC 4271 §8.2.2 Established). */
function oracle(bytes: Uint8Array): { updates: number; refreshes: number; outcome: Outcome } {
  const d = new BgpDecoder(OPTIONS);
  let messages: BgpMessage[] = [];
  let error: unknown;
  try {
    messages = d.push(bytes);
  } catch (e) {
    error = e;
  }
  error ??= d.error;
  let updates = 0;
  let refreshes = 0;
  for (const m of messages) {
    if (m.type === 'update') updates++;
    else if (m.type === 'route-refresh') {
      if (familyOf(m.afi, m.safi)) refreshes++;
    } else if (m.type === 'notification') return { updates, refreshes, outcome: { kind: 'peer-closed' } };
    else if (m.type === 'open')
      return { updates, refreshes, outcome: { kind: 'notification', code: 5, subcode: 3 } };
  }
  if (error !== undefined) {
    if (!isBgpError(error)) throw error;
    const { code, subcode } = error.notification;
    // An OPEN error in Established is answered with an FSM Error (RFC 4271 §8.2.2, RFC 6608 subcode 3).
    const outcome: Outcome =
      code === 2 ? { kind: 'notification', code: 5, subcode: 3 } : { kind: 'notification', code, subcode };
    return { updates, refreshes, outcome };
  }
  return { updates, refreshes, outcome: d.pending > 0 ? { kind: 'peer-closed' } : { kind: 'alive' } };
}

describe('live session fuzz', () => {
  it(`answers ${MESSAGES} random and mutated messages as the decoder and the FSM say, never crashing`, async () => {
    const rnd = prng(0xb6b);
    const clock = new FakeClock();
    const s = new BgpSession(testConfig({ peerAddress: '127.0.0.2', passive: true }), { clock });
    const listener = new BgpListener({ address: '127.0.0.1', port: 0 }, () => s, { clock });
    const { port } = await listener.listen();
    let updates = 0;
    let refreshes = 0;
    s.on('update', () => updates++);
    s.on('route-refresh', () => refreshes++);
    s.start();
    let sent = 0;
    let connections = 0;
    const outcomes: Record<string, number> = {};
    let peer: RawPeer | undefined;
    while (sent < MESSAGES) {
      if (!peer) {
        peer = await rawConnect(port, '127.0.0.1', '127.0.0.2', OPTIONS);
        connections++;
        peer.handshake(rawOpen({ myAs: 65002 }));
        await waitUntil(() => s.state === 'Established', 'Established');
        await peer.next('keepalive');
      }
      const batch: Uint8Array[] = [];
      for (let i = 0, n = 1 + Math.floor(rnd() * 8); i < n; i++) {
        const r = rnd();
        const base =
          r < 0.01 ? RARE[Math.floor(rnd() * RARE.length)]! : VALID[Math.floor(rnd() * VALID.length)]!;
        batch.push(rnd() < 0.25 ? mutate(rnd, base) : base);
      }
      sent += batch.length;
      const bytes = Buffer.concat(batch);
      const expected = oracle(bytes);
      const u0 = updates;
      const r0 = refreshes;
      const seen = peer.messages.length;
      peer.send(bytes);
      const key =
        expected.outcome.kind === 'notification'
          ? `${expected.outcome.code}/${expected.outcome.subcode}`
          : expected.outcome.kind;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (expected.outcome.kind === 'alive') {
        // A KEEPALIVE round trip is not observable; wait until the counters reach what was sent.
        await waitUntil(
          () => updates - u0 === expected.updates && refreshes - r0 === expected.refreshes,
          'accepted messages',
        );
        continue;
      }
      if (expected.outcome.kind === 'peer-closed') peer.socket.end();
      await peer.whenClosed();
      const after = peer.messages.slice(seen).filter((m) => m.type === 'notification');
      if (expected.outcome.kind === 'notification') {
        expect(after, `batch ${Buffer.from(bytes).toString('hex')}`).toHaveLength(1);
        expect(after[0]).toMatchObject({ code: expected.outcome.code, subcode: expected.outcome.subcode });
      } else {
        expect(after).toHaveLength(0);
      }
      expect(updates - u0).toBe(expected.updates);
      expect(refreshes - r0).toBe(expected.refreshes);
      await waitUntil(() => s.state === 'Active', 'Active');
      peer = undefined;
    }
    peer?.socket.destroy();
    await s.stop();
    await listener.close();
    expect(clock.pending).toBe(0);
    expect(connections).toBeGreaterThan(100);
    console.log(`fuzz: ${sent} messages over ${connections} connections`, outcomes);
  }, 60_000);
});
