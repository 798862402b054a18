import { describe, expect, it } from 'vitest';
import type { EmulatorState } from '../state/emulator-state.js';
import { ROUTE_TABLE_BUSY_CODE } from './vpc-errors.js';
import { call, callError, items, makeState, TOPOLOGY } from './vpc-test-support.js';

const R = { RegionId: 'cn-hangzhou' };
const toDc = (dest = '10.244.1.0/24') => ({
  RouteTableId: 'vtb-vbr',
  DestinationCidrBlock: dest,
  NextHopType: 'RouterInterface',
  NextHopId: 'ri-vlan',
});
const toVbr = (dest = '10.244.0.0/16') => ({
  RouteTableId: 'vtb-vpc',
  DestinationCidrBlock: dest,
  NextHopType: 'RouterInterface',
  NextHopId: 'ri-vpc',
});

function entries(state: EmulatorState, params: Record<string, string | number>) {
  return items(call(state, 'DescribeRouteEntryList', { ...R, ...params }), 'RouteEntrys', 'RouteEntry');
}
function status(state: EmulatorState, id: string): unknown {
  return entries(state, {
    RouteTableId: state.vpc.records.entryTable.get(id) ?? 'vtb-vbr',
    RouteEntryId: id,
  })[0]?.Status;
}
function create(state: EmulatorState, params: Record<string, string>): string {
  return call(state, 'CreateRouteEntry', params).RouteEntryId as string;
}

