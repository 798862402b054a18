import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import type { PathAttributes, UpdateRoutes } from '../rib/index.js';
import { importRoutes } from './import-routes.js';

const attrs = (asns: number[], extra: Partial<PathAttributes> = {}): PathAttributes => ({
  origin: 0,
  asPath: [{ type: 'sequence', asns }],
  nextHop: '198.51.100.2',
  communities: [],
  largeCommunities: [],
  unknown: [],
  ...extra,
});
const c = (s: string) => Cidr.parse(s);
const shape = (r: ReturnType<typeof importRoutes>) => ({
  announced: r.announced.map((a) => [a.attrs.asPath[0]?.asns, a.attrs.localPref, a.prefixes.map(String)]),
  withdrawn: r.withdrawn.flatMap((w) => w.prefixes.map(String)),
});

describe('importRoutes', () => {
  const clean = attrs([65002]);
  const loop = attrs([65002, 65001]);
  const parsed: UpdateRoutes = {
    announced: [
      { family: 'ipv4', prefixes: [c('10.0.0.0/24'), c('10.1.0.0/24')], attrs: clean },
      { family: 'ipv4', prefixes: [c('10.2.0.0/24')], attrs: loop },
    ],
    withdrawn: [{ family: 'ipv4', prefixes: [c('10.9.0.0/24')] }],
  };

  it('withdraws a route whose AS path holds our AS (RFC 4271 §9.1.2) and passes the rest untouched', () => {
    const r = importRoutes(parsed, { localAsn: 65001 });
    expect(shape(r)).toEqual({
      announced: [[[65002], undefined, ['10.0.0.0/24', '10.1.0.0/24']]],
      withdrawn: ['10.9.0.0/24', '10.2.0.0/24'],
    });
    expect(r.announced[0]?.attrs).toBe(clean);
  });

  it('applies the import policy per prefix: rejected prefixes are withdrawn, accepted ones stay grouped', () => {
    const r = importRoutes(parsed, {
      localAsn: 4200000001,
      policy: {
        default: 'reject',
        rules: [
          {
            match: { prefixes: [{ prefix: '10.0.0.0/15', le: 24 }] },
            action: 'accept',
            set: { localPref: 250 },
          },
        ],
      },
    });
    expect(shape(r)).toEqual({
      announced: [[[65002], 250, ['10.0.0.0/24', '10.1.0.0/24']]],
      withdrawn: ['10.9.0.0/24', '10.2.0.0/24'],
    });
  });
});
