import { describe, expect, it } from 'vitest';
import { call, callError, items, makeState, TOPOLOGY } from './vpc-test-support.js';

const R = { RegionId: 'cn-hangzhou' };

describe('DescribeVpcs', () => {
  it('lists the VPC with its vSwitches, route table and router', () => {
    const { state } = makeState();
    const body = call(state, 'DescribeVpcs', R);
    expect(body).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
    expect(items(body, 'Vpcs', 'Vpc')[0]).toMatchObject({
      VpcId: 'vpc-1',
      VpcName: 'main',
      CidrBlock: '192.168.0.0/16',
      Ipv6CidrBlock: '2408:4000:1000:ab00::/56',
      EnabledIpv6: true,
      Status: 'Available',
      RegionId: 'cn-hangzhou',
      VRouterId: 'vrt-1',
      CreationTime: '2023-11-14T22:13:20Z',
      VSwitchIds: { VSwitchId: ['vsw-a', 'vsw-b'] },
      RouterTableIds: { RouterTableIds: ['vtb-vpc'] },
    });
  });

  it('filters by VpcId list and VpcName, and pages', () => {
    const { state } = makeState({
      vpcs: [
        { id: 'vpc-a', cidr: '10.0.0.0/16', name: 'x' },
        { id: 'vpc-b', cidr: '10.1.0.0/16', name: 'y' },
        { id: 'vpc-c', cidr: '10.2.0.0/16', name: 'x' },
      ],
    });
    const ids = (b: Record<string, unknown>) => items(b, 'Vpcs', 'Vpc').map((v) => v.VpcId);
    expect(ids(call(state, 'DescribeVpcs', { ...R, VpcId: 'vpc-a,vpc-c' }))).toEqual(['vpc-a', 'vpc-c']);
    expect(ids(call(state, 'DescribeVpcs', { ...R, VpcName: 'x' }))).toEqual(['vpc-a', 'vpc-c']);
    const p1 = call(state, 'DescribeVpcs', { ...R, PageSize: 2 });
    const p2 = call(state, 'DescribeVpcs', { ...R, PageSize: 2, PageNumber: 2 });
    expect([ids(p1), ids(p2), p2.TotalCount]).toEqual([['vpc-a', 'vpc-b'], ['vpc-c'], 3]);
  });

  it('answers bad input with the parameter named', () => {
    const { state } = makeState();
    expect(callError(state, 'DescribeVpcs', {})).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('RegionId'),
    });
    expect(callError(state, 'DescribeVpcs', { RegionId: 'cn-beijing' })).toMatchObject({
      code: 'InvalidRegionId.NotFound',
      httpStatus: 404,
    });
    expect(callError(state, 'DescribeVpcs', { ...R, PageSize: 51 }).message).toContain('PageSize');
    expect(callError(state, 'DescribeVpcs', { ...R, DryRun: true }).code).toBe('DryRunOperation');
  });
});

describe('DescribeVSwitches', () => {
  it('shows zone, CIDR, route table and AvailableIpAddressCount', () => {
    const { state } = makeState();
    const body = call(state, 'DescribeVSwitches', { VpcId: 'vpc-1' });
    expect(body.TotalCount).toBe(2);
    expect(items(body, 'VSwitches', 'VSwitch')).toMatchObject([
      {
        VSwitchId: 'vsw-a',
        VpcId: 'vpc-1',
        ZoneId: 'cn-hangzhou-h',
        CidrBlock: '192.168.1.0/24',
        Ipv6CidrBlock: '2408:4000:1000:ab01::/64',
        AvailableIpAddressCount: 252,
        Status: 'Available',
        RouteTable: { RouteTableId: 'vtb-vpc', RouteTableType: 'System' },
      },
      { VSwitchId: 'vsw-b', AvailableIpAddressCount: 4, EnabledIpv6: false },
    ]);
  });

  it('follows allocations and filters by zone, id and route table', () => {
    const { state } = makeState();
    state.vpc.allocateIp('vsw-b');
    state.vpc.allocateIp('vsw-b');
    const only = (p: Record<string, string>) =>
      items(call(state, 'DescribeVSwitches', p), 'VSwitches', 'VSwitch').map((s) => [
        s.VSwitchId,
        s.AvailableIpAddressCount,
      ]);
    expect(only({ ZoneId: 'cn-hangzhou-i' })).toEqual([['vsw-b', 2]]);
    expect(only({ VSwitchId: 'vsw-a' })).toEqual([['vsw-a', 252]]);
    expect(only({ RouteTableId: 'vtb-vpc' }).length).toBe(2);
    expect(only({ RouteTableId: 'vtb-vbr' })).toEqual([]);
    const page2 = call(state, 'DescribeVSwitches', { PageSize: 1, PageNumber: 2 });
    expect(items(page2, 'VSwitches', 'VSwitch').map((s) => s.VSwitchId)).toEqual(['vsw-b']);
  });
});

