import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './emulator.js';
import { ecsClient, failure, loadSdk, vpcClient } from './server/sdk-test-support.js';
import type { Topology } from './topology.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

// The real domain tables behind the server, through the official SDKs (the domains' own tests cover semantics).
const topology: Topology = {
  regionId: 'cn-hangzhou',
  vpc: {
    vpcs: [
      {
        id: 'vpc-test0000000000000000001',
        cidr: '10.0.0.0/16',
        vSwitches: [{ id: 'vsw-test0000000000000000001', zoneId: 'cn-hangzhou-h', cidr: '10.0.1.0/24' }],
      },
    ],
  },
  ecs: {
    securityGroups: ['sg-test0000000000000000001'],
    instances: [
      {
        id: 'i-test0000000000000000001',
        instanceType: 'ecs.g7.large',
        vSwitchId: 'vsw-test0000000000000000001',
        privateIp: '10.0.1.10',
      },
    ],
  },
};

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    topology: { ...topology, metadata: { defaultInstanceId: 'i-test0000000000000000001' } },
  });
});
afterAll(async () => emu.close());

describe('the emulator with the real domains', () => {
  it('seeds the topology (VPC first, then ECS) and shows it in the snapshot', () => {
    const snap = JSON.stringify(emu.state.snapshot());
    expect(snap).toContain('vsw-test0000000000000000001');
    expect(snap).toContain('i-test0000000000000000001');
  });

  it('serves ECS DescribeInstances for the seeded instance', async () => {
    const { ecsModels } = await loadSdk();
    const ecs = await ecsClient(emu);
    const res = await ecs.describeInstances(
      new ecsModels.DescribeInstancesRequest({ regionId: 'cn-hangzhou' }),
    );
    expect(res.body?.instances?.instance?.map((i) => i.instanceId)).toEqual(['i-test0000000000000000001']);
  });

  it('replays CreateNetworkInterface for the same ClientToken, V3 then V1', async () => {
    const { ecsModels } = await loadSdk();
    const request = () =>
      new ecsModels.CreateNetworkInterfaceRequest({
        regionId: 'cn-hangzhou',
        vSwitchId: 'vsw-test0000000000000000001',
        securityGroupId: 'sg-test0000000000000000001',
        clientToken: 'eni-token-1',
      });
    const a = await (await ecsClient(emu)).createNetworkInterface(request());
    const b = await (await ecsClient(emu, { signatureAlgorithm: 'v2' })).createNetworkInterface(request());
    expect(a.body?.networkInterfaceId).toMatch(/^eni-/);
    expect(b.body?.networkInterfaceId).toBe(a.body?.networkInterfaceId);
    const other = request();
    other.description = 'different';
    expect(await failure((await ecsClient(emu)).createNetworkInterface(other))).toMatchObject({
      code: 'IdempotentParameterMismatch',
    });
  });

  it('serves VPC DescribeVSwitches', async () => {
    const { vpcModels } = await loadSdk();
    const vpc = await vpcClient(emu);
    const res = await vpc.describeVSwitches(
      new vpcModels.DescribeVSwitchesRequest({ regionId: 'cn-hangzhou' }),
    );
    expect(res.body?.vSwitches?.vSwitch?.map((v) => v.vSwitchId)).toContain('vsw-test0000000000000000001');
  });

  it('serves the instance metadata service per instance and for the default instance', async () => {
    for (const base of [emu.metadataEndpoint('i-test0000000000000000001'), emu.metadataEndpoint()]) {
      const tokenRes = await fetch(`${base}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' },
      });
      expect(tokenRes.status).toBe(200);
      const token = await tokenRes.text();
      const id = await fetch(`${base}/latest/meta-data/instance-id`, {
        headers: { 'X-aliyun-ecs-metadata-token': token },
      });
      expect(await id.text()).toBe('i-test0000000000000000001');
      const noToken = await fetch(`${base}/latest/meta-data/instance-id`);
      expect(noToken.status).toBe(401);
    }
    expect((await fetch(`${emu.metadataEndpoint('i-unknown')}/latest/meta-data/instance-id`)).status).toBe(
      404,
    );
  });

  it('reports a topology the domains refuse with the offending entry', async () => {
    await expect(
      startEmulator({
        topology: { ecs: { instances: [{ instanceType: 'ecs.g7.large', vSwitchId: 'vsw-nope' }] } },
      }),
    ).rejects.toMatchObject({
      code: 'ERR_EMULATOR_TOPOLOGY',
      message: expect.stringMatching(/ecs.*vsw-nope/),
    });
  });
});
