import { ApiError } from '../api/api-error.js';
import type { RouterType } from './vpc-model.js';

/**
 * The code CreateRouteEntry / DeleteRouteEntry answer while another entry of the same route table is not stable
 * (Pending, Modifying, Deleting). The CreateRouteEntry and DeleteRouteEntry error tables give
 * `IncorrectRouteEntryStatus` ("The vpc has NotStable routeEntry status." / "VBR has NotStable route entry.") for
 * exactly this; `TaskConflict` ("The operation is too frequent") is their rate complaint. Tooling must retry both.
 * Change per emulator with `VpcDomain.routeTableBusyCode`.
 */
export const ROUTE_TABLE_BUSY_CODE = 'IncorrectRouteEntryStatus';

/**
 * Codes of CreateRouteEntry for a destination the table already holds (CreateRouteEntry error table; the codes
 * public tooling such as terraform-provider-alicloud handles as "already exists"):
 * - `sameRoute`: the same destination with the same next hop on a vRouter table — what a retried create that
 *   already landed sees (`RouterEntryConflict.Duplicated`);
 * - `sameRouteVbr`: the same on a VBR table (`Duplicated.VpcNextHop`, "Route entry nexthop duplicate.");
 * - `sameDestination`: the destination with another next hop (`InvalidCIDRBlock.Duplicate`, "Specified CIDR block
 *   is already exists.").
 */
export const ROUTE_DUPLICATE_CODES = {
  sameRoute: 'RouterEntryConflict.Duplicated',
  sameRouteVbr: 'Duplicated.VpcNextHop',
  sameDestination: 'InvalidCIDRBlock.Duplicate',
} as const;

/**
 * The VPC API's own errors, with the codes, HTTP statuses and messages of the VPC (2016-04-28) API reference
 * pages' error tables (CreateRouteEntry, DeleteRouteEntry, CreateVSwitch, DeleteVSwitch, CreateBgpGroup,
 * CreateBgpPeer, AddBgpNetwork, …) and of the ECS ENI pages for vSwitch address allocation.
 */
