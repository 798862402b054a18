import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import type { PathAttribute } from './attributes/types.js';
import { decodeMessage } from './message.js';
import { catchBgp, hx, MARKER } from './test-helpers.test-support.js';
import { decodeUpdate, encodeEndOfRib, encodeUpdate, endOfRib, type UpdateMessage } from './update.js';

const c = (t: string) => Cidr.parse(t);
const strip = (s: string) => s.replace(/#.*$/gm, '').replace(/\s+/g, '');

/** An UPDATE from withdrawn-routes, attributes and NLRI hex, with lengths computed. */
function upd(withdrawn: string, attrs: string, nlri = ''): Uint8Array {
  const w = strip(withdrawn);
  const a = strip(attrs);
  const n = strip(nlri);
  const len = 19 + 4 + (w.length + a.length + n.length) / 2;
  const h4 = (v: number) => v.toString(16).padStart(4, '0');
  return hx(`${MARKER}${h4(len)}02${h4(w.length / 2)}${w}${h4(a.length / 2)}${a}${n}`);
}

const ORIGIN = '40 01 01 00';
const AS_PATH = '40 02 04 02 01 fde8';
const NEXT_HOP = '40 03 04 c0000201';
const MANDATORY = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '18 0a0102'; // 10.1.2.0/24

const UPDATE = hx(`${MARKER} # marker
  0047                 # length 71
  02                   # type UPDATE
  0000                 # withdrawn routes length 0
  0029                 # total path attribute length 41
  40 01 01 00          # ORIGIN (well-known transitive), length 1, IGP
  40 02 06 02 02 fde8 fde9  # AS_PATH, length 6, AS_SEQUENCE of 2: 65000 65001
  40 03 04 c0000201    # NEXT_HOP, length 4, 192.0.2.1
  80 04 04 00000064    # MED (optional), length 4, 100
  40 05 04 00000064    # LOCAL_PREF, length 4, 100
  c0 08 04 fde80001    # COMMUNITIES (optional transitive), length 4, 65000:1
  18 0a0102            # NLRI 10.1.2.0/24
  10 ac10              # NLRI 172.16.0.0/16`);

const DECODED: UpdateMessage = {
  type: 'update',
  withdrawn: [],
  attributes: [
    { type: 'origin', origin: 0 },
    { type: 'as-path', segments: [{ type: 'sequence', asns: [65000, 65001] }] },
    { type: 'next-hop', nextHop: '192.0.2.1' },
    { type: 'med', med: 100 },
    { type: 'local-pref', localPref: 100 },
    { type: 'communities', communities: [0xfde80001] },
  ],
  nlri: [c('10.1.2.0/24'), c('172.16.0.0/16')],
};

describe('UPDATE (RFC 4271 §4.3)', () => {
  it('decodes a byte vector', () => {
    expect(decodeMessage(UPDATE)).toEqual(DECODED);
  });

  it('encodes the same bytes', () => {
    expect(encodeUpdate(DECODED)).toEqual(UPDATE);
  });

  it('decodes withdrawn routes incl. /0 and /32', () => {
    const bytes = upd('00 20 0a000001 19 c0a80080', '');
    expect(decodeUpdate(bytes)).toEqual({
      type: 'update',
      withdrawn: [c('0.0.0.0/0'), c('10.0.0.1/32'), c('192.168.0.128/25')],
      attributes: [],
      nlri: [],
    });
  });

  it('round-trips every attribute type with 4-octet ASNs', () => {
    const attributes: PathAttribute[] = [
      { type: 'origin', origin: 2 },
      {
        type: 'as-path',
        segments: [
          { type: 'sequence', asns: [4200000000, 65001] },
          { type: 'set', asns: [1, 2, 3] },
        ],
      },
      { type: 'next-hop', nextHop: '198.51.100.1' },
      { type: 'med', med: 0xffffffff },
      { type: 'local-pref', localPref: 200 },
      { type: 'atomic-aggregate' },
      { type: 'aggregator', asn: 4200000000, address: '10.0.0.1' },
      { type: 'communities', communities: [0xffffff01, 1] },
      {
        type: 'mp-reach',
        afi: 2,
        safi: 1,
        nextHop: '2001:db8::1',
        linkLocalNextHop: 'fe80::1',
        nlri: [c('2001:db8:1::/48'), c('::/0')],
      },
      { type: 'mp-unreach', afi: 2, safi: 1, withdrawn: [c('2001:db8:2::/64')] },
      { type: 'as4-path', segments: [{ type: 'sequence', asns: [4200000000] }] },
      { type: 'as4-aggregator', asn: 4200000001, address: '10.0.0.2' },
      { type: 'large-communities', communities: [{ globalAdmin: 4200000000, local1: 1, local2: 2 }] },
      { type: 'unknown', code: 99, flags: 0xe0, value: hx('0102') },
    ];
    const msg: UpdateMessage = {
      type: 'update',
      withdrawn: [c('10.9.0.0/16')],
      attributes,
      nlri: [c('10.0.0.0/8')],
    };
    const opts = { fourOctetAs: true };
    expect(decodeUpdate(encodeUpdate(msg, opts), opts)).toEqual(msg);
  });

  it('decodes an RFC 2545 IPv6 MP_REACH_NLRI vector with a 32-byte next hop', () => {
    const bytes = upd(
      '',
      `${ORIGIN}${AS_PATH}
      90 0e 002c                        # MP_REACH_NLRI, extended length 44
      0002 01                           # AFI IPv6, SAFI unicast
      20                                # next hop length 32
      20010db8000000000000000000000001  # global 2001:db8::1
      fe800000000000000000000000000001  # link-local fe80::1
      00                                # reserved
      30 20010db80001                   # 2001:db8:1::/48`,
    );
    const u = decodeUpdate(bytes);
    expect(u.errors).toBeUndefined();
    expect(u.attributes[2]).toEqual({
      type: 'mp-reach',
      afi: 2,
      safi: 1,
      nextHop: '2001:db8::1',
      linkLocalNextHop: 'fe80::1',
      nlri: [c('2001:db8:1::/48')],
    });
  });

  it('decodes 2-octet AS_PATH and AGGREGATOR and keeps unknown MP families raw', () => {
    const u = decodeUpdate(
      upd('', `${MANDATORY} c0 07 06 fde8 0a000001 80 0f 03 0019 46`, NLRI), // AGGREGATOR; MP_UNREACH L2VPN/EVPN
    );
    expect(u.attributes[3]).toEqual({ type: 'aggregator', asn: 65000, address: '10.0.0.1' });
    expect(u.attributes[4]).toEqual({ type: 'unknown', code: 15, flags: 0x80, value: hx('001946') });
  });

  it('sets the extended length bit for long attributes and splits AS_PATH segments over 255', () => {
    const asns = Array.from({ length: 300 }, (_, i) => i + 1);
    const msg: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: [{ type: 'as-path', segments: [{ type: 'sequence', asns }] }],
      nlri: [],
    };
    const bytes = encodeUpdate(msg);
    expect(bytes[23]).toBe(0x50); // flags: transitive + extended length
    const u = decodeUpdate(bytes);
    const a = u.attributes[0]!;
    expect(a.type === 'as-path' && a.segments.flatMap((s) => s.asns)).toEqual(asns);
    expect(a.type === 'as-path' && a.segments.length).toBe(2);
  });

  it('recognizes End-of-RIB markers (RFC 4724 §2)', () => {
    expect(endOfRib(decodeUpdate(encodeEndOfRib(1, 1)))).toEqual({ afi: 1, safi: 1 });
    expect(endOfRib(decodeUpdate(encodeEndOfRib(2, 1)))).toEqual({ afi: 2, safi: 1 });
    expect(endOfRib(decodeUpdate(encodeEndOfRib(25, 70)))).toEqual({ afi: 25, safi: 70 });
    expect(encodeEndOfRib(1, 1)).toEqual(hx(`${MARKER} 0017 02 0000 0000`));
    expect(endOfRib(DECODED)).toBeUndefined();
    expect(endOfRib(decodeUpdate(upd('08 0a', '')))).toBeUndefined();
  });

  it('refuses to encode beyond the maximum length', () => {
    const nlri = Array.from({ length: 1100 }, (_, i) => Cidr.parse(`10.${i >> 8}.${i & 255}.0/24`));
    expect(catchBgp(() => encodeUpdate({ withdrawn: [], attributes: [], nlri })).code).toBe(
      'ERR_BGP_UNENCODABLE',
    );
    expect(encodeUpdate({ withdrawn: [], attributes: [], nlri }, { maxLength: 65535 }).length).toBe(4423);
  });
});

