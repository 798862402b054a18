import { describe, expect, it } from 'vitest';
import { call, expectApiError, items, makeState } from './vpc-test-support.js';

const available = (state: ReturnType<typeof makeState>['state'], id: string) =>
  items(call(state, 'DescribeVSwitches', { VSwitchId: id }), 'VSwitches', 'VSwitch')[0]!
    .AvailableIpAddressCount;

describe('VpcDomain (what the ECS domain uses)', () => {
  it('shows VPCs and vSwitches by id', () => {
    const { state } = makeState();
    expect(state.vpc.vpc('vpc-1')).toMatchObject({
      id: 'vpc-1',
      vRouterId: 'vrt-1',
      vSwitchIds: ['vsw-a', 'vsw-b'],
    });
    expect(state.vpc.vpc('vpc-1')!.cidr.toString()).toBe('192.168.0.0/16');
    const s = state.vpc.vswitch('vsw-a')!;
    expect(s).toMatchObject({
      id: 'vsw-a',
      vpcId: 'vpc-1',
      zoneId: 'cn-hangzhou-h',
      gateway: '192.168.1.253',
    });
    expect(s.cidr.toString()).toBe('192.168.1.0/24');
    expect(s.ipv6Cidr?.toString()).toBe('2408:4000:1000:ab01::/64');
    expect(state.vpc.vswitch('vsw-b')!.ipv6Cidr).toBeUndefined();
    expect(state.vpc.vpc('vpc-x')).toBeUndefined();
    expect(state.vpc.vswitch('vsw-x')).toBeUndefined();
  });

  it('allocateIp lowers AvailableIpAddressCount and releaseIp raises it again', () => {
    const { state } = makeState();
    expect(available(state, 'vsw-a')).toBe(252);
    const ip = state.vpc.allocateIp('vsw-a');
    expect(ip).toBe('192.168.1.1');
    expect(state.vpc.allocateIp('vsw-a', '192.168.1.77')).toBe('192.168.1.77');
    expect(available(state, 'vsw-a')).toBe(250);
    state.vpc.releaseIp('vsw-a', ip);
    state.vpc.releaseIp('vsw-a', ip);
    expect(available(state, 'vsw-a')).toBe(251);
  });

  it('answers the ENI API codes for exhaustion, taken and invalid addresses, and unknown vSwitches', () => {
    const { state } = makeState();
    for (let i = 0; i < 4; i++) state.vpc.allocateIp('vsw-b');
    expectApiError(() => state.vpc.allocateIp('vsw-b'), 'InvalidVSwitchId.IpNotEnough', 403);
    expectApiError(() => state.vpc.allocateIp('vsw-a', '192.168.2.1'), 'InvalidVSwitchId.IpInvalid', 403);
    state.vpc.allocateIp('vsw-a', '192.168.1.5');
    expectApiError(() => state.vpc.allocateIp('vsw-a', '192.168.1.5'), 'InvalidIp.IpAssigned', 403);
    expectApiError(() => state.vpc.allocateIp('vsw-x'), 'InvalidVSwitchId.NotFound', 404);
    expectApiError(() => state.vpc.releaseIp('vsw-x', '1.2.3.4'), 'InvalidVSwitchId.NotFound', 404);
  });

  it('allocates IPv6 addresses only on vSwitches with an IPv6 block', () => {
    const { state } = makeState();
    const ip = state.vpc.allocateIpv6('vsw-a');
    expect(ip).toBe('2408:4000:1000:ab01::1');
    expect(state.vpc.allocateIpv6('vsw-a', '2408:4000:1000:ab01::99')).toBe('2408:4000:1000:ab01::99');
    expectApiError(() => state.vpc.allocateIpv6('vsw-a', '2408:4000:1000:ab01::99'), 'InvalidIp.IpAssigned');
    expectApiError(() => state.vpc.allocateIpv6('vsw-b'), 'InvalidVSwitch.Ipv6NotTurnOn', 403);
    state.vpc.releaseIpv6('vsw-a', ip);
    expect(state.vpc.records.vSwitches.get('vsw-a')!.addresses6!.list()).toEqual(['2408:4000:1000:ab01::99']);
    // IPv6 addresses do not count in AvailableIpAddressCount.
    expect(available(state, 'vsw-a')).toBe(252);
  });

  it('snapshot() is plain JSON of everything', () => {
    const { state } = makeState();
    state.vpc.allocateIp('vsw-a');
    const snap = state.vpc.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.vpcs.map((v) => v.VpcId)).toEqual(['vpc-1']);
    expect(snap.vSwitches[0]).toMatchObject({ VSwitchId: 'vsw-a', AllocatedIpAddresses: ['192.168.1.1'] });
    expect(snap.routeTables.map((t) => [t.RouteTableId, t.RouterType])).toEqual([
      ['vtb-vpc', 'VRouter'],
      ['vtb-vbr', 'VBR'],
    ]);
    expect((snap.routeTables[0]!.RouteEntrys as unknown[]).length).toBe(4);
    expect(snap.vbrs[0]).toMatchObject({ VbrId: 'vbr-1', VlanInterfaceId: 'ri-vlan' });
    expect(snap.routerInterfaces.map((r) => r.RouterInterfaceId)).toEqual(['ri-vpc', 'ri-vbr']);
    expect(state.snapshot().vpc).toEqual(snap);
  });
});
