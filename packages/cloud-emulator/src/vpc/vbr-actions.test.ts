import { describe, expect, it } from 'vitest';
import { call, callError, items, makeState, TOPOLOGY } from './vpc-test-support.js';

const R = { RegionId: 'cn-hangzhou' };

const THREE_VBRS = {
  ...TOPOLOGY,
  vbrs: [
    ...TOPOLOGY.vbrs!,
    { id: 'vbr-2', name: 'dc2', status: 'unconfirmed' as const, physicalConnectionId: 'pc-2' },
    { id: 'vbr-3', name: 'dc3', physicalConnectionId: 'pc-1', businessStatus: 'FinancialLocked' },
  ],
};

const vbrIds = (body: Record<string, unknown>) =>
  items(body, 'VirtualBorderRouterSet', 'VirtualBorderRouterType').map((v) => v.VbrId);

describe('DescribeVirtualBorderRouters', () => {
  it('shows the route table, VLAN interface and circuit state of each VBR', () => {
    const { state } = makeState();
    const body = call(state, 'DescribeVirtualBorderRouters', R);
    expect(body).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
    const vbr = items(body, 'VirtualBorderRouterSet', 'VirtualBorderRouterType')[0]!;
    expect(vbr).toMatchObject({
      VbrId: 'vbr-1',
      Name: 'dc',
      Status: 'active',
      RouteTableId: 'vtb-vbr',
      VlanInterfaceId: 'ri-vlan',
      VlanId: 100,
      PhysicalConnectionId: 'pc-1',
      PhysicalConnectionStatus: 'Enabled',
      PhysicalConnectionBusinessStatus: 'Normal',
      LocalGatewayIp: '10.0.0.1',
      PeerGatewayIp: '10.0.0.2',
      AssociatedPhysicalConnections: {
        AssociatedPhysicalConnection: [
          { PhysicalConnectionId: 'pc-1', VlanInterfaceId: 'ri-vlan', VlanId: '100' },
        ],
      },
    });
  });

  it('filters with Filter.N.Key / Filter.N.Value.M (OR within a key, AND across keys)', () => {
    const { state } = makeState(THREE_VBRS);
    expect(
      vbrIds(
        call(state, 'DescribeVirtualBorderRouters', {
          ...R,
          'Filter.1.Key': 'VbrId',
          'Filter.1.Value.1': 'vbr-2',
        }),
      ),
    ).toEqual(['vbr-2']);
    const twoValues = {
      ...R,
      'Filter.1.Key': 'VbrId',
      'Filter.1.Value.1': 'vbr-1',
      'Filter.1.Value.2': 'vbr-3',
    };
    expect(vbrIds(call(state, 'DescribeVirtualBorderRouters', twoValues))).toEqual(['vbr-1', 'vbr-3']);
    expect(
      vbrIds(
        call(state, 'DescribeVirtualBorderRouters', {
          ...twoValues,
          'Filter.2.Key': 'PhysicalConnectionId',
          'Filter.2.Value.1': 'pc-1',
        }),
      ),
    ).toEqual(['vbr-1', 'vbr-3']);
    expect(
      vbrIds(
        call(state, 'DescribeVirtualBorderRouters', {
          ...R,
          'Filter.1.Key': 'Status',
          'Filter.1.Value.1': 'Active',
        }),
      ),
    ).toEqual(['vbr-1', 'vbr-3']);
    expect(
      callError(state, 'DescribeVirtualBorderRouters', {
        ...R,
        'Filter.1.Key': 'Colour',
        'Filter.1.Value.1': 'x',
      }).message,
    ).toContain('Filter.1.Key');
  });

  it('pages over more than one page', () => {
    const { state } = makeState(THREE_VBRS);
    const page = (PageNumber: number) =>
      vbrIds(call(state, 'DescribeVirtualBorderRouters', { ...R, PageSize: 2, PageNumber }));
    expect([page(1), page(2)]).toEqual([['vbr-1', 'vbr-2'], ['vbr-3']]);
    expect(callError(state, 'DescribeVirtualBorderRouters', { ...R, PageSize: 0 }).message).toContain(
      'PageSize',
    );
    expect(callError(state, 'DescribeVirtualBorderRouters', {}).message).toContain('RegionId');
  });
});

describe('DescribeRouterInterfaces', () => {
  it('shows both ends of the VPC↔VBR pair and filters them', () => {
    const { state } = makeState();
    const list = (p: Record<string, string> = {}) =>
      items(
        call(state, 'DescribeRouterInterfaces', { ...R, ...p }),
        'RouterInterfaceSet',
        'RouterInterfaceType',
      );
    expect(
      list().map((r) => [
        r.RouterInterfaceId,
        r.RouterType,
        r.RouterId,
        r.OppositeInterfaceId,
        r.OppositeRouterId,
      ]),
    ).toEqual([
      ['ri-vpc', 'VRouter', 'vrt-1', 'ri-vbr', 'vbr-1'],
      ['ri-vbr', 'VBR', 'vbr-1', 'ri-vpc', 'vrt-1'],
    ]);
    expect(list()[0]).toMatchObject({
      VpcInstanceId: 'vpc-1',
      Status: 'Active',
      OppositeRouterType: 'VBR',
      Role: 'AcceptingSide',
    });
    expect(list()[1]).toMatchObject({ OppositeVpcInstanceId: 'vpc-1', OppositeInterfaceStatus: 'Active' });
    expect(
      list({ 'Filter.1.Key': 'RouterType', 'Filter.1.Value.1': 'VBR' }).map((r) => r.RouterInterfaceId),
    ).toEqual(['ri-vbr']);
    expect(
      list({ 'Filter.1.Key': 'OppositeRouterId', 'Filter.1.Value.1': 'vbr-1' }).map(
        (r) => r.RouterInterfaceId,
      ),
    ).toEqual(['ri-vpc']);
    expect(list({ 'Filter.1.Key': 'RouterInterfaceId', 'Filter.1.Value.1': 'ri-none' })).toEqual([]);
  });
});