export const vpcErrors = {
  regionNotFound: (regionId: string) =>
    new ApiError(
      'InvalidRegionId.NotFound',
      `The specified RegionId "${regionId}" does not exist in our records.`,
      404,
    ),
  vpcNotFound: (id: string) =>
    new ApiError(
      'InvalidVpcId.NotFound',
      `Specified value of VpcId "${id}" is not found in our record.`,
      404,
    ),
  vSwitchNotFound: (id: string) =>
    new ApiError('InvalidVSwitchId.NotFound', `Specified virtual switch "${id}" does not exist.`, 404),
  routeTableNotFound: (id: string) =>
    new ApiError('InvalidRouteTableId.NotFound', `Specified route table "${id}" does not exist.`, 404),
  routeEntryNotFound: (what: string) =>
    new ApiError('InvalidRouteEntry.NotFound', `Route entry not exists: ${what}.`, 400),
  routeEntryIdNotFound: (id: string) =>
    new ApiError('InvalidRouteEntryId.NotFound', `Specified RouteEntryId "${id}" does not exist.`, 400),
  vbrNotFound: (id: string) =>
    new ApiError(
      'InvalidVbrId.NotFound',
      `The specified VirutalBorderRouter "${id}" does not exist in our records.`,
      404,
    ),
  dryRun: () =>
    new ApiError('DryRunOperation', 'Request validation has been passed with DryRun flag set.', 400),

  // Route entries (CreateRouteEntry / DeleteRouteEntry).
  cidrMalformed: (param: string, value: string) =>
    new ApiError(
      'InvalidCidrBlock.Malformed',
      `Specified CIDR block is not valid: the parameter "${param}" ("${value}") is not an IPv4 or IPv6 CIDR block.`,
      400,
    ),
  cidrForbidden: (param: string, value: string, why: string) =>
    new ApiError('InvalidCidrBlock', `Specified CIDR block is not valid: "${param}" ${value} ${why}.`, 400),
  routeTableBusy: (code: string, routerType: RouterType) =>
    new ApiError(
      code,
      routerType === 'VBR'
        ? 'VBR has NotStable route entry.'
        : 'Some route entry status blocked this operation: the vpc has NotStable routeEntry status.',
      400,
    ),
  routeEntryStatus: (id: string, status: string) =>
    new ApiError('IncorrectRouteEntryStatus', `Specified routeEntry status error: ${id} is ${status}.`, 400),
  systemRouteEntry: () =>
    new ApiError('OperationDenied', 'Specified operation is denied as route entry type is system.', 400),
  routeQuotaExceeded: (quota: number) =>
    new ApiError(
      'QuotaExceeded',
      `Route entry quota exceeded in this route table (${quota} custom entries).`,
      400,
    ),
  routeDuplicate: (code: string, destination: string) =>
    new ApiError(code, `A route entry already exists, which CIDR is '${destination}'.`, 400),
  invalidNextHopType: (value: string, why = 'is not valid') =>
    new ApiError('InvalidNextHopType', `Specified parameter "NextHopType" (${value}) ${why}.`, 400),
  nextHopNotFound: (id: string) =>
    new ApiError('InvalidNextHop.NotFound', `Specified next hop "${id}" does not exist.`, 400),
  instanceNotFound: (id: string) =>
    new ApiError('InvalidInstanId.NotFound', `Specified instance "${id}" does not exist.`, 404),
  networkInterfaceNotFound: (id: string) =>
    new ApiError(
      'InvalidNetworkInterface.NotFound',
      `The specified networkInterface "${id}" does not exist.`,
      404,
    ),
  instanceInOtherVpc: (id: string) =>
    new ApiError(
      'OperationFailed.InstanceDismatchCurrentVpc',
      `The specified instance "${id}" does not exist in current vpc.`,
      404,
    ),
  networkInterfaceInOtherVpc: (id: string) =>
    new ApiError(
      'Mismatch.EniIdAndRouteTableId',
      `The operation is not allowed because eni "${id}" and route table not in same vpc.`,
      400,
    ),
  nextHopListOnVbr: () =>
    new ApiError('InvalidRouterType', "Cannot specify nexthop list in vbr's route table.", 400),
  nextHopBothNull: () =>
    new ApiError('InvalidNexthopTypeAndList.BothNull', 'both nexthopType and nextHopList are null.', 400),
  nextHopBothNotNull: () =>
    new ApiError(
      'InvalidNexthopTypeAndList.BothNotNull',
      'both nexthopType and nextHopList are not null.',
      400,
    ),
  vbrStatus: (id: string, status: string) =>
    new ApiError(
      'InvalidVBRStatus',
      `invalid virtual border router status: ${id} is ${status}, not active.`,
      400,
    ),
  physicalConnectionStatus: (id: string, status: string) =>
    new ApiError(
      'InvalidPhysicalConnectionBusinessStatus',
      `invalid physical connection business status: ${id} is ${status}.`,
      400,
    ),

  // vSwitches (CreateVSwitch / DeleteVSwitch) and their addresses (ECS CreateNetworkInterface,
  // AssignPrivateIpAddresses, AssignIpv6Addresses).
  cidrNotInVpc: (cidr: string, vpcCidr: string) =>
    new ApiError('InvalidParameter', `Specified CIDR block ${cidr} is not valid in VPC ${vpcCidr}.`, 400),
  cidrOverlapped: (cidr: string, other: string) =>
    new ApiError(
      'InvalidCidrBlock.Overlapped',
      `Specified CIDR block ${cidr} overlapped with ${other}.`,
      400,
    ),
  cidrMaskLength: (cidr: string) =>
    new ApiError(
      'InvalidCirdrBlock.MaskLength',
      `Specified CIDR block ${cidr} is not valid: a vSwitch mask is /16 to /29.`,
      400,
    ),
  vSwitchInUse: (id: string, count: number) =>
    new ApiError(
      'DependencyViolation',
      `Specified object has dependent resources: ${count} addresses of ${id} are in use.`,
      400,
    ),
  ipNotEnough: (vSwitchId: string) =>
    new ApiError(
      'InvalidVSwitchId.IpNotEnough',
      `The specified VSwitch "${vSwitchId}" has not enough IpAddress.`,
      403,
    ),
  ipInvalid: (vSwitchId: string, ip: string, why: string) =>
    new ApiError(
      'InvalidVSwitchId.IpInvalid',
      `The specified IpAddress "${ip}" is invalid in "${vSwitchId}": ${why}.`,
      403,
    ),
  ipAssigned: (ip: string) =>
    new ApiError('InvalidIp.IpAssigned', `The specified IpAddress "${ip}" is already assigned.`, 403),
  ipv6NotTurnedOn: (vSwitchId: string) =>
    new ApiError(
      'InvalidVSwitch.Ipv6NotTurnOn',
      `The specified VSwitch "${vSwitchId}" ipv6 function not turn on.`,
      403,
    ),

  // BGP (CreateBgpGroup, CreateBgpPeer, AddBgpNetwork and their deletes).
  bgpConflict: (routerId: string) =>
    new ApiError(
      'OperationConflict',
      `Request was denied due to conflict with a previous request: a BGP change on ${routerId} is in progress.`,
      400,
    ),
  bgpGroupNotFound: (id: string) => new ApiError('InvalidBgpGroup', `bgp group not exists: ${id}`, 400),
  bgpInstanceNotFound: (what: string) =>
    new ApiError('InvalidParams.NotFound', `instance not found: ${what}`, 400),
  bgpVpcNotFound: (id: string) =>
    new ApiError('InvalidParams.NotFound', `vpc instance not found: ${id}`, 400),
  bgpAlreadyExists: (what: string) =>
    new ApiError('InvalidParams.AlreadyExists', `${what} already exists`, 400),
  bgpPeerQuota: (routerId: string, quota: number) =>
    new ApiError('QuotaExceeded.Bgp', `bgp peer count per vbr quota exceed: ${routerId} has ${quota}.`, 400),
  bgpGroupHasPeers: (id: string) =>
    new ApiError('DependencyViolation.BgpPeer', `The specified BGP group ${id} still has BGP peers.`, 400),
  ipMalformed: (param: string, value: string) =>
    new ApiError('InvalidIP.Malformed', `Ip malformed: "${param}" (${value}).`, 400),
  peerAsnMalformed: (asn: number) =>
    new ApiError('InvalidPeerAsn.Malformed', `invalid peer asn ${asn}: cannot equals aliyun asn:45104`, 400),
} as const;
