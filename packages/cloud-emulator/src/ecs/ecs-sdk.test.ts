// The ECS actions and the metadata service through the OFFICIAL SDK (`@alicloud/ecs20140526` on
// `@alicloud/openapi-client`) and plain HTTP, against a running emulator on loopback.
import { FakeClock } from '@edgeway/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { failure as sdkError } from '../server/sdk-test-support.js';
import { testEcsTopology, testVpcTopology } from './ecs-fixtures.test-support.js';

process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';

type EcsModule = typeof import('@alicloud/ecs20140526');
type EcsClient = import('@alicloud/ecs20140526').default;
type VpcModule = typeof import('@alicloud/vpc20160428');
type VpcClient = import('@alicloud/vpc20160428').default;

/** The SDK class and models: `.default.default` under Node's ESM loader, `.default` under some interops. */
function unwrap<M, C>(mod: unknown): { models: M; Client: new (config: unknown) => C } {
  const m = mod as { default: { default?: unknown } };
  if (typeof m.default === 'function') return { models: mod as M, Client: m.default as never };
  return { models: m.default as M, Client: m.default.default as never };
}

let emu: Emulator;
let clock: FakeClock;
let ecs: EcsClient;
let vpc: VpcClient;
let E: EcsModule;
let V: VpcModule;

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  emu = await startEmulator({ clock, topology: { vpc: testVpcTopology, ecs: testEcsTopology } });
  const { Config } = await import('@alicloud/openapi-client');
  const config = () =>
    new Config({
      accessKeyId: emu.credentials.accessKeyId,
      accessKeySecret: emu.credentials.accessKeySecret,
      endpoint: emu.endpoint,
      protocol: 'http',
      regionId: 'cn-hangzhou',
    });
  const ecsSdk = unwrap<EcsModule, EcsClient>(await import('@alicloud/ecs20140526'));
  const vpcSdk = unwrap<VpcModule, VpcClient>(await import('@alicloud/vpc20160428'));
  E = ecsSdk.models;
  V = vpcSdk.models;
  ecs = new ecsSdk.Client(config());
  vpc = new vpcSdk.Client(config());
});

afterAll(async () => {
  await emu?.close();
});

async function availableIps(vSwitchId: string): Promise<number> {
  const res = await vpc.describeVSwitches(
    new V.DescribeVSwitchesRequest({ regionId: 'cn-hangzhou', vSwitchId }),
  );
  return res.body!.vSwitches!.vSwitch![0]!.availableIpAddressCount!;
}

async function createEni(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await ecs.createNetworkInterface(
    new E.CreateNetworkInterfaceRequest({
      regionId: 'cn-hangzhou',
      vSwitchId: 'vsw-a',
      securityGroupId: 'sg-one',
      ...extra,
    }),
  );
  return res.body!.networkInterfaceId!;
}

async function describeEni(id: string) {
  const res = await ecs.describeNetworkInterfaces(
    new E.DescribeNetworkInterfacesRequest({ regionId: 'cn-hangzhou', networkInterfaceId: [id] }),
  );
  return res.body!.networkInterfaceSets!.networkInterfaceSet![0];
}

