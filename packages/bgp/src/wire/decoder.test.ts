import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { BgpDecoder } from './decoder.js';
import { encodeKeepalive } from './keepalive.js';
import { type BgpMessage, encodeMessage } from './message.js';
import { notification } from './notification.js';
import { catchBgp, hx, MARKER } from './test-helpers.test-support.js';

const MESSAGES: BgpMessage[] = [
  {
    type: 'open',
    version: 4,
    myAs: 65001,
    holdTime: 90,
    bgpId: '10.0.0.1',
    capabilities: [{ type: 'multiprotocol', afi: 1, safi: 1 }, { type: 'route-refresh' }],
  },
  { type: 'keepalive' },
  {
    type: 'update',
    withdrawn: [Cidr.parse('10.9.0.0/16')],
    attributes: [
      { type: 'origin', origin: 0 },
      { type: 'as-path', segments: [{ type: 'sequence', asns: [65001] }] },
      { type: 'next-hop', nextHop: '10.0.0.1' },
    ],
    nlri: [Cidr.parse('10.1.0.0/24'), Cidr.parse('10.2.0.0/24')],
  },
  { type: 'route-refresh', afi: 1, safi: 1, subtype: 0 },
  notification(6, 2, undefined, 'bye'),
];

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const STREAM = concat(MESSAGES.map((m) => encodeMessage(m)));

describe('BgpDecoder', () => {
  it('decodes a stream pushed whole', () => {
    const d = new BgpDecoder();
    expect(d.push(STREAM)).toEqual(MESSAGES);
    expect(d.pending).toBe(0);
    d.end();
  });

  it('decodes the stream split at every offset', () => {
    for (let i = 0; i <= STREAM.length; i++) {
      const d = new BgpDecoder();
      const out = [...d.push(STREAM.subarray(0, i)), ...d.push(STREAM.subarray(i))];
      expect(out, `split at ${i}`).toEqual(MESSAGES);
      d.end();
    }
  });

  it('decodes the stream split at every pair of offsets', () => {
    for (let i = 0; i <= STREAM.length; i += 3) {
      for (let j = i; j <= STREAM.length; j += 5) {
        const d = new BgpDecoder();
        const out = [
          ...d.push(STREAM.subarray(0, i)),
          ...d.push(STREAM.subarray(i, j)),
          ...d.push(STREAM.subarray(j)),
        ];
        expect(out.length, `split at ${i},${j}`).toBe(MESSAGES.length);
      }
    }
  });

  it('decodes byte by byte', () => {
    const d = new BgpDecoder();
    const out: BgpMessage[] = [];
    for (const b of STREAM) out.push(...d.push(Uint8Array.of(b)));
    expect(out).toEqual(MESSAGES);
  });

  it('reports a truncated stream at end() as a typed error', () => {
    const d = new BgpDecoder();
    expect(d.push(STREAM.subarray(0, STREAM.length - 1))).toEqual(MESSAGES.slice(0, -1));
    const e = catchBgp(() => d.end());
    expect(e.code).toBe('ERR_BGP_TRUNCATED');
    expect(e.notification.code).toBe(1);
  });

  it('rejects a header early, before the message body arrives', () => {
    const d = new BgpDecoder();
    const e = catchBgp(() => d.push(hx(`${MARKER} 2000 02`)));
    expect(e.notification).toEqual({ code: 1, subcode: 2, data: hx('2000') });
    expect(e.code).toBe('ERR_BGP_MESSAGE_TOO_LONG');
  });

  it('honours extended messages (RFC 8654) set after negotiation', () => {
    const d = new BgpDecoder();
    d.setOptions({ extendedMessages: true });
    expect(d.push(hx(`${MARKER} 2000 02`))).toEqual([]);
    expect(d.pending).toBe(19);
  });

  it('returns the messages before an error, then throws it on the next push and stays failed', () => {
    const d = new BgpDecoder();
    const bad = hx(`${MARKER} 0013 09`);
    expect(d.push(concat([encodeKeepalive(), bad]))).toEqual([{ type: 'keepalive' }]);
    expect(d.error?.notification.subcode).toBe(3);
    expect(catchBgp(() => d.push(encodeKeepalive())).notification.subcode).toBe(3);
    expect(catchBgp(() => d.end()).notification.subcode).toBe(3);
  });

  it('decodes UPDATEs with 4-octet ASNs when told', () => {
    const msg = MESSAGES[2]!;
    const d = new BgpDecoder({ fourOctetAs: true });
    expect(d.push(encodeMessage(msg, { fourOctetAs: true }))).toEqual([msg]);
    // the same bytes read as 2-octet ASNs are a malformed AS_PATH → treat-as-withdraw
    const d2 = new BgpDecoder();
    expect(d2.push(encodeMessage(msg, { fourOctetAs: true }))[0]).toMatchObject({
      action: 'treat-as-withdraw',
    });
  });
});
