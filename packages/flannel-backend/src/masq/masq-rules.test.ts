import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { forwardChain, masqChain, quoteArg, ruleLine } from './masq-rules.js';

describe('masqChain', () => {
  it("is flannel's FLANNEL-POSTRTG in flannel's order, as iptables-save prints it (IPv4)", () => {
    const c = masqChain({ network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.1.0/24') });
    expect(ruleLine(c.jump)).toBe('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG');
    expect(c.rules.map((r) => ruleLine(r))).toEqual([
      // kube-proxy's mark: leave it to kube-proxy (no double NAT)
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      // pod -> pod within the cluster, both ways
      '-A FLANNEL-POSTRTG -s 10.0.1.0/24 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      // outside -> our pods keeps its source
      '-A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      // leaving the cluster (not multicast)
      '-A FLANNEL-POSTRTG -s 10.0.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      // the host to remote pods
      '-A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    ]);
  });

  it('uses ff00::/8 for IPv6 and can leave out --random-fully', () => {
    const c = masqChain({
      network: Cidr.parse('fd00::/48'),
      block: Cidr.parse('fd00:0:0:1::/64'),
      randomFully: false,
    });
    expect(c.family).toBe(6);
    expect(ruleLine(c.rules[4]!)).toBe(
      '-A FLANNEL-POSTRTG -s fd00::/48 ! -d ff00::/8 -m comment --comment "flanneld masq" -j MASQUERADE',
    );
  });
});

describe('forwardChain', () => {
  it("is flannel's FLANNEL-FWD", () => {
    const c = forwardChain(Cidr.parse('10.0.0.0/16'));
    expect([c.jump, ...c.rules].map((r) => ruleLine(r))).toEqual([
      '-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
      '-A FLANNEL-FWD -s 10.0.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
      '-A FLANNEL-FWD -d 10.0.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT',
    ]);
  });
});

describe('quoteArg', () => {
  it('quotes as iptables-save does', () => {
    expect(quoteArg('plain')).toBe('plain');
    expect(quoteArg('two words')).toBe('"two words"');
    expect(quoteArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteArg('')).toBe('""');
  });
});
