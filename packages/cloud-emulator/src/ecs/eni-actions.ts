import type { ActionContext, ActionHandler } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import { ecsErrors } from './ecs-errors.js';
import type { EniStatus, EniType } from './ecs-model.js';
import { paginate, readPaging } from './ecs-paging.js';
import { matchesTags, readTagFilters, readTagsToSet } from './ecs-tags.js';
import { eniView } from './ecs-views.js';
import { canonicalIp } from './eni-addresses.js';

/**
 * Whether the call's `RegionId` (required) is the emulator's region. Resources live in one region: from any
 * other, Describe calls find nothing and writes get the not-found code of what they name.
 */
export function inRegion(ctx: ActionContext): boolean {
  return ctx.params.required('RegionId') === ctx.state.regionId;
}

/** Exactly one of two mutually exclusive parameters may be given (`InvalidParameter.Conflict`). */
export function exclusive(ctx: ActionContext, a: string, b: string): void {
  const hasA = ctx.params.has(a) || ctx.params.list(a).length > 0;
  const hasB = ctx.params.has(b) || ctx.params.list(b).length > 0;
  if (hasA && hasB) throw ecsErrors.parameterConflict(a, b);
}

/**
 * CreateNetworkInterface: RegionId, VSwitchId, SecurityGroupId or SecurityGroupIds.N, PrimaryIpAddress,
 * PrivateIpAddress.N or SecondaryPrivateIpAddressCount (≤ 49), Ipv6Address.N or Ipv6AddressCount, Tag.N,
 * NetworkInterfaceName, Description, DeleteOnRelease. Synchronous: the ENI is `Available` in the response.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-createnetworkinterface
 */
export const createNetworkInterface: ActionHandler = (ctx) => {
  const { params } = ctx;
  const vSwitchId = params.required('VSwitchId');
  const visible = inRegion(ctx);
  exclusive(ctx, 'SecurityGroupId', 'SecurityGroupIds');
  exclusive(ctx, 'PrivateIpAddress', 'SecondaryPrivateIpAddressCount');
  exclusive(ctx, 'Ipv6Address', 'Ipv6AddressCount');
  const single = params.string('SecurityGroupId');
  const securityGroupIds = single === undefined ? params.list('SecurityGroupIds') : [single];
  if (securityGroupIds.length === 0) throw apiErrors.missingParameter('SecurityGroupId');
  if (securityGroupIds.length > 5)
    throw apiErrors.invalidParameter('SecurityGroupIds.N', 'must hold at most 5 ids');
  const tags = readTagsToSet(params);
  const name = params.string('NetworkInterfaceName') ?? '';
  if (name.length > 128)
    throw apiErrors.invalidParameter('NetworkInterfaceName', 'must be at most 128 characters');
  const primaryIp = params.string('PrimaryIpAddress');
  const opts = {
    vSwitchId,
    securityGroupIds,
    primaryIp: primaryIp === undefined ? undefined : canonicalIp(primaryIp, 4, 'PrimaryIpAddress'),
    privateIps: params.list('PrivateIpAddress'),
    secondaryCount: params.int('SecondaryPrivateIpAddressCount', { min: 0, max: 49, fallback: 0 })!,
    ipv6s: params.list('Ipv6Address'),
    ipv6Count: params.int('Ipv6AddressCount', { min: 0, max: 10, fallback: 0 })!,
    name,
    description: params.string('Description') ?? '',
    tags,
    deleteOnRelease: params.bool('DeleteOnRelease', true),
  };
  if (!visible) throw ecsErrors.vSwitchNotFound(vSwitchId);
  return eniView(ctx.state.ecs.createNetworkInterface(opts));
};

/**
 * AttachNetworkInterface: RegionId, InstanceId, NetworkInterfaceId. Asynchronous: Attaching, then InUse.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-attachnetworkinterface
 */
export const attachNetworkInterface: ActionHandler = (ctx) => {
  const instanceId = ctx.params.required('InstanceId');
  const eniId = ctx.params.required('NetworkInterfaceId');
  if (!inRegion(ctx)) throw ecsErrors.instanceNotFound(instanceId);
  ctx.state.ecs.lifecycle.attach(eniId, instanceId);
  return {};
};

