import { apiTime } from '../state/ids.js';
import type {
  BgpGroupRecord,
  BgpNetworkRecord,
  BgpPeerRecord,
  RouteEntryRecord,
  RouterInterfaceRecord,
  RouteTableRecord,
  VbrRecord,
  VpcRecord,
  VSwitchRecord,
} from './vpc-model.js';
import type { VpcRecords } from './vpc-records.js';

/**
 * Records as the VPC API's `Describe*` answers show them, with the field names the official SDK's response models
 * read (`@alicloud/vpc20160428` `*ResponseBody` `names()`): lists wrapped as `{ Vpc: [...] }`, numbers where the
 * model has `number`, strings where it has `string` (DescribeBgpGroups prints ASNs as strings).
 */
export interface RenderContext {
  readonly records: VpcRecords;
  readonly regionId: string;
}

type Json = Record<string, unknown>;

/** DescribeVpcs `Vpcs.Vpc[]`. */
export function renderVpc(ctx: RenderContext, v: VpcRecord): Json {
  return {
    VpcId: v.id,
    VpcName: v.name,
    Description: v.description,
    CidrBlock: v.cidr.toString(),
    Ipv6CidrBlock: v.ipv6Cidr?.toString() ?? '',
    Ipv6CidrBlocks: {
      Ipv6CidrBlock: v.ipv6Cidr ? [{ Ipv6CidrBlock: v.ipv6Cidr.toString(), Ipv6Isp: 'BGP' }] : [],
    },
    EnabledIpv6: v.ipv6Cidr !== undefined,
    Status: 'Available',
    RegionId: ctx.regionId,
    VRouterId: v.vRouterId,
    CreationTime: apiTime(v.createdAt),
    IsDefault: v.isDefault,
    CenStatus: 'Detached',
    DnsHostnameStatus: 'DISABLED',
    VSwitchIds: { VSwitchId: ctx.records.vSwitchesOf(v.id).map((s) => s.id) },
    RouterTableIds: { RouterTableIds: [v.routeTableId] },
    NatGatewayIds: { NatGatewayIds: [] },
    SecondaryCidrBlocks: { SecondaryCidrBlock: [] },
    UserCidrs: { UserCidr: [] },
    Tags: { Tag: [] },
  };
}

/** DescribeVSwitches `VSwitches.VSwitch[]`, with `AvailableIpAddressCount` from the vSwitch's address pool. */
export function renderVSwitch(ctx: RenderContext, s: VSwitchRecord): Json {
  const vpc = ctx.records.vpcs.get(s.vpcId);
  return {
    VSwitchId: s.id,
    VSwitchName: s.name,
    Description: s.description,
    VpcId: s.vpcId,
    ZoneId: s.zoneId,
    CidrBlock: s.cidr.toString(),
    Ipv6CidrBlock: s.ipv6Cidr?.toString() ?? '',
    EnabledIpv6: s.ipv6Cidr !== undefined,
    AvailableIpAddressCount: Number(s.addresses.available),
    Status: 'Available',
    IsDefault: false,
    CreationTime: apiTime(s.createdAt),
    NetworkAclId: '',
    RouteTable: { RouteTableId: vpc?.routeTableId ?? '', RouteTableType: 'System' },
    Tags: { Tag: [] },
  };
}

/** One next hop of an entry, as DescribeRouteEntryList shows it (with `NextHopRelatedInfo`). */
function nextHop(ctx: RenderContext, e: RouteEntryRecord): Json {
  const hop: Json = {
    NextHopType: e.nextHopType,
    NextHopId: e.nextHopId,
    Enabled: 1,
    Weight: 0,
    NextHopRegionId: ctx.regionId,
  };
  const ri = e.nextHopType === 'RouterInterface' ? ctx.records.routerInterfaces.get(e.nextHopId) : undefined;
  hop.NextHopRelatedInfo =
    ri?.oppositeRouterId !== undefined
      ? {
          InstanceId:
            ri.oppositeRouterType === 'VRouter'
              ? (ri.oppositeVpcId ?? ri.oppositeRouterId)
              : ri.oppositeRouterId,
          InstanceType: ri.oppositeRouterType === 'VRouter' ? 'VPC' : 'VBR',
          RegionId: ctx.regionId,
        }
      : {};
  return hop;
}

