import { describe, expect, it } from 'vitest';
import { type Candidate, compareCandidates, decidingStep } from './best-path.js';
import { attrs, c, peer } from './test-helpers.test-support.js';
import type { PathAttributes } from './types.js';

const prefix = c('10.0.0.0/24');
const P1 = peer('p1', { asn: 65001, bgpId: '10.0.0.1', address: '192.0.2.1' });
const P2 = peer('p2', { asn: 65001, bgpId: '10.0.0.2', address: '192.0.2.2' });
const cand = (p = P1, a: Partial<PathAttributes> = {}, stale?: boolean): Candidate => ({
  peer: p,
  prefix,
  attrs: attrs(a),
  ...(stale === undefined ? {} : { stale }),
});

/** Asserts `better` wins over `worse` at `step`, in both argument orders. */
function wins(better: Candidate, worse: Candidate, step: string): void {
  const r = compareCandidates(better, worse);
  expect(r).toBeLessThan(0);
  expect(decidingStep(r)).toBe(step);
  expect(compareCandidates(worse, better)).toBe(-r);
}

describe('compareCandidates (RFC 4271 §9.1.2)', () => {
  it('0. a stale route (graceful restart) loses to a fresh one, whatever else', () => {
    wins(cand(P2, { localPref: 50 }), cand(P1, { localPref: 500 }, true), 'stale');
  });

  it('1. higher LOCAL_PREF, a missing one counting 100', () => {
    wins(cand(P2, { localPref: 200 }), cand(P1, { localPref: 100 }), 'local-pref');
    wins(cand(P2, { localPref: 101 }), cand(P1), 'local-pref');
    wins(cand(P2), cand(P1, { localPref: 99 }), 'local-pref');
    // 100 explicit equals missing: decided later (by BGP identifier here).
    expect(decidingStep(compareCandidates(cand(P1, { localPref: 100 }), cand(P2)))).toBe('bgp-identifier');
  });

  it('2. shorter AS_PATH: an AS_SET counts 1, confederation segments 0', () => {
    wins(
      cand(P2, { asPath: [{ type: 'sequence', asns: [1] }] }),
      cand(P1, { asPath: [{ type: 'sequence', asns: [1, 2] }] }),
      'as-path-length',
    );
    const withSet = cand(P2, {
      asPath: [
        { type: 'sequence', asns: [1] },
        { type: 'set', asns: [2, 3, 4] },
      ],
    });
    wins(withSet, cand(P1, { asPath: [{ type: 'sequence', asns: [1, 2, 3] }] }), 'as-path-length');
    const confed = cand(P2, {
      asPath: [
        { type: 'confed-sequence', asns: [9, 9, 9] },
        { type: 'sequence', asns: [1] },
      ],
    });
    wins(confed, cand(P1, { asPath: [{ type: 'sequence', asns: [1, 2] }] }), 'as-path-length');
  });

  it('3. lower ORIGIN', () => {
    wins(cand(P2, { origin: 0 }), cand(P1, { origin: 1 }), 'origin');
    wins(cand(P2, { origin: 1 }), cand(P1, { origin: 2 }), 'origin');
  });

  it('4. lower MED only between routes from the same neighbouring AS; missing counts 0', () => {
    wins(cand(P2, { med: 10 }), cand(P1, { med: 20 }), 'med');
    wins(cand(P2), cand(P1, { med: 1 }), 'med');
    // Different neighbour AS (leftmost AS): MED not compared, decided later.
    const a = cand(P2, { med: 10, asPath: [{ type: 'sequence', asns: [65010] }] });
    const b = cand(P1, { med: 20, asPath: [{ type: 'sequence', asns: [65020] }] });
    expect(decidingStep(compareCandidates(b, a))).toBe('bgp-identifier');
    expect(compareCandidates(b, a)).toBeLessThan(0);
  });

  it('5. eBGP over iBGP', () => {
    const ibgp = peer('i', { ebgp: false, bgpId: '10.0.0.0' });
    wins(cand(P2), cand(ibgp), 'ebgp-over-ibgp');
  });

  it('6. lower BGP Identifier, compared as numbers', () => {
    const low = peer('x', { bgpId: '9.255.255.255', address: '192.0.2.200' });
    const high = peer('y', { bgpId: '10.0.0.0', address: '192.0.2.1' });
    wins(cand(low), cand(high), 'bgp-identifier');
  });

  it('7. lower peer address when identifiers tie', () => {
    const a = peer('b', { bgpId: '10.0.0.1', address: '192.0.2.9' });
    const b = peer('a', { bgpId: '10.0.0.1', address: '192.0.2.10' });
    wins(cand(a), cand(b), 'peer-address');
  });

  it('8. peer name as the last resort; same peer compares equal', () => {
    const a = peer('a', { bgpId: '10.0.0.1', address: '192.0.2.1' });
    const b = peer('b', { bgpId: '10.0.0.1', address: '192.0.2.1' });
    wins(cand(a), cand(b), 'peer-name');
    expect(compareCandidates(cand(P1), cand(P1))).toBe(0);
    expect(decidingStep(0)).toBeUndefined();
  });
});
