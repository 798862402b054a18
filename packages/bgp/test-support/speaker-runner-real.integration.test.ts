/**
 * Harness self-test of the speaker runner with the real BgpSpeaker (smoke level; the interop suites test the
 * speaker): our speaker in one namespace dials a passive BIRD in the other, routes cross both ways and are read
 * back through the runner and the BIRD reader; close() makes BIRD drop the session and our routes.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startBird } from './bird.js';
import { Lab } from './lab.js';
import { findRoute } from './routes.js';
import { DEFAULT_SPEAKER_MODULE, startSpeakerInNamespace } from './speaker-runner.js';
import { waitFor } from './wait-for.js';

/** ../src/index.ts once it exports BgpSpeaker; until then the speaker's own file. */
async function speakerModule(): Promise<string> {
  const index = (await import('../src/index.js')) as Record<string, unknown>;
  return 'BgpSpeaker' in index
    ? DEFAULT_SPEAKER_MODULE
    : fileURLToPath(new URL('../src/speaker/bgp-speaker.ts', import.meta.url));
}

describe('harness: speaker runner with the real BgpSpeaker', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('our speaker ↔ BIRD: routes both ways, close() withdraws', async () => {
    lab = await Lab.create({ nodes: 2 });
    const [a, b] = [lab.node(0), lab.node(1)];
    const t0 = Date.now();
    const bird = await startBird(lab, 1, {
      routerId: b.ipv4,
      asn: 65002,
      peers: [{ name: 'ours', neighbor: a.ipv4, peerAsn: 4200000001, passive: true }],
      routes: [{ prefix: '10.55.0.0/24', communities: ['65002:1'], largeCommunities: ['65002:1:1'] }],
    });
    const sp = await startSpeakerInNamespace(
      lab,
      { asn: 4200000001, routerId: a.ipv4, peers: [{ name: 'bird', address: b.ipv4, asn: 65002 }] },
      { modulePath: await speakerModule() },
    );
    await sp.waitEstablished('bird');
    const established = Date.now() - t0;
    await sp.set([
      { prefix: '10.244.0.0/24', communities: ['65001:100'], largeCommunities: ['4200000001:1:1'] },
    ]);
    const atBird = await waitFor(async () => findRoute(await bird.routes('ours'), '10.244.0.0/24'), {
      what: 'our route at BIRD',
    });
    expect(atBird).toMatchObject({
      nextHop: a.ipv4,
      asPath: [4200000001],
      communities: ['65001:100'],
      largeCommunities: ['4200000001:1:1'],
    });
    const rx = await sp.waitFor(async (s) => (await s.received()).find((r) => r.prefix === '10.55.0.0/24'));
    expect(rx).toMatchObject({
      peer: 'bird',
      nextHop: b.ipv4,
      asPath: [65002],
      communities: ['65002:1'],
      largeCommunities: ['65002:1:1'],
    });
    expect(sp.events().some((e) => e.type === 'peer-state' && e.state === 'established')).toBe(true);
    const rss = sp.rss();
    await sp.close();
    await waitFor(async () => (await bird.routeCount('ours')) === 0 && !(await bird.established('ours')), {
      what: 'BIRD dropped session and routes',
    });
    console.log(
      `our speaker ↔ BIRD established ${established} ms (incl. child start); child RSS ${rss >> 20} MiB`,
    );
  });
});
