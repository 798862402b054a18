import { Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { WellKnownCommunity } from './communities.js';
import { type ExportContext, exportAttributes } from './export.js';
import { isRibError } from './rib-error.test-support.js';

const nh = { ipv4: '198.51.100.1', ipv6: '2001:db8::ff', linkLocal: 'fe80::ff' };
const EBGP: ExportContext = { localAsn: 65000, peerAsn: 65100, ebgp: true, nextHopSelf: nh };
const IBGP: ExportContext = { localAsn: 65000, peerAsn: 65000, ebgp: false, nextHopSelf: nh };
const p4 = Cidr.parse('10.1.0.0/24');

describe('exportAttributes (RFC 4271 §5.1, §9.2)', () => {
  it('eBGP: AS_PATH of the local AS (1 + prepend), next hop self, no LOCAL_PREF', () => {
    const a = exportAttributes(
      {
        prefix: p4,
        asPathPrepend: 2,
        med: 5,
        localPref: 300,
        communities: ['65000:100', 'no-export', 'blackhole'],
        largeCommunities: ['65000:1:2'],
      },
      EBGP,
    );
    expect(a).toEqual({
      origin: 0,
      asPath: [{ type: 'sequence', asns: [65000, 65000, 65000] }],
      nextHop: '198.51.100.1',
      med: 5,
      communities: [0xfde80064, WellKnownCommunity.NoExport, WellKnownCommunity.Blackhole],
      largeCommunities: [{ globalAdmin: 65000, local1: 1, local2: 2 }],
      unknown: [],
    });
  });

  it('iBGP: empty AS_PATH (prepend still applies), LOCAL_PREF default 100', () => {
    const a = exportAttributes({ prefix: p4 }, IBGP);
    expect(a.asPath).toEqual([]);
    expect(a.localPref).toBe(100);
    const b = exportAttributes({ prefix: p4, asPathPrepend: 1, localPref: 50 }, IBGP);
    expect(b.asPath).toEqual([{ type: 'sequence', asns: [65000] }]);
    expect(b.localPref).toBe(50);
  });

  it('IPv6: next hop self with link-local; an explicit next hop wins', () => {
    const p6 = Cidr.parse('2001:db8:1::/48');
    const a = exportAttributes({ prefix: p6 }, EBGP);
    expect([a.nextHop, a.linkLocalNextHop]).toEqual(['2001:db8::ff', 'fe80::ff']);
    const b = exportAttributes({ prefix: p6, nextHop: IpAddress.parse('2001:db8::7') }, EBGP);
    expect([b.nextHop, b.linkLocalNextHop]).toEqual(['2001:db8::7', undefined]);
    const c = exportAttributes({ prefix: p4, nextHop: IpAddress.parse('192.0.2.9') }, EBGP);
    expect(c.nextHop).toBe('192.0.2.9');
  });

  it('advertisements with the same settings share one attributes object', () => {
    const a = exportAttributes({ prefix: p4, communities: ['65000:1'] }, EBGP);
    const b = exportAttributes({ prefix: Cidr.parse('10.2.0.0/24'), communities: ['65000:1'] }, EBGP);
    const other = exportAttributes({ prefix: p4, communities: ['65000:2'] }, EBGP);
    expect(b).toBe(a);
    expect(other).not.toBe(a);
  });

  it('plain advertisements share one object per family with those spelling out the defaults', () => {
    const ctx: ExportContext = { ...EBGP };
    const plain4 = exportAttributes({ prefix: p4 }, ctx);
    expect(exportAttributes({ prefix: Cidr.parse('10.2.0.0/24') }, ctx)).toBe(plain4);
    expect(exportAttributes({ prefix: p4, asPathPrepend: 0 }, ctx)).toBe(plain4);
    expect(exportAttributes({ prefix: p4, asPathPrepend: 1 }, ctx)).not.toBe(plain4);
    expect(exportAttributes({ prefix: p4, med: 0 }, ctx)).not.toBe(plain4);
    expect(exportAttributes({ prefix: p4, communities: [] }, ctx)).toBe(plain4);
    const plain6 = exportAttributes({ prefix: Cidr.parse('fd00::/64') }, ctx);
    expect(plain6).not.toBe(plain4);
    expect(plain6.nextHop).toBe('2001:db8::ff');
    expect(exportAttributes({ prefix: Cidr.parse('fd00:1::/64') }, ctx)).toBe(plain6);
  });

  it('fails with typed errors: no next hop, wrong family, bad community', () => {
    const cases: [() => unknown, string][] = [
      [() => exportAttributes({ prefix: p4 }, { ...EBGP, nextHopSelf: {} }), 'ERR_BGP_NO_NEXT_HOP'],
      [
        () => exportAttributes({ prefix: p4, nextHop: IpAddress.parse('2001:db8::1') }, EBGP),
        'ERR_BGP_NO_NEXT_HOP',
      ],
      [() => exportAttributes({ prefix: p4, communities: ['70000:1'] }, EBGP), 'ERR_BGP_POLICY_INVALID'],
      [() => exportAttributes({ prefix: p4, largeCommunities: ['1:2'] }, EBGP), 'ERR_BGP_POLICY_INVALID'],
    ];
    for (const [fn, code] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(isRibError(err, code)).toBe(true);
    }
  });
});
