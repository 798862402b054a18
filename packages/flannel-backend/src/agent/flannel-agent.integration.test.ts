/**
 * Two nodes in namespaces running FlannelAgent (interface lookup, lease, subnet.env, routes, masquerade), with
 * pods made by Debian's reference CNI plugins (`/usr/lib/cni/bridge` + `host-local`, package
 * containernetworking-plugins) driven exactly as the flannel CNI plugin delegates to them from `subnet.env`.
 * Witnesses: the plugins' result, `ip -n POD -j addr`, ping, and `ip netns exec NODE iptables-save -t nat`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cidr, IpAddress } from '@edgeway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import { readSubnetEnv } from '../files/subnet-env.js';
import { StaticLeaseSource } from '../leases/static-lease-source.js';
import { chainRules, parseIptablesSave } from '../masq/iptables-restore.js';
import { NetnsLab, ownRoutes, requireLabPrerequisites } from '../routes/netns-lab.js';
import { FlannelAgent } from './flannel-agent.js';

interface Node {
  name: string;
  ns: string;
  subnetFile: string;
  agent: FlannelAgent;
}

/**
 * The delegate network config the flannel CNI plugin (flannel-io/cni-plugin `flannel_linux.go` `doCmdAdd`) hands to
 * the bridge plugin, from `subnet.env` and kube-flannel's `cni-conf.json` delegate (`hairpinMode`,
 * `isDefaultGateway`): `isGateway: true`, `ipMasq: !FLANNEL_IPMASQ`, `mtu: FLANNEL_MTU`, host-local with
 * `ranges: [[{subnet: FLANNEL_SUBNET's block}]]` and `routes: [{dst: FLANNEL_NETWORK}]`.
 */
async function delegateConfig(subnetFile: string, dataDir: string): Promise<string> {
  const env = await readSubnetEnv(subnetFile);
  if (!env?.subnet || !env.network || env.mtu === undefined) throw new Error(`incomplete ${subnetFile}`);
  return JSON.stringify({
    cniVersion: '0.3.1',
    name: 'cbr0',
    type: 'bridge',
    hairpinMode: true,
    isDefaultGateway: true,
    isGateway: true,
    ipMasq: !env.ipMasq,
    mtu: env.mtu,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: env.subnet.cidr.toString() }]],
      routes: [{ dst: env.network.toString() }],
      dataDir,
    },
  });
}