describe('CreateVSwitch / DeleteVSwitch', () => {
  it('creates a vSwitch with its System route and an IPv6 /64 by index, and deletes it', () => {
    const { state, events } = makeState();
    const { VSwitchId } = call(state, 'CreateVSwitch', {
      VpcId: 'vpc-1',
      ZoneId: 'cn-hangzhou-j',
      CidrBlock: '192.168.16.0/20',
      Ipv6CidrBlock: 5,
      VSwitchName: 'pods',
    });
    const id = VSwitchId as string;
    expect(id).toMatch(/^vsw-/);
    expect(state.vpc.vswitch(id)?.ipv6Cidr?.toString()).toBe('2408:4000:1000:ab05::/64');
    expect(
      items(call(state, 'DescribeVSwitches', { VSwitchId: id }), 'VSwitches', 'VSwitch')[0],
    ).toMatchObject({
      VSwitchName: 'pods',
      AvailableIpAddressCount: 4092,
    });
    const dests = () =>
      [...state.vpc.records.routeTables.get('vtb-vpc')!.entries.values()].map((e) =>
        e.destination.toString(),
      );
    expect(dests()).toContain('192.168.16.0/20');
    expect(events.find((e) => e.kind === 'VSwitch')).toMatchObject({ id, change: 'created' });
    call(state, 'DeleteVSwitch', { VSwitchId: id });
    expect(state.vpc.vswitch(id)).toBeUndefined();
    expect(dests()).not.toContain('192.168.16.0/20');
    expect(dests()).not.toContain('2408:4000:1000:ab05::/64');
    expect(events.at(-1)).toMatchObject({ kind: 'VSwitch', id, change: 'deleted' });
  });

  it('refuses blocks outside the VPC, overlapping, of a bad mask or malformed, and unknown VPCs', () => {
    const { state } = makeState();
    const err = (CidrBlock: string, VpcId = 'vpc-1') =>
      callError(state, 'CreateVSwitch', { VpcId, ZoneId: 'z', CidrBlock }).code;
    expect(err('10.0.0.0/24')).toBe('InvalidParameter');
    expect(err('192.168.1.128/25')).toBe('InvalidCidrBlock.Overlapped');
    expect(err('192.168.8.0/30')).toBe('InvalidCirdrBlock.MaskLength');
    expect(err('192.168.8.1/24')).toBe('InvalidCidrBlock.Malformed');
    expect(err('192.168.8.0/24', 'vpc-x')).toBe('InvalidVpcId.NotFound');
    expect(callError(state, 'CreateVSwitch', { VpcId: 'vpc-1', ZoneId: 'z' }).message).toContain('CidrBlock');
  });

  it('refuses a block holding a custom route destination', () => {
    const { state } = makeState({
      ...TOPOLOGY,
      routeEntries: [
        {
          routeTableId: 'vtb-vpc',
          destinationCidrBlock: '192.168.40.0/24',
          nextHopType: 'RouterInterface',
          nextHopId: 'ri-vpc',
        },
      ],
    });
    expect(
      callError(state, 'CreateVSwitch', { VpcId: 'vpc-1', ZoneId: 'z', CidrBlock: '192.168.32.0/19' }).code,
    ).toBe('InvalidCidrBlock.Overlapped');
  });

  it('refuses to delete a vSwitch with addresses in use, or an unknown one', () => {
    const { state } = makeState();
    state.vpc.allocateIp('vsw-b');
    expect(callError(state, 'DeleteVSwitch', { VSwitchId: 'vsw-b' }).code).toBe('DependencyViolation');
    expect(callError(state, 'DeleteVSwitch', { VSwitchId: 'vsw-x' })).toMatchObject({
      code: 'InvalidVSwitchId.NotFound',
      httpStatus: 404,
    });
  });
});
