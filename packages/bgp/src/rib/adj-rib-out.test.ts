import type { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { AS_TRANS, decodeUpdate, type PathAttribute, type UpdateMessage } from '../wire/index.js';
import { AdjRibOut, type AdjRibOutOptions } from './adj-rib-out.js';
import { routesFromUpdate } from './from-update.js';
import { attrs, c, v4Prefixes } from './test-helpers.test-support.js';
import type { PathAttributes } from './types.js';

const OPTS: AdjRibOutOptions = { families: ['ipv4', 'ipv6'], fourOctetAs: true, maxLength: 4096, ebgp: true };
const A = attrs();
const routes = (ps: readonly Cidr[], a: PathAttributes = A) => ps.map((prefix) => ({ prefix, attrs: a }));
const decodeAll = (msgs: Uint8Array[], fourOctetAs = true) =>
  msgs.map((m) => decodeUpdate(m, { fourOctetAs }));
const nlriOf = (ms: UpdateMessage[]) => ms.flatMap((m) => m.nlri.map(String));
const withdrawnOf = (ms: UpdateMessage[]) => ms.flatMap((m) => m.withdrawn.map(String));
const attr = <T extends PathAttribute['type']>(m: UpdateMessage, type: T) =>
  m.attributes.find((a) => a.type === type) as Extract<PathAttribute, { type: T }> | undefined;

describe('AdjRibOut packing (RFC 4271 §9.2)', () => {
  // ORIGIN (4) + AS_PATH 65001 (3 + 2 + 4) + NEXT_HOP (7) = 20 bytes; 19 header + 4 lengths: 43 bytes before NLRI.
  it('packs 20,000 /24s with one attribute set into full 4096-byte UPDATEs', () => {
    const ps = v4Prefixes('10.0.0.0/24', 20_000);
    const out = new AdjRibOut(OPTS);
    out.set(routes(ps));
    expect(out.pending).toBe(20_000);
    const msgs = out.takeUpdates();
    const perMessage = Math.floor((4096 - 43) / 4); // 1013
    expect(msgs).toHaveLength(Math.ceil(20_000 / perMessage)); // 20
    expect(msgs.slice(0, -1).every((m) => m.length === 43 + 4 * perMessage)).toBe(true);
    const decoded = decodeAll(msgs);
    expect(nlriOf(decoded)).toEqual(ps.map(String));
    expect(decoded[0]!.attributes).toEqual([
      { type: 'origin', origin: 0 },
      { type: 'as-path', segments: [{ type: 'sequence', asns: [65001] }] },
      { type: 'next-hop', nextHop: '192.0.2.1' },
    ]);
    expect(out.pending).toBe(0);
    expect(out.advertised).toBe(20_000);
  });

  it('fills extended messages up to 65535 bytes (RFC 8654)', () => {
    const out = new AdjRibOut({ ...OPTS, maxLength: 65535 });
    out.set(routes(v4Prefixes('10.0.0.0/24', 20_000)));
    const msgs = out.takeUpdates();
    expect(msgs.map((m) => m.length)).toEqual([43 + 4 * 16373, 43 + 4 * (20_000 - 16373)]);
  });

  it('groups equal attributes in distinct objects, separates different ones', () => {
    const out = new AdjRibOut(OPTS);
    const other = attrs({ med: 10 });
    out.set([
      { prefix: c('10.0.0.0/24'), attrs: attrs() },
      { prefix: c('10.0.1.0/24'), attrs: other },
      { prefix: c('10.0.2.0/24'), attrs: attrs() },
    ]);
    const decoded = decodeAll(out.takeUpdates());
    expect(decoded.map((m) => [m.nlri.map(String), attr(m, 'med')?.med])).toEqual([
      [['10.0.0.0/24', '10.0.2.0/24'], undefined],
      [['10.0.1.0/24'], 10],
    ]);
  });

  it('sends only the difference, and packs withdrawals', () => {
    const ps = v4Prefixes('10.0.0.0/24', 3000);
    const out = new AdjRibOut(OPTS);
    out.set(routes(ps));
    out.takeUpdates();
    out.set(routes(ps));
    expect(out.pending).toBe(0);
    expect(out.takeUpdates()).toEqual([]);

    // Keep the first 100 unchanged, change 100, drop the rest (2800, withdrawn at (4096-23)/4 = 1018 per UPDATE).
    const changed = attrs({ med: 1 });
    out.set([...routes(ps.slice(0, 100)), ...routes(ps.slice(100, 200), changed)]);
    expect(out.pending).toBe(2900);
    const decoded = decodeAll(out.takeUpdates());
    const withdrawals = decoded.filter((m) => m.withdrawn.length > 0);
    expect(withdrawals.map((m) => m.withdrawn.length)).toEqual([1018, 1018, 764]);
    expect(withdrawals.every((m) => m.attributes.length === 0 && m.nlri.length === 0)).toBe(true);
    expect(withdrawnOf(decoded)).toEqual(ps.slice(200).map(String));
    expect(nlriOf(decoded)).toEqual(ps.slice(100, 200).map(String));
    expect(out.advertised).toBe(200);
  });

  it('cancels queued work when the desired set returns to what was sent', () => {
    const out = new AdjRibOut(OPTS);
    out.set(routes([c('10.0.0.0/24')]));
    out.takeUpdates();
    out.set([]);
    expect(out.pending).toBe(1);
    out.set(routes([c('10.0.0.0/24')], attrs()));
    expect(out.pending).toBe(0);
    // Never sent, then gone before sending: nothing to withdraw.
    out.set(routes([c('10.0.0.0/24'), c('10.0.9.0/24')]));
    out.set(routes([c('10.0.0.0/24')]));
    expect(out.pending).toBe(0);
  });

  it('takeUpdates(max) paces sending', () => {
    const out = new AdjRibOut(OPTS);
    out.set(routes(v4Prefixes('10.0.0.0/24', 3000)));
    expect(out.takeUpdates(2)).toHaveLength(2);
    expect(out.pending).toBe(3000 - 2 * 1013);
    expect(out.takeUpdates(2)).toHaveLength(1);
    expect(out.pending).toBe(0);
  });

  it('resetSent re-queues everything; refresh re-sends everything (RFC 2918)', () => {
    const out = new AdjRibOut(OPTS);
    const ps = v4Prefixes('10.0.0.0/24', 10);
    out.set(routes(ps));
    out.takeUpdates();
    out.refresh();
    expect(out.pending).toBe(10);
    expect(nlriOf(decodeAll(out.takeUpdates()))).toEqual(ps.map(String));
    out.set(routes(ps.slice(0, 5)));
    out.resetSent();
    expect(out.advertised).toBe(0);
    const again = decodeAll(out.takeUpdates());
    expect(withdrawnOf(again)).toEqual([]);
    expect(nlriOf(again)).toEqual(ps.slice(0, 5).map(String));
  });

  it('sends IPv6 in MP_REACH_NLRI first, with a 32-byte next hop (RFC 2545, RFC 7606 §5.1), and withdraws in MP_UNREACH_NLRI', () => {
    const out = new AdjRibOut(OPTS);
    const a6 = attrs({ nextHop: '2001:db8::1', linkLocalNextHop: 'fe80::1' });
    // 2001:db8:N::/48 → 7 bytes each. Fixed: 19 + 4 + ORIGIN 4 + AS_PATH 9 + MP header 4 + (5 + 32) = 77.
    const ps: Cidr[] = [];
    for (let i = 0; i < 1200; i++) ps.push(c(`2001:db8:${i.toString(16)}::/48`));
    out.set([...routes(ps, a6), ...routes([c('10.0.0.0/24')])]);
    const decoded = decodeAll(out.takeUpdates());
    const v6 = decoded.filter((m) => m.attributes[0]?.type === 'mp-reach');
    const perMessage = Math.floor((4096 - 77) / 7); // 574
    expect(v6.map((m) => attr(m, 'mp-reach')!.nlri.length)).toEqual([
      perMessage,
      perMessage,
      1200 - 2 * perMessage,
    ]);
    const mp = attr(v6[0]!, 'mp-reach')!;
    expect([mp.afi, mp.safi, mp.nextHop, mp.linkLocalNextHop]).toEqual([2, 1, '2001:db8::1', 'fe80::1']);
    expect(attr(v6[0]!, 'next-hop')).toBeUndefined();
    expect(v6.flatMap((m) => attr(m, 'mp-reach')!.nlri.map(String))).toEqual(ps.map(String));
    expect(nlriOf(decoded)).toEqual(['10.0.0.0/24']);

    out.set([]);
    const gone = decodeAll(out.takeUpdates());
    expect(gone.map((m) => m.withdrawn.length)).toEqual([1, 0, 0, 0]);
    const unreach = gone.map((m) => attr(m, 'mp-unreach')).filter((a) => a !== undefined);
    expect(unreach.flatMap((u) => u.withdrawn.map(String))).toEqual(ps.map(String));
    // 19 + 4 + MP_UNREACH header 4 + 3 = 30 fixed: (4096 - 30) / 7 = 580 per UPDATE.
    expect(unreach.map((u) => u.withdrawn.length)).toEqual([580, 580, 40]);
  });

  it('ignores families not negotiated', () => {
    const out = new AdjRibOut({ ...OPTS, families: ['ipv4'] });
    out.set([
      ...routes([c('10.0.0.0/24')]),
      ...routes([c('2001:db8::/32')], attrs({ nextHop: '2001:db8::1' })),
    ]);
    expect(out.pending).toBe(1);
  });

  it('drops LOCAL_PREF towards eBGP, keeps it on iBGP; unknown transitive attributes get the Partial bit', () => {
    const a = attrs({ localPref: 300, unknown: [{ code: 99, flags: 0xc0, value: Uint8Array.of(7) }] });
    const send = (ebgp: boolean) => {
      const out = new AdjRibOut({ ...OPTS, ebgp });
      out.set(routes([c('10.0.0.0/24')], a));
      return decodeAll(out.takeUpdates())[0]!;
    };
    expect(attr(send(true), 'local-pref')).toBeUndefined();
    const ibgp = send(false);
    expect(attr(ibgp, 'local-pref')?.localPref).toBe(300);
    expect(attr(ibgp, 'unknown')).toEqual({
      type: 'unknown',
      code: 99,
      flags: 0xe0,
      value: Uint8Array.of(7),
    });
  });
});

describe('AdjRibOut to a 2-octet peer (RFC 6793 §4.2.2)', () => {
  it('sends AS_TRANS in AS_PATH/AGGREGATOR with AS4_PATH/AS4_AGGREGATOR, and merges back on receive', () => {
    const a = attrs({
      asPath: [
        { type: 'sequence', asns: [65000, 4200000001] },
        { type: 'set', asns: [4200000002, 65010] },
      ],
      aggregator: { asn: 4200000001, address: '192.0.2.7' },
    });
    const out = new AdjRibOut({ ...OPTS, fourOctetAs: false });
    out.set(routes([c('10.0.0.0/24')], a));
    const msg = decodeAll(out.takeUpdates(), false)[0]!;
    expect(attr(msg, 'as-path')?.segments).toEqual([
      { type: 'sequence', asns: [65000, AS_TRANS] },
      { type: 'set', asns: [AS_TRANS, 65010] },
    ]);
    expect(attr(msg, 'as4-path')?.segments).toEqual(a.asPath);
    expect(attr(msg, 'aggregator')).toEqual({ type: 'aggregator', asn: AS_TRANS, address: '192.0.2.7' });
    expect(attr(msg, 'as4-aggregator')).toEqual({
      type: 'as4-aggregator',
      asn: 4200000001,
      address: '192.0.2.7',
    });

    const back = routesFromUpdate(msg, { fourOctetAs: false }).announced[0]!.attrs;
    expect(back.asPath).toEqual(a.asPath);
    expect(back.aggregator).toEqual(a.aggregator);
  });

  it('sends no AS4_PATH when every ASN fits 2 octets, nor to a 4-octet peer', () => {
    const out2 = new AdjRibOut({ ...OPTS, fourOctetAs: false });
    out2.set(routes([c('10.0.0.0/24')]));
    const m2 = decodeAll(out2.takeUpdates(), false)[0]!;
    expect(attr(m2, 'as-path')?.segments).toEqual([{ type: 'sequence', asns: [65001] }]);
    expect(attr(m2, 'as4-path')).toBeUndefined();

    const out4 = new AdjRibOut(OPTS);
    out4.set(routes([c('10.0.0.0/24')], attrs({ asPath: [{ type: 'sequence', asns: [4200000001] }] })));
    const m4 = decodeAll(out4.takeUpdates())[0]!;
    expect(attr(m4, 'as-path')?.segments).toEqual([{ type: 'sequence', asns: [4200000001] }]);
    expect(attr(m4, 'as4-path')).toBeUndefined();
  });
});

describe('AdjRibOut initial dump (set on an empty table)', () => {
  /** What the peer holds after the UPDATEs: prefix → MED (or -1), in arrival order of the last announcement. */
  const apply = (held: Map<string, number>, msgs: UpdateMessage[]) => {
    for (const m of msgs) {
      for (const p of [...m.withdrawn, ...(attr(m, 'mp-unreach')?.withdrawn ?? [])]) held.delete(String(p));
      for (const p of [...m.nlri, ...(attr(m, 'mp-reach')?.nlri ?? [])]) {
        held.set(String(p), attr(m, 'med')?.med ?? -1);
      }
    }
    return held;
  };

  it('queues by first occurrence with the last route of a repeated prefix, attribute sets in order, both families', () => {
    const a = attrs();
    const b = attrs({ med: 5 });
    const v6 = attrs({ nextHop: '2001:db8::1' });
    const out = new AdjRibOut(OPTS);
    out.set([
      { prefix: c('10.0.1.0/24'), attrs: a },
      { prefix: c('fd00:1::/64'), attrs: v6 },
      { prefix: c('10.0.2.0/24'), attrs: b },
      { prefix: c('10.0.3.0/24'), attrs: a },
      { prefix: c('10.0.1.0/24'), attrs: b },
      { prefix: c('fd00:2::/64'), attrs: v6 },
    ]);
    expect(out.pending).toBe(5);
    const decoded = decodeAll(out.takeUpdates());
    expect(
      decoded.map((m) => [
        [...m.nlri, ...(attr(m, 'mp-reach')?.nlri ?? [])].map(String),
        attr(m, 'med')?.med,
      ]),
    ).toEqual([
      [['10.0.1.0/24', '10.0.2.0/24'], 5],
      [['fd00:1::/64', 'fd00:2::/64'], undefined],
      [['10.0.3.0/24'], undefined],
    ]);
    expect(out.pending).toBe(0);
    expect(out.advertised).toBe(5);
  });

  it('IPv4 only: a repeated prefix keeps its first place and its last route; equal networks of other lengths are distinct', () => {
    const ps = v4Prefixes('10.0.0.0/24', 3000);
    const b = attrs({ med: 7 });
    const out = new AdjRibOut(OPTS);
    out.set([
      ...routes([c('10.0.0.0/8'), c('10.0.0.0/16')]),
      ...routes(ps),
      { prefix: c('10.0.0.0/8'), attrs: b },
      { prefix: ps[2999]!, attrs: b },
      { prefix: c('0.0.0.0/0'), attrs: b },
    ]);
    expect(out.pending).toBe(3003);
    const decoded = decodeAll(out.takeUpdates());
    const byMed = (med: number | undefined) =>
      decoded.filter((m) => attr(m, 'med')?.med === med).flatMap((m) => m.nlri.map(String));
    expect(byMed(7)).toEqual(['10.0.0.0/8', ps[2999]!.toString(), '0.0.0.0/0']);
    expect(byMed(undefined)).toEqual(['10.0.0.0/16', ...ps.slice(0, 2999).map(String)]);
    expect(nlriOf(decoded).slice(0, 3)).toEqual(['10.0.0.0/8', ps[2999]!.toString(), '0.0.0.0/0']);
    // The desired set is the deduplicated one: the same set again changes nothing.
    out.set([
      ...routes([c('10.0.0.0/16')]),
      ...routes(ps.slice(0, 2999)),
      ...routes([c('10.0.0.0/8'), ps[2999]!, c('0.0.0.0/0')], b),
    ]);
    expect(out.pending).toBe(0);
  });

  it('IPv4 in any order: sends in the order given', () => {
    const ps = v4Prefixes('10.0.0.0/24', 3000);
    const shuffled = [...ps.slice(1500).reverse(), c('10.0.0.0/16'), ...ps.slice(0, 1500)];
    const out = new AdjRibOut(OPTS);
    out.set(routes(shuffled));
    expect(out.pending).toBe(3001);
    expect(nlriOf(decodeAll(out.takeUpdates()))).toEqual(shuffled.map(String));
    out.set(routes(ps));
    expect(out.pending).toBe(1); // 10.0.0.0/16 withdrawn
    expect(withdrawnOf(decodeAll(out.takeUpdates()))).toEqual(['10.0.0.0/16']);
  });

  it('takes a new desired set in the middle of the dump: withdraws what went, drops what never went', () => {
    const ps = v4Prefixes('10.0.0.0/24', 3000);
    const out = new AdjRibOut(OPTS);
    out.set(routes(ps));
    const held = apply(new Map(), decodeAll(out.takeUpdates(1))); // 0..1012
    expect(out.pending).toBe(3000 - 1013);
    const changed = attrs({ med: 1 });
    out.set([...routes(ps.slice(100, 2000)), ...routes(ps.slice(2000, 2500), changed)]);
    // Withdraw 0..99 (sent), announce 1013..1999 (still queued) and 2000..2499 (new attributes).
    expect(out.pending).toBe(100 + 987 + 500);
    const decoded = decodeAll(out.takeUpdates());
    expect(withdrawnOf(decoded)).toEqual(ps.slice(0, 100).map(String));
    expect(nlriOf(decoded)).toEqual(ps.slice(1013, 2500).map(String));
    apply(held, decoded);
    expect([...held.keys()].sort()).toEqual(ps.slice(100, 2500).map(String).sort());
    expect(held.get(ps[2000]!.toString())).toBe(1);
    expect(out.pending).toBe(0);
    expect(out.advertised).toBe(2400);
  });

  it.each(['resetSent', 'refresh'] as const)(
    '%s in the middle of the dump queues the whole table again',
    (op) => {
      const ps = v4Prefixes('10.0.0.0/24', 3000);
      const out = new AdjRibOut(OPTS);
      out.set(routes(ps));
      out.takeUpdates(1);
      out[op]();
      expect(out.pending).toBe(3000);
      const decoded = decodeAll(out.takeUpdates());
      expect(nlriOf(decoded)).toEqual(ps.map(String));
      expect(withdrawnOf(decoded)).toEqual([]);
      expect(out.advertised).toBe(3000);
    },
  );

  it('leaves the table empty when an attribute set cannot be encoded', () => {
    const out = new AdjRibOut(OPTS);
    const bad = [
      ...routes([c('10.0.0.0/24')]),
      ...routes([c('10.0.1.0/24')], attrs({ nextHop: '2001:db8::1' })),
    ];
    expect(() => out.set(bad)).toThrow(/not IPv4/);
    expect(out.pending).toBe(0);
    out.set(routes([c('10.0.2.0/24')]));
    expect(nlriOf(decodeAll(out.takeUpdates()))).toEqual(['10.0.2.0/24']);
  });

  it('takeUpdates(max) paces the dump across attribute sets', () => {
    const ps = v4Prefixes('10.0.0.0/24', 1500);
    const out = new AdjRibOut(OPTS);
    out.set([...routes(ps.slice(0, 1020)), ...routes(ps.slice(1020), attrs({ med: 2 }))]);
    const first = decodeAll(out.takeUpdates(2));
    expect(first.map((m) => m.nlri.length)).toEqual([1013, 7]);
    expect(out.pending).toBe(480);
    expect(nlriOf(decodeAll(out.takeUpdates(2)))).toEqual(ps.slice(1020).map(String));
    expect(out.pending).toBe(0);
  });
});

describe('AdjRibOut initial dump: what it sent is recorded lazily', () => {
  const med = (m: UpdateMessage) => attr(m, 'med')?.med;
  /** Each UPDATE as [withdrawn, announced, MED]: the exact wire content, IPv6 from MP_(UN)REACH_NLRI. */
  const shape = (msgs: Uint8Array[]) =>
    decodeAll(msgs).map((m) => [
      [...m.withdrawn, ...(attr(m, 'mp-unreach')?.withdrawn ?? [])].map(String),
      [...m.nlri, ...(attr(m, 'mp-reach')?.nlri ?? [])].map(String),
      med(m),
    ]);
  const strs = (ps: readonly Cidr[]) => ps.map(String);
  const a = attrs();
  const b = attrs({ med: 9 });
  // 3000 /24s: 0..1499 with `a`, 1500..2999 with `b` (1013 /24s per UPDATE with `a`, 1011 with `b`: 7 more bytes).
  const ps = v4Prefixes('10.0.0.0/24', 3000);
  const table = () => [...routes(ps.slice(0, 1500), a), ...routes(ps.slice(1500), b)];

  it('counts every UPDATE taken in advertised at once', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    const sizes: number[] = [];
    for (let sent = 0; out.pending > 0; ) {
      const [m] = decodeAll(out.takeUpdates(1));
      sent += m!.nlri.length;
      expect(out.advertised).toBe(sent);
      expect(out.pending).toBe(3000 - sent);
      sizes.push(m!.nlri.length);
    }
    expect(sizes).toEqual([1013, 487, 1011, 489]);
    expect(out.takeUpdates()).toEqual([]);
    // The whole table went: the same table again is no change, an empty one withdraws all of it.
    out.set(table());
    expect([out.pending, out.advertised]).toEqual([0, 3000]);
    out.set([]);
    expect(out.advertised).toBe(3000);
    expect(shape(out.takeUpdates())).toEqual([
      [strs(ps.slice(0, 1018)), [], undefined],
      [strs(ps.slice(1018, 2036)), [], undefined],
      [strs(ps.slice(2036)), [], undefined],
    ]);
    expect([out.pending, out.advertised]).toEqual([0, 0]);
    // Empty again: the next set is a new initial dump.
    out.set(routes(ps.slice(0, 3)));
    expect(shape(out.takeUpdates())).toEqual([[[], strs(ps.slice(0, 3)), undefined]]);
    expect(out.advertised).toBe(3);
  });

  it('set() in the middle of the dump: withdraws and re-announces exactly what was sent', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    // Sent: 0..1012 (a), 1013..1499 (a), 1500..2510 (b); queued: 2511..2999 (b).
    expect(shape(out.takeUpdates(3))).toEqual([
      [[], strs(ps.slice(0, 1013)), undefined],
      [[], strs(ps.slice(1013, 1500)), undefined],
      [[], strs(ps.slice(1500, 2511)), 9],
    ]);
    expect(out.advertised).toBe(2511);
    const c2 = attrs({ med: 2 });
    out.set([
      ...routes(ps.slice(10, 1400), a), // unchanged, sent: nothing to do
      ...routes(ps.slice(1400, 1450), c2), // sent with `a`: announced again with MED 2
      ...routes(ps.slice(1450, 1500), b), // sent with `a`: announced again with `b`
      ...routes(ps.slice(1500, 2000), b), // unchanged, sent
      ...routes(ps.slice(2500, 2520), b), // 2500..2510 sent, 2511..2519 still queued
      ...routes(ps.slice(2520, 2530), a), // queued with `b`, now `a`
    ]);
    // Withdraw 0..9 and 2000..2499 (sent, gone); 2530..2999 never went: dropped from the queue.
    expect(out.pending).toBe(10 + 500 + 50 + 50 + 9 + 10);
    expect(out.advertised).toBe(2511);
    expect(shape(out.takeUpdates())).toEqual([
      [[...strs(ps.slice(0, 10)), ...strs(ps.slice(2000, 2500))], [], undefined],
      [[], [...strs(ps.slice(2511, 2520)), ...strs(ps.slice(1450, 1500))], 9],
      [[], strs(ps.slice(1400, 1450)), 2],
      [[], strs(ps.slice(2520, 2530)), undefined],
    ]);
    expect([out.pending, out.advertised]).toEqual([0, 10 + 1390 + 100 + 500 + 20 + 10 - 10]);
    out.set([]);
    const gone = shape(out.takeUpdates()).flatMap(([w]) => w as string[]);
    expect(gone.sort()).toEqual(strs([...ps.slice(10, 2000), ...ps.slice(2500, 2530)]).sort());
    expect(out.advertised).toBe(0);
  });

  it('set() after a partial dump of IPv4 and IPv6: both families withdrawn exactly', () => {
    const v6 = attrs({ nextHop: '2001:db8::1' });
    const p6 = [c('2001:db8:1::/48'), c('2001:db8:2::/48')];
    const out = new AdjRibOut(OPTS);
    out.set([...routes(ps.slice(0, 1100), a), ...routes(p6, v6), ...routes(ps.slice(1100, 1200), b)]);
    expect(shape(out.takeUpdates(3))).toEqual([
      [[], strs(ps.slice(0, 1013)), undefined],
      [[], strs(ps.slice(1013, 1100)), undefined],
      [[], strs(p6), undefined],
    ]);
    expect([out.pending, out.advertised]).toEqual([100, 1102]);
    out.set(routes(ps.slice(1050, 1150), a));
    expect(shape(out.takeUpdates())).toEqual([
      [strs(ps.slice(0, 1018)), [], undefined],
      [strs(ps.slice(1018, 1050)), [], undefined],
      [strs(p6), [], undefined],
      [[], strs(ps.slice(1100, 1150)), undefined],
    ]);
    expect([out.pending, out.advertised]).toEqual([0, 100]);
  });

  it('refresh() in the middle of the dump: re-sends all, and still knows what went before', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    out.takeUpdates(1); // 0..1012
    expect(out.advertised).toBe(1013);
    out.refresh();
    expect([out.pending, out.advertised]).toEqual([3000, 1013]);
    // Before anything more goes: what left the table and had been sent is withdrawn, the rest dropped.
    out.set(routes(ps.slice(500, 1500), a));
    expect([out.pending, out.advertised]).toEqual([500 + 1000, 1013]);
    expect(shape(out.takeUpdates())).toEqual([
      [strs(ps.slice(0, 500)), [], undefined],
      [[], strs(ps.slice(500, 1500)), undefined],
    ]);
    expect([out.pending, out.advertised]).toEqual([0, 1000]);
  });

  it('refresh() after the whole dump re-sends it; then a set withdraws from it', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    expect(out.takeUpdates()).toHaveLength(4);
    out.refresh();
    expect([out.pending, out.advertised]).toEqual([3000, 3000]);
    expect(shape(out.takeUpdates())).toEqual([
      [[], strs(ps.slice(0, 1013)), undefined],
      [[], strs(ps.slice(1013, 1500)), undefined],
      [[], strs(ps.slice(1500, 2511)), 9],
      [[], strs(ps.slice(2511)), 9],
    ]);
    out.set(routes(ps.slice(1, 1500), a));
    const gone = strs([ps[0]!, ...ps.slice(1500)]);
    expect(shape(out.takeUpdates())).toEqual([
      [gone.slice(0, 1018), [], undefined],
      [gone.slice(1018), [], undefined],
    ]);
    expect(out.advertised).toBe(1499);
  });

  it('resetSent() in the middle of the dump: nothing is known sent, nothing withdrawn', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    out.takeUpdates(3);
    expect(out.advertised).toBe(2511);
    out.resetSent();
    expect([out.pending, out.advertised]).toEqual([3000, 0]);
    out.set(routes(ps.slice(0, 1000), b));
    expect([out.pending, out.advertised]).toEqual([1000, 0]);
    expect(shape(out.takeUpdates())).toEqual([[[], strs(ps.slice(0, 1000)), 9]]);
    expect(out.advertised).toBe(1000);
    out.set([]);
    expect(shape(out.takeUpdates())).toEqual([[strs(ps.slice(0, 1000)), [], undefined]]);
    expect(out.advertised).toBe(0);
  });

  it('resetSent() after the whole dump, then the same table: sent again in full', () => {
    const out = new AdjRibOut(OPTS);
    out.set(table());
    out.takeUpdates();
    out.resetSent();
    out.set(table());
    expect([out.pending, out.advertised]).toEqual([3000, 0]);
    expect(nlriOf(decodeAll(out.takeUpdates()))).toEqual(strs(ps));
    expect(out.advertised).toBe(3000);
    out.set(table());
    expect(out.pending).toBe(0);
  });
});
