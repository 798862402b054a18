// Test support: a small action table under real action names, so server tests do not depend on the domains.
import type { ActionTable } from '../api/action.js';
import { ApiError } from '../api/api-error.js';

/** Stub VPC actions: `DescribeVpcs`, `CreateVpc` (counts ids), `EchoParams`, `DeleteVpc` (a handler bug). */
export function stubVpcActions(): ActionTable {
  let created = 0;
  let conflicts = 0;
  return {
    DescribeVpcs: (ctx) => ({
      Vpcs: { Vpc: [] },
      TotalCount: 0,
      PageNumber: ctx.params.int('PageNumber', { min: 1, fallback: 1 }),
      PageSize: 10,
    }),
    CreateVpc: (ctx) => {
      if (ctx.params.string('VpcName') === 'conflict-once' && conflicts++ === 0) {
        throw new ApiError('TaskConflict', 'The operation conflicts with another task.', 400);
      }
      ctx.state.feed.emit({ kind: 'Vpc', id: `vpc-${created + 1}`, change: 'created', resource: {} });
      return { VpcId: `vpc-${++created}`, CidrBlock: ctx.params.string('CidrBlock') ?? '' };
    },
    EchoParams: (ctx) => ({ Params: Object.fromEntries(ctx.params.entries()), AccessKeyId: ctx.accessKeyId }),
    DeleteVpc: () => {
      throw new Error('handler bug');
    },
  };
}

/** Stub ECS actions: `DescribeRegions`. */
export function stubEcsActions(): ActionTable {
  return { DescribeRegions: () => ({ Regions: { Region: [{ RegionId: 'cn-hangzhou' }] } }) };
}
