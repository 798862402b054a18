import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BgpListener } from './listener.js';
import { BgpSession } from './session.js';
import { recordingLogger, testConfig, waitUntil } from './session.test-support.js';
import type { SessionConfig, SessionDown } from './types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function session(config: SessionConfig, logger = recordingLogger()): BgpSession {
  const s = new BgpSession(config, { logger });
  cleanups.push(() => s.abort());
  return s;
}

async function listener(address: string, resolve: (a: string) => BgpSession | undefined): Promise<number> {
  const l = new BgpListener({ address, port: 0 }, resolve);
  cleanups.push(() => l.close());
  return (await l.listen()).port;
}

/** A: AS 65001, 10.0.0.1 on 127.0.0.2; B: AS 65002, 10.0.0.2 on 127.0.0.1. */
function pairConfigs(): { a: SessionConfig; b: SessionConfig } {
  return {
    a: testConfig({ name: 'b', peerAddress: '127.0.0.1', localAddress: '127.0.0.2' }),
    b: testConfig({
      name: 'a',
      peerAddress: '127.0.0.2',
      localAddress: '127.0.0.1',
      localAsn: 65002,
      peerAsn: 65001,
      routerId: '10.0.0.2',
      passive: true,
    }),
  };
}

describe('BgpSession between two of ours', () => {
  it('establishes active → passive through a listener and negotiates', async () => {
    const { a, b } = pairConfigs();
    const sb = session(b);
    const port = await listener('127.0.0.1', (addr) => (addr === '127.0.0.2' ? sb : undefined));
    const sa = session({ ...a, peerPort: port });
    const states: string[] = [];
    sa.on('state', (s) => states.push(s));
    sb.start();
    sa.start();
    await waitUntil(() => sa.state === 'Established' && sb.state === 'Established', 'Established');
    expect(states).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(sa.negotiated).toMatchObject({
      peerAsn: 65002,
      peerBgpId: '10.0.0.2',
      holdTime: 90,
      keepaliveTime: 30,
      fourOctetAs: true,
      extendedMessages: false,
      families: ['ipv4', 'ipv6'],
      routeRefresh: true,
      localAddress: '127.0.0.2',
      remoteAddress: '127.0.0.1',
      remotePort: port,
    });
    expect(sb.negotiated).toMatchObject({ peerAsn: 65001, peerBgpId: '10.0.0.1', localPort: port });
  });

  it('resolves a collision of two active sessions by BGP identifier, Cease/7 on the loser', async () => {
    const { a, b } = pairConfigs();
    // Hand incoming connections over only once both sides have sent their OPEN, so that both connections exist.
    const held: { session: () => BgpSession; socket: Socket }[] = [];
    const servers: Server[] = [];
    const serve = async (host: string, target: () => BgpSession): Promise<number> => {
      const srv = createServer((socket) => held.push({ session: target, socket }));
      servers.push(srv);
      cleanups.push(() => new Promise<void>((r) => srv.close(() => r())));
      await new Promise<void>((r) => srv.listen(0, host, r));
      return (srv.address() as { port: number }).port;
    };
    const la = recordingLogger();
    const lb = recordingLogger();
    let sa!: BgpSession;
    let sb!: BgpSession;
    const portA = await serve('127.0.0.2', () => sa);
    const portB = await serve('127.0.0.1', () => sb);
    sa = session({ ...a, peerPort: portB }, la);
    sb = session({ ...b, passive: false, peerPort: portA }, lb);
    sa.start();
    sb.start();
    await waitUntil(
      () => held.length === 2 && sa.state === 'OpenSent' && sb.state === 'OpenSent',
      'both OPENs',
    );
    for (const h of held) h.session().acceptIncoming(h.socket);
    await waitUntil(() => sa.state === 'Established' && sb.state === 'Established', 'Established');
    // B (10.0.0.2) has the higher identifier: the connection B initiated survives.
    expect(sa.negotiated?.localPort).toBe(portA);
    expect(sb.negotiated?.remotePort).toBe(portA);
    const cease7 = (l: ReturnType<typeof recordingLogger>, msg: string) =>
      l.lines.some(
        (x) =>
          x.msg === msg &&
          (x.obj as { code?: number }).code === 6 &&
          (x.obj as { subcode?: number }).subcode === 7,
      );
    // Each side closed the loser with Cease/7, or got Cease/7 on it (both usually decide at the same time).
    for (const l of [la, lb]) {
      await waitUntil(() => cease7(l, 'NOTIFICATION sent') || cease7(l, 'NOTIFICATION received'), 'Cease/7');
    }
    // Settled: exactly one connection left, both still Established.
    await new Promise((r) => setTimeout(r, 50));
    expect(sa.state).toBe('Established');
    expect(sb.state).toBe('Established');
  });

  it('stop() sends Cease/2 with the shutdown communication; the peer reports a non-graceful down', async () => {
    const { a, b } = pairConfigs();
    const sb = session(b);
    const port = await listener('127.0.0.1', () => sb);
    const sa = session({ ...a, peerPort: port });
    sb.start();
    sa.start();
    await waitUntil(() => sa.state === 'Established' && sb.state === 'Established', 'Established');
    const downs: SessionDown[] = [];
    sb.on('down', (d) => downs.push(d));
    const aDowns: SessionDown[] = [];
    sa.on('down', (d) => aDowns.push(d));
    await sa.stop({ message: 'maintenance window' });
    expect(sa.state).toBe('Idle');
    await waitUntil(() => downs.length === 1, 'down on B');
    expect(downs[0]).toEqual({
      reason: 'NotifMsg',
      notification: { direction: 'received', code: 6, subcode: 2, message: 'maintenance window' },
      graceful: false,
    });
    expect(aDowns).toEqual([
      {
        reason: 'stop',
        notification: { direction: 'sent', code: 6, subcode: 2, message: 'maintenance window' },
        graceful: false,
      },
    ]);
    expect(sb.state).toBe('Active');
  });

  it('a TCP close without NOTIFICATION is a graceful down; the active side reconnects', async () => {
    const { a, b } = pairConfigs();
    const sb = session(b);
    const port = await listener('127.0.0.1', () => sb);
    const sa = session({ ...a, peerPort: port, connectRetry: { minMs: 5, maxMs: 20 } });
    sb.start();
    sa.start();
    await waitUntil(() => sa.state === 'Established' && sb.state === 'Established', 'Established');
    const downs: SessionDown[] = [];
    sa.on('down', (d) => downs.push(d));
    let established = 0;
    sa.on('established', () => established++);
    sb.abort();
    await waitUntil(() => downs.length === 1, 'down');
    expect(downs[0]).toEqual({ reason: 'TcpConnectionFails', graceful: true });
    sb.start();
    await waitUntil(() => established === 1 && sb.state === 'Established', 're-established');
  });

  it('exchanges UPDATEs and ROUTE-REFRESH once Established', async () => {
    const { a, b } = pairConfigs();
    const sb = session(b);
    const port = await listener('127.0.0.1', () => sb);
    const sa = session({ ...a, peerPort: port });
    sb.start();
    sa.start();
    await waitUntil(() => sa.state === 'Established' && sb.state === 'Established', 'Established');
    const { encodeEndOfRib } = await import('../wire/index.js');
    const updates: unknown[] = [];
    const refreshes: unknown[] = [];
    sb.on('update', (u) => updates.push(u));
    sb.on('route-refresh', (r) => refreshes.push(r));
    expect(sa.send([encodeEndOfRib(1, 1), encodeEndOfRib(2, 1)])).toBe(true);
    sa.routeRefresh('ipv6');
    await waitUntil(() => updates.length === 2 && refreshes.length === 1, 'update + refresh');
    expect(refreshes[0]).toEqual({ type: 'route-refresh', afi: 2, safi: 1, subtype: 0 });
  });
});
