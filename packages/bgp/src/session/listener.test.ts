import { afterEach, describe, expect, it } from 'vitest';
import { normaliseAddress } from './address.js';
import { SessionErrorCode } from './errors.js';
import { BgpListener } from './listener.js';
import { BgpSession } from './session.js';
import { rawConnect, rawOpen, testConfig, waitUntil } from './session.test-support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(
  resolve: (a: string) => BgpSession | undefined,
): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const l = new BgpListener({ address: '127.0.0.1', port: 0 }, (a) => {
    seen.push(a);
    return resolve(a);
  });
  cleanups.push(() => l.close());
  const bound = await l.listen();
  expect(bound.address).toBe('127.0.0.1');
  expect(bound.port).toBeGreaterThan(0);
  return { port: bound.port, seen };
}

describe('BgpListener', () => {
  it('rejects an unknown source with NOTIFICATION Cease/5 and closes', async () => {
    const { port, seen } = await listen(() => undefined);
    const peer = await rawConnect(port, '127.0.0.1', '127.0.0.2');
    peer.handshake(rawOpen({ myAs: 65002 }));
    await peer.whenClosed();
    expect(seen).toEqual(['127.0.0.2']);
    expect(peer.messages).toHaveLength(1);
    expect(peer.messages[0]).toMatchObject({
      type: 'notification',
      code: 6,
      subcode: 5,
      data: { length: 0 },
    });
  });

  it('hands a configured source to its session, which establishes passively', async () => {
    const s = new BgpSession(testConfig({ peerAddress: '127.0.0.2', passive: true }));
    cleanups.push(() => s.abort());
    s.start();
    expect(s.state).toBe('Active');
    const { port } = await listen((a) => (a === '127.0.0.2' ? s : undefined));
    const peer = await rawConnect(port, '127.0.0.1', '127.0.0.2');
    peer.handshake(rawOpen({ myAs: 65002 }));
    await waitUntil(() => s.state === 'Established', 'Established');
    expect(s.negotiated?.remoteAddress).toBe('127.0.0.2');
  });

  it('a stopped session refuses its peer with Cease/5', async () => {
    const s = new BgpSession(testConfig({ peerAddress: '127.0.0.2', passive: true }));
    const { port } = await listen(() => s);
    const peer = await rawConnect(port, '127.0.0.1', '127.0.0.2');
    await peer.whenClosed();
    expect(peer.messages).toHaveLength(1);
    expect(peer.messages[0]).toMatchObject({
      type: 'notification',
      code: 6,
      subcode: 5,
      data: { length: 0 },
    });
  });

  it('fails to listen on a port in use with ERR_BGP_LISTEN', async () => {
    const { port } = await listen(() => undefined);
    const l = new BgpListener({ address: '127.0.0.1', port }, () => undefined);
    await expect(l.listen()).rejects.toMatchObject({ code: SessionErrorCode.Listen });
  });

  it('normalises IPv4-mapped IPv6 and IPv6 text', () => {
    expect(normaliseAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normaliseAddress('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normaliseAddress('192.0.2.1')).toBe('192.0.2.1');
  });
});
