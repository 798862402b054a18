import type { ActionHandler } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import type { Params } from '../api/params.js';
import { paginate, readPaging } from './ecs-paging.js';
import { matchesTags, readTagFilters } from './ecs-tags.js';
import { instanceTypeView } from './ecs-views.js';
import { inRegion } from './eni-actions.js';

/**
 * A JSON-array parameter (`InstanceIds`, `PrivateIpAddresses`: `["i-…","i-…"]`, up to 100 entries), or
 * `undefined` when absent. An empty array is a filter that matches nothing (DescribeInstances API reference).
 */
function jsonArray(params: Params, name: string): string[] | undefined {
  const raw = params.string(name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw apiErrors.invalidParameter(name, 'must be a JSON array of strings');
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
    throw apiErrors.invalidParameter(name, 'must be a JSON array of strings');
  }
  if (parsed.length > 100) throw apiErrors.invalidParameter(name, 'must hold at most 100 entries');
  return parsed;
}

/**
 * DescribeInstances: RegionId; filters InstanceIds (JSON array), VpcId, VSwitchId, ZoneId, InstanceType,
 * InstanceTypeFamily, InstanceName, Status, PrivateIpAddresses (JSON array), SecurityGroupId, Tag.N; paging by
 * NextToken + MaxResults or PageNumber + PageSize (both ≤ 100, 10 by default).
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstances
 */
export const describeInstances: ActionHandler = (ctx) => {
  const { params, state } = ctx;
  const visible = inRegion(ctx);
  const ids = jsonArray(params, 'InstanceIds');
  const privateIps = jsonArray(params, 'PrivateIpAddresses');
  const filter = {
    vpcId: params.string('VpcId'),
    vSwitchId: params.string('VSwitchId'),
    zoneId: params.string('ZoneId'),
    instanceType: params.string('InstanceType'),
    family: params.string('InstanceTypeFamily'),
    name: params.string('InstanceName'),
    status: params.string('Status'),
    securityGroupId: params.string('SecurityGroupId'),
    tags: readTagFilters(params),
  };
  const paging = readPaging(params, {
    tokenKind: 'instance',
    maxResultsMax: 100,
    maxResultsDefault: 10,
    pageSizeMax: 100,
    pageSizeDefault: 10,
  });
  const matching = visible
    ? state.ecs.instances().filter((i) => {
        const primaryIp = state.ecs.networkInterface(i.primaryEniId)?.primaryIp;
        return (
          (ids === undefined || ids.includes(i.id)) &&
          (privateIps === undefined || (primaryIp !== undefined && privateIps.includes(primaryIp))) &&
          (filter.vpcId === undefined || i.vpcId === filter.vpcId) &&
          (filter.vSwitchId === undefined || i.vSwitchId === filter.vSwitchId) &&
          (filter.zoneId === undefined || i.zoneId === filter.zoneId) &&
          (filter.instanceType === undefined || i.instanceType === filter.instanceType) &&
          (filter.family === undefined ||
            state.ecs.instanceType(i.instanceType)?.instanceTypeFamily === filter.family) &&
          (filter.name === undefined || i.instanceName === filter.name) &&
          (filter.status === undefined || i.status === filter.status) &&
          (filter.securityGroupId === undefined || i.securityGroupIds.includes(filter.securityGroupId)) &&
          matchesTags(i.tags, filter.tags)
        );
      })
    : [];
  const { page, fields } = paginate(matching, paging, 'instance');
  return { ...fields, Instances: { Instance: page.map((i) => state.ecs.describeInstance(i)) } };
};

/**
 * DescribeInstanceTypes (no RegionId): InstanceTypes.N (≤ 10), InstanceTypeFamily; NextToken + MaxResults
 * (1–1600, all by default). Reports `EniQuantity`, `EniPrivateIpAddressQuantity`, `EniIpv6AddressQuantity`,
 * `EniTotalQuantity` and `EniTrunkSupported` of the built-in and topology types.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstancetypes
 */
export const describeInstanceTypes: ActionHandler = (ctx) => {
  const { params } = ctx;
  const wanted = params.list('InstanceTypes');
  if (wanted.length > 10)
    throw apiErrors.invalidParameter('InstanceTypes.N', 'must hold at most 10 instance types');
  const family = params.string('InstanceTypeFamily');
  const paging = readPaging(params, { tokenKind: 'type', maxResultsMax: 1600, maxResultsDefault: 1600 });
  const matching = ctx.state.ecs
    .instanceTypes()
    .map((t, i) => ({ seq: i + 1, t }))
    .filter(
      ({ t }) =>
        (wanted.length === 0 || wanted.includes(t.instanceTypeId)) &&
        (family === undefined || t.instanceTypeFamily === family),
    );
  const { page, fields } = paginate(matching, paging, 'type');
  return {
    NextToken: fields.NextToken,
    InstanceTypes: { InstanceType: page.map(({ t }) => instanceTypeView(t)) },
  };
};
