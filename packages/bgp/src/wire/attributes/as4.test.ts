import { describe, expect, it } from 'vitest';
import { asPathLength, effectiveAsPath, mergeAs4Path } from './as4.js';
import type { AsPathSegment } from './types.js';

const seq = (...asns: number[]): AsPathSegment => ({ type: 'sequence', asns });
const set = (...asns: number[]): AsPathSegment => ({ type: 'set', asns });

describe('AS4_PATH reconstruction (RFC 6793 §4.2.3)', () => {
  it('counts sets as 1 and confederation segments as 0', () => {
    expect(asPathLength([seq(1, 2), set(3, 4, 5), { type: 'confed-sequence', asns: [9] }])).toBe(3);
  });

  it('prepends the AS_PATH ASes that AS4_PATH lacks', () => {
    // a 2-octet speaker 65001 prepended itself; 23456 stands for 4200000000
    expect(mergeAs4Path([seq(65001, 23456, 23456)], [seq(4200000000, 4200000001)])).toEqual([
      seq(65001, 4200000000, 4200000001),
    ]);
  });

  it('keeps sets and ignores an AS4_PATH longer than AS_PATH', () => {
    expect(mergeAs4Path([set(1, 2), seq(23456)], [seq(4200000000)])).toEqual([set(1, 2), seq(4200000000)]);
    expect(mergeAs4Path([seq(23456)], [seq(4200000000, 4200000001)])).toEqual([seq(23456)]);
  });

  it('ignores AS4_PATH when AGGREGATOR carries a real 2-octet AS', () => {
    const attrs = [
      { type: 'as-path', segments: [seq(65001, 23456)] },
      { type: 'as4-path', segments: [seq(4200000000)] },
    ] as const;
    expect(effectiveAsPath(attrs)).toEqual([seq(65001, 4200000000)]);
    expect(effectiveAsPath([...attrs, { type: 'aggregator', asn: 65001, address: '10.0.0.1' }])).toEqual([
      seq(65001, 23456),
    ]);
    expect(effectiveAsPath([...attrs, { type: 'aggregator', asn: 23456, address: '10.0.0.1' }])).toEqual([
      seq(65001, 4200000000),
    ]);
  });
});
