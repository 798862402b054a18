import type { Cidr } from '@edgeway/core';
import type { VSwitchAddresses } from './vswitch-addresses.js';

/** The router a route table belongs to (`DescribeRouteTables` `RouterType`): a VPC's vRouter or a VBR. */
export type RouterType = 'VRouter' | 'VBR';

/**
 * Route entry `Status` (DescribeRouteEntryList): `Pending` after CreateRouteEntry, `Available` once programmed,
 * `Modifying`, `Deleting` after DeleteRouteEntry (then gone).
 */
export type RouteEntryStatus = 'Pending' | 'Available' | 'Modifying' | 'Deleting';

/** Route entry `Type`: vSwitch and cloud-service routes are `System`; CreateRouteEntry makes `Custom` ones. */
export type RouteEntryType = 'System' | 'Custom' | 'BGP';

/** Status of BGP groups, peers and networks (DescribeBgpPeers `Status`). */
export type BgpResourceStatus = 'Pending' | 'Available' | 'Modifying' | 'Deleting';

/** A BGP session's state as DescribeBgpPeers reports it in `BgpStatus`. */
export type BgpSessionStatus =
  | 'Idle'
  | 'Connect'
  | 'Active'
  | 'OpenSent'
  | 'OpenConfirm'
  | 'Established'
  | 'Down';

/** VBR `Status` (DescribeVirtualBorderRouters). Only `active` VBRs take route entries. */
export type VbrStatus = 'unconfirmed' | 'active' | 'terminating' | 'terminated' | 'recovering' | 'deleting';

/** A VPC. */
export interface VpcRecord {
  readonly id: string;
  readonly seq: number;
  readonly cidr: Cidr;
  readonly ipv6Cidr: Cidr | undefined;
  readonly vRouterId: string;
  /** The VPC's system route table. */
  readonly routeTableId: string;
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
  readonly createdAt: number;
}

/** A vSwitch and its address pools. */
export interface VSwitchRecord {
  readonly id: string;
  readonly seq: number;
  readonly vpcId: string;
  readonly zoneId: string;
  readonly cidr: Cidr;
  readonly ipv6Cidr: Cidr | undefined;
  readonly name: string;
  readonly description: string;
  readonly createdAt: number;
  readonly addresses: VSwitchAddresses;
  readonly addresses6: VSwitchAddresses | undefined;
}

/** A route table of a vRouter (one system table per VPC) or of a VBR. */
export interface RouteTableRecord {
  readonly id: string;
  readonly seq: number;
  readonly routerType: RouterType;
  /** The vRouter id (`vrt-…`) or the VBR id (`vbr-…`). */
  readonly routerId: string;
  /** The VPC of a vRouter table. */
  readonly vpcId: string | undefined;
  readonly name: string;
  readonly description: string;
  readonly createdAt: number;
  /** Custom entries allowed (`QuotaExceeded` beyond). */
  readonly quota: number;
  /** Entries by id, in creation order. */
  readonly entries: Map<string, RouteEntryRecord>;
}

/** One route entry. */
export interface RouteEntryRecord {
  readonly id: string;
  readonly seq: number;
  readonly routeTableId: string;
  readonly destination: Cidr;
  readonly type: RouteEntryType;
  /** `local` / `service` for system entries, else the CreateRouteEntry `NextHopType`. */
  readonly nextHopType: string;
  /** Empty for system entries. */
  readonly nextHopId: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: number;
  status: RouteEntryStatus;
  modifiedAt: number;
}

/** One end of a router interface pair (a VPC's vRouter ↔ a VBR). */
export interface RouterInterfaceRecord {
  readonly id: string;
  readonly seq: number;
  readonly routerType: RouterType;
  readonly routerId: string;
  /** The VPC of a vRouter-side interface. */
  readonly vpcId: string | undefined;
  readonly name: string;
  readonly description: string;
  readonly role: 'InitiatingSide' | 'AcceptingSide';
  readonly spec: string;
  readonly createdAt: number;
  status: string;
  oppositeRouterType: RouterType | undefined;
  oppositeRouterId: string | undefined;
  oppositeInterfaceId: string | undefined;
  oppositeVpcId: string | undefined;
}

/** A Virtual Border Router on a physical connection. */
export interface VbrRecord {
  readonly id: string;
  readonly seq: number;
  readonly name: string;
  readonly description: string;
  readonly routeTableId: string;
  /** The VBR's interface towards the physical connection (`ri-…`), usable as a VBR route's next hop. */
  readonly vlanInterfaceId: string;
  readonly vlanId: number;
  readonly physicalConnectionId: string;
  readonly accessPointId: string;
  readonly circuitCode: string;
  readonly localGatewayIp: string;
  readonly peerGatewayIp: string;
  readonly peeringSubnetMask: string;
  readonly createdAt: number;
  status: VbrStatus;
  physicalConnectionStatus: string;
  businessStatus: string;
}

/** A BGP group of a VBR. */
export interface BgpGroupRecord {
  readonly id: string;
  readonly seq: number;
  readonly routerId: string;
  readonly name: string;
  readonly description: string;
  readonly peerAsn: number;
  readonly localAsn: number;
  readonly authKey: string;
  readonly ipVersion: 'IPv4' | 'IPv6';
  readonly isFake: boolean;
  readonly routeLimit: number;
  readonly hold: number;
  readonly keepalive: number;
  readonly createdAt: number;
  status: BgpResourceStatus;
}

/** A BGP peer (neighbour) of a BGP group. */
export interface BgpPeerRecord {
  readonly id: string;
  readonly seq: number;
  readonly groupId: string;
  readonly routerId: string;
  readonly peerIpAddress: string;
  readonly enableBfd: boolean;
  readonly bfdMultiHop: number;
  readonly ipVersion: 'IPv4' | 'IPv6';
  status: BgpResourceStatus;
  bgpStatus: BgpSessionStatus;
  receivedRouteCount: number;
  advertisedRouteCount: number;
  modifiedAt: number;
}

/** A network a VBR advertises over BGP (AddBgpNetwork). */
export interface BgpNetworkRecord {
  readonly seq: number;
  readonly routerId: string;
  readonly vpcId: string;
  readonly destination: Cidr;
  status: BgpResourceStatus;
}

/** What `VpcDomain.vpc(id)` returns. */
export interface VpcView {
  readonly id: string;
  readonly cidr: Cidr;
  readonly ipv6Cidr?: Cidr | undefined;
  readonly vRouterId: string;
  readonly routeTableId: string;
  readonly name: string;
  readonly vSwitchIds: readonly string[];
}

/** What `VpcDomain.vswitch(id)` returns. */
export interface VSwitchView {
  readonly id: string;
  readonly vpcId: string;
  readonly zoneId: string;
  readonly cidr: Cidr;
  readonly ipv6Cidr?: Cidr | undefined;
  readonly name: string;
  /** The vSwitch gateway: the third-last address of the block (`x.x.x.253` in a /24), as ECS metadata reports it. */
  readonly gateway: string;
}
