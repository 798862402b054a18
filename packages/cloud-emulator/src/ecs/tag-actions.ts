import type { ActionContext, ActionHandler } from '../api/action.js';
import { ApiError, apiErrors } from '../api/api-error.js';
import type { TaggableType } from './ecs-domain.js';
import { ecsErrors } from './ecs-errors.js';
import { paginate, readPaging } from './ecs-paging.js';
import { applyTags, matchesTags, readTagFilters, readTagsToSet } from './ecs-tags.js';
import { inRegion } from './eni-actions.js';

const TAGGABLE: readonly TaggableType[] = ['eni', 'instance'];

function resourceType(ctx: ActionContext): TaggableType {
  const raw = ctx.params.required('ResourceType').toLowerCase();
  const type = TAGGABLE.find((t) => t === raw);
  if (!type) throw ecsErrors.resourceTypeNotFound();
  return type;
}

/** `ResourceId.N` (1–50 ids, each existing in the region, else `InvalidResourceId.NotFound`). */
function resources(
  ctx: ActionContext,
  type: TaggableType,
  required: boolean,
): { id: string; tags: Map<string, string> }[] {
  const ids = ctx.params.list('ResourceId');
  if (ids.length === 0 && required) throw apiErrors.missingParameter('ResourceId.1');
  if (ids.length > 50) throw ecsErrors.tooManyResourceIds();
  const visible = inRegion(ctx);
  return ids.map((id) => {
    const tags = visible ? ctx.state.ecs.tagsOf(type, id) : undefined;
    if (!tags) throw ecsErrors.resourceNotFound();
    return { id, tags };
  });
}

/**
 * TagResources: RegionId, ResourceType (`eni` or `instance`), ResourceId.N (≤ 50), Tag.N (≤ 20). Existing
 * keys are overwritten; at most 20 tags per resource.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-tagresources
 */
export const tagResources: ActionHandler = (ctx) => {
  const type = resourceType(ctx);
  const tags = readTagsToSet(ctx.params);
  if (tags.length === 0) throw ecsErrors.missingTags();
  const targets = resources(ctx, type, true);
  for (const t of targets) applyTags(new Map(t.tags), tags); // all or nothing: check every quota first
  for (const t of targets) {
    applyTags(t.tags, tags);
    ctx.state.ecs.emitTagged(type, t.id);
  }
  return {};
};

/**
 * UntagResources: RegionId, ResourceType, ResourceId.N, TagKey.N (≤ 20) or All=true. Keys a resource does
 * not carry are ignored.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-untagresources
 */
export const untagResources: ActionHandler = (ctx) => {
  const type = resourceType(ctx);
  const keys = ctx.params.list('TagKey');
  if (keys.length > 20) throw ecsErrors.tooManyTags();
  const all = ctx.params.bool('All', false);
  if (keys.length === 0 && !all) throw ecsErrors.missingTags();
  for (const t of resources(ctx, type, true)) {
    if (keys.length === 0) t.tags.clear();
    for (const k of keys) t.tags.delete(k);
    ctx.state.ecs.emitTagged(type, t.id);
  }
  return {};
};

/**
 * ListTagResources: RegionId, ResourceType, ResourceId.N and/or Tag.N (exact match); 50 entries a page,
 * continued with NextToken. `TagFilter.N` (fuzzy search) is not emulated.
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-listtagresources
 */
export const listTagResources: ActionHandler = (ctx) => {
  const type = resourceType(ctx);
  if (ctx.params.structList('TagFilter').length > 0) {
    throw new ApiError(
      'UnsupportedParameter',
      'The parameter "TagFilter.N" (fuzzy tag search) is not emulated.',
      400,
    );
  }
  const filters = readTagFilters(ctx.params);
  const paging = readPaging(ctx.params, { tokenKind: 'tag', maxResultsMax: 50, maxResultsDefault: 50 });
  const named = ctx.params.list('ResourceId').length > 0;
  const visible = inRegion(ctx);
  const candidates = named
    ? resources(ctx, type, false)
    : visible
      ? (type === 'eni' ? ctx.state.ecs.networkInterfaces() : ctx.state.ecs.instances()).map((r) => ({
          id: r.id,
          tags: r.tags,
        }))
      : [];
  const entries = candidates
    .filter((r) => matchesTags(r.tags, filters))
    .flatMap((r) =>
      [...r.tags].map(([TagKey, TagValue]) => ({ ResourceId: r.id, ResourceType: type, TagKey, TagValue })),
    )
    .map((e, i) => ({ seq: i + 1, e }));
  const { page, fields } = paginate(entries, paging, 'tag');
  return { NextToken: fields.NextToken, TagResources: { TagResource: page.map(({ e }) => e) } };
};
