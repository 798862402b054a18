import { describe, expect, it } from 'vitest';
import { WellKnownCommunity } from './communities.js';
import { applyPolicy, type Policy } from './policy.js';
import { compilePrefixEntry } from './prefix-list.js';
import { isRibError } from './rib-error.test-support.js';
import { attrs, c } from './test-helpers.test-support.js';

const ctx = {
  localAsn: 65000,
  nextHopSelf: { ipv4: '198.51.100.1', ipv6: '2001:db8::ff', linkLocal: 'fe80::ff' },
};
const matches = (entry: { prefix: string; ge?: number; le?: number }, p: string) =>
  compilePrefixEntry(entry).matches(c(p));

describe('prefix lists (FRR/Cisco ge/le semantics)', () => {
  it('a bare entry matches exactly that prefix', () => {
    const e = { prefix: '10.0.0.0/8' };
    expect(matches(e, '10.0.0.0/8')).toBe(true);
    expect(matches(e, '10.1.0.0/16')).toBe(false);
    expect(matches(e, '11.0.0.0/8')).toBe(false);
    expect(matches(e, '0.0.0.0/0')).toBe(false);
  });

  it('ge alone: that length up to the family maximum', () => {
    const e = { prefix: '10.0.0.0/8', ge: 24 };
    expect(matches(e, '10.1.2.0/23')).toBe(false);
    expect(matches(e, '10.1.2.0/24')).toBe(true);
    expect(matches(e, '10.1.2.3/32')).toBe(true);
    expect(matches(e, '11.1.2.0/24')).toBe(false);
  });

  it('le alone: from the entry length up to le', () => {
    const e = { prefix: '10.0.0.0/8', le: 16 };
    expect(matches(e, '10.0.0.0/8')).toBe(true);
    expect(matches(e, '10.200.0.0/16')).toBe(true);
    expect(matches(e, '10.200.1.0/24')).toBe(false);
  });

  it('ge and le together bound both ends; ge = le is one length', () => {
    const e = { prefix: '10.0.0.0/8', ge: 16, le: 24 };
    expect(matches(e, '10.0.0.0/15')).toBe(false);
    expect(matches(e, '10.0.0.0/16')).toBe(true);
    expect(matches(e, '10.0.0.0/24')).toBe(true);
    expect(matches(e, '10.0.0.0/25')).toBe(false);
    expect(matches({ prefix: '10.0.0.0/8', ge: 20, le: 20 }, '10.0.16.0/20')).toBe(true);
    expect(matches({ prefix: '10.0.0.0/8', ge: 20, le: 20 }, '10.0.16.0/21')).toBe(false);
  });

  it('0.0.0.0/0 le 32 matches everything IPv4 and nothing IPv6; IPv6 entries work', () => {
    expect(matches({ prefix: '0.0.0.0/0', le: 32 }, '203.0.113.7/32')).toBe(true);
    expect(matches({ prefix: '0.0.0.0/0', le: 32 }, '::/0')).toBe(false);
    expect(matches({ prefix: '2001:db8::/32', ge: 48, le: 64 }, '2001:db8:1::/48')).toBe(true);
    expect(matches({ prefix: '2001:db8::/32', ge: 48, le: 64 }, '2001:db9::/48')).toBe(false);
    expect(matches({ prefix: '2001:db8::/32', ge: 48, le: 64 }, '2001:db8::/32')).toBe(false);
    expect(matches({ prefix: '128.0.0.0/1' }, '128.0.0.0/1')).toBe(true);
    expect(matches({ prefix: '128.0.0.0/1', le: 32 }, '127.255.255.255/32')).toBe(false);
  });

  it('rejects impossible bounds', () => {
    for (const e of [
      { prefix: '10.0.0.0/16', ge: 8 },
      { prefix: '10.0.0.0/16', le: 33 },
      { prefix: '10.0.0.0/8', ge: 24, le: 16 },
      { prefix: '10.0.0.1/8' },
      { prefix: 'nope' },
    ]) {
      expect(() => compilePrefixEntry(e)).toThrow(
        expect.objectContaining({ code: 'ERR_BGP_POLICY_INVALID' }),
      );
    }
  });
});

