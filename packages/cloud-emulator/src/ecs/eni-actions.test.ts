import { describe, expect, it } from 'vitest';
import { apiErrorOf, makeWorld } from './ecs-fixtures.test-support.js';
import {
  attachNetworkInterface,
  createNetworkInterface,
  deleteNetworkInterface,
  describeNetworkInterfaces,
  detachNetworkInterface,
} from './eni-actions.js';

type Eni = Record<string, unknown> & {
  NetworkInterfaceId: string;
  Status: string;
  PrivateIpAddress: string;
  PrivateIpSets: { PrivateIpSet: { PrivateIpAddress: string; Primary: boolean }[] };
  Ipv6Sets: { Ipv6Set: { Ipv6Address: string }[] };
};

function create(world: ReturnType<typeof makeWorld>, params: Record<string, string> = {}): Eni {
  return world.call(createNetworkInterface, {
    VSwitchId: 'vsw-a',
    SecurityGroupId: 'sg-one',
    ...params,
  }) as Eni;
}

function describeOne(world: ReturnType<typeof makeWorld>, id: string): Eni | undefined {
  const out = world.call(describeNetworkInterfaces, { 'NetworkInterfaceId.1': id }) as {
    NetworkInterfaceSets: { NetworkInterfaceSet: Eni[] };
  };
  return out.NetworkInterfaceSets.NetworkInterfaceSet[0];
}