/** DescribeRouteEntryList `RouteEntrys.RouteEntry[]`. */
export function renderRouteEntry(ctx: RenderContext, e: RouteEntryRecord): Json {
  return {
    RouteEntryId: e.id,
    RouteTableId: e.routeTableId,
    DestinationCidrBlock: e.destination.toString(),
    Type: e.type,
    Status: e.status,
    RouteEntryName: e.name,
    Description: e.description,
    IpVersion: e.destination.family === 4 ? 'ipv4' : 'ipv6',
    GmtModified: apiTime(e.modifiedAt),
    NextHops: { NextHop: [nextHop(ctx, e)] },
  };
}

/** DescribeRouteTables `RouteTables.RouteTable[].RouteEntrys.RouteEntry[]` (no `NextHopRelatedInfo` there). */
export function renderTableRouteEntry(e: RouteEntryRecord): Json {
  return {
    RouteEntryId: e.id,
    RouteTableId: e.routeTableId,
    DestinationCidrBlock: e.destination.toString(),
    Type: e.type,
    Status: e.status,
    RouteEntryName: e.name,
    Description: e.description,
    NextHopType: e.nextHopType,
    InstanceId: e.nextHopId,
    NextHops: { NextHop: [{ NextHopType: e.nextHopType, NextHopId: e.nextHopId, Enabled: 1, Weight: 0 }] },
  };
}

function tableVSwitchIds(ctx: RenderContext, t: RouteTableRecord): string[] {
  return t.vpcId === undefined ? [] : ctx.records.vSwitchesOf(t.vpcId).map((s) => s.id);
}

/** DescribeRouteTables `RouteTables.RouteTable[]`, with every entry. */
export function renderRouteTable(ctx: RenderContext, t: RouteTableRecord): Json {
  return {
    RouteTableId: t.id,
    RouteTableType: 'System',
    VRouterId: t.routerId,
    Status: 'Available',
    CreationTime: apiTime(t.createdAt),
    VSwitchIds: { VSwitchId: tableVSwitchIds(ctx, t) },
    RouteEntrys: { RouteEntry: [...t.entries.values()].map(renderTableRouteEntry) },
  };
}

/** DescribeRouteTableList `RouterTableList.RouterTableListType[]` (no entries). */
export function renderRouteTableListItem(ctx: RenderContext, t: RouteTableRecord): Json {
  return {
    RouteTableId: t.id,
    RouteTableName: t.name,
    Description: t.description,
    RouteTableType: 'System',
    RouterId: t.routerId,
    RouterType: t.routerType,
    VpcId: t.vpcId ?? '',
    Status: 'Available',
    CreationTime: apiTime(t.createdAt),
    AssociateType: 'VSwitch',
    RoutePropagationEnable: true,
    VSwitchIds: { VSwitchId: tableVSwitchIds(ctx, t) },
    GatewayIds: { GatewayIds: [] },
    Tags: { Tag: [] },
  };
}

/** DescribeVirtualBorderRouters `VirtualBorderRouterSet.VirtualBorderRouterType[]`. */
export function renderVbr(_ctx: RenderContext, v: VbrRecord): Json {
  const circuit = {
    PhysicalConnectionId: v.physicalConnectionId,
    PhysicalConnectionStatus: v.physicalConnectionStatus,
    PhysicalConnectionBusinessStatus: v.businessStatus,
    PhysicalConnectionOwnerUid: '',
    VlanId: String(v.vlanId),
    VlanInterfaceId: v.vlanInterfaceId,
    LocalGatewayIp: v.localGatewayIp,
    PeerGatewayIp: v.peerGatewayIp,
    PeeringSubnetMask: v.peeringSubnetMask,
    CircuitCode: v.circuitCode,
    EnableIpv6: false,
    Status: v.status,
  };
  return {
    VbrId: v.id,
    Name: v.name,
    Description: v.description,
    Status: v.status,
    Type: 'pconnVBR',
    RouteTableId: v.routeTableId,
    VlanInterfaceId: v.vlanInterfaceId,
    VlanId: v.vlanId,
    PhysicalConnectionId: v.physicalConnectionId,
    PhysicalConnectionStatus: v.physicalConnectionStatus,
    PhysicalConnectionBusinessStatus: v.businessStatus,
    PhysicalConnectionOwnerUid: '',
    AccessPointId: v.accessPointId,
    CircuitCode: v.circuitCode,
    LocalGatewayIp: v.localGatewayIp,
    PeerGatewayIp: v.peerGatewayIp,
    PeeringSubnetMask: v.peeringSubnetMask,
    EnableIpv6: false,
    Mtu: 1500,
    MinRxInterval: 300,
    MinTxInterval: 300,
    DetectMultiplier: 3,
    CreationTime: apiTime(v.createdAt),
    ActivationTime: apiTime(v.createdAt),
    AssociatedPhysicalConnections: { AssociatedPhysicalConnection: [circuit] },
    AssociatedCens: { AssociatedCen: [] },
    Tags: { Tags: [] },
  };
}