/**
 * DetachNetworkInterface: RegionId, InstanceId, NetworkInterfaceId. Asynchronous: Detaching, then Available.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-detachnetworkinterface
 */
export const detachNetworkInterface: ActionHandler = (ctx) => {
  const instanceId = ctx.params.required('InstanceId');
  const eniId = ctx.params.required('NetworkInterfaceId');
  if (!inRegion(ctx)) throw ecsErrors.instanceNotFound(instanceId);
  ctx.state.ecs.lifecycle.detach(eniId, instanceId);
  return {};
};

/**
 * DeleteNetworkInterface: RegionId, NetworkInterfaceId; only from Available. Asynchronous: Deleting, then gone.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-deletenetworkinterface
 */
export const deleteNetworkInterface: ActionHandler = (ctx) => {
  const eniId = ctx.params.required('NetworkInterfaceId');
  if (!inRegion(ctx)) throw ecsErrors.eniNotFound(eniId);
  ctx.state.ecs.lifecycle.delete(eniId);
  return {};
};

const ENI_STATUSES: readonly EniStatus[] = ['Available', 'Attaching', 'InUse', 'Detaching', 'Deleting'];
const ENI_TYPES: readonly EniType[] = ['Primary', 'Secondary'];

/**
 * DescribeNetworkInterfaces: RegionId; filters NetworkInterfaceId.N (≤ 100), InstanceId, VSwitchId, VpcId,
 * Status, Type, PrimaryIpAddress, PrivateIpAddress.N, SecurityGroupId, NetworkInterfaceName, Tag.N; paging by
 * NextToken + MaxResults (1–500) or PageNumber + PageSize (≤ 100), 10 a page by default.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describenetworkinterfaces
 */
export const describeNetworkInterfaces: ActionHandler = (ctx) => {
  const { params } = ctx;
  const visible = inRegion(ctx);
  const ids = params.list('NetworkInterfaceId');
  if (ids.length > 100) throw apiErrors.invalidParameter('NetworkInterfaceId.N', 'must hold at most 100 ids');
  const privateIps = params.list('PrivateIpAddress');
  if (privateIps.length > 100)
    throw apiErrors.invalidParameter('PrivateIpAddress.N', 'must hold at most 100 addresses');
  const filter = {
    ids: new Set(ids),
    instanceId: params.string('InstanceId'),
    vSwitchId: params.string('VSwitchId'),
    vpcId: params.string('VpcId'),
    status: params.oneOf('Status', ENI_STATUSES),
    type: params.oneOf('Type', ENI_TYPES),
    primaryIp: params.string('PrimaryIpAddress'),
    privateIps,
    securityGroupId: params.string('SecurityGroupId'),
    name: params.string('NetworkInterfaceName'),
    tags: readTagFilters(params),
  };
  const paging = readPaging(params, {
    tokenKind: 'eni',
    maxResultsMax: 500,
    maxResultsDefault: 10,
    pageSizeMax: 100,
    pageSizeDefault: 10,
  });
  const matching = visible
    ? ctx.state.ecs
        .networkInterfaces()
        .filter(
          (e) =>
            (filter.ids.size === 0 || filter.ids.has(e.id)) &&
            (filter.instanceId === undefined || e.instanceId === filter.instanceId) &&
            (filter.vSwitchId === undefined || e.vSwitchId === filter.vSwitchId) &&
            (filter.vpcId === undefined || e.vpcId === filter.vpcId) &&
            (filter.status === undefined || e.status === filter.status) &&
            (filter.type === undefined || e.type === filter.type) &&
            (filter.primaryIp === undefined || e.primaryIp === filter.primaryIp) &&
            filter.privateIps.every((ip) => e.primaryIp === ip || e.secondaryIps.includes(ip)) &&
            (filter.securityGroupId === undefined || e.securityGroupIds.includes(filter.securityGroupId)) &&
            (filter.name === undefined || e.name === filter.name) &&
            matchesTags(e.tags, filter.tags),
        )
    : [];
  const { page, fields } = paginate(matching, paging, 'eni');
  return { ...fields, NetworkInterfaceSets: { NetworkInterfaceSet: page.map(eniView) } };
};