describe('CreateNetworkInterface', () => {
  it('creates an Available Secondary ENI with a primary IP from the vSwitch', () => {
    const world = makeWorld();
    const before = world.freeIps('vsw-a');
    const eni = create(world, { NetworkInterfaceName: 'pods', Description: 'for pods' });
    expect(eni.NetworkInterfaceId).toMatch(/^eni-[a-z0-9]+$/);
    expect(eni).toMatchObject({
      Status: 'Available',
      Type: 'Secondary',
      VpcId: 'vpc-one',
      VSwitchId: 'vsw-a',
      ZoneId: 'cn-hangzhou-k',
      NetworkInterfaceName: 'pods',
      Description: 'for pods',
      SecurityGroupIds: { SecurityGroupId: ['sg-one'] },
      DeleteOnRelease: true,
    });
    expect(eni.MacAddress).toMatch(/^00:16:3e(:[0-9a-f]{2}){3}$/);
    expect(eni.PrivateIpAddress).toMatch(/^10\.0\.1\.\d+$/);
    expect(eni.PrivateIpSets.PrivateIpSet).toEqual([
      { PrivateIpAddress: eni.PrivateIpAddress, Primary: true },
    ]);
    expect(world.freeIps('vsw-a')).toBe(before - 1);
    expect(world.events).toContainEqual(
      expect.objectContaining({
        kind: 'NetworkInterface',
        id: eni.NetworkInterfaceId,
        change: 'created',
        status: 'Available',
      }),
    );
    expect(world.events).toContainEqual(
      expect.objectContaining({ kind: 'PrivateIpAddress', id: eni.PrivateIpAddress, change: 'created' }),
    );
  });

  it('takes the requested primary, explicit secondaries, IPv6 addresses and tags', () => {
    const world = makeWorld();
    const eni = create(world, {
      PrimaryIpAddress: '10.0.1.50',
      'PrivateIpAddress.1': '10.0.1.51',
      'PrivateIpAddress.2': '10.0.1.52',
      Ipv6AddressCount: '2',
      'Tag.1.Key': 'owner',
      'Tag.1.Value': 'terway',
      'SecurityGroupIds.1': 'sg-one',
      SecurityGroupId: '',
      DeleteOnRelease: 'false',
    });
    expect(eni.PrivateIpSets.PrivateIpSet.map((s) => [s.PrivateIpAddress, s.Primary])).toEqual([
      ['10.0.1.50', true],
      ['10.0.1.51', false],
      ['10.0.1.52', false],
    ]);
    expect(eni.Ipv6Sets.Ipv6Set).toHaveLength(2);
    expect(eni.Ipv6Sets.Ipv6Set[0]!.Ipv6Address).toMatch(/^2408:4005:300:a:/);
    expect(eni.Tags).toEqual({ Tag: [{ TagKey: 'owner', TagValue: 'terway' }] });
    expect(eni.DeleteOnRelease).toBe(false);
  });

  it('allocates SecondaryPrivateIpAddressCount addresses, up to 49', () => {
    const world = makeWorld();
    const eni = create(world, { SecondaryPrivateIpAddressCount: '49' });
    expect(eni.PrivateIpSets.PrivateIpSet).toHaveLength(50);
    expect(apiErrorOf(() => create(world, { SecondaryPrivateIpAddressCount: '50' }))).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('SecondaryPrivateIpAddressCount'),
    });
  });

  it('answers the documented codes for missing, unknown and mismatched inputs', () => {
    const world = makeWorld();
    expect(apiErrorOf(() => world.call(createNetworkInterface, { SecurityGroupId: 'sg-one' }))).toMatchObject(
      {
        code: 'MissingParameter',
        message: expect.stringContaining('VSwitchId'),
      },
    );
    expect(apiErrorOf(() => world.call(createNetworkInterface, { VSwitchId: 'vsw-a' }))).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('SecurityGroupId'),
    });
    expect(apiErrorOf(() => create(world, { VSwitchId: 'vsw-nope' }))).toMatchObject({
      code: 'InvalidVSwitchId.NotFound',
      httpStatus: 404,
    });
    expect(apiErrorOf(() => create(world, { SecurityGroupId: 'sg-nope' }))).toMatchObject({
      code: 'InvalidSecurityGroupId.NotFound',
      httpStatus: 404,
    });
    expect(apiErrorOf(() => create(world, { SecurityGroupId: 'sg-two' }))).toMatchObject({
      code: 'InvalidOperation.VpcMismatch',
      httpStatus: 403,
    });
    expect(apiErrorOf(() => create(world, { 'SecurityGroupIds.1': 'sg-one' }))).toMatchObject({
      code: 'InvalidParameter.Conflict',
    });
    expect(
      apiErrorOf(() =>
        create(world, { 'PrivateIpAddress.1': '10.0.1.80', SecondaryPrivateIpAddressCount: '1' }),
      ),
    ).toMatchObject({ code: 'InvalidParameter.Conflict' });
    expect(apiErrorOf(() => create(world, { PrimaryIpAddress: '10.0.9.9' }))).toMatchObject({
      code: 'InvalidVSwitchId.IpInvalid',
    });
    expect(apiErrorOf(() => create(world, { PrimaryIpAddress: 'not-an-ip' }))).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('PrimaryIpAddress'),
    });
    expect(apiErrorOf(() => create(world, { PrimaryIpAddress: '10.0.1.10' }))).toMatchObject({
      code: 'InvalidPrivateIpAddress.Duplicated',
    });
    expect(apiErrorOf(() => create(world, { VSwitchId: 'vsw-b', Ipv6AddressCount: '1' }))).toMatchObject({
      code: 'InvalidVSwitch.Ipv6NotTurnOn',
    });
    expect(
      apiErrorOf(() => create(world, { 'Tag.1.Key': 'acs:reserved', 'Tag.1.Value': 'x' })),
    ).toMatchObject({
      code: 'InvalidTagKey.Malformed',
    });
    expect(apiErrorOf(() => create(world, { RegionId: 'cn-beijing' }))).toMatchObject({
      code: 'InvalidVSwitchId.NotFound',
    });
  });

  it('gives every address back when the vSwitch runs out part-way', () => {
    const world = makeWorld();
    expect(world.freeIps('vsw-tiny')).toBe(4);
    const err = apiErrorOf(() =>
      create(world, { VSwitchId: 'vsw-tiny', SecondaryPrivateIpAddressCount: '4' }),
    );
    expect(err).toMatchObject({ code: 'InvalidVSwitchId.IpNotEnough', httpStatus: 403 });
    expect(world.freeIps('vsw-tiny')).toBe(4);
    create(world, { VSwitchId: 'vsw-tiny', SecondaryPrivateIpAddressCount: '3' });
    expect(world.freeIps('vsw-tiny')).toBe(0);
  });
});

