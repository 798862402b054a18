import { describe, expect, it } from 'vitest';
import { call, callError, items, makeState, TOPOLOGY } from './vpc-test-support.js';

const R = { RegionId: 'cn-hangzhou' };

/** Two VPCs and two VBRs: four tables. */
const FOUR_TABLES = {
  vpcs: [
    ...TOPOLOGY.vpcs!,
    {
      id: 'vpc-2',
      cidr: '10.0.0.0/16',
      vRouterId: 'vrt-2',
      routeTableId: 'vtb-vpc2',
      routeTableName: 'shared',
    },
  ],
  vbrs: [...TOPOLOGY.vbrs!, { id: 'vbr-2', routeTableId: 'vtb-vbr2', routeTableName: 'shared' }],
};

describe('DescribeRouteTables', () => {
  it('shows a VPC table by VRouterId with every entry', () => {
    const { state } = makeState();
    call(state, 'CreateRouteEntry', {
      RouteTableId: 'vtb-vpc',
      DestinationCidrBlock: '10.244.0.0/16',
      NextHopType: 'RouterInterface',
      NextHopId: 'ri-vpc',
    });
    const body = call(state, 'DescribeRouteTables', { ...R, VRouterId: 'vrt-1' });
    expect(body).toMatchObject({ TotalCount: 1, PageNumber: 1, PageSize: 10 });
    const table = items(body, 'RouteTables', 'RouteTable')[0]!;
    expect(table).toMatchObject({
      RouteTableId: 'vtb-vpc',
      RouteTableType: 'System',
      VRouterId: 'vrt-1',
      VSwitchIds: { VSwitchId: ['vsw-a', 'vsw-b'] },
    });
    const entries = items(table, 'RouteEntrys', 'RouteEntry');
    expect(entries).toHaveLength(5);
    expect(entries[4]).toMatchObject({
      DestinationCidrBlock: '10.244.0.0/16',
      Type: 'Custom',
      Status: 'Pending',
      NextHopType: 'RouterInterface',
      InstanceId: 'ri-vpc',
      NextHops: { NextHop: [{ NextHopType: 'RouterInterface', NextHopId: 'ri-vpc', Enabled: 1 }] },
    });
  });

  it('shows a VBR table by RouterType VBR and RouterId, and filters entries by Type', () => {
    const { state } = makeState({
      ...TOPOLOGY,
      routeEntries: [
        {
          routeTableId: 'vtb-vbr',
          destinationCidrBlock: '10.244.1.0/24',
          nextHopType: 'RouterInterface',
          nextHopId: 'ri-vlan',
        },
      ],
    });
    const body = call(state, 'DescribeRouteTables', { ...R, RouterType: 'VBR', RouterId: 'vbr-1' });
    const t = items(body, 'RouteTables', 'RouteTable');
    expect(t.map((x) => [x.RouteTableId, x.VRouterId])).toEqual([['vtb-vbr', 'vbr-1']]);
    expect(items(t[0]!, 'RouteEntrys', 'RouteEntry').map((e) => e.Status)).toEqual(['Available']);
    const vpcTable = call(state, 'DescribeRouteTables', { ...R, RouteTableId: 'vtb-vpc', Type: 'Custom' });
    expect(items(items(vpcTable, 'RouteTables', 'RouteTable')[0]!, 'RouteEntrys', 'RouteEntry')).toEqual([]);
    expect(
      call(state, 'DescribeRouteTables', { ...R, RouterType: 'VRouter', RouterId: 'vbr-1' }).TotalCount,
    ).toBe(0);
  });

  it('pages over more than one page (PageSize ≤ 50)', () => {
    const { state } = makeState(FOUR_TABLES);
    const page = (PageNumber: number) => {
      const body = call(state, 'DescribeRouteTables', {
        ...R,
        RouteTableName: 'shared',
        PageSize: 1,
        PageNumber,
      });
      return [body.TotalCount, items(body, 'RouteTables', 'RouteTable').map((t) => t.RouteTableId)];
    };
    expect([page(1), page(2), page(3)]).toEqual([
      [2, ['vtb-vpc2']],
      [2, ['vtb-vbr2']],
      [2, []],
    ]);
    expect(
      callError(state, 'DescribeRouteTables', { ...R, VRouterId: 'vrt-1', PageSize: 51 }).message,
    ).toContain('PageSize');
  });

  it('needs one of VRouterId, RouteTableId, RouterId, RouteTableName, and not both VRouterId and RouterId', () => {
    const { state } = makeState();
    expect(callError(state, 'DescribeRouteTables', R).code).toBe('MissingParameter');
    expect(
      callError(state, 'DescribeRouteTables', { ...R, VRouterId: 'vrt-1', RouterId: 'vrt-1' }).message,
    ).toContain('VRouterId');
    expect(
      callError(state, 'DescribeRouteTables', { ...R, RouteTableId: 'vtb-vpc', RouterType: 'Vbr' }).message,
    ).toContain('RouterType');
  });
});

describe('DescribeRouteTableList', () => {
  it('lists vRouter tables by default, VBR tables on request, without entries', () => {
    const { state } = makeState(FOUR_TABLES);
    const list = (p: Record<string, string | number>) =>
      items(call(state, 'DescribeRouteTableList', { ...R, ...p }), 'RouterTableList', 'RouterTableListType');
    expect(list({}).map((t) => [t.RouteTableId, t.RouterType, t.RouterId, t.VpcId])).toEqual([
      ['vtb-vpc', 'VRouter', 'vrt-1', 'vpc-1'],
      ['vtb-vpc2', 'VRouter', 'vrt-2', 'vpc-2'],
    ]);
    expect(list({ RouterType: 'VBR' }).map((t) => t.RouteTableId)).toEqual(['vtb-vbr', 'vtb-vbr2']);
    expect(list({ VpcId: 'vpc-2' }).map((t) => t.RouteTableId)).toEqual(['vtb-vpc2']);
    expect(list({ RouteTableId: 'vtb-vbr' }).map((t) => t.RouterId)).toEqual(['vbr-1']);
    expect(list({ RouteTableType: 'Custom' })).toEqual([]);
    expect(list({ RouteTableId: 'vtb-vpc' })[0]).not.toHaveProperty('RouteEntrys');
    const p2 = call(state, 'DescribeRouteTableList', { ...R, RouterType: 'VBR', PageSize: 1, PageNumber: 2 });
    expect([
      p2.TotalCount,
      items(p2, 'RouterTableList', 'RouterTableListType').map((t) => t.RouteTableId),
    ]).toEqual([2, ['vtb-vbr2']]);
  });

  it('needs RegionId', () => {
    const { state } = makeState();
    expect(callError(state, 'DescribeRouteTableList', {}).message).toContain('RegionId');
  });
});
