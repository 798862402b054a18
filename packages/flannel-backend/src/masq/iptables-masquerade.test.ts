import { Cidr, FakeClock } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { type CommandRunner, IptablesMasquerade, supportsRandomFully } from './iptables-masquerade.js';

/** A tiny iptables: `*table`, `:CHAIN` (create, or flush under --noflush), `-A`, `-D`, `-X`, `COMMIT`. */
class FakeIptables {
  readonly tables = new Map<string, Map<string, string[]>>();
  readonly calls: { file: string; args: readonly string[]; input?: string }[] = [];
  failNext: string | undefined;

  constructor() {
    for (const t of ['nat', 'filter']) {
      this.tables.set(
        t,
        new Map(
          (t === 'nat'
            ? ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']
            : ['INPUT', 'FORWARD', 'OUTPUT']
          ).map((c) => [c, []]),
        ),
      );
    }
  }

  run: CommandRunner = async (file, args, input) => {
    this.calls.push({ file, args, ...(input === undefined ? {} : { input }) });
    const bin = file === 'ip' ? args[3]! : file;
    if (this.failNext) {
      const stderr = this.failNext;
      this.failNext = undefined;
      throw Object.assign(new Error('exit 1'), { stderr });
    }
    if (bin.endsWith('--version') || args.includes('--version'))
      return { stdout: 'iptables v1.8.9 (nf_tables)\n', stderr: '' };
    if (bin.endsWith('-save')) return { stdout: this.save(), stderr: '' };
    if (bin.endsWith('-restore')) this.restore(input ?? '');
    return { stdout: '', stderr: '' };
  };

  save(): string {
    const out: string[] = [];
    for (const [t, chains] of this.tables) {
      out.push(`*${t}`);
      for (const c of chains.keys())
        out.push(`:${c} ${c === c.toUpperCase() && !c.includes('-') ? 'ACCEPT' : '-'} [0:0]`);
      for (const [c, rules] of chains) for (const r of rules) out.push(`-A ${c} ${r}`);
      out.push('COMMIT');
    }
    return `${out.join('\n')}\n`;
  }

  restore(input: string): void {
    let t: Map<string, string[]> | undefined;
    for (const line of input.split('\n')) {
      if (line.startsWith('*')) t = this.tables.get(line.slice(1));
      else if (line.startsWith(':')) t!.set(line.slice(1).split(' ')[0]!, []);
      else if (line.startsWith('-X ')) t!.delete(line.slice(3));
      else if (/^-[AD] /.test(line)) {
        const [, op, chain, rest] = /^-([AD]) (\S+) (.*)$/.exec(line)!;
        const rules = t!.get(chain!)!;
        if (op === 'A') rules.push(rest!);
        else rules.splice(rules.indexOf(rest!), 1);
      }
    }
  }

  rules(table: string, chain: string): string[] | undefined {
    return this.tables.get(table)!.get(chain);
  }
}

const ipv4 = { network: Cidr.parse('10.0.0.0/16'), block: Cidr.parse('10.0.1.0/24') };