describe('ECS through the official SDK', () => {
  it('creates an ENI with tags and addresses, taking them from the vSwitch', async () => {
    const before = await availableIps('vsw-a');
    const res = await ecs.createNetworkInterface(
      new E.CreateNetworkInterfaceRequest({
        regionId: 'cn-hangzhou',
        vSwitchId: 'vsw-a',
        securityGroupIds: ['sg-one'],
        secondaryPrivateIpAddressCount: 2,
        networkInterfaceName: 'pods',
        tag: [new E.CreateNetworkInterfaceRequestTag({ key: 'creator', value: 'terway' })],
      }),
    );
    const body = res.body!;
    expect(body.networkInterfaceId).toMatch(/^eni-/);
    expect(body.status).toBe('Available');
    expect(body.type).toBe('Secondary');
    expect(body.macAddress).toMatch(/^00:16:3e:/);
    expect(body.privateIpSets!.privateIpSet!.map((s) => s.primary)).toEqual([true, false, false]);
    expect(body.privateIpSets!.privateIpSet![0]!.privateIpAddress).toBe(body.privateIpAddress);
    expect(body.tags!.tag).toEqual([expect.objectContaining({ tagKey: 'creator', tagValue: 'terway' })]);
    expect(body.securityGroupIds!.securityGroupId).toEqual(['sg-one']);
    expect(body.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(await availableIps('vsw-a')).toBe(before - 3);
  });

  it('attaches (Attaching → InUse on the clock), assigns and unassigns, detaches and deletes', async () => {
    const id = await createEni();
    await ecs.attachNetworkInterface(
      new E.AttachNetworkInterfaceRequest({
        regionId: 'cn-hangzhou',
        instanceId: 'i-one',
        networkInterfaceId: id,
      }),
    );
    expect((await describeEni(id))?.status).toBe('Attaching');
    clock.advance(emu.state.timings.eniAttach);
    const inUse = await describeEni(id);
    expect(inUse).toMatchObject({ status: 'InUse', instanceId: 'i-one' });

    const assigned = await ecs.assignPrivateIpAddresses(
      new E.AssignPrivateIpAddressesRequest({
        regionId: 'cn-hangzhou',
        networkInterfaceId: id,
        secondaryPrivateIpAddressCount: 2,
      }),
    );
    const ips = assigned.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress!;
    expect(ips).toHaveLength(2);
    expect(assigned.body!.assignedPrivateIpAddressesSet!.networkInterfaceId).toBe(id);
    await ecs.unassignPrivateIpAddresses(
      new E.UnassignPrivateIpAddressesRequest({
        regionId: 'cn-hangzhou',
        networkInterfaceId: id,
        privateIpAddress: [ips[0]!],
      }),
    );
    const after = await describeEni(id);
    expect(after!.privateIpSets!.privateIpSet!.map((s) => s.privateIpAddress)).toEqual([
      after!.privateIpAddress,
      ips[1],
    ]);

    await ecs.detachNetworkInterface(
      new E.DetachNetworkInterfaceRequest({
        regionId: 'cn-hangzhou',
        instanceId: 'i-one',
        networkInterfaceId: id,
      }),
    );
    clock.advance(emu.state.timings.eniDetach);
    expect((await describeEni(id))?.status).toBe('Available');
    await ecs.deleteNetworkInterface(
      new E.DeleteNetworkInterfaceRequest({ regionId: 'cn-hangzhou', networkInterfaceId: id }),
    );
    expect((await describeEni(id))?.status).toBe('Deleting');
    clock.advance(emu.state.timings.eniDelete);
    expect(await describeEni(id)).toBeUndefined();
  });

  it('assigns and unassigns IPv6 addresses', async () => {
    const id = await createEni();
    const res = await ecs.assignIpv6Addresses(
      new E.AssignIpv6AddressesRequest({
        regionId: 'cn-hangzhou',
        networkInterfaceId: id,
        ipv6AddressCount: 2,
      }),
    );
    const v6 = res.body!.ipv6Sets!.ipv6Address!;
    expect(v6).toHaveLength(2);
    expect(res.body!.networkInterfaceId).toBe(id);
    await ecs.unassignIpv6Addresses(
      new E.UnassignIpv6AddressesRequest({
        regionId: 'cn-hangzhou',
        networkInterfaceId: id,
        ipv6Address: [v6[0]!],
      }),
    );
    expect((await describeEni(id))!.ipv6Sets!.ipv6Set!.map((s) => s.ipv6Address)).toEqual([v6[1]]);
  });

  it('answers SDK errors with the documented codes and statuses', async () => {
    expect(
      await sdkError(
        ecs.deleteNetworkInterface(
          new E.DeleteNetworkInterfaceRequest({ regionId: 'cn-hangzhou', networkInterfaceId: 'eni-nope' }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidEniId.NotFound', statusCode: 404 });
    expect(await sdkError(createEni({ vSwitchId: 'vsw-nope' }))).toMatchObject({
      code: 'InvalidVSwitchId.NotFound',
      statusCode: 404,
    });
    expect(await sdkError(createEni({ securityGroupId: 'sg-nope' }))).toMatchObject({
      code: 'InvalidSecurityGroupId.NotFound',
    });
    expect(
      await sdkError(createEni({ vSwitchId: 'vsw-tiny', secondaryPrivateIpAddressCount: 9 })),
    ).toMatchObject({
      code: 'InvalidVSwitchId.IpNotEnough',
      statusCode: 403,
    });
    // i-two (ecs.g6.large) takes 2 ENIs, its primary included.
    const a = await createEni({ vSwitchId: 'vsw-b' });
    const b = await createEni({ vSwitchId: 'vsw-b' });
    const attach = (networkInterfaceId: string) =>
      ecs.attachNetworkInterface(
        new E.AttachNetworkInterfaceRequest({
          regionId: 'cn-hangzhou',
          instanceId: 'i-two',
          networkInterfaceId,
        }),
      );
    await attach(a);
    expect(await sdkError(attach(b))).toMatchObject({ code: 'EniPerInstanceLimitExceeded', statusCode: 403 });
    expect(
      await sdkError(
        ecs.deleteNetworkInterface(
          new E.DeleteNetworkInterfaceRequest({ regionId: 'cn-hangzhou', networkInterfaceId: a }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidOperation.InvalidEniState', statusCode: 400 });
    clock.advance(emu.state.timings.eniAttach);
    const primary = emu.state.ecs.instance('i-two')!.primaryEniId;
    expect(
      await sdkError(
        ecs.detachNetworkInterface(
          new E.DetachNetworkInterfaceRequest({
            regionId: 'cn-hangzhou',
            instanceId: 'i-two',
            networkInterfaceId: primary,
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidOperation.DetachPrimaryEniNotAllowed' });
    expect(
      await sdkError(
        ecs.assignPrivateIpAddresses(
          new E.AssignPrivateIpAddressesRequest({
            regionId: 'cn-hangzhou',
            networkInterfaceId: a,
            secondaryPrivateIpAddressCount: 6,
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidOperation.Ipv4CountExceeded', statusCode: 403 });
    expect(
      await sdkError(
        ecs.unassignPrivateIpAddresses(
          new E.UnassignPrivateIpAddressesRequest({
            regionId: 'cn-hangzhou',
            networkInterfaceId: a,
            privateIpAddress: ['10.0.2.250'],
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidIp.IpUnassigned', statusCode: 403 });
    expect(
      await sdkError(
        ecs.describeNetworkInterfaces(
          new E.DescribeNetworkInterfacesRequest({ regionId: 'cn-hangzhou', status: 'Lost' }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
  });

  it('pages DescribeNetworkInterfaces with NextToken over more than one page', async () => {
    const created = [await createEni({ vSwitchId: 'vsw-c', securityGroupId: 'sg-two' })];
    for (let i = 0; i < 4; i++)
      created.push(await createEni({ vSwitchId: 'vsw-c', securityGroupId: 'sg-two' }));
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const res = await ecs.describeNetworkInterfaces(
        new E.DescribeNetworkInterfacesRequest({
          regionId: 'cn-hangzhou',
          vSwitchId: 'vsw-c',
          type: 'Secondary',
          maxResults: 2,
          nextToken,
        }),
      );
      seen.push(...res.body!.networkInterfaceSets!.networkInterfaceSet!.map((e) => e.networkInterfaceId!));
      nextToken = res.body!.nextToken || undefined;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(created);
  });

  it('describes instances by InstanceIds and instance types by InstanceTypes.N', async () => {
    const res = await ecs.describeInstances(
      new E.DescribeInstancesRequest({
        regionId: 'cn-hangzhou',
        instanceIds: JSON.stringify(['i-one', 'i-three']),
      }),
    );
    const list = res.body!.instances!.instance!;
    expect(list.map((i) => i.instanceId)).toEqual(['i-one', 'i-three']);
    expect(list[0]).toMatchObject({
      instanceType: 'ecs.g7.large',
      zoneId: 'cn-hangzhou-k',
      vpcAttributes: { vpcId: 'vpc-one', vSwitchId: 'vsw-a', privateIpAddress: { ipAddress: ['10.0.1.10'] } },
      metadataOptions: { httpTokens: 'required' },
    });
    expect(res.body!.totalCount).toBe(2);
    const types = await ecs.describeInstanceTypes(
      new E.DescribeInstanceTypesRequest({ instanceTypes: ['ecs.g7.large'] }),
    );
    expect(types.body!.instanceTypes!.instanceType).toEqual([
      expect.objectContaining({
        instanceTypeId: 'ecs.g7.large',
        eniQuantity: 3,
        eniPrivateIpAddressQuantity: 6,
        eniIpv6AddressQuantity: 6,
        eniTotalQuantity: 3,
        eniTrunkSupported: false,
      }),
    ]);
  });

  it('tags ENIs and lists the tags', async () => {
    const id = await createEni();
    await ecs.tagResources(
      new E.TagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'eni',
        resourceId: [id],
        tag: [new E.TagResourcesRequestTag({ key: 'pool', value: 'warm' })],
      }),
    );
    const listed = await ecs.listTagResources(
      new E.ListTagResourcesRequest({ regionId: 'cn-hangzhou', resourceType: 'eni', resourceId: [id] }),
    );
    expect(listed.body!.tagResources!.tagResource).toEqual([
      expect.objectContaining({ resourceId: id, resourceType: 'eni', tagKey: 'pool', tagValue: 'warm' }),
    ]);
    await ecs.untagResources(
      new E.UntagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'eni',
        resourceId: [id],
        tagKey: ['pool'],
      }),
    );
    const filtered = await ecs.describeNetworkInterfaces(
      new E.DescribeNetworkInterfacesRequest({
        regionId: 'cn-hangzhou',
        tag: [new E.DescribeNetworkInterfacesRequestTag({ key: 'pool', value: 'warm' })],
      }),
    );
    expect(filtered.body!.networkInterfaceSets!.networkInterfaceSet).toEqual([]);
  });
});

describe('instance metadata over HTTP', () => {
  const base = (instanceId: string) => `${emu.metadataEndpoint(instanceId)}/latest`;

  async function token(instanceId: string, ttl = '60'): Promise<string> {
    const res = await fetch(`${base(instanceId)}/api/token`, {
      method: 'PUT',
      headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': ttl },
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  it('runs the token flow and serves the instance items', async () => {
    expect((await fetch(`${base('i-one')}/meta-data/instance-id`)).status).toBe(401);
    expect((await fetch(`${base('i-one')}/api/token`, { method: 'PUT' })).status).toBe(400);
    const t = await token('i-one');
    const get = async (path: string) => {
      const res = await fetch(`${base('i-one')}/meta-data/${path}`, {
        headers: { 'X-aliyun-ecs-metadata-token': t },
      });
      return { status: res.status, body: await res.text() };
    };
    expect(await get('instance-id')).toEqual({ status: 200, body: 'i-one' });
    expect(await get('vpc-cidr-block')).toEqual({ status: 200, body: '10.0.0.0/16' });
    const mac = (await get('mac')).body;
    expect(await get(`network/interfaces/macs/${mac}/gateway`)).toEqual({ status: 200, body: '10.0.1.253' });
    expect((await get('nothing-here')).status).toBe(404);
    clock.advance(60_000);
    expect((await get('instance-id')).status).toBe(401);
  });

  it('shows an ENI attached and its addresses assigned through the SDK', async () => {
    const id = await createEni({ vSwitchId: 'vsw-c', securityGroupId: 'sg-two' });
    await ecs.attachNetworkInterface(
      new E.AttachNetworkInterfaceRequest({
        regionId: 'cn-hangzhou',
        instanceId: 'i-three',
        networkInterfaceId: id,
      }),
    );
    clock.advance(emu.state.timings.eniAttach);
    const assigned = await ecs.assignPrivateIpAddresses(
      new E.AssignPrivateIpAddressesRequest({
        regionId: 'cn-hangzhou',
        networkInterfaceId: id,
        privateIpAddress: ['172.16.1.77'],
      }),
    );
    expect(assigned.body!.assignedPrivateIpAddressesSet!.privateIpSet!.privateIpAddress).toEqual([
      '172.16.1.77',
    ]);
    const mac = (await describeEni(id))!.macAddress!;
    // i-three is in normal mode: no token needed.
    const macs = await (await fetch(`${base('i-three')}/meta-data/network/interfaces/macs/`)).text();
    expect(macs.split('\n')).toContain(`${mac}/`);
    const ips = await (
      await fetch(`${base('i-three')}/meta-data/network/interfaces/macs/${mac}/private-ipv4s`)
    ).text();
    expect(JSON.parse(ips)).toContain('172.16.1.77');
  });
});
