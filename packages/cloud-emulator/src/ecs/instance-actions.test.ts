import { describe, expect, it } from 'vitest';
import { apiErrorOf, makeWorld, type TestWorld, testEcsTopology } from './ecs-fixtures.test-support.js';
import { attachNetworkInterface, createNetworkInterface } from './eni-actions.js';
import { describeInstances, describeInstanceTypes } from './instance-actions.js';

type Instance = Record<string, unknown> & { InstanceId: string };
type InstancesPage = {
  Instances: { Instance: Instance[] };
  TotalCount: number;
  NextToken: string;
  PageNumber?: number;
};

const instances = (world: TestWorld, params: Record<string, string> = {}) =>
  world.call(describeInstances, params) as InstancesPage;
const idsOf = (p: InstancesPage) => p.Instances.Instance.map((i) => i.InstanceId);

describe('DescribeInstances', () => {
  it('shows an instance the way the SDK model reads it', () => {
    const world = makeWorld();
    const one = instances(world, { InstanceIds: '["i-one"]' }).Instances.Instance[0]!;
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-one')!.primaryEniId)!;
    expect(one).toMatchObject({
      InstanceId: 'i-one',
      InstanceType: 'ecs.g7.large',
      InstanceTypeFamily: 'ecs.g7',
      Cpu: 2,
      Memory: 8192,
      Status: 'Running',
      RegionId: 'cn-hangzhou',
      ZoneId: 'cn-hangzhou-k',
      InstanceNetworkType: 'vpc',
      HostName: 'iZoneZ',
      CreationTime: '2026-11-27T08:00Z',
      VpcAttributes: { VpcId: 'vpc-one', VSwitchId: 'vsw-a', PrivateIpAddress: { IpAddress: ['10.0.1.10'] } },
      SecurityGroupIds: { SecurityGroupId: ['sg-one'] },
      Tags: { Tag: [{ TagKey: 'role', TagValue: 'node' }] },
      MetadataOptions: { HttpTokens: 'required' },
      NetworkInterfaces: {
        NetworkInterface: [
          {
            NetworkInterfaceId: primary.id,
            Type: 'Primary',
            MacAddress: primary.macAddress,
            PrimaryIpAddress: '10.0.1.10',
            PrivateIpSets: { PrivateIpSet: [{ PrivateIpAddress: '10.0.1.10', Primary: true }] },
          },
        ],
      },
    });
  });

  it('lists an attached ENI under NetworkInterfaces once it is InUse', () => {
    const world = makeWorld();
    const eni = world.call(createNetworkInterface, { VSwitchId: 'vsw-a', SecurityGroupId: 'sg-one' })
      .NetworkInterfaceId as string;
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni });
    const enisOf = () =>
      (
        instances(world, { InstanceIds: '["i-one"]' }).Instances.Instance[0]!.NetworkInterfaces as {
          NetworkInterface: { NetworkInterfaceId: string }[];
        }
      ).NetworkInterface.map((n) => n.NetworkInterfaceId);
    expect(enisOf()).toHaveLength(1);
    world.clock.advance(world.state.timings.eniAttach);
    expect(enisOf()).toEqual([world.state.ecs.instance('i-one')!.primaryEniId, eni]);
  });

  it('filters by InstanceIds (an empty array matches nothing), VPC, vSwitch, zone, type, address and tags', () => {
    const world = makeWorld();
    expect(idsOf(instances(world))).toEqual(['i-one', 'i-two', 'i-three']);
    expect(idsOf(instances(world, { InstanceIds: '["i-three","i-one","i-nope"]' }))).toEqual([
      'i-one',
      'i-three',
    ]);
    expect(idsOf(instances(world, { InstanceIds: '[]' }))).toEqual([]);
    expect(idsOf(instances(world, { VpcId: 'vpc-one' }))).toEqual(['i-one', 'i-two']);
    expect(idsOf(instances(world, { VSwitchId: 'vsw-c' }))).toEqual(['i-three']);
    expect(idsOf(instances(world, { ZoneId: 'cn-hangzhou-j' }))).toEqual(['i-two']);
    expect(idsOf(instances(world, { InstanceType: 'ecs.g6.large' }))).toEqual(['i-two']);
    expect(idsOf(instances(world, { InstanceTypeFamily: 'ecs.g7' }))).toEqual(['i-one', 'i-three']);
    expect(idsOf(instances(world, { PrivateIpAddresses: '["10.0.1.10"]' }))).toEqual(['i-one']);
    expect(idsOf(instances(world, { 'Tag.1.Key': 'role', 'Tag.1.Value': 'node' }))).toEqual(['i-one']);
    expect(idsOf(instances(world, { RegionId: 'cn-shanghai' }))).toEqual([]);
    expect(apiErrorOf(() => instances(world, { InstanceIds: 'i-one,i-two' }))).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('InstanceIds'),
    });
    expect(apiErrorOf(() => world.call(describeInstances, { RegionId: '' }))).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('RegionId'),
    });
  });

  it('pages by NextToken/MaxResults and by PageNumber/PageSize over more than one page', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      id: `i-n${i}`,
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-a',
    }));
    const world = makeWorld({ ...testEcsTopology, instances: many });
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = instances(world, { MaxResults: '5', ...(token ? { NextToken: token } : {}) });
      expect(page.TotalCount).toBe(12);
      seen.push(...idsOf(page));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(many.map((m) => m.id));
    expect(idsOf(instances(world, { PageNumber: '2', PageSize: '10' }))).toEqual(['i-n10', 'i-n11']);
    expect(instances(world, {})).toMatchObject({ PageNumber: 1, PageSize: 10, TotalCount: 12 });
    expect(apiErrorOf(() => instances(world, { MaxResults: '101' }))).toMatchObject({
      code: 'InvalidParameter',
    });
    expect(
      apiErrorOf(() => instances(world, { NextToken: Buffer.from('eni:1').toString('base64url') })),
    ).toMatchObject({
      code: 'InvalidParameter',
    });
  });
});