describe('FlannelAgent with the reference CNI plugins (integration, namespaces)', () => {
  const lab = new NetnsLab();
  const nodes: Node[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ew-flannel-agent-'));
  let leases: StaticLeaseSource;
  let sw: string;

  async function cni(node: Node, pod: string, command: 'ADD' | 'DEL'): Promise<string> {
    const config = await delegateConfig(node.subnetFile, join(dir, `${node.name}-ipam`));
    const { stdout } = await lab.exec(node.ns, '/usr/lib/cni/bridge', [], {
      input: config,
      env: {
        CNI_COMMAND: command,
        CNI_CONTAINERID: `ctr-${pod}`,
        CNI_NETNS: `/run/netns/${pod}`,
        CNI_IFNAME: 'eth0',
        CNI_PATH: '/usr/lib/cni',
      },
    });
    return stdout;
  }

  beforeAll(async () => {
    requireLabPrerequisites({ cni: true, iptables: true });
    try {
      const base = { Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } };
      leases = new StaticLeaseSource({ config: parseNetConf(base), allocateSubnets: true });
      sw = await lab.switch('198.51.100.254/24');
      for (let i = 1; i <= 2; i++) {
        const ns = await lab.node(sw, i, `198.51.100.${10 + i}/24`);
        const subnetFile = join(dir, `node-${i}`, 'subnet.env');
        const config = parseNetConf(base, { edgeway: { iface: 'eth0', ipMasq: true, subnetFile } });
        const agent = new FlannelAgent({
          config,
          leases,
          nodeName: `node-${i}`,
          netns: ns,
          masqueradeResyncMs: 300,
        });
        nodes.push({ name: `node-${i}`, ns, subnetFile, agent });
        await agent.start();
      }
    } catch (err) {
      for (const n of nodes) await n.agent.stop().catch(() => undefined);
      await lab.destroy();
      throw err;
    }
  });

  afterAll(async () => {
    for (const n of nodes) await n.agent.stop().catch(() => undefined);
    await leases?.close();
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes subnet.env as flannel does and routes the peer block', async () => {
    expect(readFileSync(nodes[0]!.subnetFile, 'utf8')).toBe(
      'FLANNEL_NETWORK=10.0.0.0/16\nFLANNEL_SUBNET=10.0.1.1/24\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=true\n',
    );
    expect(ownRoutes(lab, nodes[0]!.ns)).toEqual([
      expect.objectContaining({ dst: '10.0.2.0/24', gateway: '198.51.100.12', dev: 'eth0' }),
    ]);
    expect(ownRoutes(lab, nodes[1]!.ns)).toEqual([
      expect.objectContaining({ dst: '10.0.1.0/24', gateway: '198.51.100.11', dev: 'eth0' }),
    ]);
    expect(nodes[0]!.agent.status()).toMatchObject({
      state: 'running',
      lease: { subnet: '10.0.1.0/24', publicIp: '198.51.100.11' },
      interface: { name: 'eth0', mtu: 1500 },
      leases: 2,
      masquerade: { applied: true },
    });
  });

  it("installs flannel's masquerade chain, in flannel's order, in the node namespace", async () => {
    const { stdout } = await lab.exec(nodes[0]!.ns, 'iptables-save', ['-t', 'nat']);
    const saved = parseIptablesSave(stdout);
    expect(chainRules(saved, 'nat', 'POSTROUTING')).toEqual([
      '-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG',
    ]);
    expect(chainRules(saved, 'nat', 'FLANNEL-POSTRTG')).toEqual([
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.0.1.0/24 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.0.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FLANNEL-POSTRTG ! -s 10.0.0.0/16 -d 10.0.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    ]);
    const filter = parseIptablesSave(
      (await lab.exec(nodes[0]!.ns, 'iptables-save', ['-t', 'filter'])).stdout,
    );
    expect(chainRules(filter, 'filter', 'FLANNEL-FWD')).toHaveLength(2);
  });

  it('drives bridge + host-local from subnet.env: pods get addresses in our blocks and reach each other', async () => {
    const pods: { ns: string; address: IpAddress }[] = [];
    for (const node of nodes) {
      const pod = await lab.add(`${node.name}-cni`);
      const result = JSON.parse(await cni(node, pod, 'ADD')) as { ips: { address: string }[] };
      const block = (await readSubnetEnv(node.subnetFile))!.subnet!.cidr;
      const address = IpAddress.parse(result.ips[0]!.address.split('/')[0]!);
      expect(block.contains(address)).toBe(true);
      const shown = lab.ipJson<{ addr_info: { family: string; local: string; prefixlen: number }[] }>(
        pod,
        'addr',
        'show',
        'eth0',
      );
      expect(shown[0]!.addr_info.filter((a) => a.family === 'inet')).toEqual([
        expect.objectContaining({ local: address.toString(), prefixlen: block.prefixLength }),
      ]);
      expect(lab.ipJson(pod, 'route', 'show', '10.0.0.0/16')).toEqual([
        expect.objectContaining({ gateway: block.firstUsable().toString() }),
      ]);
      pods.push({ ns: pod, address });
    }
    expect(await lab.ping(pods[0]!.ns, pods[1]!.address.toString())).toBe(true);
    expect(await lab.ping(pods[1]!.ns, pods[0]!.address.toString())).toBe(true);
    // Leaving the cluster: the switch knows no route to 10.0.0.0/16, so only a masqueraded ping comes back.
    expect(await lab.ping(pods[0]!.ns, '198.51.100.254')).toBe(true);
    // Without the chain the same ping is lost; the periodic check puts it back.
    await lab.exec(nodes[1]!.ns, 'iptables', ['-t', 'nat', '-F', 'FLANNEL-POSTRTG']);
    expect(await lab.ping(pods[1]!.ns, '198.51.100.254', 1)).toBe(false);
    const deadline = Date.now() + 5_000;
    while ((nodes[1]!.agent.status().masquerade?.repairs ?? 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(nodes[1]!.agent.status().masquerade?.lastDrift?.[0]).toMatch(/^IPv4: missing rule/);
    expect(await lab.ping(pods[1]!.ns, '198.51.100.254')).toBe(true);

    for (const [i, node] of nodes.entries()) {
      await cni(node, pods[i]!.ns, 'DEL');
      expect(lab.ipJson(pods[i]!.ns, 'link', 'show').map((l) => l.ifname)).toEqual(['lo']);
      const ipam = join(dir, `${node.name}-ipam`, 'cbr0');
      expect(readdirSync(ipam).filter((f) => IpAddress.isValid(f))).toEqual([]);
    }
  });

  it('follows a new node, and removes its masquerade rules but keeps routes on stop', async () => {
    const ns = await lab.node(sw, 3, '198.51.100.13/24');
    const config = parseNetConf(
      { Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } },
      { edgeway: { iface: 'eth0', subnetFile: join(dir, 'node-3', 'subnet.env') } },
    );
    const agent = new FlannelAgent({ config, leases, nodeName: 'node-3', netns: ns });
    nodes.push({ name: 'node-3', ns, subnetFile: join(dir, 'node-3', 'subnet.env'), agent });
    await agent.start();
    const deadline = Date.now() + 5_000;
    while (!ownRoutes(lab, nodes[0]!.ns).some((r) => r.dst === '10.0.3.0/24') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ownRoutes(lab, nodes[0]!.ns).map((r) => r.dst)).toEqual(['10.0.2.0/24', '10.0.3.0/24']);
    expect(nodes[0]!.agent.advertisements().map((a) => `${a.prefix} via ${a.nextHop}`)).toEqual([
      '10.0.1.0/24 via 198.51.100.11',
    ]);

    await nodes[0]!.agent.stop();
    const { stdout } = await lab.exec(nodes[0]!.ns, 'iptables-save', ['-t', 'nat']);
    expect(stdout).not.toContain('FLANNEL-POSTRTG');
    expect(ownRoutes(lab, nodes[0]!.ns)).toHaveLength(2);
    expect(Cidr.parse('10.0.3.0/24').equals(nodes[2]!.agent.lease!.subnet!)).toBe(true);
  });
});