describe('AttachNetworkInterface', () => {
  it('goes Attaching, then InUse after timings.eniAttach', () => {
    const world = makeWorld();
    const eni = create(world);
    expect(
      world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni.NetworkInterfaceId }),
    ).toEqual({});
    expect(describeOne(world, eni.NetworkInterfaceId)).toMatchObject({
      Status: 'Attaching',
      InstanceId: 'i-one',
      Attachment: { InstanceId: 'i-one', DeviceIndex: 1 },
    });
    world.clock.advance(world.state.timings.eniAttach - 1);
    expect(describeOne(world, eni.NetworkInterfaceId)?.Status).toBe('Attaching');
    world.clock.advance(1);
    expect(describeOne(world, eni.NetworkInterfaceId)?.Status).toBe('InUse');
    expect(world.events.filter((e) => e.id === eni.NetworkInterfaceId).map((e) => e.status)).toEqual([
      'Available',
      'Attaching',
      'InUse',
    ]);
  });

  it('refuses more ENIs than the instance type allows (EniPerInstanceLimitExceeded)', () => {
    const world = makeWorld();
    // i-two is an ecs.g6.large: 2 ENIs, its primary included.
    const first = create(world, { VSwitchId: 'vsw-b' });
    const second = create(world, { VSwitchId: 'vsw-b' });
    world.call(attachNetworkInterface, { InstanceId: 'i-two', NetworkInterfaceId: first.NetworkInterfaceId });
    const err = apiErrorOf(() =>
      world.call(attachNetworkInterface, {
        InstanceId: 'i-two',
        NetworkInterfaceId: second.NetworkInterfaceId,
      }),
    );
    expect(err).toMatchObject({ code: 'EniPerInstanceLimitExceeded', httpStatus: 403 });
    expect(describeOne(world, second.NetworkInterfaceId)?.Status).toBe('Available');
  });

  it('refuses an ENI with more addresses than the instance type allows per ENI', () => {
    const world = makeWorld();
    const eni = create(world, { SecondaryPrivateIpAddressCount: '6' }); // 7 > 6 of ecs.g7.large
    const err = apiErrorOf(() =>
      world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni.NetworkInterfaceId }),
    );
    expect(err).toMatchObject({ code: 'InvalidOperation.Ipv4CountExceeded', httpStatus: 403 });
  });

  it('answers the documented codes for another VPC, another zone, unknown ids and busy ENIs', () => {
    const world = makeWorld();
    const inB = create(world, { VSwitchId: 'vsw-b' });
    const inA = create(world);
    const other = world.call(createNetworkInterface, {
      VSwitchId: 'vsw-c',
      SecurityGroupId: 'sg-two',
    }) as Eni;
    const attach = (InstanceId: string, NetworkInterfaceId: string) => () =>
      world.call(attachNetworkInterface, { InstanceId, NetworkInterfaceId });
    expect(apiErrorOf(attach('i-one', other.NetworkInterfaceId))).toMatchObject({
      code: 'InvalidOperation.VpcMismatch',
    });
    expect(apiErrorOf(attach('i-one', inB.NetworkInterfaceId))).toMatchObject({
      code: 'InvalidOperation.AvailabilityZoneMismatch',
    });
    expect(apiErrorOf(attach('i-nope', inA.NetworkInterfaceId))).toMatchObject({
      code: 'InvalidInstanceId.NotFound',
    });
    expect(apiErrorOf(attach('i-one', 'eni-nope'))).toMatchObject({
      code: 'InvalidEniId.NotFound',
      httpStatus: 404,
    });
    expect(apiErrorOf(() => world.call(attachNetworkInterface, { InstanceId: 'i-one' }))).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('NetworkInterfaceId'),
    });
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: inA.NetworkInterfaceId });
    expect(apiErrorOf(attach('i-one', inA.NetworkInterfaceId))).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
      message: expect.stringContaining('Attaching'),
    });
    const primary = world.state.ecs.instance('i-one')!.primaryEniId;
    expect(apiErrorOf(attach('i-one', primary))).toMatchObject({ code: 'InvalidOperation.InvalidEniState' });
  });
});

describe('DetachNetworkInterface', () => {
  function attached(world: ReturnType<typeof makeWorld>): string {
    const eni = create(world);
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni.NetworkInterfaceId });
    world.clock.advance(world.state.timings.eniAttach);
    return eni.NetworkInterfaceId;
  }

  it('goes Detaching, then Available and unbound after timings.eniDetach', () => {
    const world = makeWorld();
    const id = attached(world);
    world.call(detachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: id });
    expect(describeOne(world, id)?.Status).toBe('Detaching');
    world.clock.advance(world.state.timings.eniDetach);
    const eni = describeOne(world, id)!;
    expect(eni.Status).toBe('Available');
    expect(eni.InstanceId).toBeUndefined();
    expect(world.state.ecs.networkInterface(id)?.instanceId).toBeUndefined();
  });

  it('refuses the primary ENI, an ENI of another instance, one not InUse, and unknown ids', () => {
    const world = makeWorld();
    const id = attached(world);
    const detach = (InstanceId: string, NetworkInterfaceId: string) => () =>
      world.call(detachNetworkInterface, { InstanceId, NetworkInterfaceId });
    const primary = world.state.ecs.instance('i-one')!.primaryEniId;
    expect(apiErrorOf(detach('i-one', primary))).toMatchObject({
      code: 'InvalidOperation.DetachPrimaryEniNotAllowed',
      httpStatus: 400,
    });
    expect(apiErrorOf(detach('i-two', id))).toMatchObject({ code: 'InvalidOperation.InvalidEniState' });
    expect(apiErrorOf(detach('i-nope', id))).toMatchObject({ code: 'InvalidInstanceId.NotFound' });
    expect(apiErrorOf(detach('i-one', 'eni-nope'))).toMatchObject({ code: 'InvalidEniId.NotFound' });
    const loose = create(world);
    expect(apiErrorOf(detach('i-one', loose.NetworkInterfaceId))).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
    });
    world.call(detachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: id });
    expect(apiErrorOf(detach('i-one', id))).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
      message: expect.stringContaining('Detaching'),
    });
  });
});

