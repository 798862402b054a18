import type { ActionContext, ActionHandler } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import { ecsErrors } from './ecs-errors.js';
import { exclusive, inRegion } from './eni-actions.js';

/** The explicit addresses (`<listName>.N`) or the count (`<countName>`) of an assign call; one is required. */
function addressesOrCount(
  ctx: ActionContext,
  listName: string,
  countName: string,
  max: number,
): { requested: string[]; count: number } {
  exclusive(ctx, listName, countName);
  const requested = ctx.params.list(listName);
  if (requested.length > max)
    throw apiErrors.invalidParameter(`${listName}.N`, `must hold at most ${max} addresses`);
  const count = ctx.params.int(countName, { min: 1, max, fallback: 0 })!;
  if (requested.length === 0 && count === 0) throw apiErrors.missingParameter(countName);
  return { requested, count };
}

function eniIdIn(ctx: ActionContext): string {
  const eniId = ctx.params.required('NetworkInterfaceId');
  if (!inRegion(ctx)) throw ecsErrors.eniNotFound(eniId);
  return eniId;
}

/**
 * AssignPrivateIpAddresses: RegionId, NetworkInterfaceId, PrivateIpAddress.N or SecondaryPrivateIpAddressCount.
 * The ENI must be Available or InUse; the total stays within the instance type's `EniPrivateIpAddressQuantity`
 * (`InvalidOperation.Ipv4CountExceeded`); addresses come from the ENI's vSwitch (`InvalidVSwitchId.IpNotEnough`).
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-assignprivateipaddresses
 */
export const assignPrivateIpAddresses: ActionHandler = (ctx) => {
  const eniId = ctx.params.required('NetworkInterfaceId');
  const { requested, count } = addressesOrCount(
    ctx,
    'PrivateIpAddress',
    'SecondaryPrivateIpAddressCount',
    49,
  );
  const ips = ctx.state.ecs.assignAddresses(eniIdIn(ctx), 4, requested, count);
  return {
    AssignedPrivateIpAddressesSet: { NetworkInterfaceId: eniId, PrivateIpSet: { PrivateIpAddress: ips } },
  };
};

/**
 * UnassignPrivateIpAddresses: RegionId, NetworkInterfaceId, PrivateIpAddress.N. Every address must be a
 * secondary address of the ENI (`InvalidIp.IpUnassigned`); they go back to the vSwitch.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-unassignprivateipaddresses
 */
export const unassignPrivateIpAddresses: ActionHandler = (ctx) => {
  const eniId = eniIdIn(ctx);
  const ips = ctx.params.list('PrivateIpAddress');
  if (ips.length === 0) throw apiErrors.missingParameter('PrivateIpAddress.1');
  ctx.state.ecs.unassignAddresses(eniId, 4, ips, 'PrivateIpAddress.N');
  return {};
};

/**
 * AssignIpv6Addresses: RegionId, NetworkInterfaceId, Ipv6Address.N or Ipv6AddressCount, within the instance
 * type's `EniIpv6AddressQuantity` (`InvalidOperation.Ipv6CountExceeded`); the vSwitch needs an IPv6 CIDR
 * (`InvalidVSwitch.Ipv6NotTurnOn`).
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-assignipv6addresses
 */
export const assignIpv6Addresses: ActionHandler = (ctx) => {
  const eniId = ctx.params.required('NetworkInterfaceId');
  const { requested, count } = addressesOrCount(ctx, 'Ipv6Address', 'Ipv6AddressCount', 10);
  const ips = ctx.state.ecs.assignAddresses(eniIdIn(ctx), 6, requested, count);
  return { NetworkInterfaceId: eniId, Ipv6Sets: { Ipv6Address: ips } };
};

/**
 * UnassignIpv6Addresses: RegionId, NetworkInterfaceId, Ipv6Address.N.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-unassignipv6addresses
 */
export const unassignIpv6Addresses: ActionHandler = (ctx) => {
  const eniId = eniIdIn(ctx);
  const ips = ctx.params.list('Ipv6Address');
  if (ips.length === 0) throw apiErrors.missingParameter('Ipv6Address.1');
  ctx.state.ecs.unassignAddresses(eniId, 6, ips, 'Ipv6Address.N');
  return {};
};
