import { readFileSync } from 'node:fs';
import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { chainDrift, chainRules, parseIptablesSave, renderApply, renderRemove } from './iptables-restore.js';
import { forwardChain, masqChain } from './masq-rules.js';

// Captured with `ip netns exec NS iptables-save` (iptables 1.8.9, nf_tables) after a kube-proxy-like chain and
// our rules were installed.
const captured = readFileSync(new URL('./__fixtures__/iptables-save-nat.txt', import.meta.url), 'utf8');
const chain = masqChain({ network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.1.0/24') });

describe('parseIptablesSave', () => {
  it('reads tables, chains with policies, and rule lines in order', () => {
    const saved = parseIptablesSave(captured);
    const nat = saved.get('nat')!;
    expect([...nat.chains]).toEqual([
      ['PREROUTING', 'ACCEPT'],
      ['INPUT', 'ACCEPT'],
      ['OUTPUT', 'ACCEPT'],
      ['POSTROUTING', 'ACCEPT'],
      ['FLANNEL-POSTRTG', '-'],
      ['KUBE-POSTROUTING', '-'],
    ]);
    expect(chainRules(saved, 'nat', 'POSTROUTING')).toHaveLength(2);
    expect(chainRules(saved, 'nat', 'FLANNEL-POSTRTG')).toHaveLength(6);
  });

  it('drops counters of iptables-save -c', () => {
    const saved = parseIptablesSave('*nat\n:X - [0:0]\n[5:300] -A X -j RETURN\nCOMMIT\n');
    expect(saved.get('nat')!.rules).toEqual(['-A X -j RETURN']);
  });
});

describe('chainDrift', () => {
  it('is empty when the captured state is ours', () => {
    expect(chainDrift(chain, parseIptablesSave(captured))).toEqual([]);
  });

  it('names a missing chain, a missing or doubled jump, and changed rules', () => {
    expect(chainDrift(chain, parseIptablesSave('*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n'))).toEqual([
      'chain nat/FLANNEL-POSTRTG is missing',
      'no jumps -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ]);
    const jumpLine = '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG';
    const doubled = captured.replace(jumpLine, `${jumpLine}\n${jumpLine}`);
    expect(chainDrift(chain, parseIptablesSave(doubled))).toEqual([`2 jumps ${jumpLine}`]);
    const lines = captured.split('\n');
    const i = lines.findIndex((l) => l.includes('-j MASQUERADE'));
    const swapped = [...lines];
    [swapped[i], swapped[i + 1]] = [lines[i + 1]!, lines[i]!];
    expect(chainDrift(chain, parseIptablesSave(swapped.join('\n')))).toHaveLength(2);
    const missing = lines.filter((_, j) => j !== i + 1).join('\n');
    expect(chainDrift(chain, parseIptablesSave(missing))[0]).toMatch(
      /^missing rule .*! -s 10\.0\.0\.0\/16 -d 10\.0\.0\.0\/16/,
    );
  });
});

describe('renderApply', () => {
  it('declares the chain (flushing it under --noflush), replaces the jump and writes the rules', () => {
    const input = renderApply([chain], parseIptablesSave(captured));
    expect(input.split('\n')).toEqual([
      '*nat',
      ':FLANNEL-POSTRTG - [0:0]',
      '-D POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      ...chain.rules.map(
        (r) => `-A FLANNEL-POSTRTG ${r.spec.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`,
      ),
      'COMMIT',
      '',
    ]);
  });

  it('writes one block per table and no -D when nothing is there yet', () => {
    const fwd = forwardChain(Cidr.parse('10.0.0.0/16'));
    const input = renderApply([chain, fwd], new Map());
    expect(input).not.toContain('-D ');
    expect(input.match(/^\*(\w+)$/gm)).toEqual(['*nat', '*filter']);
    expect(input.match(/^COMMIT$/gm)).toHaveLength(2);
  });
});

describe('renderRemove', () => {
  it('flushes, unhooks and deletes our chain, leaving kube-proxy alone', () => {
    expect(renderRemove([chain], parseIptablesSave(captured))).toBe(
      [
        '*nat',
        ':FLANNEL-POSTRTG - [0:0]',
        '-D POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
        '-X FLANNEL-POSTRTG',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing of ours is there, and keeps a chain others still jump to', () => {
    expect(renderRemove([chain], parseIptablesSave('*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n'))).toBe('');
    const foreign = captured.replace('COMMIT', '-A OUTPUT -j FLANNEL-POSTRTG\nCOMMIT');
    expect(renderRemove([chain], parseIptablesSave(foreign))).not.toContain('-X');
  });
});