describe('malformed UPDATEs: session reset (RFC 7606 §5.3, RFC 4760 §7)', () => {
  const cases: [string, Uint8Array, number][] = [
    ['withdrawn length overrunning the message', hx(`${MARKER} 0017 02 0005 0000`), 1],
    ['attribute length overrunning the message', hx(`${MARKER} 0017 02 0000 0001`), 1],
    ['NLRI prefix length 33', upd('', MANDATORY, '21 0a000000 00'), 10],
    ['NLRI prefix truncated', upd('', MANDATORY, '18 0a01'), 10],
    ['withdrawn prefix length 33', upd('21 0a00000000', ''), 10],
    ['withdrawn prefix truncated', upd('10 0a', ''), 10],
    [
      'MP_REACH IPv6 next hop of 5 bytes',
      upd('', `${ORIGIN}${AS_PATH} 80 0e 0b 0002 01 05 0000000000 00 00`),
      9,
    ],
    [
      'MP_REACH IPv6 prefix length 129',
      upd('', `${ORIGIN}${AS_PATH} 80 0e 0a 0001 01 04 0a000001 00 21 0a`),
      9,
    ],
    ['MP_REACH next hop overrunning', upd('', `${ORIGIN}${AS_PATH} 80 0e 05 0002 01 10 00`), 9],
    ['MP_UNREACH shorter than 3 bytes', upd('', '80 0f 02 0002'), 9],
    ['MP_UNREACH prefix truncated', upd('', '80 0f 05 0002 01 40 20'), 9],
    ['MP_REACH with wrong flags', upd('', `${ORIGIN}${AS_PATH} c0 0e 09 0001 01 04 0a000001 00`), 4],
    ['MP_UNREACH twice', upd('', '80 0f 03 0002 01 80 0f 03 0002 01'), 1],
    ['MP_REACH overrunning the attributes', upd('', `${ORIGIN} 80 0e 20 0001 01`), 5],
    ['unrecognized well-known attribute 99', upd('', `${MANDATORY} 40 63 01 00`, NLRI), 2],
  ];
  for (const [name, bytes, subcode] of cases) {
    it(`${name} → 3/${subcode}, session reset`, () => {
      const e = catchBgp(() => decodeMessage(bytes));
      expect(e.notification.code).toBe(3);
      expect(e.notification.subcode).toBe(subcode);
      expect(e.action).toBe('session-reset');
    });
  }
});

