import { describe, expect, it } from 'vitest';
import {
  assignIpv6Addresses,
  assignPrivateIpAddresses,
  unassignIpv6Addresses,
  unassignPrivateIpAddresses,
} from './address-actions.js';
import { apiErrorOf, makeWorld, type TestWorld } from './ecs-fixtures.test-support.js';
import {
  attachNetworkInterface,
  createNetworkInterface,
  deleteNetworkInterface,
  detachNetworkInterface,
} from './eni-actions.js';

function newEni(world: TestWorld, params: Record<string, string> = {}): string {
  const out = world.call(createNetworkInterface, {
    VSwitchId: 'vsw-a',
    SecurityGroupId: 'sg-one',
    ...params,
  });
  return out.NetworkInterfaceId as string;
}

function attachTo(world: TestWorld, eniId: string, instanceId = 'i-one'): void {
  world.call(attachNetworkInterface, { InstanceId: instanceId, NetworkInterfaceId: eniId });
  world.clock.advance(world.state.timings.eniAttach);
}

type Assigned = {
  AssignedPrivateIpAddressesSet: { NetworkInterfaceId: string; PrivateIpSet: { PrivateIpAddress: string[] } };
};

describe('AssignPrivateIpAddresses', () => {
  it('assigns SecondaryPrivateIpAddressCount addresses from the vSwitch to an InUse ENI', () => {
    const world = makeWorld();
    const eni = newEni(world);
    attachTo(world, eni);
    const before = world.freeIps('vsw-a');
    const out = world.call(assignPrivateIpAddresses, {
      NetworkInterfaceId: eni,
      SecondaryPrivateIpAddressCount: '3',
    }) as Assigned;
    const ips = out.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress;
    expect(out.AssignedPrivateIpAddressesSet.NetworkInterfaceId).toBe(eni);
    expect(ips).toHaveLength(3);
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) expect(ip).toMatch(/^10\.0\.1\.\d+$/);
    expect(world.freeIps('vsw-a')).toBe(before - 3);
    expect(world.state.ecs.networkInterface(eni)?.secondaryIps).toEqual(ips);
    const created = world.events
      .filter((e) => e.kind === 'PrivateIpAddress' && e.change === 'created')
      .slice(-3);
    expect(created.map((e) => e.id)).toEqual(ips);
    expect(created[0]!.resource).toMatchObject({
      NetworkInterfaceId: eni,
      InstanceId: 'i-one',
      Primary: false,
    });
  });

  it('assigns explicit PrivateIpAddress.N to an Available ENI', () => {
    const world = makeWorld();
    const eni = newEni(world);
    const out = world.call(assignPrivateIpAddresses, {
      NetworkInterfaceId: eni,
      'PrivateIpAddress.1': '10.0.1.200',
      'PrivateIpAddress.2': '10.0.1.201',
    }) as Assigned;
    expect(out.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress).toEqual([
      '10.0.1.200',
      '10.0.1.201',
    ]);
  });

  it('keeps an attached ENI within the instance type limit (InvalidOperation.Ipv4CountExceeded)', () => {
    const world = makeWorld();
    const eni = newEni(world);
    attachTo(world, eni); // ecs.g7.large: 6 addresses per ENI, the primary included
    world.call(assignPrivateIpAddresses, { NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: '5' });
    const before = world.freeIps('vsw-a');
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: '1',
        }),
      ),
    ).toMatchObject({ code: 'InvalidOperation.Ipv4CountExceeded', httpStatus: 403 });
    expect(world.freeIps('vsw-a')).toBe(before);
  });

  it('applies the primary ENI limit of its instance type too', () => {
    const world = makeWorld();
    const primary = world.state.ecs.instance('i-two')!.primaryEniId; // ecs.g6.large: 6 per ENI
    world.call(assignPrivateIpAddresses, {
      NetworkInterfaceId: primary,
      SecondaryPrivateIpAddressCount: '5',
    });
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: primary,
          'PrivateIpAddress.1': '10.0.2.99',
        }),
      ),
    ).toMatchObject({ code: 'InvalidOperation.Ipv4CountExceeded' });
  });

  it('answers InvalidVSwitchId.IpNotEnough when the vSwitch is exhausted, taking nothing', () => {
    const world = makeWorld();
    const eni = newEni(world, { VSwitchId: 'vsw-tiny' });
    expect(world.freeIps('vsw-tiny')).toBe(3);
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: '4',
        }),
      ),
    ).toMatchObject({ code: 'InvalidVSwitchId.IpNotEnough', httpStatus: 403 });
    expect(world.freeIps('vsw-tiny')).toBe(3);
    expect(world.state.ecs.networkInterface(eni)?.secondaryIps).toEqual([]);
  });

  it('answers the documented codes for taken, foreign, repeated and malformed addresses', () => {
    const world = makeWorld();
    const eni = newEni(world);
    const assign = (params: Record<string, string>) => () =>
      world.call(assignPrivateIpAddresses, { NetworkInterfaceId: eni, ...params });
    expect(apiErrorOf(assign({ 'PrivateIpAddress.1': '10.0.1.10' }))).toMatchObject({
      code: 'InvalidIp.IpAssigned',
    });
    expect(apiErrorOf(assign({ 'PrivateIpAddress.1': '10.0.2.10' }))).toMatchObject({
      code: 'InvalidVSwitchId.IpInvalid',
    });
    expect(
      apiErrorOf(assign({ 'PrivateIpAddress.1': '10.0.1.90', 'PrivateIpAddress.2': '10.0.1.90' })),
    ).toMatchObject({
      code: 'InvalidIp.IpRepeated',
    });
    expect(apiErrorOf(assign({ 'PrivateIpAddress.1': '2408::1' }))).toMatchObject({
      code: 'InvalidParameter',
    });
    expect(apiErrorOf(assign({}))).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('SecondaryPrivateIpAddressCount'),
    });
    expect(
      apiErrorOf(assign({ 'PrivateIpAddress.1': '10.0.1.90', SecondaryPrivateIpAddressCount: '1' })),
    ).toMatchObject({
      code: 'InvalidParameter.Conflict',
    });
    expect(apiErrorOf(assign({ SecondaryPrivateIpAddressCount: 'two' }))).toMatchObject({
      code: 'InvalidParameter',
    });
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: 'eni-nope',
          SecondaryPrivateIpAddressCount: '1',
        }),
      ),
    ).toMatchObject({ code: 'InvalidEniId.NotFound' });
  });

  it('refuses ENIs in transition (InvalidOperation.InvalidEniState)', () => {
    const world = makeWorld();
    const eni = newEni(world);
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni });
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: '1',
        }),
      ),
    ).toMatchObject({ code: 'InvalidOperation.InvalidEniState' });
    world.clock.advance(world.state.timings.eniAttach);
    world.call(detachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eni });
    expect(
      apiErrorOf(() =>
        world.call(unassignPrivateIpAddresses, { NetworkInterfaceId: eni, 'PrivateIpAddress.1': '10.0.1.1' }),
      ),
    ).toMatchObject({ code: 'InvalidOperation.InvalidEniState' });
    world.clock.advance(world.state.timings.eniDetach);
    world.call(deleteNetworkInterface, { NetworkInterfaceId: eni });
    expect(
      apiErrorOf(() =>
        world.call(assignPrivateIpAddresses, {
          NetworkInterfaceId: eni,
          SecondaryPrivateIpAddressCount: '1',
        }),
      ),
    ).toMatchObject({
      code: 'InvalidOperation.InvalidEniState',
      message: expect.stringContaining('Deleting'),
    });
  });
});