describe('applyPolicy (RFC 4271 §9.1.1, §9.1.3)', () => {
  const base = attrs({ communities: [0xfde80001, WellKnownCommunity.NoExport] });

  it('first matching rule decides; default otherwise', () => {
    const policy: Policy = {
      rules: [
        { match: { prefixes: [{ prefix: '10.0.0.0/8', ge: 25 }] }, action: 'reject' },
        { match: { prefixes: [{ prefix: '10.0.0.0/8', le: 24 }] }, action: 'accept' },
      ],
      default: 'reject',
    };
    expect(applyPolicy(policy, c('10.1.0.0/24'), base, ctx)).toBe(base);
    expect(applyPolicy(policy, c('10.1.0.0/25'), base, ctx)).toBeNull();
    expect(applyPolicy(policy, c('192.0.2.0/24'), base, ctx)).toBeNull();
    expect(applyPolicy({ rules: [], default: 'accept' }, c('192.0.2.0/24'), base, ctx)).toBe(base);
  });

  it('matches communities (well-known names too), large communities and family, all-of between keys', () => {
    const a = attrs({
      communities: [WellKnownCommunity.Blackhole],
      largeCommunities: [{ globalAdmin: 65000, local1: 1, local2: 2 }],
    });
    const rule = (match: Policy['rules'][number]['match']): Policy => ({
      rules: [{ match, action: 'accept' }],
      default: 'reject',
    });
    expect(applyPolicy(rule({ communities: ['blackhole'] }), c('10.0.0.0/32'), a, ctx)).toBe(a);
    expect(applyPolicy(rule({ communities: ['65535:666'] }), c('10.0.0.0/32'), a, ctx)).toBe(a);
    expect(applyPolicy(rule({ communities: ['no-export', '1:1'] }), c('10.0.0.0/32'), a, ctx)).toBeNull();
    expect(applyPolicy(rule({ largeCommunities: ['65000:1:2'] }), c('10.0.0.0/32'), a, ctx)).toBe(a);
    expect(applyPolicy(rule({ largeCommunities: ['65000:1:3'] }), c('10.0.0.0/32'), a, ctx)).toBeNull();
    expect(applyPolicy(rule({ family: 'ipv6' }), c('10.0.0.0/32'), a, ctx)).toBeNull();
    expect(applyPolicy(rule({ family: 'ipv4', communities: ['blackhole'] }), c('10.0.0.0/32'), a, ctx)).toBe(
      a,
    );
    expect(applyPolicy(rule({ family: 'ipv4', communities: ['1:1'] }), c('10.0.0.0/32'), a, ctx)).toBeNull();
  });

  it('sets local-pref, MED, next hop, prepend, communities; memoized per attributes object', () => {
    const policy: Policy = {
      rules: [
        {
          action: 'accept',
          set: {
            localPref: 250,
            med: 30,
            nextHop: 'self',
            asPathPrepend: 2,
            communities: { remove: ['no-export'], add: ['65000:2', '65000:1'] },
            largeCommunities: { add: ['65000:9:9'] },
          },
        },
      ],
      default: 'reject',
    };
    const out = applyPolicy(policy, c('10.0.0.0/24'), base, ctx)!;
    expect(out).toEqual({
      ...base,
      localPref: 250,
      med: 30,
      nextHop: '198.51.100.1',
      asPath: [{ type: 'sequence', asns: [65000, 65000, 65001] }],
      communities: [0xfde80001, 0xfde80002],
      largeCommunities: [{ globalAdmin: 65000, local1: 9, local2: 9 }],
    });
    expect(base.communities).toEqual([0xfde80001, WellKnownCommunity.NoExport]); // input untouched
    expect(applyPolicy(policy, c('10.0.1.0/24'), base, ctx)).toBe(out);
    const v6 = applyPolicy(policy, c('2001:db8::/32'), attrs({ nextHop: '2001:db8::1' }), ctx)!;
    expect([v6.nextHop, v6.linkLocalNextHop]).toEqual(['2001:db8::ff', 'fe80::ff']);
  });

  it('replaces communities; explicit next hop applies to its family only', () => {
    const policy: Policy = {
      rules: [
        { action: 'accept', set: { nextHop: '203.0.113.1', communities: { replace: ['no-advertise'] } } },
      ],
      default: 'accept',
    };
    const v4 = applyPolicy(policy, c('10.0.0.0/24'), base, ctx)!;
    expect(v4.nextHop).toBe('203.0.113.1');
    expect(v4.communities).toEqual([WellKnownCommunity.NoAdvertise]);
    const v6 = applyPolicy(policy, c('2001:db8::/32'), attrs({ nextHop: '2001:db8::1' }), ctx)!;
    expect(v6.nextHop).toBe('2001:db8::1');
  });

  it('rejects a malformed policy with a typed error', () => {
    const bad: Policy[] = [
      { rules: [{ match: { communities: ['65536:1'] }, action: 'accept' }], default: 'accept' },
      { rules: [{ action: 'accept', set: { largeCommunities: { add: ['1:2'] } } }], default: 'accept' },
      { rules: [{ action: 'accept', set: { nextHop: 'router' } }], default: 'accept' },
      { rules: [], default: 'maybe' as 'accept' },
    ];
    for (const p of bad) {
      let err: unknown;
      try {
        applyPolicy(p, c('10.0.0.0/24'), base, ctx);
      } catch (e) {
        err = e;
      }
      expect(isRibError(err, 'ERR_BGP_POLICY_INVALID')).toBe(true);
    }
  });
});