describe('malformed UPDATEs: treat-as-withdraw and attribute-discard (RFC 7606 §7)', () => {
  const cases: [string, Uint8Array, 'treat-as-withdraw' | 'attribute-discard', number, number][] = [
    ['ORIGIN of length 2', upd('', `40 01 02 0000 ${AS_PATH}${NEXT_HOP}`, NLRI), 'treat-as-withdraw', 5, 1],
    ['ORIGIN value 3', upd('', `40 01 01 03 ${AS_PATH}${NEXT_HOP}`, NLRI), 'treat-as-withdraw', 6, 1],
    [
      'ORIGIN flagged optional',
      upd('', `c0 01 01 00 ${AS_PATH}${NEXT_HOP}`, NLRI),
      'treat-as-withdraw',
      4,
      1,
    ],
    [
      'AS_PATH segment overrun',
      upd('', `${ORIGIN} 40 02 04 02 02 fde8 ${NEXT_HOP}`, NLRI),
      'treat-as-withdraw',
      11,
      2,
    ],
    [
      'AS_PATH segment type 5',
      upd('', `${ORIGIN} 40 02 04 05 01 fde8 ${NEXT_HOP}`, NLRI),
      'treat-as-withdraw',
      11,
      2,
    ],
    [
      'AS_PATH empty segment',
      upd('', `${ORIGIN} 40 02 02 02 00 ${NEXT_HOP}`, NLRI),
      'treat-as-withdraw',
      11,
      2,
    ],
    [
      'NEXT_HOP of length 5',
      upd('', `${ORIGIN}${AS_PATH} 40 03 05 c000020100`, NLRI),
      'treat-as-withdraw',
      5,
      3,
    ],
    ['MED of length 3', upd('', `${MANDATORY} 80 04 03 000064`, NLRI), 'treat-as-withdraw', 5, 4],
    ['LOCAL_PREF of length 0', upd('', `${MANDATORY} 40 05 00`, NLRI), 'treat-as-withdraw', 5, 5],
    ['COMMUNITIES of length 3', upd('', `${MANDATORY} c0 08 03 fde800`, NLRI), 'treat-as-withdraw', 5, 8],
    ['COMMUNITIES of length 0', upd('', `${MANDATORY} c0 08 00`, NLRI), 'treat-as-withdraw', 5, 8],
    [
      'LARGE_COMMUNITY of length 8',
      upd('', `${MANDATORY} c0 20 08 0000000100000002`, NLRI),
      'treat-as-withdraw',
      5,
      32,
    ],
    ['missing NEXT_HOP', upd('', `${ORIGIN}${AS_PATH}`, NLRI), 'treat-as-withdraw', 3, 3],
    [
      'missing ORIGIN with MP_REACH',
      upd('', `${AS_PATH} 80 0e 09 0001 01 04 0a000001 00`),
      'treat-as-withdraw',
      3,
      1,
    ],
    [
      'attribute overrunning the attributes',
      upd('', `${MANDATORY} 80 04 09 00000064`, NLRI),
      'treat-as-withdraw',
      5,
      4,
    ],
    ['ATOMIC_AGGREGATE of length 1', upd('', `${MANDATORY} 40 06 01 00`, NLRI), 'attribute-discard', 5, 6],
    ['ATOMIC_AGGREGATE flagged optional', upd('', `${MANDATORY} c0 06 00`, NLRI), 'attribute-discard', 4, 6],
    ['AGGREGATOR of length 5', upd('', `${MANDATORY} c0 07 05 fde8 0a0000`, NLRI), 'attribute-discard', 5, 7],
    ['AS4_PATH bad segment', upd('', `${MANDATORY} c0 11 04 02 01 0000`, NLRI), 'attribute-discard', 9, 17],
    [
      'AS4_AGGREGATOR of length 6',
      upd('', `${MANDATORY} c0 12 06 fde8 0a000001`, NLRI),
      'attribute-discard',
      5,
      18,
    ],
    [
      'duplicate MED',
      upd('', `${MANDATORY} 80 04 04 00000001 80 04 04 00000002`, NLRI),
      'attribute-discard',
      1,
      4,
    ],
  ];
  for (const [name, bytes, action, subcode, attribute] of cases) {
    it(`${name} → ${action} (3/${subcode})`, () => {
      const u = decodeMessage(bytes) as UpdateMessage;
      expect(u.action).toBe(action);
      expect(u.errors?.[0]).toMatchObject({ action, attribute, notification: { code: 3, subcode } });
      if (action === 'treat-as-withdraw') {
        expect(u.nlri).toEqual([]);
        expect(u.attributes.every((a) => a.type === 'mp-unreach')).toBe(true);
      } else {
        expect(u.attributes.map((a) => a.type)).toContain('next-hop');
      }
    });
  }

  it('withdraws NLRI of an UPDATE whose MED is malformed, keeping MP withdrawals', () => {
    const u = decodeUpdate(
      upd('18 0b0000', `${MANDATORY} 80 04 01 00 80 0e 0e 0001 01 04 0a000001 00 10 0c00 08 0d`, NLRI),
    );
    expect(u.action).toBe('treat-as-withdraw');
    expect(u.withdrawn).toEqual([c('11.0.0.0/24'), c('10.1.2.0/24')]);
    expect(u.attributes).toEqual([
      { type: 'mp-unreach', afi: 1, safi: 1, withdrawn: [c('12.0.0.0/16'), c('13.0.0.0/8')] },
    ]);
  });

  it('keeps the first of duplicate attributes', () => {
    const u = decodeUpdate(upd('', `${MANDATORY} 80 04 04 00000001 80 04 04 00000002`, NLRI));
    expect(u.attributes.filter((a) => a.type === 'med')).toEqual([{ type: 'med', med: 1 }]);
  });
});
