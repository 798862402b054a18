import { Cidr } from '@edgeway/core';
import type { ActionContext, ActionTable } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import { vpcErrors } from './vpc-errors.js';
import { checkRegion, idListParam, pageParams, paginate } from './vpc-params.js';
import { renderVpc, renderVSwitch } from './vpc-render.js';

function dryRun(ctx: ActionContext): void {
  if (ctx.params.bool('DryRun')) throw vpcErrors.dryRun();
}

/**
 * DescribeVpcs (VPC API 2016-04-28): `VpcId` (up to 20, comma-separated), `VpcName`, `IsDefault`, `DryRun`,
 * `PageNumber` / `PageSize` (≤ 50, default 10) → `Vpcs.Vpc[]`.
 */
export function describeVpcs(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx, true);
  const ids = idListParam(params, 'VpcId');
  const name = params.string('VpcName');
  const isDefault = params.has('IsDefault') ? params.bool('IsDefault') : undefined;
  const page = pageParams(params);
  dryRun(ctx);
  const vpcs = [...ctx.state.vpc.records.vpcs.values()].filter(
    (v) =>
      (ids === undefined || ids.includes(v.id)) &&
      (name === undefined || v.name === name) &&
      (isDefault === undefined || v.isDefault === isDefault),
  );
  const { items, fields } = paginate(vpcs, page);
  const rc = ctx.state.vpc.renderContext;
  return { Vpcs: { Vpc: items.map((v) => renderVpc(rc, v)) }, ...fields };
}

/**
 * DescribeVSwitches: `VpcId`, `VSwitchId` (comma-separated), `ZoneId`, `VSwitchName`, `RouteTableId`,
 * `IsDefault`, `DryRun`, paging (≤ 50, default 10) → `VSwitches.VSwitch[]` with `AvailableIpAddressCount`.
 */
export function describeVSwitches(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx);
  const vpcId = params.string('VpcId');
  const ids = idListParam(params, 'VSwitchId');
  const zoneId = params.string('ZoneId');
  const name = params.string('VSwitchName');
  const routeTableId = params.string('RouteTableId');
  const isDefault = params.has('IsDefault') ? params.bool('IsDefault') : undefined;
  const page = pageParams(params);
  dryRun(ctx);
  const { records } = ctx.state.vpc;
  const vSwitches = [...records.vSwitches.values()].filter(
    (s) =>
      (vpcId === undefined || s.vpcId === vpcId) &&
      (ids === undefined || ids.includes(s.id)) &&
      (zoneId === undefined || s.zoneId === zoneId) &&
      (name === undefined || s.name === name) &&
      (routeTableId === undefined || records.vpcs.get(s.vpcId)?.routeTableId === routeTableId) &&
      (isDefault === undefined || isDefault === false),
  );
  const { items, fields } = paginate(vSwitches, page);
  const rc = ctx.state.vpc.renderContext;
  return { VSwitches: { VSwitch: items.map((s) => renderVSwitch(rc, s)) }, ...fields };
}

/**
 * CreateVSwitch: `VpcId`, `ZoneId`, `CidrBlock` (required; /16–/29 inside the VPC, overlapping no vSwitch),
 * `Ipv6CidrBlock` (0–255: the /64 of the VPC's /56), `VSwitchName`, `Description` → `VSwitchId`. The emulated
 * vSwitch is Available at once.
 */
export function createVSwitch(ctx: ActionContext): Record<string, unknown> {
  const { params } = ctx;
  checkRegion(ctx);
  const vpcId = params.required('VpcId');
  const zoneId = params.required('ZoneId');
  const text = params.required('CidrBlock');
  if (!Cidr.isValid(text)) throw vpcErrors.cidrMalformed('CidrBlock', text);
  const v6Index = params.int('Ipv6CidrBlock', { min: 0, max: 255 });
  const vpc = ctx.state.vpc.records.vpcs.get(vpcId);
  if (!vpc) throw vpcErrors.vpcNotFound(vpcId);
  let ipv6Cidr: Cidr | undefined;
  if (v6Index !== undefined) {
    if (!vpc.ipv6Cidr || vpc.ipv6Cidr.prefixLength > 64) {
      throw apiErrors.invalidParameter('Ipv6CidrBlock', `cannot be used: VPC ${vpcId} has no IPv6 block`);
    }
    if (BigInt(v6Index) >= vpc.ipv6Cidr.subnetCount(64)) {
      throw apiErrors.invalidParameter('Ipv6CidrBlock', `is outside ${vpc.ipv6Cidr.toString()}`);
    }
    ipv6Cidr = vpc.ipv6Cidr.nthSubnet(64, v6Index);
  }
  const s = ctx.state.vpc.createVSwitch({
    vpcId,
    zoneId,
    cidr: Cidr.parse(text),
    ipv6Cidr,
    name: params.string('VSwitchName'),
    description: params.string('Description'),
  });
  return { VSwitchId: s.id };
}

/** DeleteVSwitch: `VSwitchId`; refused while addresses of the vSwitch are in use (`DependencyViolation`). */
export function deleteVSwitch(ctx: ActionContext): Record<string, unknown> {
  checkRegion(ctx);
  const id = ctx.params.required('VSwitchId');
  if (!ctx.state.vpc.records.vSwitches.has(id)) throw vpcErrors.vSwitchNotFound(id);
  dryRun(ctx);
  ctx.state.vpc.deleteVSwitch(id);
  return {};
}

/** The VPC and vSwitch actions. */
export const vpcVSwitchActions: ActionTable = {
  DescribeVpcs: describeVpcs,
  DescribeVSwitches: describeVSwitches,
  CreateVSwitch: createVSwitch,
  DeleteVSwitch: deleteVSwitch,
};