describe('DeleteNetworkInterface', () => {
  it('goes Deleting, then disappears and gives its addresses back', () => {
    const world = makeWorld();
    const before = world.freeIps('vsw-a');
    const eni = create(world, { SecondaryPrivateIpAddressCount: '2', Ipv6AddressCount: '1' });
    expect(world.freeIps('vsw-a')).toBe(before - 3);
    world.call(deleteNetworkInterface, { NetworkInterfaceId: eni.NetworkInterfaceId });
    expect(describeOne(world, eni.NetworkInterfaceId)?.Status).toBe('Deleting');
    expect(world.freeIps('vsw-a')).toBe(before - 3);
    world.clock.advance(world.state.timings.eniDelete);
    expect(describeOne(world, eni.NetworkInterfaceId)).toBeUndefined();
    expect(world.state.ecs.networkInterface(eni.NetworkInterfaceId)).toBeUndefined();
    expect(world.freeIps('vsw-a')).toBe(before);
    expect(world.events.at(-1)).toMatchObject({ kind: 'Ipv6Address', change: 'deleted' });
    expect(world.events).toContainEqual(
      expect.objectContaining({ kind: 'NetworkInterface', id: eni.NetworkInterfaceId, change: 'deleted' }),
    );
    // The primary address can be handed out again.
    expect(create(world, { PrimaryIpAddress: eni.PrivateIpAddress }).PrivateIpAddress).toBe(
      eni.PrivateIpAddress,
    );
  });

  it('deletes only from Available (InvalidOperation.InvalidEniState) and never a primary ENI', () => {
    const world = makeWorld();
    const eni = create(world);
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni.NetworkInterfaceId });
    expect(
      apiErrorOf(() => world.call(deleteNetworkInterface, { NetworkInterfaceId: eni.NetworkInterfaceId })),
    ).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
      httpStatus: 400,
    });
    const primary = world.state.ecs.instance('i-one')!.primaryEniId;
    expect(
      apiErrorOf(() => world.call(deleteNetworkInterface, { NetworkInterfaceId: primary })),
    ).toMatchObject({
      code: 'InvalidOperation.InvalidEniType',
    });
    expect(
      apiErrorOf(() => world.call(deleteNetworkInterface, { NetworkInterfaceId: 'eni-nope' })),
    ).toMatchObject({
      code: 'InvalidEniId.NotFound',
    });
    const loose = create(world);
    world.call(deleteNetworkInterface, { NetworkInterfaceId: loose.NetworkInterfaceId });
    expect(
      apiErrorOf(() => world.call(deleteNetworkInterface, { NetworkInterfaceId: loose.NetworkInterfaceId })),
    ).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
      message: expect.stringContaining('Deleting'),
    });
  });
});

