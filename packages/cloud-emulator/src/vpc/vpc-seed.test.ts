import { EdgewayError, FakeClock } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { EmulatorState } from '../state/emulator-state.js';
import { makeState, TOPOLOGY } from './vpc-test-support.js';
import { type VpcTopologyInput, vpcTopologySchema } from './vpc-topology.js';

function seedError(topology: unknown): EdgewayError {
  const state = new EmulatorState({ clock: new FakeClock() });
  try {
    state.vpc.seed(topology as VpcTopologyInput);
  } catch (err) {
    expect(err).toBeInstanceOf(EdgewayError);
    expect((err as EdgewayError).code).toBe('ERR_EMULATOR_TOPOLOGY');
    return err as EdgewayError;
  }
  throw new Error('seed did not fail');
}

const vpc = (extra: Record<string, unknown> = {}) => ({ id: 'vpc-1', cidr: '10.0.0.0/16', ...extra });

describe('vpcTopologySchema', () => {
  it('applies the defaults (active VBR on an Enabled, Normal circuit; empty lists)', () => {
    const t = vpcTopologySchema.parse({ vbrs: [{}] });
    expect(t.vpcs).toEqual([]);
    expect(t.routeEntries).toEqual([]);
    expect(t.vbrs[0]).toMatchObject({
      status: 'active',
      physicalConnectionStatus: 'Enabled',
      businessStatus: 'Normal',
      routerInterfaces: [],
    });
  });

  it('rejects a CIDR with host bits, an unknown key and a bad VBR status', () => {
    expect(vpcTopologySchema.safeParse({ vpcs: [{ cidr: '10.0.0.1/16' }] }).success).toBe(false);
    expect(vpcTopologySchema.safeParse({ vpcs: [{ cidr: '10.0.0.0/16', cidrs: [] }] }).success).toBe(false);
    expect(vpcTopologySchema.safeParse({ vbrs: [{ status: 'Active' }] }).success).toBe(false);
  });
});

