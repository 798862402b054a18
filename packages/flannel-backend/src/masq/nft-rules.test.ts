import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { nftMasqRuleset, nftRemoveRuleset } from './nft-rules.js';

describe('nftMasqRuleset', () => {
  it("replaces flannel's table atomically with the rules in flannel's order", () => {
    expect(nftMasqRuleset({ network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.1.0/24') })).toBe(
      [
        'add table ip flannel-ipv4',
        'delete table ip flannel-ipv4',
        'table ip flannel-ipv4 {',
        '  comment "rules for flannel-ipv4"',
        '  chain postrtg {',
        '    comment "chain to manage traffic masquerading by flannel"',
        '    type nat hook postrouting priority srcnat; policy accept;',
        '    meta mark & 0x4000 == 0x4000 return',
        '    ip saddr 10.0.1.0/24 ip daddr 10.0.0.0/16 return',
        '    ip saddr 10.0.0.0/16 ip daddr 10.0.1.0/24 return',
        '    ip saddr != 10.0.0.0/16 ip daddr 10.0.1.0/24 return',
        '    ip saddr 10.0.0.0/16 ip daddr != 224.0.0.0/4 masquerade fully-random',
        '    ip saddr != 10.0.0.0/16 ip daddr 10.0.0.0/16 masquerade fully-random',
        '  }',
        '  chain forward {',
        '    comment "chain to accept flannel traffic"',
        '    type filter hook forward priority filter; policy accept;',
        '    ip saddr 10.0.0.0/16 accept',
        '    ip daddr 10.0.0.0/16 accept',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes the IPv6 table without forward rules or random ports when asked', () => {
    const text = nftMasqRuleset({
      network: Cidr.parse('fd00::/48'),
      block: Cidr.parse('fd00:0:0:1::/64'),
      randomFully: false,
      forward: false,
    });
    expect(text).toContain('table ip6 flannel-ipv6 {');
    expect(text).toContain('ip6 saddr fd00::/48 ip6 daddr != ff00::/8 masquerade\n');
    expect(text).not.toContain('chain forward');
    expect(nftRemoveRuleset(6)).toBe('add table ip6 flannel-ipv6\ndelete table ip6 flannel-ipv6\n');
  });
});