describe('DescribeNetworkInterfaces', () => {
  type Page = {
    NetworkInterfaceSets: { NetworkInterfaceSet: Eni[] };
    NextToken: string;
    TotalCount: number;
    PageNumber?: number;
    PageSize?: number;
  };
  const describeAll = (world: ReturnType<typeof makeWorld>, params: Record<string, string>) =>
    world.call(describeNetworkInterfaces, params) as Page;
  const ids = (p: Page) => p.NetworkInterfaceSets.NetworkInterfaceSet.map((e) => e.NetworkInterfaceId);

  it('lists primary ENIs of the seeded instances with Type Primary and InUse', () => {
    const world = makeWorld();
    const page = describeAll(world, { Type: 'Primary' });
    expect(page.TotalCount).toBe(3);
    expect(page.NetworkInterfaceSets.NetworkInterfaceSet.map((e) => [e.InstanceId, e.Status])).toEqual([
      ['i-one', 'InUse'],
      ['i-two', 'InUse'],
      ['i-three', 'InUse'],
    ]);
  });

  it('filters by id, instance, vSwitch, VPC, status, type, addresses, security group, name and tags', () => {
    const world = makeWorld();
    const a = create(world, { 'Tag.1.Key': 'pool', 'Tag.1.Value': 'x', NetworkInterfaceName: 'alpha' });
    const b = create(world, {
      VSwitchId: 'vsw-b',
      'Tag.1.Key': 'pool',
      'Tag.1.Value': 'y',
      PrimaryIpAddress: '10.0.2.77',
    });
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: a.NetworkInterfaceId });
    const primaryOne = world.state.ecs.instance('i-one')!.primaryEniId;
    expect(ids(describeAll(world, { 'NetworkInterfaceId.1': b.NetworkInterfaceId }))).toEqual([
      b.NetworkInterfaceId,
    ]);
    expect(ids(describeAll(world, { InstanceId: 'i-one' }))).toEqual([primaryOne, a.NetworkInterfaceId]);
    expect(ids(describeAll(world, { VSwitchId: 'vsw-b', Type: 'Secondary' }))).toEqual([
      b.NetworkInterfaceId,
    ]);
    expect(ids(describeAll(world, { VpcId: 'vpc-two' }))).toHaveLength(1);
    expect(ids(describeAll(world, { Status: 'Attaching' }))).toEqual([a.NetworkInterfaceId]);
    expect(ids(describeAll(world, { PrimaryIpAddress: '10.0.2.77' }))).toEqual([b.NetworkInterfaceId]);
    expect(ids(describeAll(world, { 'PrivateIpAddress.1': '10.0.1.10' }))).toEqual([primaryOne]);
    expect(ids(describeAll(world, { SecurityGroupId: 'sg-two' }))).toHaveLength(1);
    expect(ids(describeAll(world, { NetworkInterfaceName: 'alpha' }))).toEqual([a.NetworkInterfaceId]);
    expect(ids(describeAll(world, { 'Tag.1.Key': 'pool' }))).toEqual([
      a.NetworkInterfaceId,
      b.NetworkInterfaceId,
    ]);
    expect(ids(describeAll(world, { 'Tag.1.Key': 'pool', 'Tag.1.Value': 'y' }))).toEqual([
      b.NetworkInterfaceId,
    ]);
    expect(ids(describeAll(world, { RegionId: 'cn-beijing' }))).toEqual([]);
    expect(apiErrorOf(() => describeAll(world, { Status: 'Gone' }))).toMatchObject({
      code: 'InvalidParameter',
    });
    const tooMany = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`NetworkInterfaceId.${i + 1}`, `eni-${i}`]),
    );
    expect(apiErrorOf(() => describeAll(world, tooMany))).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('NetworkInterfaceId.N'),
    });
  });

  it('pages with NextToken and MaxResults over more than one page, unaffected by deletions', () => {
    const world = makeWorld();
    const created = Array.from({ length: 7 }, () => create(world).NetworkInterfaceId);
    const seen: string[] = [];
    let token = '';
    let calls = 0;
    do {
      const page = describeAll(world, {
        Type: 'Secondary',
        MaxResults: '3',
        ...(token ? { NextToken: token } : {}),
      });
      seen.push(...ids(page));
      token = page.NextToken;
      calls++;
      if (calls === 1) {
        // Delete an ENI already returned: the next page must not skip anything.
        world.call(deleteNetworkInterface, { NetworkInterfaceId: created[0]! });
        world.clock.advance(world.state.timings.eniDelete);
      }
    } while (token !== '');
    expect(calls).toBe(3);
    expect(seen).toEqual(created);
    expect(apiErrorOf(() => describeAll(world, { NextToken: 'garbage' }))).toMatchObject({
      code: 'InvalidParameter',
      message: expect.stringContaining('NextToken'),
    });
    expect(apiErrorOf(() => describeAll(world, { MaxResults: '501' }))).toMatchObject({
      code: 'InvalidParameter',
    });
  });

  it('pages with PageNumber and PageSize (10 by default, at most 100)', () => {
    const world = makeWorld();
    for (let i = 0; i < 12; i++) create(world);
    const first = describeAll(world, {});
    expect(first).toMatchObject({ PageNumber: 1, PageSize: 10, TotalCount: 15 });
    expect(ids(first)).toHaveLength(10);
    const second = describeAll(world, { PageNumber: '2', PageSize: '10' });
    expect(ids(second)).toHaveLength(5);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(15);
    expect(ids(describeAll(world, { PageNumber: '3' }))).toEqual([]);
    expect(apiErrorOf(() => describeAll(world, { PageSize: '101' }))).toMatchObject({
      code: 'InvalidParameter',
    });
  });
});
