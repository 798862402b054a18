import { ApiError } from '../api/api-error.js';
import type { Params } from '../api/params.js';
import { ecsErrors } from './ecs-errors.js';

/** At most 20 tags per call and per resource (TagResources API reference). */
export const MAX_TAGS = 20;

function badKey(key: string): boolean {
  return key.length === 0 || key.length > 128 || /^(acs:|aliyun)/i.test(key) || /https?:\/\//i.test(key);
}

function badValue(value: string): boolean {
  return value.length > 128 || /^acs:/i.test(value) || /https?:\/\//i.test(value);
}

/**
 * `Tag.N.Key` / `Tag.N.Value` to write (CreateNetworkInterface, TagResources): at most 20
 * (`NumberExceed.Tags`), keys 1–128 characters not starting with `acs:` or `aliyun` and without `http(s)://`
 * (`InvalidTagKey.Malformed`), values up to 128 characters not starting with `acs:` (`InvalidTagValue.Malformed`),
 * no key twice (`Duplicate.TagKey`).
 * API reference: https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-tagresources
 */
export function readTagsToSet(params: Params): [string, string][] {
  const raw = params.structList('Tag');
  if (raw.length > MAX_TAGS) throw ecsErrors.tooManyTags();
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const t of raw) {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (badKey(key)) throw ecsErrors.invalidTagKey();
    if (badValue(value)) throw ecsErrors.invalidTagValue();
    if (seen.has(key)) throw ecsErrors.duplicateTagKey();
    seen.add(key);
    out.push([key, value]);
  }
  return out;
}

/** A tag filter of a Describe/List call: the key, and the value when one was given. */
export interface TagFilter {
  readonly key: string;
  readonly value?: string | undefined;
}

/** `Tag.N.Key` / `Tag.N.Value` as a filter (a value without a key → `InvalidParameter.TagValue`). */
export function readTagFilters(params: Params): TagFilter[] {
  const raw = params.structList('Tag');
  if (raw.length > MAX_TAGS) throw ecsErrors.tooManyTags();
  return raw.map((t) => {
    if (t.Key === undefined || t.Key === '') {
      throw new ApiError('InvalidParameter.TagValue', 'A tag value was given without its tag key.', 400);
    }
    return { key: t.Key, value: t.Value };
  });
}

/** Whether the tags carry every filter (a filter without a value matches any value of its key). */
export function matchesTags(tags: ReadonlyMap<string, string>, filters: readonly TagFilter[]): boolean {
  return filters.every((f) => tags.has(f.key) && (f.value === undefined || tags.get(f.key) === f.value));
}

/** Adds or overwrites tags, keeping at most 20 per resource (`OperationDenied.QuotaExceed`). */
export function applyTags(target: Map<string, string>, tags: readonly [string, string][]): void {
  const keys = new Set([...target.keys(), ...tags.map(([k]) => k)]);
  if (keys.size > MAX_TAGS) throw ecsErrors.tagQuota();
  for (const [k, v] of tags) target.set(k, v);
}
