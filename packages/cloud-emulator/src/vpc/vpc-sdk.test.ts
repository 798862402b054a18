// The VPC actions through the OFFICIAL SDK only (`@alicloud/vpc20160428` on `@alicloud/openapi-client`), against
// a running emulator on loopback with a fake clock for the asynchronous transitions.
import { FakeClock } from '@edgeway/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { failure as sdkError } from '../server/sdk-test-support.js';
import type { ChangeEvent } from '../state/events.js';
import { TEST_TIMINGS, TOPOLOGY } from './vpc-test-support.js';
import type { VpcTopologyInput } from './vpc-topology.js';

process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';

type VpcModule = typeof import('@alicloud/vpc20160428');
type VpcClient = import('@alicloud/vpc20160428').default;

const REGION = 'cn-hangzhou';
let running: Emulator | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** An emulator with `topology`, an SDK client signed with its keys, the models, and the fake clock. */
async function start(topology: VpcTopologyInput = TOPOLOGY) {
  const clock = new FakeClock(Date.now());
  const emu = await startEmulator({
    clock,
    timings: TEST_TIMINGS,
    topology: { regionId: REGION, vpc: topology },
  });
  running = emu;
  // `(await import('@alicloud/vpc20160428')).default.default` under Node's ESM loader; `.default` under some interops.
  const mod = (await import('@alicloud/vpc20160428')) as unknown as { default: { default?: unknown } };
  const V = (typeof mod.default === 'function' ? mod : mod.default) as VpcModule;
  const Vpc = (typeof mod.default === 'function' ? mod.default : mod.default.default) as new (
    c: unknown,
  ) => VpcClient;
  const { Config } = await import('@alicloud/openapi-client');
  const client = new Vpc(
    new Config({
      accessKeyId: emu.credentials.accessKeyId,
      accessKeySecret: emu.credentials.accessKeySecret,
      endpoint: emu.endpoint,
      protocol: 'http',
      regionId: REGION,
    }),
  );
  const events: ChangeEvent[] = [];
  emu.subscribe((e) => events.push(e));
  return { emu, clock, client, V, events };
}

