import { describe, expect, it } from 'vitest';
import { makeWorld, testEcsTopology } from './ecs-fixtures.test-support.js';
import { ecsTopologySchema } from './ecs-topology.js';
import { builtinInstanceTypes } from './instance-types.js';

describe('EcsDomain.seed', () => {
  it('gives each instance a primary ENI, InUse at device index 0, with its IP from the vSwitch', () => {
    const world = makeWorld();
    const one = world.state.ecs.instance('i-one')!;
    expect(one).toMatchObject({
      id: 'i-one',
      vpcId: 'vpc-one',
      vSwitchId: 'vsw-a',
      zoneId: 'cn-hangzhou-k',
      instanceType: 'ecs.g7.large',
      securityGroupIds: ['sg-one'],
    });
    const eni = world.state.ecs.networkInterface(one.primaryEniId)!;
    expect(eni).toMatchObject({
      type: 'Primary',
      status: 'InUse',
      instanceId: 'i-one',
      deviceIndex: 0,
      primaryIp: '10.0.1.10',
      vpcId: 'vpc-one',
      vSwitchId: 'vsw-a',
    });
    expect(eni.macAddress).toMatch(/^00:16:3e(:[0-9a-f]{2}){3}$/);
    const two = world.state.ecs.networkInterface(world.state.ecs.instance('i-two')!.primaryEniId)!;
    expect(two.primaryIp).toBe('10.0.2.1');
    expect(world.freeIps('vsw-b')).toBe(252 - 1);
  });

  it('gives an instance without security groups a default group of its VPC', () => {
    const world = makeWorld({ instances: [{ id: 'i-x', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-c' }] });
    const [sg] = world.state.ecs.instance('i-x')!.securityGroupIds;
    expect(sg).toMatch(/^sg-/);
    expect(world.state.ecs.securityGroup(sg!)).toMatchObject({ vpcId: 'vpc-two' });
  });

  it('generates instance ids in the API form and takes the metadata mode default from the topology', () => {
    const world = makeWorld({
      metadata: { httpTokens: 'optional' },
      instances: [{ instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a' }],
    });
    const [instance] = world.state.ecs.instances();
    expect(instance!.id).toMatch(/^i-[a-z0-9]{24}$/);
    expect(instance!.metadataHttpTokens).toBe('optional');
    expect(instance!.hostname).toBe(`iZ${instance!.id.slice(2)}Z`);
  });

  it('names the offending instance when the topology is wrong', () => {
    const bad = (instance: Record<string, unknown>) => () =>
      makeWorld({ instances: [{ instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a', ...instance }] as never });
    expect(bad({ id: 'i-bad', vSwitchId: 'vsw-nope' })).toThrow(/instance i-bad: .*vsw-nope/);
    expect(bad({ id: 'i-bad', instanceType: 'ecs.nope.large' })).toThrow(
      /unknown instance type ecs\.nope\.large/,
    );
    expect(bad({ id: 'i-bad', zoneId: 'cn-hangzhou-j' })).toThrow(/zone cn-hangzhou-j differs/);
    expect(bad({ id: 'i-bad', securityGroupIds: ['sg-nope'] })).toThrow(/sg-nope/);
    expect(bad({ id: 'i-bad', privateIp: '10.0.9.1' })).toThrow(/10\.0\.9\.1/);
    expect(() =>
      makeWorld({
        instances: [
          { id: 'i-twice', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a' },
          { id: 'i-twice', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a' },
        ],
      }),
    ).toThrow(/i-twice is used twice/);
    expect(() =>
      ecsTopologySchema.parse({ instances: [{ id: 'vm-1', instanceType: 'x', vSwitchId: 'v' }] }),
    ).toThrow(/instance id/);
  });

  it('publishes Instance, NetworkInterface and PrivateIpAddress events while seeding', () => {
    const world = makeWorld();
    const events: string[] = [];
    world.state.feed.subscribe((e) => events.push(`${e.kind}:${e.id}:${e.change}`));
    world.state.ecs.seed({
      instances: [{ id: 'i-late', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a', privateIp: '10.0.1.99' }],
    });
    const eniId = world.state.ecs.instance('i-late')!.primaryEniId;
    expect(events).toEqual([
      'Instance:i-late:created',
      `NetworkInterface:${eniId}:created`,
      'PrivateIpAddress:10.0.1.99:created',
    ]);
  });
});

describe('EcsDomain views', () => {
  it('snapshots instance types, groups, instances and ENIs as plain JSON', () => {
    const world = makeWorld();
    const snap = JSON.parse(JSON.stringify(world.state.ecs.snapshot())) as Record<string, unknown[]>;
    expect(snap.instanceTypes).toHaveLength(builtinInstanceTypes.length);
    expect(snap.securityGroups).toHaveLength(3);
    expect(snap.instances!.map((i) => (i as { InstanceId: string }).InstanceId)).toEqual([
      'i-one',
      'i-two',
      'i-three',
    ]);
    expect(snap.networkInterfaces).toHaveLength(3);
  });

  it('keeps MAC addresses unique', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      id: `i-m${i}`,
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-a',
    }));
    const world = makeWorld({ ...testEcsTopology, instances: many });
    const macs = world.state.ecs.networkInterfaces().map((e) => e.macAddress);
    expect(new Set(macs).size).toBe(200);
  });

  it('applies the unattached caps to an ENI bound to nothing and the type limits once bound', () => {
    const world = makeWorld();
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-two')!.primaryEniId)!;
    expect(world.state.ecs.limitsOf(primary)).toEqual({ privateIpv4: 6, ipv6: 1 });
    expect(world.state.ecs.limitsOf({ ...primary, instanceId: undefined })).toEqual({
      privateIpv4: 50,
      ipv6: 10,
    });
  });
});
