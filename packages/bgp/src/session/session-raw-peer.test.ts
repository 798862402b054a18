import { Cidr, FakeClock } from '@edgeway/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AS_TRANS,
  encodeKeepalive,
  encodeRouteRefresh,
  encodeUpdate,
  type UpdateMessage,
} from '../wire/index.js';
import { SessionErrorCode } from './errors.js';
import { BgpListener } from './listener.js';
import { BgpSession } from './session.js';
import {
  RawServer,
  rawConnect,
  rawOpen,
  recordingLogger,
  testConfig,
  waitUntil,
} from './session.test-support.js';
import type { SessionConfig, SessionDown } from './types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Our session dialling a raw peer; returns both once the raw side has our OPEN. */
async function dial(overrides: Partial<SessionConfig> = {}, clock?: FakeClock) {
  const server = new RawServer();
  const port = await server.listen();
  cleanups.push(() => server.close());
  const logger = recordingLogger();
  const s = new BgpSession(testConfig({ peerPort: port, ...overrides }), {
    logger,
    ...(clock ? { clock } : {}),
  });
  cleanups.push(() => s.abort());
  s.start();
  const peer = await server.accepted();
  const ours = await peer.next('open');
  return { s, peer, ours, logger, server };
}

function update(asns: number[], prefix: string): UpdateMessage {
  return {
    type: 'update',
    withdrawn: [],
    attributes: [
      { type: 'origin', origin: 0 },
      { type: 'as-path', segments: [{ type: 'sequence', asns }] },
      { type: 'next-hop', nextHop: '192.0.2.1' },
    ],
    nlri: [Cidr.parse(prefix)],
  };
}