describe('VPC API through the official SDK', () => {
  it('DescribeVpcs and DescribeVSwitches, AvailableIpAddressCount following allocations', async () => {
    const { emu, client, V } = await start();
    const vpcs = await client.describeVpcs(new V.DescribeVpcsRequest({ regionId: REGION }));
    expect(vpcs.statusCode).toBe(200);
    expect(vpcs.body!.totalCount).toBe(1);
    const vpc = vpcs.body!.vpcs!.vpc![0]!;
    expect([vpc.vpcId, vpc.cidrBlock, vpc.VRouterId, vpc.vSwitchIds!.vSwitchId]).toEqual([
      'vpc-1',
      '192.168.0.0/16',
      'vrt-1',
      ['vsw-a', 'vsw-b'],
    ]);
    const count = async () =>
      (
        await client.describeVSwitches(
          new V.DescribeVSwitchesRequest({ regionId: REGION, vSwitchId: 'vsw-a' }),
        )
      ).body!.vSwitches!.vSwitch![0]!.availableIpAddressCount;
    expect(await count()).toBe(252);
    emu.state.vpc.allocateIp('vsw-a');
    emu.state.vpc.allocateIp('vsw-a');
    expect(await count()).toBe(250);
    const sw = (
      await client.describeVSwitches(
        new V.DescribeVSwitchesRequest({ vpcId: 'vpc-1', pageSize: 1, pageNumber: 2 }),
      )
    ).body!;
    expect([sw.totalCount, sw.vSwitches!.vSwitch![0]!.vSwitchId, sw.vSwitches!.vSwitch![0]!.zoneId]).toEqual([
      2,
      'vsw-b',
      'cn-hangzhou-i',
    ]);
  });

  it('DescribeVirtualBorderRouters with Filter gives the route table and VLAN interface', async () => {
    const { client, V } = await start();
    const res = await client.describeVirtualBorderRouters(
      new V.DescribeVirtualBorderRoutersRequest({
        regionId: REGION,
        filter: [
          new V.DescribeVirtualBorderRoutersRequestFilter({ key: 'VbrId', value: ['vbr-1', 'vbr-x'] }),
        ],
      }),
    );
    const vbr = res.body!.virtualBorderRouterSet!.virtualBorderRouterType![0]!;
    expect([res.body!.totalCount, vbr.vbrId, vbr.routeTableId, vbr.vlanInterfaceId, vbr.status]).toEqual([
      1,
      'vbr-1',
      'vtb-vbr',
      'ri-vlan',
      'active',
    ]);
    expect([vbr.physicalConnectionStatus, vbr.physicalConnectionBusinessStatus, vbr.vlanId]).toEqual([
      'Enabled',
      'Normal',
      100,
    ]);
    const none = await client.describeVirtualBorderRouters(
      new V.DescribeVirtualBorderRoutersRequest({
        regionId: REGION,
        filter: [new V.DescribeVirtualBorderRoutersRequestFilter({ key: 'Status', value: ['terminated'] })],
      }),
    );
    expect(none.body!.virtualBorderRouterSet!.virtualBorderRouterType).toEqual([]);
  });

  it('CreateRouteEntry on the VBR table: Pending, Available after the delay, one write at a time, then deleted', async () => {
    const { clock, client, V, events } = await start();
    const create = (dest: string) =>
      client.createRouteEntry(
        new V.CreateRouteEntryRequest({
          regionId: REGION,
          routeTableId: 'vtb-vbr',
          destinationCidrBlock: dest,
          nextHopType: 'RouterInterface',
          nextHopId: 'ri-vlan',
          clientToken: `token-${dest}`,
        }),
      );
    const id = (await create('10.244.1.0/24')).body!.routeEntryId!;
    const list = async () =>
      (
        await client.describeRouteEntryList(
          new V.DescribeRouteEntryListRequest({ regionId: REGION, routeTableId: 'vtb-vbr' }),
        )
      ).body!.routeEntrys!.routeEntry!;
    expect((await list()).map((e) => [e.routeEntryId, e.status])).toEqual([[id, 'Pending']]);
    expect((await sdkError(create('10.244.2.0/24'))).code).toBe('IncorrectRouteEntryStatus');
    // A retry with the same ClientToken returns the first answer.
    expect((await create('10.244.1.0/24')).body!.routeEntryId).toBe(id);
    clock.advance(1000);
    const entry = (await list())[0]!;
    expect([entry.status, entry.type, entry.destinationCidrBlock]).toEqual([
      'Available',
      'Custom',
      '10.244.1.0/24',
    ]);
    expect([entry.nextHops!.nextHop![0]!.nextHopType, entry.nextHops!.nextHop![0]!.nextHopId]).toEqual([
      'RouterInterface',
      'ri-vlan',
    ]);
    expect(
      events.filter((e) => e.kind === 'RouteEntry').map((e) => [e.change, e.status, e.resource.RouterType]),
    ).toEqual([
      ['created', 'Pending', 'VBR'],
      ['updated', 'Available', 'VBR'],
    ]);

    await client.deleteRouteEntry(new V.DeleteRouteEntryRequest({ regionId: REGION, routeEntryId: id }));
    expect((await list())[0]!.status).toBe('Deleting');
    const again = await sdkError(
      client.deleteRouteEntry(new V.DeleteRouteEntryRequest({ regionId: REGION, routeEntryId: id })),
    );
    expect([again.code, again.statusCode]).toEqual(['IncorrectRouteEntryStatus', 400]);
    clock.advance(500);
    expect(await list()).toEqual([]);
    const gone = await sdkError(
      client.deleteRouteEntry(new V.DeleteRouteEntryRequest({ regionId: REGION, routeEntryId: id })),
    );
    expect(gone.code).toBe('InvalidRouteEntryId.NotFound');
  });

  it('refuses VBR next hops that are not the VBR own interfaces, and duplicates', async () => {
    const { clock, client, V } = await start();
    const req = (nextHopId: string, nextHopType = 'RouterInterface') =>
      new V.CreateRouteEntryRequest({
        regionId: REGION,
        routeTableId: 'vtb-vbr',
        destinationCidrBlock: '192.168.0.0/16',
        nextHopType,
        nextHopId,
      });
    expect((await sdkError(client.createRouteEntry(req('ri-vpc')))).code).toBe('InvalidNextHop.NotFound');
    expect((await sdkError(client.createRouteEntry(req('i-1', 'Instance')))).code).toBe('InvalidNextHopType');
    await client.createRouteEntry(req('ri-vbr'));
    clock.advance(1000);
    expect((await sdkError(client.createRouteEntry(req('ri-vbr')))).code).toBe('Duplicated.VpcNextHop');
    expect((await sdkError(client.createRouteEntry(req('ri-vlan')))).code).toBe('InvalidCIDRBlock.Duplicate');
    const inVSwitch = await sdkError(
      client.createRouteEntry(
        new V.CreateRouteEntryRequest({
          routeTableId: 'vtb-vpc',
          destinationCidrBlock: '192.168.1.0/25',
          nextHopType: 'RouterInterface',
          nextHopId: 'ri-vpc',
        }),
      ),
    );
    expect(inVSwitch.code).toBe('InvalidCidrBlock');
    const malformed = await sdkError(
      client.createRouteEntry(
        new V.CreateRouteEntryRequest({ routeTableId: 'vtb-vpc', destinationCidrBlock: '10.0.0/8' }),
      ),
    );
    expect([malformed.code, malformed.message]).toEqual([
      'InvalidCidrBlock.Malformed',
      expect.stringContaining('DestinationCidrBlock'),
    ]);
  });

  it('DescribeRouteEntryList pages with MaxResult and NextToken', async () => {
    const { client, V } = await start({
      ...TOPOLOGY,
      routeEntries: [1, 2, 3, 4, 5].map((i) => ({
        routeTableId: 'vtb-vbr',
        destinationCidrBlock: `10.${i}.0.0/16`,
        nextHopType: 'RouterInterface',
        nextHopId: 'ri-vlan',
      })),
    });
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const res = await client.describeRouteEntryList(
        new V.DescribeRouteEntryListRequest({
          regionId: REGION,
          routeTableId: 'vtb-vbr',
          maxResult: 2,
          nextToken,
        }),
      );
      expect(res.body!.totalCount).toBe(5);
      seen.push(...res.body!.routeEntrys!.routeEntry!.map((e) => e.destinationCidrBlock!));
      nextToken = res.body!.nextToken || undefined;
      pages++;
    } while (nextToken);
    expect([pages, seen]).toEqual([
      3,
      ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16'],
    ]);
    const err = await sdkError(
      client.describeRouteEntryList(new V.DescribeRouteEntryListRequest({ regionId: REGION })),
    );
    expect([err.code, err.message]).toEqual(['MissingParameter', expect.stringContaining('RouteTableId')]);
  });

  it('DescribeRouteTables (VBR, with entries), DescribeRouteTableList and DescribeRouterInterfaces', async () => {
    const { client, V } = await start();
    const tables = await client.describeRouteTables(
      new V.DescribeRouteTablesRequest({ regionId: REGION, routerType: 'VBR', routerId: 'vbr-1' }),
    );
    const t = tables.body!.routeTables!.routeTable![0]!;
    expect([tables.body!.totalCount, t.routeTableId, t.VRouterId, t.routeEntrys!.routeEntry]).toEqual([
      1,
      'vtb-vbr',
      'vbr-1',
      [],
    ]);
    const vpcTable = await client.describeRouteTables(
      new V.DescribeRouteTablesRequest({ regionId: REGION, VRouterId: 'vrt-1' }),
    );
    const entries = vpcTable.body!.routeTables!.routeTable![0]!.routeEntrys!.routeEntry!;
    expect(entries.map((e) => [e.destinationCidrBlock, e.type])).toContainEqual(['192.168.1.0/24', 'System']);
    const list = await client.describeRouteTableList(
      new V.DescribeRouteTableListRequest({ regionId: REGION, routerType: 'VBR' }),
    );
    const item = list.body!.routerTableList!.routerTableListType![0]!;
    expect([item.routeTableId, item.routerType, item.routerId]).toEqual(['vtb-vbr', 'VBR', 'vbr-1']);
    const ris = await client.describeRouterInterfaces(
      new V.DescribeRouterInterfacesRequest({
        regionId: REGION,
        filter: [new V.DescribeRouterInterfacesRequestFilter({ key: 'RouterId', value: ['vbr-1'] })],
      }),
    );
    const ri = ris.body!.routerInterfaceSet!.routerInterfaceType![0]!;
    expect([
      ri.routerInterfaceId,
      ri.oppositeInterfaceId,
      ri.oppositeRouterId,
      ri.oppositeRouterType,
    ]).toEqual(['ri-vbr', 'ri-vpc', 'vrt-1', 'VRouter']);
  });

  it('BGP groups, peers and networks: Pending → Available, BgpStatus, DependencyViolation, OperationConflict', async () => {
    const { emu, clock, client, V } = await start();
    const groupId = (
      await client.createBgpGroup(
        new V.CreateBgpGroupRequest({ regionId: REGION, routerId: 'vbr-1', peerAsn: 65010, name: 'dc' }),
      )
    ).body!.bgpGroupId!;
    const conflict = await sdkError(
      client.createBgpPeer(
        new V.CreateBgpPeerRequest({ regionId: REGION, bgpGroupId: groupId, peerIpAddress: '10.0.0.2' }),
      ),
    );
    expect(conflict.code).toBe('OperationConflict');
    clock.advance(300);
    const peerId = (
      await client.createBgpPeer(
        new V.CreateBgpPeerRequest({
          regionId: REGION,
          bgpGroupId: groupId,
          peerIpAddress: '10.0.0.2',
          enableBfd: true,
        }),
      )
    ).body!.bgpPeerId!;
    clock.advance(300);
    const describe = async () =>
      (await client.describeBgpPeers(new V.DescribeBgpPeersRequest({ regionId: REGION, routerId: 'vbr-1' })))
        .body!.bgpPeers!.bgpPeer![0]!;
    let p = await describe();
    expect([p.bgpPeerId, p.status, p.bgpStatus, p.peerAsn, p.localAsn, p.enableBfd]).toEqual([
      peerId,
      'Available',
      'Idle',
      '65010',
      '45104',
      true,
    ]);
    emu.state.vpc.setBgpPeerStatus(peerId, 'Established', { received: 2, advertised: 1 });
    p = await describe();
    expect([p.bgpStatus, p.receivedRouteCount, p.advertisedRouteCount]).toEqual(['Established', 2, 1]);
    const groups = await client.describeBgpGroups(
      new V.DescribeBgpGroupsRequest({ regionId: REGION, routerId: 'vbr-1' }),
    );
    expect(groups.body!.bgpGroups!.bgpGroup!.map((g) => [g.bgpGroupId, g.status, g.peerAsn])).toEqual([
      [groupId, 'Available', '65010'],
    ]);

    await client.addBgpNetwork(
      new V.AddBgpNetworkRequest({
        regionId: REGION,
        routerId: 'vbr-1',
        dstCidrBlock: '192.168.0.0/16',
        vpcId: 'vpc-1',
      }),
    );
    clock.advance(300);
    const nets = await client.describeBgpNetworks(
      new V.DescribeBgpNetworksRequest({ regionId: REGION, routerId: 'vbr-1' }),
    );
    expect(nets.body!.bgpNetworks!.bgpNetwork!.map((n) => [n.dstCidrBlock, n.vpcId, n.status])).toEqual([
      ['192.168.0.0/16', 'vpc-1', 'Available'],
    ]);

    const dependent = await sdkError(
      client.deleteBgpGroup(new V.DeleteBgpGroupRequest({ regionId: REGION, bgpGroupId: groupId })),
    );
    expect(dependent.code).toBe('DependencyViolation.BgpPeer');
    await client.deleteBgpPeer(new V.DeleteBgpPeerRequest({ regionId: REGION, bgpPeerId: peerId }));
    clock.advance(300);
    await client.deleteBgpNetwork(
      new V.DeleteBgpNetworkRequest({ regionId: REGION, routerId: 'vbr-1', dstCidrBlock: '192.168.0.0/16' }),
    );
    clock.advance(300);
    await client.deleteBgpGroup(new V.DeleteBgpGroupRequest({ regionId: REGION, bgpGroupId: groupId }));
    clock.advance(300);
    const after = await client.describeBgpGroups(new V.DescribeBgpGroupsRequest({ regionId: REGION }));
    expect(after.body!.totalCount).toBe(0);
  });

  it('CreateVSwitch and DeleteVSwitch, and not-found codes with their HTTP status', async () => {
    const { client, V } = await start();
    const id = (
      await client.createVSwitch(
        new V.CreateVSwitchRequest({
          regionId: REGION,
          vpcId: 'vpc-1',
          zoneId: 'cn-hangzhou-k',
          cidrBlock: '192.168.64.0/18',
        }),
      )
    ).body!.vSwitchId!;
    const sw = await client.describeVSwitches(
      new V.DescribeVSwitchesRequest({ regionId: REGION, vSwitchId: id }),
    );
    expect(sw.body!.vSwitches!.vSwitch![0]!.availableIpAddressCount).toBe(16380);
    await client.deleteVSwitch(new V.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: id }));
    const gone = await sdkError(
      client.deleteVSwitch(new V.DeleteVSwitchRequest({ regionId: REGION, vSwitchId: id })),
    );
    expect([gone.code, gone.statusCode]).toEqual(['InvalidVSwitchId.NotFound', 404]);
    const table = await sdkError(
      client.describeRouteEntryList(
        new V.DescribeRouteEntryListRequest({ regionId: REGION, routeTableId: 'vtb-none' }),
      ),
    );
    expect([table.code, table.statusCode]).toEqual(['InvalidRouteTableId.NotFound', 404]);
    const region = await sdkError(client.describeVpcs(new V.DescribeVpcsRequest({ regionId: 'cn-beijing' })));
    expect(region.code).toBe('InvalidRegionId.NotFound');
  });
});
