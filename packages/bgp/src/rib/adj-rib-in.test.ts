import { describe, expect, it } from 'vitest';
import { AdjRibIn } from './adj-rib-in.js';
import { prefixKey } from './prefix-key.js';
import { attrs, c } from './test-helpers.test-support.js';

const A = attrs();
const B = attrs({ med: 5 });
const names = (ps: readonly { toString(): string }[]) => ps.map(String);

describe('AdjRibIn (RFC 4271 §3.2)', () => {
  it('reports only real changes, grouped by attributes object', () => {
    const rib = new AdjRibIn();
    const first = rib.apply([{ prefixes: [c('10.0.0.0/24'), c('10.0.1.0/24')], attrs: A }], []);
    expect(first.announced).toHaveLength(1);
    expect(first.announced[0]!.attrs).toBe(A);
    expect(first.announced[0]!.keys).toEqual([prefixKey(c('10.0.0.0/24')), prefixKey(c('10.0.1.0/24'))]);
    expect(rib.size).toBe(2);

    // Equal attributes in a new object: no change, and the stored object stays.
    const again = rib.apply([{ prefixes: [c('10.0.0.0/24')], attrs: attrs() }], []);
    expect(again.announced).toEqual([]);
    expect(rib.get(prefixKey(c('10.0.0.0/24')))).toBe(A);

    // Changed attributes: a change.
    const changed = rib.apply([{ prefixes: [c('10.0.0.0/24')], attrs: B }], []);
    expect(names(changed.announced[0]!.prefixes)).toEqual(['10.0.0.0/24']);
    expect(rib.get(prefixKey(c('10.0.0.0/24')))).toBe(B);

    // Withdrawing something absent is not a change.
    const w = rib.apply([], [{ prefixes: [c('10.0.1.0/24'), c('10.9.9.0/24')] }]);
    expect(names(w.withdrawn.prefixes)).toEqual(['10.0.1.0/24']);
    expect(w.withdrawn.keys).toEqual([prefixKey(c('10.0.1.0/24'))]);
    expect(rib.size).toBe(1);
  });

  it('applies withdrawals before announcements of the same UPDATE', () => {
    const rib = new AdjRibIn();
    rib.apply([{ prefixes: [c('10.0.0.0/24')], attrs: A }], []);
    const r = rib.apply([{ prefixes: [c('10.0.0.0/24')], attrs: B }], [{ prefixes: [c('10.0.0.0/24')] }]);
    expect(names(r.withdrawn.prefixes)).toEqual(['10.0.0.0/24']);
    expect(names(r.announced[0]!.prefixes)).toEqual(['10.0.0.0/24']);
    expect(rib.get(prefixKey(c('10.0.0.0/24')))).toBe(B);
  });

  it('graceful restart: marks stale, refreshes on re-announcement, sweeps the rest (RFC 4724 §4.2)', () => {
    const rib = new AdjRibIn();
    rib.apply([{ prefixes: [c('10.0.0.0/24'), c('10.0.1.0/24'), c('10.0.2.0/24')], attrs: A }], []);
    rib.apply([{ prefixes: [c('2001:db8::/32')], attrs: attrs({ nextHop: '2001:db8::1' }) }], []);
    rib.markStale(['ipv4']);
    expect(rib.staleCount).toBe(3);
    expect(rib.isStale(prefixKey(c('10.0.0.0/24')))).toBe(true);
    expect(rib.isStale(prefixKey(c('2001:db8::/32')))).toBe(false);

    // Re-announced with equal attributes: reported (the Loc-RIB must clear its stale mark), no longer stale.
    const refresh = rib.apply([{ prefixes: [c('10.0.0.0/24')], attrs: attrs() }], []);
    expect(refresh.announced).toHaveLength(1);
    expect(refresh.announced[0]!.attrs).toBe(A);
    expect(rib.isStale(prefixKey(c('10.0.0.0/24')))).toBe(false);
    // Re-announced with other attributes.
    rib.apply([{ prefixes: [c('10.0.1.0/24')], attrs: B }], []);

    expect(rib.sweepStale('ipv6').keys).toEqual([]);
    const swept = rib.sweepStale('ipv4');
    expect(names(swept.prefixes)).toEqual(['10.0.2.0/24']);
    expect(swept.keys).toEqual([prefixKey(c('10.0.2.0/24'))]);
    expect(rib.size).toBe(3);
    expect(rib.staleCount).toBe(0);
    expect(rib.sweepStale().keys).toEqual([]);
  });

  it('lists entries and clears everything', () => {
    const rib = new AdjRibIn();
    rib.apply([{ prefixes: [c('10.0.0.0/24'), c('2001:db8::/32')], attrs: A }], []);
    rib.markStale('ipv6');
    expect([...rib.entries()].map(([k, p, a]) => [k, p.toString(), a])).toEqual([
      [prefixKey(c('10.0.0.0/24')), '10.0.0.0/24', A],
      [prefixKey(c('2001:db8::/32')), '2001:db8::/32', A],
    ]);
    expect(names(rib.clear().prefixes)).toEqual(['10.0.0.0/24', '2001:db8::/32']);
    expect(rib.size).toBe(0);
    expect(rib.staleCount).toBe(0);
  });
});
