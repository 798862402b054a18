import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FakeClock,
  formatKernelRoute,
  IpAddress,
  type KernelRoute,
  kernelRouteKey,
  kernelRoutesEqual,
  MemoryRouteTable,
} from '@edgeway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import type { ExternalInterface } from '../interface/external-interface.js';
import { StaticLeaseSource } from '../leases/static-lease-source.js';
import type { CommandRunner } from '../masq/iptables-masquerade.js';
import { FlannelAgent } from './flannel-agent.js';

const iface: ExternalInterface = {
  name: 'eth0',
  index: 2,
  mtu: 1450,
  up: true,
  lowerUp: true,
  addresses: [{ address: IpAddress.parse('198.51.100.1'), prefixLength: 24 }],
  ipv4: IpAddress.parse('198.51.100.1'),
  publicIp: IpAddress.parse('198.51.100.1'),
  selectedBy: 'iface',
};

function memTable() {
  return new MemoryRouteTable<KernelRoute>({
    name: 'mem',
    key: (r) => kernelRouteKey(r, 254),
    equals: kernelRoutesEqual,
    format: (r) => formatKernelRoute(r, 254),
  });
}

const routesOf = (t: MemoryRouteTable<KernelRoute>) =>
  t
    .snapshot()
    .map((r) => formatKernelRoute(r, 254))
    .sort();

/** Records iptables-restore inputs; iptables-save shows nothing of ours (fresh namespace). */
function recorder(): { run: CommandRunner; inputs: string[] } {
  const inputs: string[] = [];
  return {
    inputs,
    run: async (_file, args, input) => {
      if (args.includes('--version')) return { stdout: 'iptables v1.8.9 (nf_tables)', stderr: '' };
      if (input) inputs.push(input);
      return { stdout: '', stderr: '' };
    },
  };
}

describe('FlannelAgent', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ew-agent-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function setup(edgeway: Record<string, unknown> = {}) {
    const config = parseNetConf(
      { Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } },
      {
        edgeway: { subnetFile: join(dir, 'subnet.env'), ipMasq: true, advertiseAggregate: true, ...edgeway },
      },
    );
    const leases = new StaticLeaseSource({
      config,
      nodes: [
        { node: 'a', subnet: '10.0.1.0/24' },
        { node: 'b', subnet: '10.0.2.0/24', publicIp: '198.51.100.2' },
        { node: 'c', subnet: '10.0.3.0/24', publicIp: '198.51.100.3' },
      ],
    });
    const table = memTable();
    const ipt = recorder();
    const agent = new FlannelAgent({
      config,
      leases,
      nodeName: 'a',
      interface: iface,
      routeTable: table,
      commandRunner: ipt.run,
      linkWatch: 'off',
      clock: new FakeClock(),
    });
    return { agent, leases, table, ipt };
  }

  it('takes the lease, writes subnet.env, installs routes and masquerade, and follows leases', async () => {
    const { agent, leases, table, ipt } = setup();
    await agent.start();
    expect(agent.state).toBe('running');
    expect(readFileSync(join(dir, 'subnet.env'), 'utf8')).toBe(
      'FLANNEL_NETWORK=10.0.0.0/16\nFLANNEL_SUBNET=10.0.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
    );
    expect(routesOf(table)).toEqual([
      '10.0.2.0/24 via 198.51.100.2 dev eth0 table main metric 0',
      '10.0.3.0/24 via 198.51.100.3 dev eth0 table main metric 0',
    ]);
    expect(ipt.inputs[0]).toContain('-A FLANNEL-POSTRTG -s 10.0.1.0/24 -d 10.0.0.0/16');

    leases.remove('c');
    leases.upsert({ node: 'b', subnet: '10.0.2.0/24', publicIp: '198.51.100.22' });
    leases.upsert({ node: 'd', subnet: '10.0.4.0/24', publicIp: '198.51.100.4' });
    await agent.routes!.trigger();
    expect(routesOf(table)).toEqual([
      '10.0.2.0/24 via 198.51.100.22 dev eth0 table main metric 0',
      '10.0.4.0/24 via 198.51.100.4 dev eth0 table main metric 0',
    ]);
    expect(agent.status()).toMatchObject({
      state: 'running',
      node: 'a',
      lease: { subnet: '10.0.1.0/24', publicIp: '198.51.100.1' },
      interface: { name: 'eth0', mtu: 1450 },
      leases: 3,
      routes: { desiredRoutes: 2, failures: [] },
      masquerade: { families: [4], applied: true },
    });
    expect(agent.advertisements().map((a) => [String(a.prefix), String(a.nextHop)])).toEqual([
      ['10.0.1.0/24', '198.51.100.1'],
      ['10.0.0.0/16', '198.51.100.1'],
    ]);

    await agent.stop();
    expect(agent.state).toBe('stopped');
    expect(routesOf(table)).toHaveLength(2); // routes stay, as flannel leaves them
    expect(agent.status().masquerade?.applied).toBe(false); // removed (nothing of ours was left to delete here)
  });

  it('removes its routes on stop when asked', async () => {
    const { agent, table } = setup();
    await agent.start();
    await agent.stop({ removeRoutes: true });
    expect(table.snapshot()).toEqual([]);
  });

  it('fails to start with the lease source error and undoes what it did', async () => {
    const { agent, leases, table } = setup({ ipMasq: false });
    leases.remove('a');
    const err = (await agent.start().catch((e: unknown) => e)) as { code?: string };
    expect(err.code).toBe('ERR_NO_PODCIDR');
    expect(agent.state).toBe('failed');
    expect(table.snapshot()).toEqual([]);
    expect((await agent.start().catch((e: unknown) => e)) as { code?: string }).toMatchObject({
      code: 'ERR_AGENT_STATE',
    });
  });
});