describe('BgpSession against a raw peer', () => {
  it('sends version 4, AS_TRANS and the capabilities; a 2-octet peer gets 2-octet AS paths', async () => {
    const { s, peer, ours } = await dial({
      localAsn: 4200000001,
      gracefulRestart: { restartTime: 120, restarting: true, forwardingPreserved: true },
    });
    // The raw bytes of our OPEN: version 4, My AS = AS_TRANS.
    const bytes = peer.raw[0]!;
    expect(bytes[19]).toBe(4);
    expect((bytes[20]! << 8) | bytes[21]!).toBe(AS_TRANS);
    expect(ours).toMatchObject({ myAs: 4200000001, holdTime: 90, bgpId: '10.0.0.1' });
    expect(ours.capabilities).toEqual([
      { type: 'multiprotocol', afi: 1, safi: 1 },
      { type: 'multiprotocol', afi: 2, safi: 1 },
      { type: 'route-refresh' },
      { type: 'four-octet-as', asn: 4200000001 },
      {
        type: 'graceful-restart',
        restarting: true,
        notification: false,
        restartTime: 120,
        families: [
          { afi: 1, safi: 1, forwardingPreserved: true },
          { afi: 2, safi: 1, forwardingPreserved: true },
        ],
      },
    ]);
    // A 2-octet speaker: no 4-octet capability, IPv4 only, no route refresh.
    peer.handshake(rawOpen({ myAs: 65002, capabilities: [{ type: 'multiprotocol', afi: 1, safi: 1 }] }));
    const updates: UpdateMessage[] = [];
    s.on('update', (u) => updates.push(u));
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated).toMatchObject({
      fourOctetAs: false,
      families: ['ipv4'],
      routeRefresh: false,
      extendedMessages: false,
    });
    expect(() => s.routeRefresh('ipv4')).toThrowError(
      expect.objectContaining({ code: SessionErrorCode.NotNegotiated }),
    );
    peer.send(encodeUpdate(update([65002, 65010], '10.1.0.0/16'), { fourOctetAs: false }));
    await waitUntil(() => updates.length === 1, 'update');
    expect(updates[0]!.attributes[1]).toEqual({
      type: 'as-path',
      segments: [{ type: 'sequence', asns: [65002, 65010] }],
    });
  });

  it('decodes what follows the OPEN in the same segment with the negotiated options', async () => {
    const { s, peer } = await dial();
    const updates: UpdateMessage[] = [];
    s.on('update', (u) => updates.push(u));
    // OPEN, KEEPALIVE and — out of order, but on the wire in one write — a 4-octet UPDATE.
    peer.send(
      rawOpen({ myAs: 65002 }),
      encodeKeepalive(),
      encodeUpdate(update([4200000009], '10.2.0.0/16'), { fourOctetAs: true }),
    );
    await waitUntil(() => updates.length === 1, 'update');
    expect(updates[0]!.attributes[1]).toEqual({
      type: 'as-path',
      segments: [{ type: 'sequence', asns: [4200000009] }],
    });
  });

  it("emits 'established' before an UPDATE that arrived in the same read as the KEEPALIVE (GoBGP sends them so)", async () => {
    const { s, peer } = await dial();
    const order: string[] = [];
    s.on('established', () => order.push('established'));
    s.on('update', () => order.push('update'));
    peer.send(
      rawOpen({ myAs: 65002 }),
      encodeKeepalive(),
      encodeUpdate(update([65002], '10.3.0.0/16'), { fourOctetAs: true }),
    );
    await waitUntil(() => order.length === 2, 'established and update');
    expect(order).toEqual(['established', 'update']);
  });

  it('negotiates the family intersection and extended messages when both announce them', async () => {
    const { s, peer } = await dial({ extendedMessages: true });
    peer.handshake(
      rawOpen({
        myAs: 65002,
        capabilities: [
          { type: 'multiprotocol', afi: 2, safi: 1 },
          { type: 'multiprotocol', afi: 1, safi: 128 },
          { type: 'extended-message' },
          { type: 'four-octet-as', asn: 65002 },
          { type: 'route-refresh' },
        ],
      }),
    );
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated).toMatchObject({ families: ['ipv6'], extendedMessages: true, fourOctetAs: true });
    // An UPDATE above 4,096 bytes is accepted.
    const nlri = Array.from({ length: 1500 }, (_, i) => Cidr.parse(`10.${i >> 8}.${i & 255}.0/24`));
    const big = encodeUpdate(
      { ...update([65002], '10.0.0.0/8'), nlri },
      { fourOctetAs: true, maxLength: 65535 },
    );
    expect(big.length).toBeGreaterThan(4096);
    const updates: UpdateMessage[] = [];
    s.on('update', (u) => updates.push(u));
    peer.send(big);
    await waitUntil(() => updates.length === 1, 'big update');
    expect(updates[0]!.nlri).toHaveLength(1500);
  });

  it('assumes IPv4 unicast when the peer sends no multiprotocol capability (RFC 4760 §8)', async () => {
    const { s, peer } = await dial({ extendedMessages: true });
    peer.handshake(rawOpen({ myAs: 65002, capabilities: [] }));
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated).toMatchObject({ families: ['ipv4'], extendedMessages: false, fourOctetAs: false });
  });

  it('extended messages stay off when only the peer announces them', async () => {
    const { s, peer } = await dial({ extendedMessages: false });
    peer.handshake(rawOpen({ myAs: 65002, capabilities: [{ type: 'extended-message' }] }));
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated?.extendedMessages).toBe(false);
  });

  it('answers a bad peer AS with exactly NOTIFICATION 2/2 and closes', async () => {
    const { s, peer } = await dial();
    peer.handshake(rawOpen({ myAs: 65099 }));
    await peer.whenClosed();
    expect(peer.messages.map((m) => m.type)).toEqual(['open', 'notification']);
    expect(peer.messages[1]).toMatchObject({ code: 2, subcode: 2 });
    expect(s.lastError).toMatchObject({ code: SessionErrorCode.OpenRejected });
  });

  it('answers a BGP identifier of an internal peer equal to ours with 2/3', async () => {
    const { peer } = await dial({ peerAsn: 65001 });
    peer.handshake(rawOpen({ myAs: 65001, bgpId: '10.0.0.1' }));
    await peer.whenClosed();
    expect(peer.messages.at(-1)).toMatchObject({ type: 'notification', code: 2, subcode: 3 });
  });

  it('answers a decode error with the NOTIFICATION the decoder gives (bad marker → 1/1)', async () => {
    const { peer } = await dial();
    const bad = rawOpen({ myAs: 65002 });
    bad[3] = 0;
    peer.send(bad);
    await peer.whenClosed();
    expect(peer.messages.map((m) => m.type)).toEqual(['open', 'notification']);
    expect(peer.messages[1]).toMatchObject({ code: 1, subcode: 1 });
  });

  it('delivers an UPDATE with RFC 7606 errors, warns once, and stays Established', async () => {
    const { s, peer, logger } = await dial();
    peer.handshake(rawOpen({ myAs: 65002 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    const updates: UpdateMessage[] = [];
    s.on('update', (u) => updates.push(u));
    // MED (type 4) with length 3: treat-as-withdraw (RFC 7606 §7.4).
    const good = encodeUpdate(update([65002], '10.3.0.0/16'), { fourOctetAs: true });
    const attrEnd = 19 + 2 + 2 + ((good[21]! << 8) | good[22]!);
    const med = Uint8Array.of(0x80, 4, 3, 0, 0, 1);
    const bytes = new Uint8Array(good.length + med.length);
    bytes.set(good.subarray(0, attrEnd));
    bytes.set(med, attrEnd);
    bytes.set(good.subarray(attrEnd), attrEnd + med.length);
    bytes[16] = bytes.length >> 8;
    bytes[17] = bytes.length & 255;
    const alen = ((good[21]! << 8) | good[22]!) + med.length;
    bytes[21] = alen >> 8;
    bytes[22] = alen & 255;
    peer.send(bytes);
    await waitUntil(() => updates.length === 1, 'update');
    expect(updates[0]!.action).toBe('treat-as-withdraw');
    expect(updates[0]!.withdrawn.map(String)).toEqual(['10.3.0.0/16']);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(s.state).toBe('Established');
  });

  it('sends and receives ROUTE-REFRESH when negotiated; ignores families not negotiated', async () => {
    const { s, peer } = await dial({ families: ['ipv4'] });
    peer.handshake(rawOpen({ myAs: 65002 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    const got: unknown[] = [];
    s.on('route-refresh', (r) => got.push(r));
    peer.send(
      encodeRouteRefresh({ afi: 2, safi: 1, subtype: 0 }),
      encodeRouteRefresh({ afi: 1, safi: 1, subtype: 0 }),
    );
    await waitUntil(() => got.length === 1, 'route-refresh');
    expect(got[0]).toEqual({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 });
    s.routeRefresh('ipv4');
    await peer.next('route-refresh');
    expect(() => s.routeRefresh('ipv6')).toThrowError(
      expect.objectContaining({ code: SessionErrorCode.NotNegotiated }),
    );
  });

  it('stop() sends Cease/2 with the shutdown text to a raw peer and leaves no timer', async () => {
    const clock = new FakeClock();
    const { s, peer } = await dial({}, clock);
    peer.handshake(rawOpen({ myAs: 65002 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    await s.stop({ message: 'bye 👋' });
    expect(peer.messages.at(-1)).toMatchObject({
      type: 'notification',
      code: 6,
      subcode: 2,
      shutdownCommunication: 'bye 👋',
    });
    await peer.whenClosed();
    expect(clock.pending).toBe(0);
    expect(() => s.send([encodeKeepalive()])).toThrowError(
      expect.objectContaining({ code: SessionErrorCode.NotEstablished }),
    );
  });

  it('hold timer expiry (FakeClock): keepalives every second, then NOTIFICATION 4/0 and a non-graceful down', async () => {
    const clock = new FakeClock();
    const { s, peer } = await dial({ holdTime: 3 }, clock);
    peer.handshake(rawOpen({ myAs: 65002, holdTime: 3 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated).toMatchObject({ holdTime: 3, keepaliveTime: 1 });
    const downs: SessionDown[] = [];
    s.on('down', (d) => downs.push(d));
    await peer.next('keepalive');
    const before = peer.messages.filter((m) => m.type === 'keepalive').length;
    clock.advance(2999);
    await peer.waitFor(
      () => peer.messages.filter((m) => m.type === 'keepalive').length === before + 2,
      'two keepalives',
    );
    expect(downs).toHaveLength(0);
    clock.advance(1);
    await peer.whenClosed();
    expect(peer.messages.at(-1)).toMatchObject({ type: 'notification', code: 4, subcode: 0 });
    expect(downs).toEqual([
      {
        reason: 'HoldTimer_Expires',
        notification: { direction: 'sent', code: 4, subcode: 0 },
        graceful: false,
      },
    ]);
    expect(s.lastError).toMatchObject({ code: SessionErrorCode.HoldTimerExpired });
    // Only the reconnect timer is left; stop() clears it.
    await waitUntil(() => clock.pending === 1, 'close settled');
    await s.stop();
    expect(clock.pending).toBe(0);
  });

  it('reconnects with backoff after connection failures, reset once Established', async () => {
    const clock = new FakeClock();
    const random = () => 1;
    const server = new RawServer();
    const port = await server.listen();
    cleanups.push(() => server.close());
    const s = new BgpSession(testConfig({ peerPort: port, connectRetry: { minMs: 100, maxMs: 1000 } }), {
      clock,
      random,
    });
    cleanups.push(() => s.abort());
    s.start();
    for (let n = 1; n <= 3; n++) {
      const peer = await server.accepted(n);
      peer.socket.destroy();
      await waitUntil(() => clock.pending === 1 && s.state === 'Active', 'reconnect scheduled');
      // Delays with random = 1: 100, 200, 400.
      clock.advance(100 * 2 ** (n - 1) - 1);
      expect(server.peers.length).toBe(n);
      clock.advance(1);
    }
    const peer = await server.accepted(4);
    await peer.next('open');
    peer.handshake(rawOpen({ myAs: 65002 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    peer.socket.destroy();
    await waitUntil(() => clock.pending === 1 && s.state === 'Active', 'reconnect scheduled');
    clock.advance(100);
    await server.accepted(5);
  });

  it('a new connection with graceful restart while Established replaces the old one without NOTIFICATION (RFC 4724 §4.2)', async () => {
    const gr = {
      type: 'graceful-restart',
      restarting: false,
      notification: false,
      restartTime: 120,
      families: [{ afi: 1, safi: 1, forwardingPreserved: true }],
    } as const;
    const caps = [
      { type: 'multiprotocol', afi: 1, safi: 1 } as const,
      { type: 'four-octet-as', asn: 65002 } as const,
    ];
    const { s, peer } = await dial();
    const listener = new BgpListener({ address: '127.0.0.1', port: 0 }, () => s);
    cleanups.push(() => listener.close());
    const { port } = await listener.listen();
    peer.handshake(rawOpen({ myAs: 65002, capabilities: [...caps, gr] }));
    await waitUntil(() => s.state === 'Established', 'Established');
    const downs: SessionDown[] = [];
    s.on('down', (d) => downs.push(d));
    const restarted = await rawConnect(port, '127.0.0.1', '127.0.0.1');
    restarted.handshake(rawOpen({ myAs: 65002, capabilities: [...caps, { ...gr, restarting: true }] }));
    await peer.whenClosed();
    expect(peer.messages.filter((m) => m.type === 'notification')).toHaveLength(0);
    expect(downs).toEqual([{ reason: 'peer-restarted', graceful: true }]);
    await waitUntil(() => s.state === 'Established', 'Established again');
    expect(s.negotiated?.peerGracefulRestart).toMatchObject({ restarting: true, restartTime: 120 });
    expect(s.negotiated?.localPort).toBe(port);
  });
});
