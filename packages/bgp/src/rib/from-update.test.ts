import { describe, expect, it } from 'vitest';
import {
  AS_TRANS,
  decodeUpdate,
  encodeEndOfRib,
  encodeUpdate,
  type PathAttribute,
  type UpdateMessage,
} from '../wire/index.js';
import { routesFromUpdate } from './from-update.js';
import { c } from './test-helpers.test-support.js';

const BASE: PathAttribute[] = [
  { type: 'origin', origin: 1 },
  { type: 'as-path', segments: [{ type: 'sequence', asns: [65001, 65002] }] },
  { type: 'next-hop', nextHop: '192.0.2.1' },
  { type: 'med', med: 7 },
  { type: 'local-pref', localPref: 200 },
  { type: 'communities', communities: [0xfde80064] },
  { type: 'large-communities', communities: [{ globalAdmin: 65000, local1: 1, local2: 2 }] },
];

function roundTrip(
  msg: Pick<UpdateMessage, 'withdrawn' | 'attributes' | 'nlri'>,
  fourOctetAs = true,
): UpdateMessage {
  return decodeUpdate(encodeUpdate(msg, { fourOctetAs }), { fourOctetAs });
}

describe('routesFromUpdate (RFC 4271 §4.3, RFC 4760)', () => {
  it('IPv4 NLRI and withdrawn routes share one attributes object', () => {
    const msg = roundTrip({
      withdrawn: [c('10.9.0.0/16')],
      attributes: BASE,
      nlri: [c('10.1.0.0/24'), c('10.2.0.0/24')],
    });
    const r = routesFromUpdate(msg, { fourOctetAs: true });
    expect(r.endOfRib).toBeUndefined();
    expect(r.withdrawn).toEqual([{ family: 'ipv4', prefixes: [c('10.9.0.0/16')] }]);
    expect(r.announced).toHaveLength(1);
    expect(r.announced[0]!.family).toBe('ipv4');
    expect(r.announced[0]!.prefixes.map(String)).toEqual(['10.1.0.0/24', '10.2.0.0/24']);
    expect(r.announced[0]!.attrs).toEqual({
      origin: 1,
      asPath: [{ type: 'sequence', asns: [65001, 65002] }],
      nextHop: '192.0.2.1',
      med: 7,
      localPref: 200,
      communities: [0xfde80064],
      largeCommunities: [{ globalAdmin: 65000, local1: 1, local2: 2 }],
      unknown: [],
    });
  });

  it('IPv6 from MP_REACH_NLRI (with link-local next hop) and MP_UNREACH_NLRI', () => {
    const msg = roundTrip({
      withdrawn: [],
      attributes: [
        {
          type: 'mp-reach',
          afi: 2,
          safi: 1,
          nextHop: '2001:db8::1',
          linkLocalNextHop: 'fe80::1',
          nlri: [c('2001:db8:1::/48')],
        },
        { type: 'mp-unreach', afi: 2, safi: 1, withdrawn: [c('2001:db8:2::/48')] },
        ...BASE.filter((a) => a.type !== 'next-hop'),
      ],
      nlri: [],
    });
    const r = routesFromUpdate(msg, { fourOctetAs: true });
    expect(r.withdrawn).toEqual([{ family: 'ipv6', prefixes: [c('2001:db8:2::/48')] }]);
    expect(r.announced).toHaveLength(1);
    expect(r.announced[0]!.family).toBe('ipv6');
    expect(r.announced[0]!.prefixes).toEqual([c('2001:db8:1::/48')]);
    expect(r.announced[0]!.attrs.nextHop).toBe('2001:db8::1');
    expect(r.announced[0]!.attrs.linkLocalNextHop).toBe('fe80::1');
    expect(r.announced[0]!.attrs.localPref).toBe(200);
  });

  it('both families in one UPDATE get their own next hops', () => {
    const msg = roundTrip({
      withdrawn: [],
      attributes: [
        { type: 'mp-reach', afi: 2, safi: 1, nextHop: '2001:db8::1', nlri: [c('2001:db8::/32')] },
        ...BASE,
      ],
      nlri: [c('10.0.0.0/8')],
    });
    const r = routesFromUpdate(msg, { fourOctetAs: true });
    expect(r.announced.map((a) => [a.family, a.attrs.nextHop])).toEqual([
      ['ipv4', '192.0.2.1'],
      ['ipv6', '2001:db8::1'],
    ]);
  });

  it('merges AS4_PATH and AS4_AGGREGATOR from a 2-octet peer (RFC 6793 §4.2.3)', () => {
    const msg = roundTrip(
      {
        withdrawn: [],
        attributes: [
          { type: 'origin', origin: 0 },
          { type: 'as-path', segments: [{ type: 'sequence', asns: [65001, AS_TRANS, AS_TRANS] }] },
          { type: 'next-hop', nextHop: '192.0.2.1' },
          { type: 'aggregator', asn: AS_TRANS, address: '192.0.2.9' },
          { type: 'as4-path', segments: [{ type: 'sequence', asns: [4200000001, 4200000002] }] },
          { type: 'as4-aggregator', asn: 4200000002, address: '192.0.2.9' },
        ],
        nlri: [c('10.0.0.0/8')],
      },
      false,
    );
    const a = routesFromUpdate(msg, { fourOctetAs: false }).announced[0]!.attrs;
    expect(a.asPath).toEqual([{ type: 'sequence', asns: [65001, 4200000001, 4200000002] }]);
    expect(a.aggregator).toEqual({ asn: 4200000002, address: '192.0.2.9' });
  });

  it('ignores AS4_PATH from a 4-octet peer (RFC 6793 §4.1)', () => {
    const msg: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: [
        { type: 'origin', origin: 0 },
        { type: 'as-path', segments: [{ type: 'sequence', asns: [65001] }] },
        { type: 'next-hop', nextHop: '192.0.2.1' },
        { type: 'as4-path', segments: [{ type: 'sequence', asns: [1, 2, 3] }] },
      ],
      nlri: [c('10.0.0.0/8')],
    };
    expect(routesFromUpdate(msg, { fourOctetAs: true }).announced[0]!.attrs.asPath).toEqual([
      { type: 'sequence', asns: [65001] },
    ]);
  });

  it('keeps optional transitive unknown attributes and drops non-transitive ones', () => {
    const msg = roundTrip({
      withdrawn: [],
      attributes: [
        ...BASE,
        { type: 'unknown', code: 99, flags: 0xc0, value: Uint8Array.of(1, 2) },
        { type: 'unknown', code: 100, flags: 0x80, value: Uint8Array.of(3) },
      ],
      nlri: [c('10.0.0.0/8')],
    });
    expect(routesFromUpdate(msg, { fourOctetAs: true }).announced[0]!.attrs.unknown).toEqual([
      { code: 99, flags: 0xc0, value: Uint8Array.of(1, 2) },
    ]);
  });

  it('recognizes End-of-RIB for IPv4 (empty UPDATE) and IPv6 (empty MP_UNREACH_NLRI) (RFC 4724 §2)', () => {
    const v4 = routesFromUpdate(decodeUpdate(encodeEndOfRib(1, 1)), { fourOctetAs: true });
    expect(v4).toEqual({ announced: [], withdrawn: [], endOfRib: 'ipv4' });
    const v6 = routesFromUpdate(decodeUpdate(encodeEndOfRib(2, 1)), { fourOctetAs: true });
    expect(v6).toEqual({ announced: [], withdrawn: [], endOfRib: 'ipv6' });
    // A withdrawal-only UPDATE is not End-of-RIB.
    const w = routesFromUpdate(roundTrip({ withdrawn: [c('10.0.0.0/8')], attributes: [], nlri: [] }), {
      fourOctetAs: true,
    });
    expect(w.endOfRib).toBeUndefined();
  });

  it('an UPDATE the codec treats as withdraw (RFC 7606 §2) yields withdrawals only', () => {
    // ORIGIN value 5 is invalid: treat-as-withdraw (RFC 7606 §7.1).
    const bad = encodeUpdate(
      { withdrawn: [], attributes: BASE, nlri: [c('10.1.0.0/16')] },
      { fourOctetAs: true },
    );
    const at = bad.findIndex((_, i) => bad[i] === 0x40 && bad[i + 1] === 1 && bad[i + 2] === 1);
    bad[at + 3] = 5;
    const msg = decodeUpdate(bad, { fourOctetAs: true });
    expect(msg.action).toBe('treat-as-withdraw');
    const r = routesFromUpdate(msg, { fourOctetAs: true });
    expect(r.announced).toEqual([]);
    expect(r.withdrawn).toEqual([{ family: 'ipv4', prefixes: [c('10.1.0.0/16')] }]);
  });
});