describe('DescribeInstanceTypes', () => {
  type Types = { InstanceTypes: { InstanceType: Record<string, unknown>[] }; NextToken: string };
  const types = (world: TestWorld, params: Record<string, string>) =>
    world.call(describeInstanceTypes, params) as Types;

  it('reports the ENI limits of the requested types, without RegionId', () => {
    const world = makeWorld();
    const out = types(world, {
      RegionId: '',
      'InstanceTypes.1': 'ecs.g7.large',
      'InstanceTypes.2': 'ecs.g6.large',
    });
    expect(out.InstanceTypes.InstanceType).toEqual([
      expect.objectContaining({
        InstanceTypeId: 'ecs.g6.large',
        InstanceTypeFamily: 'ecs.g6',
        CpuCoreCount: 2,
        MemorySize: 8,
        EniQuantity: 2,
        EniPrivateIpAddressQuantity: 6,
        EniIpv6AddressQuantity: 1,
        EniTotalQuantity: 2,
        EniTrunkSupported: false,
      }),
      expect.objectContaining({
        InstanceTypeId: 'ecs.g7.large',
        EniQuantity: 3,
        EniPrivateIpAddressQuantity: 6,
        EniIpv6AddressQuantity: 6,
      }),
    ]);
    expect(out.NextToken).toBe('');
  });

  it('filters by family, pages with MaxResults, and caps InstanceTypes.N at 10', () => {
    const world = makeWorld();
    expect(
      types(world, { InstanceTypeFamily: 'ecs.g6' }).InstanceTypes.InstanceType.map((t) => t.InstanceTypeId),
    ).toEqual(['ecs.g6.16xlarge', 'ecs.g6.large']);
    const first = types(world, { MaxResults: '3' });
    expect(first.InstanceTypes.InstanceType).toHaveLength(3);
    const second = types(world, { MaxResults: '3', NextToken: first.NextToken });
    expect(second.InstanceTypes.InstanceType[0]).not.toEqual(first.InstanceTypes.InstanceType[0]);
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`InstanceTypes.${i + 1}`, `ecs.x.t${i}`]),
    );
    expect(apiErrorOf(() => types(world, eleven))).toMatchObject({ code: 'InvalidParameter' });
  });

  it('reports topology instance types, overriding built-in ones by id', () => {
    const world = makeWorld({
      ...testEcsTopology,
      instanceTypes: [
        {
          instanceTypeId: 'ecs.g7.large',
          cpu: 2,
          memory: 8,
          eniQuantity: 4,
          eniPrivateIpAddressQuantity: 10,
          eniIpv6AddressQuantity: 10,
        },
        {
          instanceTypeId: 'ecs.edge.tiny',
          cpu: 1,
          memory: 1,
          eniQuantity: 2,
          eniPrivateIpAddressQuantity: 2,
          eniIpv6AddressQuantity: 0,
          eniTrunkSupported: true,
        },
      ],
    });
    const out = types(world, { 'InstanceTypes.1': 'ecs.g7.large', 'InstanceTypes.2': 'ecs.edge.tiny' });
    expect(out.InstanceTypes.InstanceType).toEqual([
      expect.objectContaining({
        InstanceTypeId: 'ecs.edge.tiny',
        InstanceTypeFamily: 'ecs.edge',
        EniTotalQuantity: 2,
        EniTrunkSupported: true,
      }),
      expect.objectContaining({
        InstanceTypeId: 'ecs.g7.large',
        EniQuantity: 4,
        EniPrivateIpAddressQuantity: 10,
      }),
    ]);
  });
});
