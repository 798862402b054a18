import type { ActionContext, ActionTable } from '../api/action.js';
import { vpcErrors } from './vpc-errors.js';
import { checkRegion, pageParams, paginate, parseCidrLenient } from './vpc-params.js';
import { renderBgpGroup, renderBgpNetwork, renderBgpPeer } from './vpc-render.js';

const IP_VERSIONS = ['IPv4', 'IPv6'] as const;
const MAX_ASN = 4294967295;

/**
 * CreateBgpGroup: `RouterId` (the VBR), `PeerAsn` (required, not 45104), `LocalAsn` (default 45104), `AuthKey`,
 * `Name`, `Description`, `IpVersion`, `IsFakeAsn`, `RouteQuota` (default 110) → `BgpGroupId` of a `Pending` group.
 */
export function createBgpGroup(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const routerId = params.required('RouterId');
  const peerAsn = params.int('PeerAsn', { min: 1, max: MAX_ASN });
  if (peerAsn === undefined) params.required('PeerAsn');
  const group = ctx.state.vpc.bgp.createGroup({
    routerId,
    peerAsn: peerAsn!,
    localAsn: params.int('LocalAsn', { min: 1, max: MAX_ASN }),
    authKey: params.string('AuthKey'),
    name: params.string('Name'),
    description: params.string('Description'),
    ipVersion: params.oneOf('IpVersion', IP_VERSIONS),
    isFakeAsn: params.bool('IsFakeAsn'),
    routeQuota: params.int('RouteQuota', { min: 1 }),
  });
  return { BgpGroupId: group.id };
}

/** DeleteBgpGroup: `BgpGroupId`; refused while the group has peers (`DependencyViolation.BgpPeer`). */
export function deleteBgpGroup(ctx: ActionContext): Record<string, unknown> {
  checkRegion(ctx, true);
  ctx.state.vpc.bgp.deleteGroup(ctx.params.required('BgpGroupId'));
  return {};
}

/** DescribeBgpGroups: `RouterId`, `BgpGroupId`, paging (≤ 50, default 10) → `BgpGroups.BgpGroup[]`. */
export function describeBgpGroups(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const routerId = params.string('RouterId');
  const groupId = params.string('BgpGroupId');
  const page = pageParams(params);
  const groups = [...ctx.state.vpc.records.bgpGroups.values()].filter(
    (g) => (routerId === undefined || g.routerId === routerId) && (groupId === undefined || g.id === groupId),
  );
  const { items, fields } = paginate(groups, page);
  const rc = ctx.state.vpc.renderContext;
  return { BgpGroups: { BgpGroup: items.map((g) => renderBgpGroup(rc, g)) }, ...fields };
}

/**
 * CreateBgpPeer: `BgpGroupId`, `PeerIpAddress`, `EnableBfd`, `BfdMultiHop` (1–255), `IpVersion` → `BgpPeerId` of
 * a `Pending` peer whose `BgpStatus` is `Idle`. At most 8 per VBR (`QuotaExceeded.Bgp`).
 */
export function createBgpPeer(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const peer = ctx.state.vpc.bgp.createPeer({
    bgpGroupId: params.required('BgpGroupId'),
    peerIpAddress: params.string('PeerIpAddress'),
    enableBfd: params.bool('EnableBfd'),
    bfdMultiHop: params.int('BfdMultiHop', { min: 1, max: 255 }),
    ipVersion: params.oneOf('IpVersion', IP_VERSIONS),
  });
  return { BgpPeerId: peer.id };
}

/** DeleteBgpPeer: `BgpPeerId`. */
export function deleteBgpPeer(ctx: ActionContext): Record<string, unknown> {
  checkRegion(ctx, true);
  ctx.state.vpc.bgp.deletePeer(ctx.params.required('BgpPeerId'));
  return {};
}

/**
 * DescribeBgpPeers: `RouterId`, `BgpGroupId`, `BgpPeerId`, paging (≤ 50, default 10) → `BgpPeers.BgpPeer[]` with
 * `Status`, `BgpStatus`, `ReceivedRouteCount`, `AdvertisedRouteCount`.
 */
export function describeBgpPeers(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const routerId = params.string('RouterId');
  const groupId = params.string('BgpGroupId');
  const peerId = params.string('BgpPeerId');
  const page = pageParams(params);
  const peers = [...ctx.state.vpc.records.bgpPeers.values()].filter(
    (p) =>
      (routerId === undefined || p.routerId === routerId) &&
      (groupId === undefined || p.groupId === groupId) &&
      (peerId === undefined || p.id === peerId),
  );
  const { items, fields } = paginate(peers, page);
  const rc = ctx.state.vpc.renderContext;
  return { BgpPeers: { BgpPeer: items.map((p) => renderBgpPeer(rc, p)) }, ...fields };
}

function dstCidr(ctx: ActionContext) {
  const text = ctx.params.required('DstCidrBlock');
  const cidr = parseCidrLenient(text);
  if (cidr === undefined) throw vpcErrors.ipMalformed('DstCidrBlock', text);
  return cidr;
}

/** AddBgpNetwork: `RouterId` (the VBR), `DstCidrBlock`, `VpcId` → a `Pending` advertised network. */
export function addBgpNetwork(ctx: ActionContext): Record<string, unknown> {
  checkRegion(ctx, true);
  const routerId = ctx.params.required('RouterId');
  ctx.state.vpc.bgp.addNetwork(routerId, dstCidr(ctx), ctx.params.string('VpcId'));
  return {};
}

/** DeleteBgpNetwork: `RouterId`, `DstCidrBlock`. */
export function deleteBgpNetwork(ctx: ActionContext): Record<string, unknown> {
  checkRegion(ctx, true);
  const routerId = ctx.params.required('RouterId');
  ctx.state.vpc.bgp.deleteNetwork(routerId, dstCidr(ctx));
  return {};
}

/** DescribeBgpNetworks: `RouterId`, paging (≤ 50, default 10) → `BgpNetworks.BgpNetwork[]`. */
export function describeBgpNetworks(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const routerId = params.string('RouterId');
  const page = pageParams(params);
  const networks = [...ctx.state.vpc.records.bgpNetworks.values()].filter(
    (n) => routerId === undefined || n.routerId === routerId,
  );
  const { items, fields } = paginate(networks, page);
  const rc = ctx.state.vpc.renderContext;
  return { BgpNetworks: { BgpNetwork: items.map((n) => renderBgpNetwork(rc, n)) }, ...fields };
}

/** The VBR BGP actions. */
export const bgpActions: ActionTable = {
  CreateBgpGroup: createBgpGroup,
  DeleteBgpGroup: deleteBgpGroup,
  DescribeBgpGroups: describeBgpGroups,
  CreateBgpPeer: createBgpPeer,
  DeleteBgpPeer: deleteBgpPeer,
  DescribeBgpPeers: describeBgpPeers,
  AddBgpNetwork: addBgpNetwork,
  DeleteBgpNetwork: deleteBgpNetwork,
  DescribeBgpNetworks: describeBgpNetworks,
};
