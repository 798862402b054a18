import { type Advertisement, Cidr, type PeeringEvent } from '@edgeway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/wait-for.js';
import { BgpSpeaker } from './bgp-speaker.js';

// Two speakers in this process over loopback: A listens on 127.0.0.1 (passive towards B), B dials from 127.0.0.2.
const running: BgpSpeaker[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

interface PairOptions {
  aPeer?: Record<string, unknown>;
  bPeer?: Record<string, unknown>;
  a?: Record<string, unknown>;
  b?: Record<string, unknown>;
  bAsn?: number;
}

async function startA(opts: PairOptions = {}, bAsn = 4200000002): Promise<BgpSpeaker> {
  const a = await BgpSpeaker.start({
    asn: 65001,
    routerId: '192.0.2.1',
    listen: { address: '127.0.0.1', port: 0 },
    holdTime: 9,
    peers: [{ name: 'b', address: '127.0.0.2', asn: bAsn, passive: true, ...opts.aPeer }],
    ...opts.a,
  });
  running.push(a);
  return a;
}

async function startB(aPort: number, opts: PairOptions = {}, bAsn = 4200000002): Promise<BgpSpeaker> {
  const b = await BgpSpeaker.start({
    asn: bAsn,
    routerId: '192.0.2.2',
    listen: false,
    holdTime: 9,
    connectRetry: { minSeconds: 0.1, maxSeconds: 0.5 },
    peers: [
      { name: 'a', address: '127.0.0.1', asn: 65001, port: aPort, localAddress: '127.0.0.2', ...opts.bPeer },
    ],
    ...opts.b,
  });
  running.push(b);
  return b;
}

async function pair(opts: PairOptions = {}): Promise<{ a: BgpSpeaker; b: BgpSpeaker }> {
  const a = await startA(opts, opts.bAsn);
  const b = await startB(a.listenPort!, opts, opts.bAsn);
  await waitFor(() => a.status()[0]?.state === 'established' && b.status()[0]?.state === 'established', {
    what: 'both sessions established',
  });
  return { a, b };
}

const adv = (prefix: string, extra: Partial<Advertisement> = {}): Advertisement => ({
  prefix: Cidr.parse(prefix),
  ...extra,
});

const shape = (s: BgpSpeaker) =>
  s
    .received()
    .map((r) => ({
      prefix: r.prefix.toString(),
      nextHop: r.nextHop.toString(),
      asPath: r.asPath,
      communities: r.communities,
      largeCommunities: r.largeCommunities,
      ...(r.med === undefined ? {} : { med: r.med }),
      ...(r.stale ? { stale: true } : {}),
    }))
    .sort((x, y) => x.prefix.localeCompare(y.prefix));

describe('BgpSpeaker between two instances over loopback', () => {
  it('announces with next hop self, our 4-octet AS, communities and large communities; withdraws on set([])', async () => {
    const { a, b } = await pair();
    await b.set([
      adv('10.244.1.0/24', {
        communities: ['65001:100', 'no-export'],
        largeCommunities: ['4200000002:1:1'],
        med: 50,
      }),
      adv('10.244.2.0/24', { asPathPrepend: 2 }),
    ]);
    await waitFor(() => a.received().length === 2, { what: 'two routes at A' });
    expect(shape(a)).toEqual([
      {
        prefix: '10.244.1.0/24',
        nextHop: '127.0.0.2',
        asPath: [4200000002],
        communities: ['65001:100', 'no-export'],
        largeCommunities: ['4200000002:1:1'],
        med: 50,
      },
      {
        prefix: '10.244.2.0/24',
        nextHop: '127.0.0.2',
        asPath: [4200000002, 4200000002, 4200000002],
        communities: [],
        largeCommunities: [],
      },
    ]);
    expect(b.status()[0]).toMatchObject({ state: 'established', advertised: 2, received: 0 });
    expect(a.status()[0]).toMatchObject({ state: 'established', received: 2, asn: 4200000002 });
    expect(b.negotiated('a')).toMatchObject({
      fourOctetAs: true,
      extendedMessages: true,
      families: ['ipv4'],
    });

    await b.set([adv('10.244.2.0/24', { asPathPrepend: 2 })]);
    await waitFor(() => a.received().length === 1, { what: 'one withdrawn' });
    expect(shape(a).map((r) => r.prefix)).toEqual(['10.244.2.0/24']);
  });

  it('emits routes events with the announced and withdrawn prefixes', async () => {
    const { a, b } = await pair();
    const events: PeeringEvent[] = [];
    a.subscribe((e) => events.push(e));
    await b.set([adv('10.1.0.0/16')]);
    await waitFor(() => events.some((e) => e.type === 'routes' && e.announced.length === 1));
    await b.set([]);
    await waitFor(() => events.some((e) => e.type === 'routes' && e.withdrawn.length === 1));
    const routes = events.filter((e) => e.type === 'routes');
    expect(
      routes.map(
        (e) =>
          e.type === 'routes' && [
            e.peer,
            e.announced.map((r) => r.prefix.toString()),
            e.withdrawn.map(String),
          ],
      ),
    ).toEqual([
      ['b', ['10.1.0.0/16'], []],
      ['b', [], ['10.1.0.0/16']],
    ]);
  });

  it('packs 2,000 prefixes with one attribute set into few UPDATEs and the peer holds all', async () => {
    const { a, b } = await pair();
    const advs = Array.from({ length: 2000 }, (_, i) => adv(`10.${i >> 8}.${i & 255}.0/24`));
    await b.set(advs);
    await waitFor(() => a.receivedCount() === 2000, { what: '2,000 routes at A' });
    expect(b.status()[0]?.advertised).toBe(2000);
  });

  it('applies the import policy: a prefix list with ge/le and a community match, then local-pref set', async () => {
    const { a, b } = await pair({
      aPeer: {
        import: {
          default: 'reject',
          rules: [
            { match: { communities: ['65535:666'] }, action: 'reject' },
            {
              match: { prefixes: [{ prefix: '10.244.0.0/16', ge: 24, le: 26 }] },
              action: 'accept',
              set: { localPref: 300 },
            },
          ],
        },
      },
    });
    await b.set([
      adv('10.244.1.0/24'),
      adv('10.244.2.0/26'),
      adv('10.244.3.0/28'),
      adv('10.244.0.0/16'),
      adv('10.244.4.0/24', { communities: ['blackhole'] }),
      adv('192.168.0.0/24'),
    ]);
    await waitFor(() => b.status()[0]?.advertised === 6);
    await waitFor(() => a.received().length === 2, { what: 'the two accepted routes' });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.received().map((r) => [r.prefix.toString(), r.localPref])).toEqual([
      ['10.244.1.0/24', 300],
      ['10.244.2.0/26', 300],
    ]);
  });

  it('a clean close sends Cease/2 with the shutdown text: the peer drops the routes at once', async () => {
    const { a, b } = await pair();
    await b.set([adv('10.9.0.0/16')]);
    await waitFor(() => a.received().length === 1);
    await b.close({ message: 'maintenance' });
    await waitFor(() => a.received().length === 0, { what: 'routes removed' });
    expect(a.status()[0]?.lastError?.message).toMatch(/received NOTIFICATION 6\/2 "maintenance"/);
  });

  it('graceful restart helper: an abrupt loss keeps routes stale, the restarted peer refreshes them and End-of-RIB sweeps the rest', async () => {
    const { a, b } = await pair();
    await b.set([adv('10.1.0.0/24'), adv('10.2.0.0/24')]);
    await waitFor(() => a.received().length === 2);
    await b.close({ graceful: true });
    await waitFor(() => a.status()[0]?.state !== 'established');
    expect(shape(a).map((r) => [r.prefix, r.stale ?? false])).toEqual([
      ['10.1.0.0/24', true],
      ['10.2.0.0/24', true],
    ]);
    const b2 = await startB(a.listenPort!, { b: { gracefulRestart: { restarting: true } } });
    // Until the restarted process calls set(), it sends nothing — no empty End-of-RIB that would sweep its routes.
    await waitFor(() => a.status()[0]?.state === 'established', { what: 'B back' });
    await new Promise((r) => setTimeout(r, 300));
    expect(shape(a).map((r) => [r.prefix, r.stale ?? false])).toEqual([
      ['10.1.0.0/24', true],
      ['10.2.0.0/24', true],
    ]);
    await b2.set([adv('10.1.0.0/24')]);
    await waitFor(() => a.received().length === 1 && !a.received()[0]?.stale, {
      what: 'refreshed, rest swept',
    });
    expect(shape(a).map((r) => [r.prefix, r.stale ?? false])).toEqual([['10.1.0.0/24', false]]);
  });

  it('graceful restart helper: routes go when the peer does not come back within its restart time', async () => {
    const { a, b } = await pair({ b: { gracefulRestart: { restartTime: 1 } } });
    await b.set([adv('10.1.0.0/24')]);
    await waitFor(() => a.received().length === 1);
    await b.close({ graceful: true });
    await waitFor(() => a.received()[0]?.stale === true);
    await waitFor(() => a.received().length === 0, {
      timeoutMs: 5000,
      what: 'stale routes removed after 1 s',
    });
  });

  it('without graceful restart on our side an abrupt loss drops the routes', async () => {
    const { a, b } = await pair({ aPeer: { gracefulRestart: false } });
    await b.set([adv('10.1.0.0/24')]);
    await waitFor(() => a.received().length === 1);
    await b.close({ graceful: true });
    await waitFor(() => a.received().length === 0);
  });

  it('refuses an IPv6 advertisement on an IPv4-only speaker, naming the field', async () => {
    const { b } = await pair();
    await expect(b.set([adv('10.1.0.0/24'), adv('fd00::/64')])).rejects.toMatchObject({
      code: 'ERR_BGP_ADVERTISEMENT',
      details: { field: 'advertisements.1.prefix' },
    });
  });

  it('refuses a bad configuration before opening any socket', async () => {
    await expect(
      BgpSpeaker.start({ asn: 65001, routerId: 'nope', listen: { address: '127.0.0.1', port: 0 } }),
    ).rejects.toMatchObject({ code: 'ERR_BGP_CONFIG', details: { field: 'routerId' } });
  });

  it('carries IPv6 prefixes over an IPv4 session with the configured IPv6 next hop (RFC 4760)', async () => {
    const { a, b } = await pair({
      aPeer: { families: ['ipv4', 'ipv6'] },
      bPeer: { families: ['ipv4', 'ipv6'], nextHop: { ipv6: '2001:db8::2' } },
    });
    await b.set([adv('fd00:244:1::/64'), adv('10.244.1.0/24')]);
    await waitFor(() => a.received().length === 2);
    expect(shape(a).map((r) => [r.prefix, r.nextHop])).toEqual([
      ['10.244.1.0/24', '127.0.0.2'],
      ['fd00:244:1::/64', '2001:db8::2'],
    ]);
  });
});