describe('CreateRouteEntry', () => {
  it('creates a Pending entry that turns Available after routeEntryCreate, emitting both changes', () => {
    const { state, clock, events } = makeState();
    const id = create(state, { ...toDc(), RouteEntryName: 'edge', Description: 'pods' });
    expect(id).toMatch(/^rte-[a-z0-9]{24}$/);
    expect(status(state, id)).toBe('Pending');
    clock.advance(999);
    expect(status(state, id)).toBe('Pending');
    clock.advance(1);
    expect(status(state, id)).toBe('Available');
    expect(events.map((e) => [e.kind, e.id, e.change, e.status])).toEqual([
      ['RouteEntry', id, 'created', 'Pending'],
      ['RouteEntry', id, 'updated', 'Available'],
    ]);
    expect(events[1]!.resource).toMatchObject({
      RouteEntryId: id,
      RouteTableId: 'vtb-vbr',
      DestinationCidrBlock: '10.244.1.0/24',
      RouterType: 'VBR',
      RouterId: 'vbr-1',
      NextHops: { NextHop: [{ NextHopType: 'RouterInterface', NextHopId: 'ri-vlan' }] },
    });
  });

  it('reads a bare address as a /32 and clears host bits', () => {
    const { state, clock } = makeState();
    create(state, toDc('10.244.9.7'));
    clock.advance(1000);
    create(state, toDc('10.245.1.1/16'));
    expect(entries(state, { RouteTableId: 'vtb-vbr' }).map((e) => e.DestinationCidrBlock)).toEqual([
      '10.244.9.7/32',
      '10.245.0.0/16',
    ]);
  });

  it('allows one write at a time per table: the busy code while an entry is Pending, then success', () => {
    const { state, clock } = makeState();
    create(state, toDc('10.244.1.0/24'));
    const err = callError(state, 'CreateRouteEntry', toDc('10.244.2.0/24'));
    expect(err.code).toBe(ROUTE_TABLE_BUSY_CODE);
    expect(err.code).toBe('IncorrectRouteEntryStatus');
    expect(err.message).toBe('VBR has NotStable route entry.');
    // Another table is not blocked.
    create(state, toVbr());
    clock.advance(1000);
    create(state, toDc('10.244.2.0/24'));
  });

  it('answers TaskConflict instead when the topology says so', () => {
    const { state } = makeState({ ...TOPOLOGY, routeTableBusyCode: 'TaskConflict' });
    create(state, toVbr());
    expect(callError(state, 'CreateRouteEntry', toVbr('10.245.0.0/16')).code).toBe('TaskConflict');
  });

  it('enforces the custom-entry quota of the table', () => {
    const { state, clock } = makeState({ ...TOPOLOGY, quotas: { routeEntriesPerTable: 2 } });
    for (const d of ['10.1.0.0/16', '10.2.0.0/16']) {
      create(state, toVbr(d));
      clock.advance(1000);
    }
    const err = callError(state, 'CreateRouteEntry', toVbr('10.3.0.0/16'));
    expect(err.code).toBe('QuotaExceeded');
    // System entries do not count.
    expect(state.vpc.records.routeTables.get('vtb-vpc')!.entries.size).toBe(6);
  });

  it('answers duplicates: same route RouterEntryConflict.Duplicated (VPC) / Duplicated.VpcNextHop (VBR), same destination InvalidCIDRBlock.Duplicate', () => {
    const { state, clock } = makeState();
    create(state, toVbr());
    create(state, toDc());
    clock.advance(1000);
    expect(callError(state, 'CreateRouteEntry', toVbr()).code).toBe('RouterEntryConflict.Duplicated');
    expect(callError(state, 'CreateRouteEntry', toDc()).code).toBe('Duplicated.VpcNextHop');
    expect(callError(state, 'CreateRouteEntry', { ...toDc(), NextHopId: 'ri-vbr' }).code).toBe(
      'InvalidCIDRBlock.Duplicate',
    );
  });

  it('refuses destinations inside a vSwitch block (not ones containing it) or inside 100.64.0.0/10', () => {
    const { state, clock } = makeState();
    for (const d of ['192.168.1.0/24', '192.168.1.64/26', '192.168.2.3/32', '2408:4000:1000:ab01::/80']) {
      const err = callError(state, 'CreateRouteEntry', toVbr(d));
      expect([d, err.code, err.message]).toEqual([d, 'InvalidCidrBlock', expect.stringContaining('vSwitch')]);
    }
    for (const d of ['100.64.0.0/10', '100.100.100.200/32']) {
      expect(callError(state, 'CreateRouteEntry', toDc(d)).code).toBe('InvalidCidrBlock');
    }
    create(state, toVbr('192.168.0.0/16'));
    clock.advance(1000);
    create(state, toDc('100.0.0.0/8'));
  });

  it('names DestinationCidrBlock when it is malformed or missing', () => {
    const { state } = makeState();
    const bad = callError(state, 'CreateRouteEntry', toDc('10.0.0.0/33'));
    expect([bad.code, bad.message]).toEqual([
      'InvalidCidrBlock.Malformed',
      expect.stringContaining('DestinationCidrBlock'),
    ]);
    const { DestinationCidrBlock: _, ...rest } = toDc();
    expect(callError(state, 'CreateRouteEntry', rest)).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('DestinationCidrBlock'),
    });
    expect(callError(state, 'CreateRouteEntry', { DestinationCidrBlock: '10.0.0.0/8' }).message).toContain(
      'RouteTableId',
    );
  });

  it('takes on a VBR table only the VBR own interfaces (its VlanInterfaceId and its VPC-facing interface)', () => {
    const { state, clock } = makeState();
    create(state, toDc('10.244.1.0/24'));
    clock.advance(1000);
    create(state, { ...toDc('192.168.0.0/16'), NextHopId: 'ri-vbr' });
    clock.advance(1000);
    expect(callError(state, 'CreateRouteEntry', { ...toDc('10.9.0.0/16'), NextHopId: 'ri-vpc' }).code).toBe(
      'InvalidNextHop.NotFound',
    );
    expect(callError(state, 'CreateRouteEntry', { ...toDc('10.9.0.0/16'), NextHopId: 'ri-nope' }).code).toBe(
      'InvalidNextHop.NotFound',
    );
    expect(
      callError(state, 'CreateRouteEntry', { ...toDc('10.9.0.0/16'), NextHopType: 'Instance' }).code,
    ).toBe('InvalidNextHopType');
    expect(
      callError(state, 'CreateRouteEntry', { ...toDc('10.9.0.0/16'), 'NextHopList.1.NextHopId': 'ri-vlan' })
        .code,
    ).toBe('InvalidRouterType');
  });

  it('takes on a VPC table only the vRouter own interfaces', () => {
    const { state } = makeState();
    expect(callError(state, 'CreateRouteEntry', { ...toVbr(), NextHopId: 'ri-vbr' }).code).toBe(
      'InvalidNextHop.NotFound',
    );
    expect(callError(state, 'CreateRouteEntry', { ...toVbr(), NextHopId: 'ri-vlan' }).code).toBe(
      'InvalidNextHop.NotFound',
    );
    expect(
      callError(state, 'CreateRouteEntry', { ...toVbr(), NextHopType: 'HaVip', NextHopId: 'havip-1' }).code,
    ).toBe('InvalidNextHop.NotFound');
  });

  it('refuses VBR routes unless the VBR is active and its circuit Enabled and Normal', () => {
    const cases = [
      [{ status: 'unconfirmed' as const }, 'InvalidVBRStatus'],
      [{ physicalConnectionStatus: 'Terminated' }, 'InvalidPhysicalConnectionBusinessStatus'],
      [{ businessStatus: 'FinancialLocked' }, 'InvalidPhysicalConnectionBusinessStatus'],
    ] as const;
    for (const [vbr, code] of cases) {
      const { state } = makeState({ ...TOPOLOGY, vbrs: [{ ...TOPOLOGY.vbrs![0]!, ...vbr }] });
      expect(callError(state, 'CreateRouteEntry', toDc()).code).toBe(code);
      // A VPC route is not affected.
      create(state, toVbr());
    }
  });

  it('checks the next-hop parameters', () => {
    const { state } = makeState();
    const { NextHopType: _t, ...noType } = toVbr();
    expect(callError(state, 'CreateRouteEntry', noType).code).toBe('InvalidNexthopTypeAndList.BothNull');
    expect(callError(state, 'CreateRouteEntry', { ...toVbr(), NextHopType: 'Router' }).code).toBe(
      'InvalidNextHopType',
    );
    const { NextHopId: _i, ...noId } = toVbr();
    expect(callError(state, 'CreateRouteEntry', noId).message).toContain('NextHopId');
    expect(
      callError(state, 'CreateRouteEntry', { ...toVbr(), 'NextHopList.1.NextHopId': 'ri-vpc' }).code,
    ).toBe('InvalidNexthopTypeAndList.BothNotNull');
    expect(callError(state, 'CreateRouteEntry', { ...toVbr(), RouteTableId: 'vtb-x' })).toMatchObject({
      code: 'InvalidRouteTableId.NotFound',
      httpStatus: 404,
    });
  });

  it('checks Instance and NetworkInterface next hops through the ECS domain', () => {
    const { state, clock } = makeState({
      ...TOPOLOGY,
      vpcs: [
        ...TOPOLOGY.vpcs!,
        { id: 'vpc-2', cidr: '10.0.0.0/16', vSwitches: [{ id: 'vsw-c', zoneId: 'z', cidr: '10.0.1.0/24' }] },
      ],
    });
    state.ecs.seed({
      instances: [
        { id: 'i-here', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-a' },
        { id: 'i-there', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-c' },
      ],
    });
    const hop = (NextHopType: string, NextHopId: string, dest = '10.244.0.0/16') =>
      call(state, 'CreateRouteEntry', { ...toVbr(dest), NextHopType, NextHopId }).RouteEntryId;
    const hopError = (NextHopType: string, NextHopId: string) =>
      callError(state, 'CreateRouteEntry', { ...toVbr('10.9.0.0/16'), NextHopType, NextHopId }).code;
    expect(hopError('Instance', 'i-none')).toBe('InvalidInstanId.NotFound');
    expect(hopError('Instance', 'i-there')).toBe('OperationFailed.InstanceDismatchCurrentVpc');
    expect(hopError('NetworkInterface', 'eni-none')).toBe('InvalidNetworkInterface.NotFound');
    expect(hopError('NetworkInterface', state.ecs.instance('i-there')!.primaryEniId)).toBe(
      'Mismatch.EniIdAndRouteTableId',
    );
    expect(hop('Instance', 'i-here')).toMatch(/^rte-/);
    clock.advance(1000);
    expect(hop('NetworkInterface', state.ecs.instance('i-here')!.primaryEniId, '10.245.0.0/16')).toMatch(
      /^rte-/,
    );
  });

  it('validates everything on DryRun and creates nothing', () => {
    const { state } = makeState();
    expect(callError(state, 'CreateRouteEntry', { ...toDc(), DryRun: 'true' }).code).toBe('DryRunOperation');
    expect(callError(state, 'CreateRouteEntry', { ...toDc('100.64.1.0/24'), DryRun: 'true' }).code).toBe(
      'InvalidCidrBlock',
    );
    expect(state.vpc.records.routeTables.get('vtb-vbr')!.entries.size).toBe(0);
  });
});