describe('IptablesMasquerade', () => {
  it('applies the chain and one jump, detects --random-fully, and runs in the namespace', async () => {
    const ipt = new FakeIptables();
    const m = new IptablesMasquerade({ ipv4, netns: 'ns1', run: ipt.run, clock: new FakeClock() });
    await m.apply();
    await m.apply(); // idempotent: still one jump
    expect(ipt.rules('nat', 'POSTROUTING')).toEqual([
      '-m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ]);
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')).toHaveLength(6);
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')![4]).toContain('--random-fully');
    expect(ipt.rules('filter', 'FLANNEL-FWD')).toHaveLength(2);
    expect(ipt.calls[0]).toEqual({ file: 'ip', args: ['netns', 'exec', 'ns1', 'iptables', '--version'] });
    expect(ipt.calls.some((c) => c.args.join(' ') === 'netns exec ns1 iptables-restore --noflush')).toBe(
      true,
    );
    expect(m.status()).toMatchObject({ families: [4], applied: true, repairs: 0 });
  });

  it('repairs drift at the periodic check and reports it', async () => {
    const clock = new FakeClock();
    const ipt = new FakeIptables();
    const m = new IptablesMasquerade({
      ipv4,
      run: ipt.run,
      clock,
      resyncIntervalMs: 5_000,
      randomFully: false,
    });
    await m.start();
    ipt.rules('nat', 'FLANNEL-POSTRTG')!.splice(1, 1); // someone deletes a rule
    ipt.rules('nat', 'POSTROUTING')!.length = 0; // and the jump
    expect(await m.check()).toEqual([
      'IPv4: no jumps -A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
      'IPv4: rule 2 is -A FLANNEL-POSTRTG -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN, expected -A FLANNEL-POSTRTG -s 10.0.1.0/24 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
      'IPv4: rule 3 is -A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN, expected -A FLANNEL-POSTRTG -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      'IPv4: rule 4 is -A FLANNEL-POSTRTG -s 10.0.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE, expected -A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      'IPv4: rule 5 is -A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE, expected -A FLANNEL-POSTRTG -s 10.0.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE',
      'IPv4: missing rule -A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE',
    ]);
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')).toHaveLength(6);
    ipt.rules('filter', 'FLANNEL-FWD')!.length = 0;
    clock.advance(5_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(ipt.rules('filter', 'FLANNEL-FWD')).toHaveLength(2);
    expect(m.status().repairs).toBe(2);
    expect(await m.check()).toEqual([]);
    await m.stop({ remove: false });
    expect(clock.pending).toBe(0);
  });

  it('rewrites the chain for a new block and removes a dropped family', async () => {
    const ipt = new FakeIptables();
    const ipv6 = { network: Cidr.parse('fd00::/48'), block: Cidr.parse('fd00:0:0:1::/64') };
    const m = new IptablesMasquerade({ ipv4, ipv6, run: ipt.run, clock: new FakeClock(), randomFully: true });
    await m.apply();
    expect(ipt.calls.filter((c) => c.file === 'ip6tables-restore')).toHaveLength(1);
    await m.update({ ipv4: { ...ipv4, block: Cidr.parse('10.0.9.0/24') } });
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')!.filter((r) => r.includes('10.0.1.0/24'))).toEqual([]);
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')!.filter((r) => r.includes('10.0.9.0/24'))).toHaveLength(3);
    expect(m.families).toEqual([4]);
  });

  it('removes its chains and jumps on stop and leaves others alone', async () => {
    const ipt = new FakeIptables();
    ipt.rules('nat', 'POSTROUTING')!.push('-j KUBE-POSTROUTING');
    ipt.tables.get('nat')!.set('KUBE-POSTROUTING', ['-j RETURN']);
    const m = new IptablesMasquerade({ ipv4, run: ipt.run, clock: new FakeClock(), randomFully: true });
    await m.start();
    await m.stop();
    expect(ipt.rules('nat', 'FLANNEL-POSTRTG')).toBeUndefined();
    expect(ipt.rules('filter', 'FLANNEL-FWD')).toBeUndefined();
    expect(ipt.rules('nat', 'POSTROUTING')).toEqual(['-j KUBE-POSTROUTING']);
    expect(ipt.rules('nat', 'KUBE-POSTROUTING')).toEqual(['-j RETURN']);
  });

  it('fails with ERR_IPTABLES naming the command and stderr', async () => {
    const ipt = new FakeIptables();
    const m = new IptablesMasquerade({ ipv4, run: ipt.run, clock: new FakeClock(), randomFully: true });
    ipt.failNext = "iptables-save v1.8.9: can't initialize iptables table `nat'";
    const err = (await m.apply().catch((e: unknown) => e)) as {
      code: string;
      message: string;
      details: unknown;
    };
    expect(err.code).toBe('ERR_IPTABLES');
    expect(err.message).toContain("iptables-save failed: iptables-save v1.8.9: can't initialize");
    expect(m.status().lastError).toContain('iptables-save');
  });
});

describe('supportsRandomFully', () => {
  it('needs iptables 1.6.2 or later', () => {
    expect(supportsRandomFully('iptables v1.8.9 (nf_tables)')).toBe(true);
    expect(supportsRandomFully('iptables v1.6.2')).toBe(true);
    expect(supportsRandomFully('iptables v1.6.1')).toBe(false);
    expect(supportsRandomFully('garbage')).toBe(false);
  });
});