describe('UnassignPrivateIpAddresses', () => {
  it('gives secondary addresses back to the vSwitch', () => {
    const world = makeWorld();
    const eni = newEni(world);
    const out = world.call(assignPrivateIpAddresses, {
      NetworkInterfaceId: eni,
      SecondaryPrivateIpAddressCount: '3',
    }) as Assigned;
    const [a, b, c] = out.AssignedPrivateIpAddressesSet.PrivateIpSet.PrivateIpAddress;
    const before = world.freeIps('vsw-a');
    expect(
      world.call(unassignPrivateIpAddresses, {
        NetworkInterfaceId: eni,
        'PrivateIpAddress.1': a!,
        'PrivateIpAddress.2': c!,
      }),
    ).toEqual({});
    expect(world.state.ecs.networkInterface(eni)?.secondaryIps).toEqual([b]);
    expect(world.freeIps('vsw-a')).toBe(before + 2);
    expect(world.events.slice(-2).map((e) => [e.kind, e.id, e.change])).toEqual([
      ['PrivateIpAddress', a, 'deleted'],
      ['PrivateIpAddress', c, 'deleted'],
    ]);
  });

  it('answers InvalidIp.IpUnassigned for an address the ENI does not hold, changing nothing', () => {
    const world = makeWorld();
    const eni = newEni(world, { 'PrivateIpAddress.1': '10.0.1.60' });
    const err = apiErrorOf(() =>
      world.call(unassignPrivateIpAddresses, {
        NetworkInterfaceId: eni,
        'PrivateIpAddress.1': '10.0.1.60',
        'PrivateIpAddress.2': '10.0.1.61',
      }),
    );
    expect(err).toMatchObject({ code: 'InvalidIp.IpUnassigned', httpStatus: 403 });
    expect(world.state.ecs.networkInterface(eni)?.secondaryIps).toEqual(['10.0.1.60']);
  });

  it('never unassigns the primary address, and needs PrivateIpAddress.N', () => {
    const world = makeWorld();
    const eni = world.state.ecs.networkInterface(newEni(world))!;
    expect(
      apiErrorOf(() =>
        world.call(unassignPrivateIpAddresses, {
          NetworkInterfaceId: eni.id,
          'PrivateIpAddress.1': eni.primaryIp,
        }),
      ),
    ).toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('primary') });
    expect(
      apiErrorOf(() => world.call(unassignPrivateIpAddresses, { NetworkInterfaceId: eni.id })),
    ).toMatchObject({
      code: 'MissingParameter',
    });
  });
});

