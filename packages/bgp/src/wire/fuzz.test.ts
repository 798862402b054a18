import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { prng } from '../testing/prng.test-support.js';
import { BgpError } from './bgp-error.js';
import { BgpDecoder } from './decoder.js';
import { type BgpMessage, decodeMessage, encodeMessage } from './message.js';
import { notification } from './notification.js';

const SEEDS: BgpMessage[] = [
  {
    type: 'open',
    version: 4,
    myAs: 65001,
    holdTime: 90,
    bgpId: '10.0.0.1',
    capabilities: [
      { type: 'multiprotocol', afi: 2, safi: 1 },
      { type: 'four-octet-as', asn: 65001 },
      {
        type: 'graceful-restart',
        restarting: false,
        notification: true,
        restartTime: 90,
        families: [{ afi: 1, safi: 1, forwardingPreserved: true }],
      },
    ],
  },
  { type: 'keepalive' },
  { type: 'route-refresh', afi: 2, safi: 1, subtype: 2 },
  notification(6, 4, undefined, 'reset'),
  {
    type: 'update',
    withdrawn: [Cidr.parse('10.9.0.0/16')],
    attributes: [
      { type: 'origin', origin: 0 },
      { type: 'as-path', segments: [{ type: 'sequence', asns: [65001, 65002] }] },
      { type: 'next-hop', nextHop: '10.0.0.1' },
      { type: 'med', med: 5 },
      { type: 'local-pref', localPref: 100 },
      { type: 'atomic-aggregate' },
      { type: 'aggregator', asn: 65001, address: '10.0.0.1' },
      { type: 'communities', communities: [1, 2] },
      { type: 'large-communities', communities: [{ globalAdmin: 1, local1: 2, local2: 3 }] },
      { type: 'as4-path', segments: [{ type: 'set', asns: [70000] }] },
      { type: 'as4-aggregator', asn: 70000, address: '10.0.0.2' },
      { type: 'unknown', code: 200, flags: 0xc0, value: Uint8Array.of(1, 2, 3) },
    ],
    nlri: [Cidr.parse('10.1.0.0/24'), Cidr.parse('0.0.0.0/0')],
  },
  {
    type: 'update',
    withdrawn: [],
    attributes: [
      { type: 'origin', origin: 1 },
      { type: 'as-path', segments: [] },
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
];
const VALID = SEEDS.map((m) => encodeMessage(m));

function mutate(rand: () => number, src: Uint8Array): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  let b = src.slice();
  const edits = 1 + int(4);
  for (let k = 0; k < edits; k++) {
    switch (int(6)) {
      case 0: // flip a byte outside the marker mostly
        if (b.length > 0) b[int(b.length)] = int(256);
        break;
      case 1: // flip a bit in the body
        if (b.length > 19) b[19 + int(b.length - 19)]! ^= 1 << int(8);
        break;
      case 2: // truncate
        b = b.slice(0, int(b.length + 1));
        break;
      case 3: {
        // insert random bytes
        const at = int(b.length + 1);
        const ins = Uint8Array.from({ length: 1 + int(8) }, () => int(256));
        const nb = new Uint8Array(b.length + ins.length);
        nb.set(b.subarray(0, at));
        nb.set(ins, at);
        nb.set(b.subarray(at), at + ins.length);
        b = nb;
        break;
      }
      case 4: // small or boundary values in a length-looking byte
        if (b.length > 19) b[19 + int(b.length - 19)] = [0, 1, 0x7f, 0x80, 0xff, 4, 16, 32][int(8)]!;
        break;
      default: {
        // fix up the header length to the actual size, so the body is exercised
        if (b.length >= 19) {
          b[16] = (b.length >>> 8) & 0xff;
          b[17] = b.length & 0xff;
        }
      }
    }
  }
  return b;
}

describe('fuzz (seeded)', () => {
  it('decodes 100,000 random and mutated messages throwing only BgpError', () => {
    const rand = prng(0xb6b);
    let accepted = 0;
    let rejected = 0;
    const started = Date.now();
    for (let i = 0; i < 100_000; i++) {
      let input: Uint8Array;
      if (i % 10 === 0) {
        input = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
        if (rand() < 0.5 && input.length >= 19) input.fill(0xff, 0, 16);
      } else {
        input = mutate(rand, VALID[i % VALID.length]!);
      }
      const opts = { fourOctetAs: rand() < 0.5, extendedMessages: rand() < 0.2 };
      try {
        decodeMessage(input, opts);
        accepted++;
      } catch (e) {
        if (!(e instanceof BgpError)) {
          throw new Error(`non-BgpError for ${Buffer.from(input).toString('hex')}: ${String(e)}`);
        }
        expect(e.notification.code).toBeGreaterThanOrEqual(1);
        rejected++;
      }
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('feeds mutated streams in random chunks to the incremental decoder', () => {
    const rand = prng(42);
    for (let i = 0; i < 5_000; i++) {
      const parts = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => {
        const v = VALID[Math.floor(rand() * VALID.length)]!;
        return rand() < 0.3 ? mutate(rand, v) : v;
      });
      const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        stream.set(p, o);
        o += p.length;
      }
      const d = new BgpDecoder();
      try {
        for (let p = 0; p < stream.length; ) {
          const n = 1 + Math.floor(rand() * 64);
          d.push(stream.subarray(p, p + n));
          p += n;
        }
        d.end();
      } catch (e) {
        if (!(e instanceof BgpError)) throw e;
      }
    }
  });

  it('round-trips every seed message', () => {
    for (const m of SEEDS) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });
});