describe('DeleteRouteEntry', () => {
  it('deletes an Available entry by id: Deleting, then gone after routeEntryDelete', () => {
    const { state, clock, events } = makeState();
    const id = create(state, toDc());
    clock.advance(1000);
    events.length = 0;
    expect(call(state, 'DeleteRouteEntry', { RouteEntryId: id })).toEqual({});
    expect(status(state, id)).toBe('Deleting');
    clock.advance(499);
    expect(status(state, id)).toBe('Deleting');
    clock.advance(1);
    expect(entries(state, { RouteTableId: 'vtb-vbr' })).toEqual([]);
    expect(events.map((e) => [e.change, e.status])).toEqual([
      ['updated', 'Deleting'],
      ['deleted', 'Deleting'],
    ]);
    expect(events[1]!.resource).toMatchObject({ RouteEntryId: id, RouterType: 'VBR' });
  });

  it('deletes by RouteTableId + DestinationCidrBlock + NextHopId', () => {
    const { state, clock } = makeState();
    create(state, toVbr());
    clock.advance(1000);
    const err = callError(state, 'DeleteRouteEntry', { ...toVbr(), NextHopId: 'ri-other' });
    expect(err).toMatchObject({ code: 'InvalidRouteEntry.NotFound' });
    call(state, 'DeleteRouteEntry', toVbr());
    clock.advance(500);
    expect(entries(state, { RouteTableId: 'vtb-vpc', RouteEntryType: 'Custom' })).toEqual([]);
  });

  it('only from Available: IncorrectRouteEntryStatus while Pending or Deleting', () => {
    const { state, clock } = makeState();
    const id = create(state, toDc());
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: id }).code).toBe('IncorrectRouteEntryStatus');
    clock.advance(1000);
    call(state, 'DeleteRouteEntry', { RouteEntryId: id });
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: id }).code).toBe('IncorrectRouteEntryStatus');
  });

  it('waits for the rest of the table: the busy code while another entry is Pending or Deleting', () => {
    const { state, clock } = makeState();
    const a = create(state, toDc('10.1.0.0/16'));
    clock.advance(1000);
    const b = create(state, toDc('10.2.0.0/16'));
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: a }).code).toBe(ROUTE_TABLE_BUSY_CODE);
    clock.advance(1000);
    call(state, 'DeleteRouteEntry', { RouteEntryId: a });
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: b }).code).toBe(ROUTE_TABLE_BUSY_CODE);
    expect(callError(state, 'CreateRouteEntry', toDc('10.3.0.0/16')).code).toBe(ROUTE_TABLE_BUSY_CODE);
    clock.advance(500);
    call(state, 'DeleteRouteEntry', { RouteEntryId: b });
  });

  it('refuses System entries (OperationDenied) and names what is missing or unknown', () => {
    const { state } = makeState();
    const system = [...state.vpc.records.routeTables.get('vtb-vpc')!.entries.values()][1]!;
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: system.id }).code).toBe('OperationDenied');
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: 'rte-x' }).code).toBe(
      'InvalidRouteEntryId.NotFound',
    );
    expect(callError(state, 'DeleteRouteEntry', {})).toMatchObject({
      code: 'MissingParameter',
      message: expect.stringContaining('RouteEntryId'),
    });
    expect(callError(state, 'DeleteRouteEntry', { RouteTableId: 'vtb-vpc' }).message).toContain(
      'DestinationCidrBlock',
    );
    expect(
      callError(state, 'DeleteRouteEntry', { RouteTableId: 'vtb-x', DestinationCidrBlock: '10.0.0.0/8' })
        .code,
    ).toBe('InvalidRouteTableId.NotFound');
    expect(
      callError(state, 'DeleteRouteEntry', { RouteTableId: 'vtb-vpc', DestinationCidrBlock: '10.0.0.0/8' })
        .code,
    ).toBe('InvalidRouteEntry.NotFound');
  });

  it('validates on DryRun and deletes nothing', () => {
    const { state, clock } = makeState();
    const id = create(state, toDc());
    clock.advance(1000);
    expect(callError(state, 'DeleteRouteEntry', { RouteEntryId: id, DryRun: 'true' }).code).toBe(
      'DryRunOperation',
    );
    expect(status(state, id)).toBe('Available');
  });
});