describe('AssignIpv6Addresses / UnassignIpv6Addresses', () => {
  type V6 = { NetworkInterfaceId: string; Ipv6Sets: { Ipv6Address: string[] } };

  it('assigns by count and explicitly from the vSwitch IPv6 block, and unassigns', () => {
    const world = makeWorld();
    const eni = newEni(world);
    const byCount = world.call(assignIpv6Addresses, { NetworkInterfaceId: eni, Ipv6AddressCount: '2' }) as V6;
    expect(byCount.NetworkInterfaceId).toBe(eni);
    expect(byCount.Ipv6Sets.Ipv6Address).toHaveLength(2);
    const explicit = world.call(assignIpv6Addresses, {
      NetworkInterfaceId: eni,
      'Ipv6Address.1': '2408:4005:300:a::abcd',
    }) as V6;
    expect(explicit.Ipv6Sets.Ipv6Address).toEqual(['2408:4005:300:a::abcd']);
    world.call(unassignIpv6Addresses, {
      NetworkInterfaceId: eni,
      'Ipv6Address.1': '2408:4005:300:a:0::abcd',
    });
    expect(world.state.ecs.networkInterface(eni)?.ipv6s).toEqual(byCount.Ipv6Sets.Ipv6Address);
    expect(world.events.at(-1)).toMatchObject({
      kind: 'Ipv6Address',
      id: '2408:4005:300:a::abcd',
      change: 'deleted',
    });
    expect(
      apiErrorOf(() =>
        world.call(unassignIpv6Addresses, {
          NetworkInterfaceId: eni,
          'Ipv6Address.1': '2408:4005:300:a::abcd',
        }),
      ),
    ).toMatchObject({ code: 'InvalidIp.IpUnassigned' });
  });

  it('keeps the per-ENI IPv6 limit of the instance type (InvalidOperation.Ipv6CountExceeded)', () => {
    const world = makeWorld();
    const primary = world.state.ecs.instance('i-one')!.primaryEniId; // ecs.g7.large: 6 IPv6 per ENI
    world.call(assignIpv6Addresses, { NetworkInterfaceId: primary, Ipv6AddressCount: '6' });
    expect(
      apiErrorOf(() =>
        world.call(assignIpv6Addresses, { NetworkInterfaceId: primary, Ipv6AddressCount: '1' }),
      ),
    ).toMatchObject({
      code: 'InvalidOperation.Ipv6CountExceeded',
    });
  });

  it('needs an IPv6 block on the vSwitch (InvalidVSwitch.Ipv6NotTurnOn) and a valid request', () => {
    const world = makeWorld();
    const eni = newEni(world, { VSwitchId: 'vsw-b' });
    expect(
      apiErrorOf(() => world.call(assignIpv6Addresses, { NetworkInterfaceId: eni, Ipv6AddressCount: '1' })),
    ).toMatchObject({
      code: 'InvalidVSwitch.Ipv6NotTurnOn',
    });
    expect(apiErrorOf(() => world.call(assignIpv6Addresses, { NetworkInterfaceId: eni }))).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('Ipv6AddressCount'),
    });
    expect(apiErrorOf(() => world.call(unassignIpv6Addresses, { NetworkInterfaceId: eni }))).toMatchObject({
      code: 'MissingParameter',
    });
    const v6eni = newEni(world);
    expect(
      apiErrorOf(() =>
        world.call(assignIpv6Addresses, { NetworkInterfaceId: v6eni, 'Ipv6Address.1': '2408:4005:300:b::1' }),
      ),
    ).toMatchObject({ code: 'InvalidVSwitchId.IpInvalid' });
  });
});
