/**
 * IptablesMasquerade against the real iptables-restore / ip6tables-restore in a namespace of the test; witness:
 * `ip netns exec NS iptables-save` / `ip6tables-save`.
 */
import { Cidr } from '@edgeway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, requireLabPrerequisites } from '../routes/netns-lab.js';
import { IptablesMasquerade } from './iptables-masquerade.js';
import { chainDrift, chainRules, parseIptablesSave } from './iptables-restore.js';
import { masqChain } from './masq-rules.js';

describe('IptablesMasquerade (integration, own namespace)', () => {
  const lab = new NetnsLab();
  let ns: string;
  let masq: IptablesMasquerade | undefined;
  const save = async (bin: 'iptables-save' | 'ip6tables-save', table?: string) =>
    parseIptablesSave((await lab.exec(ns, bin, table ? ['-t', table] : [])).stdout);

  beforeAll(async () => {
    requireLabPrerequisites({ iptables: true });
    ns = await lab.add('masq');
    // a kube-proxy-like chain that must survive everything we do
    await lab.exec(ns, 'iptables', ['-t', 'nat', '-N', 'KUBE-POSTROUTING']);
    await lab.exec(ns, 'iptables', ['-t', 'nat', '-A', 'POSTROUTING', '-j', 'KUBE-POSTROUTING']);
    await lab.exec(ns, 'iptables', [
      '-t',
      'nat',
      '-A',
      'KUBE-POSTROUTING',
      '-m',
      'mark',
      '!',
      '--mark',
      '0x4000/0x4000',
      '-j',
      'RETURN',
    ]);
  });

  afterAll(async () => {
    await masq?.stop({ remove: false }).catch(() => undefined);
    await lab.destroy();
  });

  it('installs both families, in order, after the existing rules, idempotently', async () => {
    masq = new IptablesMasquerade({
      netns: ns,
      ipv4: { network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.1.0/24') },
      ipv6: { network: Cidr.parse('fd00:10::/48'), block: Cidr.parse('fd00:10:0:1::/64') },
      resyncIntervalMs: 0,
    });
    await masq.apply();
    await masq.apply();
    const v4 = await save('iptables-save');
    expect(chainRules(v4, 'nat', 'POSTROUTING')).toEqual([
      '-A POSTROUTING -j KUBE-POSTROUTING',
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ]);
    expect(masq.chains(4).flatMap((c) => chainDrift(c, v4))).toEqual([]);
    const v6 = await save('ip6tables-save');
    expect(chainRules(v6, 'nat', 'FLANNEL-POSTRTG')).toEqual([
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s fd00:10:0:1::/64 -d fd00:10::/48 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s fd00:10::/48 -d fd00:10:0:1::/64 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG ! -s fd00:10::/48 -d fd00:10:0:1::/64 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s fd00:10::/48 ! -d ff00::/8 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FLANNEL-POSTRTG ! -s fd00:10::/48 -d fd00:10::/48 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    ]);
    expect(masq.chains(6).flatMap((c) => chainDrift(c, v6))).toEqual([]);
    expect(
      chainDrift(
        masqChain({ network: Cidr.parse('fd00:10::/48'), block: Cidr.parse('fd00:10:0:1::/64') }),
        v6,
      ),
    ).toEqual([]);
  });

  it('finds and repairs drift made with iptables', async () => {
    await lab.exec(ns, 'iptables', ['-t', 'nat', '-D', 'FLANNEL-POSTRTG', '1']);
    await lab.exec(ns, 'iptables', ['-t', 'nat', '-A', 'FLANNEL-POSTRTG', '-j', 'ACCEPT']);
    const drift = await masq!.check();
    expect(drift.length).toBeGreaterThan(0);
    const v4 = await save('iptables-save');
    expect(masq!.chains(4).flatMap((c) => chainDrift(c, v4))).toEqual([]);
    expect(await masq!.check()).toEqual([]);
  });

  it('moves to a new block, then removes its chains and jumps, leaving kube-proxy alone', async () => {
    await masq!.update({ ipv4: { network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.7.0/24') } });
    const v4 = await save('iptables-save');
    expect(chainRules(v4, 'nat', 'FLANNEL-POSTRTG').filter((r) => r.includes('10.0.7.0/24'))).toHaveLength(3);
    expect(chainRules(v4, 'nat', 'FLANNEL-POSTRTG').filter((r) => r.includes('10.0.1.0/24'))).toEqual([]);
    expect((await save('ip6tables-save')).get('nat')?.chains.has('FLANNEL-POSTRTG')).toBe(false);
    await masq!.stop();
    const after = await save('iptables-save');
    expect(after.get('nat')?.chains.has('FLANNEL-POSTRTG')).toBe(false);
    expect(chainRules(after, 'nat', 'POSTROUTING')).toEqual(['-A POSTROUTING -j KUBE-POSTROUTING']);
    expect(chainRules(after, 'nat', 'KUBE-POSTROUTING')).toHaveLength(1);
    expect((await save('iptables-save', 'filter')).get('filter')?.chains.has('FLANNEL-FWD')).toBe(false);
  });
});
