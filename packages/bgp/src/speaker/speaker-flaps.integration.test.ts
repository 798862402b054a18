import { Cidr, IpAddress, KernelRouteTable } from '@edgeway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IpRoute, TestNetns } from '../../../core/src/kernel/netns-fixture.js';
import { waitFor } from '../../test-support/wait-for.js';
import { BgpSpeaker } from './bgp-speaker.js';

// 100 flaps of a peer against a speaker that installs into a test namespace: afterwards no route is left in the
// Adj-RIB-In or the kernel, and no socket or timer outlives the sessions.
let ns: TestNetns;
beforeAll(async () => {
  ns = (await TestNetns.create()).withVeth();
});
afterAll(async () => {
  await ns.destroy();
});

const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'Timeout').length;

describe('100 flaps in a row', () => {
  it('leaves no routes, sockets or timers behind', async () => {
    const before = handles();
    const table = await KernelRouteTable.open({ netns: ns.name, protocol: 186 });
    const a = await BgpSpeaker.start(
      {
        asn: 65001,
        routerId: '192.0.2.1',
        listen: { address: '127.0.0.1', port: 0 },
        kernel: { install: true },
        gracefulRestart: { enabled: false },
        peers: [{ name: 'b', address: '127.0.0.2', asn: 65002, passive: true }],
      },
      { kernelTable: table },
    );
    const prefixes = Array.from({ length: 50 }, (_, i) => Cidr.parse(`10.${100 + (i >> 8)}.${i & 255}.0/24`));
    for (let i = 0; i < 100; i++) {
      const b = await BgpSpeaker.start({
        asn: 65002,
        routerId: '192.0.2.2',
        listen: false,
        connectRetry: { minSeconds: 0.05, maxSeconds: 0.1 },
        peers: [
          { name: 'a', address: '127.0.0.1', asn: 65001, port: a.listenPort!, localAddress: '127.0.0.2' },
        ],
      });
      await b.set(prefixes.map((prefix) => ({ prefix, nextHop: IpAddress.parse('198.51.100.2') })));
      await waitFor(() => a.receivedCount() === 50, { what: `flap ${i}: 50 routes received` });
      // Alternate an abrupt loss (TCP closed, no NOTIFICATION) and a clean Cease.
      await b.close(i % 2 === 0 ? { graceful: true } : { message: `flap ${i}` });
      await waitFor(() => a.receivedCount() === 0, { what: `flap ${i}: routes dropped` });
    }
    await waitFor(() => ns.ipJson<IpRoute>('-4', 'route', 'show', 'proto', '186').length === 0, {
      what: 'kernel routes gone',
      timeoutMs: 15_000,
    });
    expect(a.status()[0]).toMatchObject({ received: 0, advertised: 0 });
    await a.close();
    table.close();
    await waitFor(() => handles() <= before, { what: `handles back to ${before}`, timeoutMs: 10_000 });
  }, 120_000);
});
