import type { Cidr } from '@edgeway/core';
import type { ActionContext, ActionTable } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import { vpcErrors } from './vpc-errors.js';
import type { RouteEntryRecord } from './vpc-model.js';
import { checkRegion, cidrParam, parseCidrLenient, tokenPage } from './vpc-params.js';
import { renderRouteEntry } from './vpc-render.js';

const ENTRY_TYPES = ['Custom', 'System', 'BGP', 'CEN', 'ECR'] as const;

/**
 * DescribeRouteEntryList: `RouteTableId` (required), filters `RouteEntryId`, `RouteEntryName`,
 * `DestinationCidrBlock`, `DestCidrBlockList.N`, `RouteEntryType`, `NextHopType`, `NextHopId`, `IpVersion`
 * (`ipv4` | `ipv6`), and `MaxResult` (1–100, default 10) / `NextToken` paging → `RouteEntrys.RouteEntry[]`,
 * `NextToken` (empty on the last page), `TotalCount` (all matches).
 */
export function describeRouteEntryList(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const tableId = params.required('RouteTableId');
  const entryId = params.string('RouteEntryId');
  const name = params.string('RouteEntryName');
  const type = params.oneOf('RouteEntryType', ENTRY_TYPES);
  const nextHopType = params.string('NextHopType');
  const nextHopId = params.string('NextHopId');
  const ipVersion = params.string('IpVersion')?.toLowerCase();
  if (ipVersion !== undefined && ipVersion !== 'ipv4' && ipVersion !== 'ipv6') {
    throw apiErrors.invalidParameter('IpVersion', 'must be ipv4 or ipv6');
  }
  const destinations: Cidr[] = [];
  if (params.has('DestinationCidrBlock')) destinations.push(cidrParam(params, 'DestinationCidrBlock'));
  const list = params.list('DestCidrBlockList').map((text, i) => {
    const cidr = parseCidrLenient(text);
    if (cidr === undefined) throw vpcErrors.cidrMalformed(`DestCidrBlockList.${i + 1}`, text);
    return cidr;
  });
  const table = ctx.state.vpc.records.routeTables.get(tableId);
  if (!table) throw vpcErrors.routeTableNotFound(tableId);
  const matches = (e: RouteEntryRecord) =>
    (entryId === undefined || e.id === entryId) &&
    (name === undefined || e.name === name) &&
    (type === undefined || e.type === type) &&
    (nextHopType === undefined || e.nextHopType === nextHopType) &&
    (nextHopId === undefined || e.nextHopId === nextHopId) &&
    (ipVersion === undefined || (ipVersion === 'ipv4') === (e.destination.family === 4)) &&
    destinations.every((d) => d.equals(e.destination)) &&
    (list.length === 0 || list.some((d) => d.equals(e.destination)));
  const all = [...table.entries.values()].filter(matches);
  const { items, nextToken } = tokenPage(all, params, 'MaxResult', { max: 100, fallback: 10 });
  const rc = ctx.state.vpc.renderContext;
  return {
    RouteEntrys: { RouteEntry: items.map((e) => renderRouteEntry(rc, e)) },
    NextToken: nextToken,
    TotalCount: all.length,
  };
}

/**
 * CreateRouteEntry: `RouteTableId`, `DestinationCidrBlock` (required), `NextHopType` + `NextHopId` (or
 * `NextHopList` for ECMP, not emulated), `RouteEntryName`, `Description`, `DryRun` → `RouteEntryId` of an entry
 * that is `Pending`, then `Available`. See `RouteEntries.create` for the rules.
 */
export function createRouteEntry(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx);
  const routeTableId = params.required('RouteTableId');
  const destination = cidrParam(params, 'DestinationCidrBlock');
  const nextHopList = params.has('NextHopList') || params.structList('NextHopList').length > 0;
  const entry = ctx.state.vpc.createRouteEntry({
    routeTableId,
    destination,
    nextHopType: params.string('NextHopType'),
    nextHopId: params.string('NextHopId'),
    nextHopList,
    name: params.string('RouteEntryName'),
    description: params.string('Description'),
    dryRun: params.bool('DryRun'),
  });
  return { RouteEntryId: entry.id };
}

/**
 * DeleteRouteEntry: `RouteEntryId`, or `RouteTableId` + `DestinationCidrBlock` (+ `NextHopId`); `DryRun`. Only an
 * `Available` custom entry of a stable table; it turns `Deleting`, then is gone.
 */
export function deleteRouteEntry(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx);
  const routeEntryId = params.string('RouteEntryId');
  const routeTableId = params.string('RouteTableId');
  const dryRun = params.bool('DryRun');
  if (routeEntryId !== undefined) {
    ctx.state.vpc.deleteRouteEntry({ routeEntryId, routeTableId, dryRun });
    return {};
  }
  if (routeTableId === undefined) throw apiErrors.missingParameter('RouteEntryId');
  const destination = cidrParam(params, 'DestinationCidrBlock');
  ctx.state.vpc.deleteRouteEntry({
    routeTableId,
    destination,
    nextHopId: params.string('NextHopId'),
    dryRun,
  });
  return {};
}

/** The route entry actions. */
export const routeEntryActions: ActionTable = {
  DescribeRouteEntryList: describeRouteEntryList,
  CreateRouteEntry: createRouteEntry,
  DeleteRouteEntry: deleteRouteEntry,
};
