import type { ActionContext, ActionTable } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import type { RouterType, RouteTableRecord } from './vpc-model.js';
import { checkRegion, pageParams, paginate } from './vpc-params.js';
import { renderRouteTable, renderRouteTableListItem } from './vpc-render.js';

const ROUTER_TYPES = ['VRouter', 'VBR'] as const;
const ENTRY_TYPES = ['Custom', 'System', 'BGP', 'CEN', 'ECR'] as const;

/**
 * DescribeRouteTables: at least one of `VRouterId`, `RouteTableId`, `RouterId`, `RouteTableName` (not both
 * `VRouterId` and `RouterId`); `RouterType` (`VRouter` | `VBR`), `Type` (route entry type, filters the entries
 * shown), paging (≤ 50, default 10) → `RouteTables.RouteTable[]` with every entry under `RouteEntrys`. A VBR's
 * table shows the VBR id as `VRouterId`. `RouterType` filters only when given (the page's default `VRouter`
 * would hide a VBR table named by id).
 */
export function describeRouteTables(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx);
  const routerType = params.oneOf('RouterType', ROUTER_TYPES);
  const vRouterId = params.string('VRouterId');
  const routerId = params.string('RouterId');
  const tableId = params.string('RouteTableId');
  const tableName = params.string('RouteTableName');
  const entryType = params.oneOf('Type', ENTRY_TYPES);
  const page = pageParams(params);
  if (vRouterId === undefined && routerId === undefined && tableId === undefined && tableName === undefined) {
    throw apiErrors.missingParameter('VRouterId, RouteTableId, RouterId or RouteTableName');
  }
  if (vRouterId !== undefined && routerId !== undefined) {
    throw apiErrors.invalidParameter('VRouterId', 'cannot be given together with RouterId');
  }
  const router = vRouterId ?? routerId;
  const tables = [...ctx.state.vpc.records.routeTables.values()].filter(
    (t) =>
      (routerType === undefined || t.routerType === routerType) &&
      (router === undefined || t.routerId === router) &&
      (tableId === undefined || t.id === tableId) &&
      (tableName === undefined || t.name === tableName),
  );
  const { items, fields } = paginate(tables, page);
  const rc = ctx.state.vpc.renderContext;
  const rendered = items.map((t) => {
    const out = renderRouteTable(rc, t);
    if (entryType !== undefined) {
      const entries = (out.RouteEntrys as { RouteEntry: { Type: string }[] }).RouteEntry;
      out.RouteEntrys = { RouteEntry: entries.filter((e) => e.Type === entryType) };
    }
    return out;
  });
  return { RouteTables: { RouteTable: rendered }, ...fields };
}

/**
 * DescribeRouteTableList: `RouterType` (`VRouter` default when no table or router is named), `RouterId`, `VpcId`,
 * `RouteTableId`, `RouteTableName`, `RouteTableType` (`System` | `Custom`), paging (≤ 50, default 10) →
 * `RouterTableList.RouterTableListType[]` (no entries).
 */
export function describeRouteTableList(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const vpcId = params.string('VpcId');
  const routerId = params.string('RouterId');
  const tableId = params.string('RouteTableId');
  const tableName = params.string('RouteTableName');
  const tableType = params.oneOf('RouteTableType', ['System', 'Custom'] as const);
  const named = vpcId !== undefined || routerId !== undefined || tableId !== undefined;
  const routerType: RouterType | undefined =
    params.oneOf('RouterType', ROUTER_TYPES) ??
    (vpcId !== undefined ? 'VRouter' : named ? undefined : 'VRouter');
  const page = pageParams(params);
  const matches = (t: RouteTableRecord) =>
    (routerType === undefined || t.routerType === routerType) &&
    (vpcId === undefined || t.vpcId === vpcId) &&
    (routerId === undefined || t.routerId === routerId) &&
    (tableId === undefined || t.id === tableId) &&
    (tableName === undefined || t.name === tableName) &&
    (tableType === undefined || tableType === 'System');
  const { items, fields } = paginate([...ctx.state.vpc.records.routeTables.values()].filter(matches), page);
  const rc = ctx.state.vpc.renderContext;
  return {
    RouterTableList: { RouterTableListType: items.map((t) => renderRouteTableListItem(rc, t)) },
    ...fields,
  };
}

/** The route table listing actions. */
export const routeTableActions: ActionTable = {
  DescribeRouteTables: describeRouteTables,
  DescribeRouteTableList: describeRouteTableList,
};