/** DescribeRouterInterfaces `RouterInterfaceSet.RouterInterfaceType[]`. */
export function renderRouterInterface(ctx: RenderContext, r: RouterInterfaceRecord): Json {
  const opposite = r.oppositeInterfaceId
    ? ctx.records.routerInterfaces.get(r.oppositeInterfaceId)
    : undefined;
  return {
    RouterInterfaceId: r.id,
    RouterId: r.routerId,
    RouterType: r.routerType,
    VpcInstanceId: r.vpcId ?? '',
    Name: r.name,
    Description: r.description,
    Role: r.role,
    Spec: r.spec,
    Status: r.status,
    BusinessStatus: 'Normal',
    ChargeType: 'AfterPay',
    CrossBorder: false,
    HasReservationData: 'false',
    CreationTime: apiTime(r.createdAt),
    ConnectedTime: apiTime(r.createdAt),
    OppositeInterfaceId: r.oppositeInterfaceId ?? '',
    OppositeRouterId: r.oppositeRouterId ?? '',
    OppositeRouterType: r.oppositeRouterType ?? '',
    OppositeRegionId: ctx.regionId,
    OppositeVpcInstanceId: r.oppositeVpcId ?? '',
    OppositeInterfaceStatus: opposite?.status ?? '',
    OppositeInterfaceSpec: opposite?.spec ?? '',
    OppositeInterfaceBusinessStatus: opposite ? 'Normal' : '',
    Tags: { Tags: [] },
  };
}

/** DescribeBgpGroups `BgpGroups.BgpGroup[]`. */
export function renderBgpGroup(ctx: RenderContext, g: BgpGroupRecord): Json {
  return {
    BgpGroupId: g.id,
    RouterId: g.routerId,
    Name: g.name,
    Description: g.description,
    PeerAsn: String(g.peerAsn),
    LocalAsn: String(g.localAsn),
    AuthKey: g.authKey,
    IpVersion: g.ipVersion,
    IsFake: String(g.isFake),
    RouteLimit: String(g.routeLimit),
    Hold: String(g.hold),
    Keepalive: String(g.keepalive),
    RegionId: ctx.regionId,
    Status: g.status,
  };
}

/** DescribeBgpPeers `BgpPeers.BgpPeer[]` (group settings shown on each peer, as the API does). */
export function renderBgpPeer(ctx: RenderContext, p: BgpPeerRecord): Json {
  const g = ctx.records.bgpGroups.get(p.groupId);
  return {
    BgpPeerId: p.id,
    BgpGroupId: p.groupId,
    RouterId: p.routerId,
    PeerIpAddress: p.peerIpAddress,
    PeerAsn: String(g?.peerAsn ?? ''),
    LocalAsn: String(g?.localAsn ?? ''),
    AuthKey: g?.authKey ?? '',
    Name: g?.name ?? '',
    Description: g?.description ?? '',
    Hold: String(g?.hold ?? ''),
    Keepalive: String(g?.keepalive ?? ''),
    IsFake: g?.isFake ?? false,
    RouteLimit: String(g?.routeLimit ?? ''),
    IpVersion: p.ipVersion,
    EnableBfd: p.enableBfd,
    BfdMultiHop: p.bfdMultiHop,
    RegionId: ctx.regionId,
    Status: p.status,
    BgpStatus: p.bgpStatus,
    AdvertisedRouteCount: p.advertisedRouteCount,
    ReceivedRouteCount: p.receivedRouteCount,
    GmtModified: apiTime(p.modifiedAt).replace(/:\d{2}Z$/, 'Z'),
  };
}

/** DescribeBgpNetworks `BgpNetworks.BgpNetwork[]`. */
export function renderBgpNetwork(_ctx: RenderContext, n: BgpNetworkRecord): Json {
  return { RouterId: n.routerId, VpcId: n.vpcId, DstCidrBlock: n.destination.toString(), Status: n.status };
}