describe('DescribeRouteEntryList', () => {
  it('shows System and Custom entries with next hops and their related instance', () => {
    const { state } = makeState();
    create(state, toVbr());
    const list = entries(state, { RouteTableId: 'vtb-vpc' });
    expect(list.map((e) => [e.DestinationCidrBlock, e.Type, e.Status])).toEqual([
      ['100.64.0.0/10', 'System', 'Available'],
      ['192.168.1.0/24', 'System', 'Available'],
      ['2408:4000:1000:ab01::/64', 'System', 'Available'],
      ['192.168.2.0/29', 'System', 'Available'],
      ['10.244.0.0/16', 'Custom', 'Pending'],
    ]);
    expect(list[4]).toMatchObject({
      RouteTableId: 'vtb-vpc',
      IpVersion: 'ipv4',
      GmtModified: '2023-11-14T22:13:20Z',
      NextHops: {
        NextHop: [
          {
            NextHopType: 'RouterInterface',
            NextHopId: 'ri-vpc',
            Enabled: 1,
            NextHopRelatedInfo: { InstanceId: 'vbr-1', InstanceType: 'VBR', RegionId: 'cn-hangzhou' },
          },
        ],
      },
    });
    expect(list[1]!.NextHops).toMatchObject({ NextHop: [{ NextHopType: 'local', NextHopId: '' }] });
  });

  it('filters by type, destination(s), next hop and IP version', () => {
    const { state } = makeState();
    create(state, toVbr());
    const dests = (p: Record<string, string>) =>
      entries(state, { RouteTableId: 'vtb-vpc', ...p }).map((e) => e.DestinationCidrBlock);
    expect(dests({ RouteEntryType: 'Custom' })).toEqual(['10.244.0.0/16']);
    expect(dests({ DestinationCidrBlock: '192.168.1.0/24' })).toEqual(['192.168.1.0/24']);
    expect(
      dests({ 'DestCidrBlockList.1': '192.168.2.0/29', 'DestCidrBlockList.2': '10.244.0.0/16' }),
    ).toEqual(['192.168.2.0/29', '10.244.0.0/16']);
    expect(dests({ NextHopType: 'RouterInterface', NextHopId: 'ri-vpc' })).toEqual(['10.244.0.0/16']);
    expect(dests({ IpVersion: 'IPv6' })).toEqual(['2408:4000:1000:ab01::/64']);
    expect(dests({ NextHopId: 'ri-x' })).toEqual([]);
  });

  it('pages with MaxResult and NextToken over more than one page, unaffected by deletes between pages', () => {
    const { state, clock } = makeState();
    for (let i = 1; i <= 5; i++) {
      create(state, toDc(`10.${i}.0.0/16`));
      clock.advance(1000);
    }
    const p1 = call(state, 'DescribeRouteEntryList', { ...R, RouteTableId: 'vtb-vbr', MaxResult: 2 });
    expect(p1.TotalCount).toBe(5);
    expect(p1.NextToken).not.toBe('');
    const dests = (b: Record<string, unknown>) =>
      items(b, 'RouteEntrys', 'RouteEntry').map((e) => e.DestinationCidrBlock);
    expect(dests(p1)).toEqual(['10.1.0.0/16', '10.2.0.0/16']);
    call(state, 'DeleteRouteEntry', { RouteTableId: 'vtb-vbr', DestinationCidrBlock: '10.1.0.0/16' });
    clock.advance(500);
    const p2 = call(state, 'DescribeRouteEntryList', {
      ...R,
      RouteTableId: 'vtb-vbr',
      MaxResult: 2,
      NextToken: p1.NextToken as string,
    });
    expect(dests(p2)).toEqual(['10.3.0.0/16', '10.4.0.0/16']);
    const p3 = call(state, 'DescribeRouteEntryList', {
      ...R,
      RouteTableId: 'vtb-vbr',
      MaxResult: 2,
      NextToken: p2.NextToken as string,
    });
    expect([dests(p3), p3.NextToken]).toEqual([['10.5.0.0/16'], '']);
  });

  it('names bad parameters', () => {
    const { state } = makeState();
    expect(callError(state, 'DescribeRouteEntryList', R).message).toContain('RouteTableId');
    expect(callError(state, 'DescribeRouteEntryList', { RouteTableId: 'vtb-vpc' }).message).toContain(
      'RegionId',
    );
    expect(callError(state, 'DescribeRouteEntryList', { ...R, RouteTableId: 'vtb-x' }).code).toBe(
      'InvalidRouteTableId.NotFound',
    );
    for (const MaxResult of [0, 101]) {
      expect(
        callError(state, 'DescribeRouteEntryList', { ...R, RouteTableId: 'vtb-vpc', MaxResult }).message,
      ).toContain('MaxResult');
    }
    expect(
      callError(state, 'DescribeRouteEntryList', { ...R, RouteTableId: 'vtb-vpc', NextToken: 'garbage' })
        .message,
    ).toContain('NextToken');
    expect(
      callError(state, 'DescribeRouteEntryList', { ...R, RouteTableId: 'vtb-vpc', RouteEntryType: 'Static' })
        .message,
    ).toContain('RouteEntryType');
  });
});
