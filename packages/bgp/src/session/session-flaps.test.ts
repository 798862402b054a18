import { FakeClock } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { BgpListener } from './listener.js';
import { BgpSession } from './session.js';
import { rawConnect, rawOpen, testConfig, waitUntil } from './session.test-support.js';
import type { SessionDown } from './types.js';

function sockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

describe('BgpSession flaps', () => {
  it('survives 100 TCP resets by the peer without leaking sockets or timers', async () => {
    const clock = new FakeClock();
    const s = new BgpSession(testConfig({ peerAddress: '127.0.0.2', passive: true }), { clock });
    const listener = new BgpListener(
      { address: '127.0.0.1', port: 0 },
      (a) => (a === '127.0.0.2' ? s : undefined),
      {
        clock,
      },
    );
    const { port } = await listener.listen();
    const before = sockets();
    const downs: SessionDown[] = [];
    s.on('down', (d) => downs.push(d));
    s.start();
    let established = 0;
    s.on('established', () => established++);
    for (let i = 0; i < 100; i++) {
      const peer = await rawConnect(port, '127.0.0.1', '127.0.0.2');
      if (i % 4 === 3) {
        // Reset while the session is still in OpenSent.
        await peer.next('open');
      } else {
        peer.handshake(rawOpen({ myAs: 65002 }));
        await waitUntil(() => established === i + 1 - Math.floor((i + 1) / 4), `established #${i}`);
      }
      peer.socket.resetAndDestroy();
      await waitUntil(() => s.state === 'Active', `Active after reset #${i}`);
    }
    expect(downs).toHaveLength(75);
    expect(downs.every((d) => d.graceful && d.reason === 'TcpConnectionFails')).toBe(true);
    await waitUntil(() => sockets() === before && clock.pending === 0, 'no sockets, no timers');
    await s.stop();
    await listener.close();
    expect(clock.pending).toBe(0);
    expect(sockets()).toBe(before);
  });
});
