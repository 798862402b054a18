/**
 * Harness self-test of the lab: three namespaces on a bridge reach each other over IPv4 and IPv6, the sysctl for
 * unprivileged port 179 is set, and destroy() kills what runs inside and removes every namespace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Lab } from './lab.js';
import { ManagedProcess, run } from './process.js';

async function namespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['-j', 'netns', 'list']);
  return (JSON.parse(stdout || '[]') as { name: string }[]).map((n) => n.name);
}

describe('harness: lab', () => {
  let lab: Lab | undefined;
  afterEach(async () => {
    await lab?.destroy();
    lab = undefined;
  });

  it('joins three namespaces through a hub bridge and cleans up everything', async () => {
    const t0 = Date.now();
    lab = await Lab.create({ nodes: 3 });
    const created = Date.now() - t0;
    expect(lab.hub).toMatch(/^ew-bgp-[0-9a-f]{6}-hub$/);
    expect(lab.node(2)).toMatchObject({ ipv4: '198.51.100.3', ipv6: '2001:db8::3' });
    await lab.exec(0, 'ping', ['-c', '1', '-W', '2', '198.51.100.3']);
    await lab.exec(0, 'ping', ['-6', '-c', '1', '-W', '2', '2001:db8::3']);
    const sysctl = await lab.exec(1, 'sysctl', ['-n', 'net.ipv4.ip_unprivileged_port_start']);
    expect(sysctl.stdout.trim()).toBe('0');

    // A stray process started in a namespace (as the daemon user) is killed by destroy().
    const stray = ManagedProcess.start({ ns: lab.node(1).ns, argv: ['sleep', '600'], logFile: '/dev/null' });
    const names = [...lab.nodes.map((n) => n.ns), lab.hub!];
    expect(await namespaces()).toEqual(expect.arrayContaining(names));
    await lab.destroy();
    await stray.exited;
    const left = await namespaces();
    for (const n of names) expect(left).not.toContain(n);
    lab = undefined;
    console.log(`lab of 3 + hub created in ${created} ms`);
  });

  it('a two-node lab is one veth pair', async () => {
    lab = await Lab.create();
    expect(lab.hub).toBeUndefined();
    const out = await lab.ip(0, '-j', 'address', 'show', 'dev', 'eth0');
    const addrs = (JSON.parse(out) as { addr_info: { local: string }[] }[])[0]!.addr_info.map((a) => a.local);
    expect(addrs).toEqual(expect.arrayContaining(['198.51.100.1', '2001:db8::1']));
    await lab.exec(1, 'ping', ['-c', '1', '-W', '2', '198.51.100.1']);
  });
});
