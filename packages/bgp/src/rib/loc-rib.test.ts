import { describe, expect, it } from 'vitest';
import type { RibInChanges } from './adj-rib-in.js';
import { LocRib } from './loc-rib.js';
import { prefixFromKey, prefixKey } from './prefix-key.js';
import { attrs, c, peer } from './test-helpers.test-support.js';
import type { PathAttributes } from './types.js';

const P1 = peer('p1', { bgpId: '10.0.0.1' });
const P2 = peer('p2', { bgpId: '10.0.0.2' });
const pfx = c('10.0.0.0/24');
const key = prefixKey(pfx);
const announce = (a: PathAttributes, ...ps: string[]) => ({
  announced: [{ attrs: a, keys: ps.map((p) => prefixKey(c(p))), prefixes: ps.map(c) }],
});
const withdraw = (...ps: string[]) => ({
  withdrawn: { keys: ps.map((p) => prefixKey(c(p))), prefixes: ps.map(c) },
});

describe('LocRib (RFC 4271 §9.1)', () => {
  it('selects the best path across peers and reports only best changes', () => {
    const rib = new LocRib();
    const low = attrs({ localPref: 100 });
    const high = attrs({ localPref: 300 });
    const first = rib.update(P1, announce(low, '10.0.0.0/24'));
    expect(first).toEqual([{ key, prefix: pfx, best: { peer: P1, attrs: low }, previous: undefined }]);

    // A better path from P2 takes over.
    const second = rib.update(P2, announce(high, '10.0.0.0/24'));
    expect(second).toHaveLength(1);
    expect(second[0]!.best?.peer).toBe(P2);
    expect(second[0]!.previous?.peer).toBe(P1);
    expect(rib.best(key)).toEqual({ peer: P2, attrs: high, prefix: pfx });
    expect(rib.candidates(key).map((p) => p.peer.name)).toEqual(['p2', 'p1']);

    // A change to the non-best path is not a best change.
    expect(rib.update(P1, announce(attrs({ localPref: 150 }), '10.0.0.0/24'))).toEqual([]);
    // Withdrawing the best falls back to the other.
    const back = rib.update(P2, withdraw('10.0.0.0/24'));
    expect(back[0]!.best?.peer).toBe(P1);
    expect(back[0]!.best?.attrs.localPref).toBe(150);
    // Withdrawing the last one removes the prefix.
    const gone = rib.update(P1, withdraw('10.0.0.0/24'));
    expect(gone).toEqual([
      { key, prefix: pfx, best: undefined, previous: expect.objectContaining({ peer: P1 }) },
    ]);
    expect(rib.size).toBe(0);
    expect(rib.update(P1, withdraw('10.0.0.0/24'))).toEqual([]);
  });

  it('shares one path object per (peer, attributes): no object per prefix', () => {
    const rib = new LocRib();
    const a = attrs();
    rib.update(P1, announce(a, '10.0.0.0/24', '10.0.1.0/24'));
    expect(rib.bestPath(key)).toBe(rib.bestPath(prefixKey(c('10.0.1.0/24'))));
  });

  it('stale paths lose to fresh ones and are refreshed by a new announcement (RFC 4724 §4.2)', () => {
    const rib = new LocRib();
    const a = attrs({ localPref: 500 });
    rib.update(P1, announce(a, '10.0.0.0/24', '2001:db8::/32'));
    rib.update(P2, announce(attrs({ localPref: 100 }), '10.0.0.0/24'));
    expect(rib.bestPath(key)?.peer).toBe(P1);

    const marked = rib.markStale('p1', 'ipv4');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.best?.peer).toBe(P2);
    expect(rib.bestPath(prefixKey(c('2001:db8::/32')))?.stale).toBeUndefined();
    expect(rib.candidates(key).find((p) => p.peer === P1)?.stale).toBe(true);

    // Refreshed: fresh again, best again.
    const refreshed = rib.update(P1, announce(a, '10.0.0.0/24'));
    expect(refreshed[0]!.best).toEqual({ peer: P1, attrs: a });
  });

  it('removePeer drops every path of the peer', () => {
    const rib = new LocRib();
    rib.update(P1, announce(attrs(), '10.0.0.0/24', '10.0.1.0/24'));
    rib.update(P2, announce(attrs(), '10.0.0.0/24'));
    const removed = rib.removePeer('p1');
    expect(removed.prefixes.map(String)).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
    expect([...rib.entries()].map(([k, p]) => [k, p.peer.name])).toEqual([[key, 'p2']]);
    expect(rib.count('p1')).toBe(0);
    expect(rib.count('p2')).toBe(1);
  });
});