describe('VpcDomain.seed', () => {
  it('uses given ids verbatim and links the VPC↔VBR interface pair both ways', () => {
    const { state } = makeState();
    const r = state.vpc.records;
    expect([...r.vpcs.keys()]).toEqual(['vpc-1']);
    expect([...r.vSwitches.keys()]).toEqual(['vsw-a', 'vsw-b']);
    expect(r.vpcs.get('vpc-1')).toMatchObject({ vRouterId: 'vrt-1', routeTableId: 'vtb-vpc' });
    expect(r.vbrs.get('vbr-1')).toMatchObject({
      routeTableId: 'vtb-vbr',
      vlanInterfaceId: 'ri-vlan',
      status: 'active',
    });
    expect(r.routerInterfaces.get('ri-vpc')).toMatchObject({
      routerType: 'VRouter',
      routerId: 'vrt-1',
      oppositeInterfaceId: 'ri-vbr',
      oppositeRouterId: 'vbr-1',
      oppositeRouterType: 'VBR',
    });
    expect(r.routerInterfaces.get('ri-vbr')).toMatchObject({
      routerType: 'VBR',
      routerId: 'vbr-1',
      oppositeInterfaceId: 'ri-vpc',
      oppositeRouterId: 'vrt-1',
      oppositeVpcId: 'vpc-1',
    });
  });

  it('gives the VPC table System entries for 100.64.0.0/10 and each vSwitch block (IPv4 and IPv6)', () => {
    const { state } = makeState();
    const table = state.vpc.records.routeTables.get('vtb-vpc')!;
    const system = [...table.entries.values()].map((e) => [
      e.destination.toString(),
      e.type,
      e.nextHopType,
      e.status,
    ]);
    expect(system).toEqual([
      ['100.64.0.0/10', 'System', 'service', 'Available'],
      ['192.168.1.0/24', 'System', 'local', 'Available'],
      ['2408:4000:1000:ab01::/64', 'System', 'local', 'Available'],
      ['192.168.2.0/29', 'System', 'local', 'Available'],
    ]);
    expect(state.vpc.records.routeTables.get('vtb-vbr')!.entries.size).toBe(0);
  });

  it('generates ids in the API form when absent', () => {
    const state = new EmulatorState({ clock: new FakeClock() });
    state.vpc.seed({
      vpcs: [{ cidr: '10.0.0.0/16', vSwitches: [{ zoneId: 'z', cidr: '10.0.1.0/24' }] }],
      vbrs: [{}],
    });
    const v = [...state.vpc.records.vpcs.values()][0]!;
    expect(v.id).toMatch(/^vpc-[a-z0-9]{24}$/);
    expect(v.vRouterId).toMatch(/^vrt-/);
    expect(v.routeTableId).toMatch(/^vtb-/);
    expect([...state.vpc.records.vSwitches.keys()][0]).toMatch(/^vsw-/);
    const b = [...state.vpc.records.vbrs.values()][0]!;
    expect(b.vlanInterfaceId).toMatch(/^ri-/);
    expect(b.physicalConnectionId).toMatch(/^pc-/);
  });

  it('creates the missing end of a pair from a VBR interface naming a VPC', () => {
    const state = new EmulatorState({ clock: new FakeClock() });
    state.vpc.seed({
      vpcs: [vpc({ vRouterId: 'vrt-1' })],
      vbrs: [{ id: 'vbr-1', routerInterfaces: [{ id: 'ri-vbr', oppositeRouterId: 'vpc-1' }] }],
    });
    const ri = state.vpc.records.routerInterfaces.get('ri-vbr')!;
    const vpcSide = state.vpc.records.routerInterfaces.get(ri.oppositeInterfaceId!)!;
    expect(vpcSide).toMatchObject({
      routerType: 'VRouter',
      routerId: 'vrt-1',
      vpcId: 'vpc-1',
      oppositeInterfaceId: 'ri-vbr',
    });
  });

  it('pairs two interfaces that name each other by router only', () => {
    const state = new EmulatorState({ clock: new FakeClock() });
    state.vpc.seed({
      vpcs: [vpc({ vRouterId: 'vrt-1', routerInterfaces: [{ id: 'ri-a', oppositeRouterId: 'vbr-1' }] })],
      vbrs: [{ id: 'vbr-1', routerInterfaces: [{ id: 'ri-b', oppositeRouterId: 'vrt-1' }] }],
    });
    expect(state.vpc.records.routerInterfaces.size).toBe(2);
    expect(state.vpc.records.routerInterfaces.get('ri-a')!.oppositeInterfaceId).toBe('ri-b');
    expect(state.vpc.records.routerInterfaces.get('ri-b')!.oppositeInterfaceId).toBe('ri-a');
  });

  it('seeds route entries Available, with quotas and the busy code', () => {
    const { state } = makeState({
      ...TOPOLOGY,
      routeEntries: [
        {
          id: 'rte-dc',
          routeTableId: 'vtb-vbr',
          destinationCidrBlock: '10.244.0.0/24',
          nextHopType: 'RouterInterface',
          nextHopId: 'ri-vlan',
        },
      ],
      quotas: { routeEntriesPerTable: 7, bgpPeersPerVbr: 2 },
      routeTableBusyCode: 'TaskConflict',
    });
    expect(state.vpc.records.entry('rte-dc')?.entry).toMatchObject({ status: 'Available', type: 'Custom' });
    expect(state.vpc.records.routeTables.get('vtb-vbr')!.quota).toBe(7);
    expect(state.vpc.records.bgpPeersPerVbr).toBe(2);
    expect(state.vpc.routeTableBusyCode).toBe('TaskConflict');
  });

  it('reports mistakes by path', () => {
    expect(seedError({ vpcs: [vpc(), vpc()] }).message).toMatch(/vpcs\.1\.id: id vpc-1 is already in use/);
    expect(seedError({ vpcs: [vpc({ vSwitches: [{ zoneId: 'z', cidr: '10.1.0.0/24' }] })] }).message).toMatch(
      /vpcs\.0\.vSwitches\.0: InvalidParameter/,
    );
    expect(
      seedError({
        vpcs: [
          vpc({
            vSwitches: [
              { zoneId: 'z', cidr: '10.0.0.0/24' },
              { zoneId: 'z', cidr: '10.0.0.0/25' },
            ],
          }),
        ],
      }).message,
    ).toMatch(/vSwitches\.1: InvalidCidrBlock\.Overlapped/);
    expect(seedError({ vpcs: [vpc({ routerInterfaces: [{ oppositeRouterId: 'vbr-x' }] })] }).message).toMatch(
      /routerInterfaces\.0\.oppositeRouterId: no VPC, vRouter or VBR vbr-x/,
    );
    expect(
      seedError({
        vpcs: [
          vpc(),
          { id: 'vpc-2', cidr: '10.1.0.0/16', routerInterfaces: [{ oppositeRouterId: 'vpc-1' }] },
        ],
      }).message,
    ).toMatch(/links a VPC with a VBR/);
    expect(
      seedError({
        ...TOPOLOGY,
        routeEntries: [
          {
            routeTableId: 'vtb-vbr',
            destinationCidrBlock: '10.0.0.0/8',
            nextHopType: 'RouterInterface',
            nextHopId: 'ri-vpc',
          },
        ],
      }).message,
    ).toMatch(/routeEntries\.0: InvalidNextHop\.NotFound/);
    expect(seedError({ vpcs: [{ cidr: 'nope' }] }).message).toMatch(/vpcs\.0\.cidr/);
  });
});
