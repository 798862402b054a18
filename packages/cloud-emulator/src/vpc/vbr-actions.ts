import type { ActionContext, ActionTable } from '../api/action.js';
import type { RouterInterfaceRecord, VbrRecord } from './vpc-model.js';
import { checkRegion, filterParams, matchesFilter, pageParams, paginate } from './vpc-params.js';
import { renderRouterInterface, renderVbr } from './vpc-render.js';

/**
 * `Filter.N.Key`s of DescribeVirtualBorderRouters: the documented VbrId, Status, Name, PhysicalConnectionId and
 * AccessPointId, plus VlanId, VlanInterfaceId and RouteTableId (emulator conveniences).
 */
const VBR_FILTERS = [
  'VbrId',
  'Status',
  'Name',
  'PhysicalConnectionId',
  'AccessPointId',
  'VlanId',
  'VlanInterfaceId',
  'RouteTableId',
] as const;

/**
 * DescribeVirtualBorderRouters: `Filter.N.Key` / `Filter.N.Value.M` (OR within a key, AND across keys),
 * `PageNumber` / `PageSize` (≤ 50, default 10) → `VirtualBorderRouterSet.VirtualBorderRouterType[]` with
 * `RouteTableId`, `VlanInterfaceId`, `Status` and the physical connection's statuses.
 */
export function describeVirtualBorderRouters(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const filters = filterParams(params, VBR_FILTERS);
  const page = pageParams(params);
  const fields: Record<(typeof VBR_FILTERS)[number], (v: VbrRecord) => string> = {
    VbrId: (v) => v.id,
    Status: (v) => v.status,
    Name: (v) => v.name,
    PhysicalConnectionId: (v) => v.physicalConnectionId,
    AccessPointId: (v) => v.accessPointId,
    VlanId: (v) => String(v.vlanId),
    VlanInterfaceId: (v) => v.vlanInterfaceId,
    RouteTableId: (v) => v.routeTableId,
  };
  const vbrs = [...ctx.state.vpc.records.vbrs.values()].filter((v) =>
    [...filters].every(([key, values]) => matchesFilter(values, fields[key as keyof typeof fields](v))),
  );
  const { items, fields: paging } = paginate(vbrs, page);
  const rc = ctx.state.vpc.renderContext;
  return {
    VirtualBorderRouterSet: { VirtualBorderRouterType: items.map((v) => renderVbr(rc, v)) },
    ...paging,
  };
}

/** `Filter.N.Key`s of DescribeRouterInterfaces (the owner ids are accepted and match every interface). */
const RI_FILTERS = [
  'RouterInterfaceId',
  'RouterId',
  'RouterType',
  'RouterInterfaceOwnerId',
  'OppositeInterfaceId',
  'OppositeRouterType',
  'OppositeRouterId',
  'OppositeInterfaceOwnerId',
  'Status',
  'Name',
] as const;

/**
 * DescribeRouterInterfaces: `Filter.N.Key` / `Filter.N.Value.M`, paging (≤ 50, default 10) →
 * `RouterInterfaceSet.RouterInterfaceType[]`, both ends of each VPC↔VBR pair.
 */
export function describeRouterInterfaces(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const filters = filterParams(params, RI_FILTERS);
  const page = pageParams(params);
  const fields: Record<(typeof RI_FILTERS)[number], (r: RouterInterfaceRecord) => string | undefined> = {
    RouterInterfaceId: (r) => r.id,
    RouterId: (r) => r.routerId,
    RouterType: (r) => r.routerType,
    RouterInterfaceOwnerId: () => undefined,
    OppositeInterfaceId: (r) => r.oppositeInterfaceId,
    OppositeRouterType: (r) => r.oppositeRouterType,
    OppositeRouterId: (r) => r.oppositeRouterId,
    OppositeInterfaceOwnerId: () => undefined,
    Status: (r) => r.status,
    Name: (r) => r.name,
  };
  const ris = [...ctx.state.vpc.records.routerInterfaces.values()].filter((r) =>
    [...filters].every(
      ([key, values]) =>
        key.endsWith('OwnerId') || matchesFilter(values, fields[key as keyof typeof fields](r)),
    ),
  );
  const { items, fields: paging } = paginate(ris, page);
  const rc = ctx.state.vpc.renderContext;
  return {
    RouterInterfaceSet: { RouterInterfaceType: items.map((r) => renderRouterInterface(rc, r)) },
    ...paging,
  };
}

/** The VBR and router interface actions. */
export const vbrActions: ActionTable = {
  DescribeVirtualBorderRouters: describeVirtualBorderRouters,
  DescribeRouterInterfaces: describeRouterInterfaces,
};
