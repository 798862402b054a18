/**
 * Harness self-test of the speaker runner, with a stub speaker module (the real BgpSpeaker is tested by the
 * interop suites): the child runs inside the lab namespace, IPC survives `ip netns exec`, advertisements cross as
 * strings and are parsed into Cidr/IpAddress, events flow back, and kill() is a SIGKILL by pid.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from './lab.js';
import { startSpeakerInNamespace } from './speaker-runner.js';

const STUB = fileURLToPath(new URL('./__fixtures__/stub-speaker.ts', import.meta.url));

describe('harness: speaker runner', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('runs a speaker module in a namespace over IPC', async () => {
    lab = await Lab.create({ nodes: 2 });
    const t0 = Date.now();
    const sp = await startSpeakerInNamespace(
      lab,
      { peers: [{ name: 'bird', address: '198.51.100.2', asn: 65002 }] },
      { modulePath: STUB, exportName: 'StubSpeaker' },
    );
    const startMs = Date.now() - t0;
    expect(await sp.call<string[]>('interfaces')).toContain('198.51.100.1');
    await sp.set([
      {
        prefix: '10.244.0.0/24',
        nextHop: '198.51.100.1',
        communities: ['65001:100'],
        largeCommunities: ['1:2:3'],
      },
      { prefix: '2001:db8:244::/64', med: 5 },
    ]);
    expect(await sp.received()).toEqual([
      {
        peer: 'self',
        prefix: '10.244.0.0/24',
        nextHop: '198.51.100.1',
        asPath: [1],
        communities: ['65001:100'],
        largeCommunities: ['1:2:3'],
      },
      {
        peer: 'self',
        prefix: '2001:db8:244::/64',
        nextHop: 'none',
        asPath: [1],
        communities: [],
        largeCommunities: [],
        med: 5,
      },
    ]);
    expect(await sp.waitEstablished('bird')).toMatchObject({ address: '198.51.100.2', received: 2 });
    await sp.waitFor(() => sp.events().some((e) => e.type === 'routes' && e.announced.length === 2));
    await sp.routeRefresh('bird');
    expect(await sp.call('refreshedPeers')).toEqual(['bird']);
    await expect(sp.call('nope')).rejects.toThrow(/no method nope/);
    await sp.close();
    expect(sp.running).toBe(false);
    console.log(`speaker runner: child started and answering in ${startMs} ms`);
  }, 30_000);

  it('reports errors, measures RSS, and kill() is a SIGKILL', async () => {
    lab = await Lab.create({ nodes: 1 });
    await expect(
      startSpeakerInNamespace(lab, {}, { modulePath: STUB, exportName: 'StubSpeaker' }),
    ).rejects.toThrow(/peers: required/);
    const sp = await startSpeakerInNamespace(
      lab,
      { peers: [] },
      { modulePath: STUB, exportName: 'StubSpeaker' },
    );
    await expect(sp.set([{ prefix: '10.0.0.1/24' }])).rejects.toThrow(/host bits/);
    const rss = sp.rss();
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    await sp.kill();
    expect(sp.running).toBe(false);
    await expect(sp.status()).rejects.toThrow(/not running/);
  }, 30_000);
});