describe("LocRib as every peer's Adj-RIB-In (applyPeer)", () => {
  const fresh = (): RibInChanges => ({ announced: [], withdrawn: { keys: [], prefixes: [] } });
  const group = (a: PathAttributes, ...ps: string[]) => ({ attrs: a, prefixes: ps.map(c) });

  it("counts each peer's routes, reports only real changes and the number of best changes", () => {
    const rib = new LocRib();
    const a = attrs({ localPref: 100 });
    let ch = fresh();
    expect(rib.applyPeer(P1, [group(a, '10.0.0.0/24', '10.0.1.0/24')], [], ch)).toBe(2);
    expect(ch.announced.map((b) => b.prefixes.map(String))).toEqual([['10.0.0.0/24', '10.0.1.0/24']]);
    // An equal re-announcement (another object, same content) is no change.
    ch = fresh();
    expect(rib.applyPeer(P1, [group(attrs({ localPref: 100 }), '10.0.0.0/24')], [], ch)).toBe(0);
    expect(ch.announced).toEqual([]);
    // P2's worse path is a change of P2's routes but not of the best path.
    ch = fresh();
    expect(rib.applyPeer(P2, [group(attrs({ localPref: 50 }), '10.0.0.0/24')], [], ch)).toBe(0);
    expect(ch.announced).toHaveLength(1);
    expect([rib.count('p1'), rib.count('p2'), rib.size]).toEqual([2, 1, 2]);
    // Withdrawing something never announced is nothing.
    ch = fresh();
    expect(rib.applyPeer(P2, [], [{ prefixes: [c('10.9.0.0/24')] }], ch)).toBe(0);
    expect(ch.withdrawn.prefixes).toEqual([]);
    // Withdrawing P1's best makes P2 best: a real change and a best change.
    ch = fresh();
    expect(rib.applyPeer(P1, [], [{ prefixes: [c('10.0.0.0/24')] }], ch)).toBe(1);
    expect(ch.withdrawn.prefixes.map(String)).toEqual(['10.0.0.0/24']);
    expect(rib.bestPath(key)?.peer.name).toBe('p2');
    expect([...rib.routesOf('p1')].map(([k]) => prefixFromKey(k).toString())).toEqual(['10.0.1.0/24']);
  });

  it('graceful restart: marked routes are stale, re-announced ones fresh, the sweep removes the rest', () => {
    const rib = new LocRib();
    const a = attrs();
    rib.applyPeer(P1, [group(a, '10.0.0.0/24', '10.0.1.0/24', '2001:db8::/32')], []);
    rib.markStale('p1', 'ipv4');
    expect([...rib.routesOf('p1')].map(([k, p]) => [prefixFromKey(k).toString(), p.stale ?? false])).toEqual([
      ['10.0.0.0/24', true],
      ['10.0.1.0/24', true],
      ['2001:db8::/32', false],
    ]);
    const ch = fresh();
    // The same attributes refresh a stale route: that is a change (RFC 4724 §4.2).
    rib.applyPeer(P1, [group(a, '10.0.1.0/24')], [], ch);
    expect(ch.announced.map((b) => b.prefixes.map(String))).toEqual([['10.0.1.0/24']]);
    const swept = rib.sweepStale('p1', 'ipv4');
    expect(swept.prefixes.map(String)).toEqual(['10.0.0.0/24']);
    expect(rib.count('p1')).toBe(2);
    expect([...rib.routesOf('p1')].every(([, p]) => !p.stale)).toBe(true);
  });
});
