import { describe, expect, it } from 'vitest';
import {
  formatCommunity,
  formatLargeCommunity,
  mayReadvertise,
  parseCommunity,
  parseLargeCommunity,
  WellKnownCommunity,
} from './communities.js';
import { attrs } from './test-helpers.test-support.js';

describe('communities (RFC 1997, RFC 8092)', () => {
  it('parses and formats asn:value and well-known names', () => {
    expect(parseCommunity('65000:100')).toBe(0xfde80064);
    expect(parseCommunity('0:0')).toBe(0);
    expect(parseCommunity('65535:65535')).toBe(0xffffffff);
    expect(parseCommunity('no-export')).toBe(0xffffff01);
    expect(parseCommunity('NO-ADVERTISE')).toBe(0xffffff02);
    expect(parseCommunity('no-export-subconfed')).toBe(0xffffff03);
    expect(parseCommunity('blackhole')).toBe(0xffff029a);
    expect(formatCommunity(0xfde80064)).toBe('65000:100');
    expect(formatCommunity(0xffffff01)).toBe('no-export');
    for (const bad of ['65536:1', '1:65536', '1', '1:2:3', 'a:b', '01:1', '-1:1', '']) {
      expect(() => parseCommunity(bad)).toThrow(expect.objectContaining({ code: 'ERR_BGP_POLICY_INVALID' }));
    }
  });

  it('parses and formats large communities', () => {
    const l = parseLargeCommunity('4200000000:1:4294967295');
    expect(l).toEqual({ globalAdmin: 4200000000, local1: 1, local2: 4294967295 });
    expect(formatLargeCommunity(l)).toBe('4200000000:1:4294967295');
    for (const bad of ['1:2', '1:2:4294967296', 'a:b:c']) {
      expect(() => parseLargeCommunity(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_BGP_POLICY_INVALID' }),
      );
    }
  });

  it('mayReadvertise: NO_ADVERTISE to nobody, NO_EXPORT and NO_EXPORT_SUBCONFED not to eBGP', () => {
    const with_ = (c: number) => attrs({ communities: [1, c] });
    expect(mayReadvertise(attrs(), true)).toBe(true);
    expect(mayReadvertise(with_(WellKnownCommunity.NoAdvertise), false)).toBe(false);
    expect(mayReadvertise(with_(WellKnownCommunity.NoExport), true)).toBe(false);
    expect(mayReadvertise(with_(WellKnownCommunity.NoExport), false)).toBe(true);
    expect(mayReadvertise(with_(WellKnownCommunity.NoExportSubconfed), true)).toBe(false);
    expect(mayReadvertise(with_(WellKnownCommunity.NoExportSubconfed), false)).toBe(true);
  });
});
