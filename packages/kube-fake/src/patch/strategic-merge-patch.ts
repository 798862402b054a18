import { cloneJson, isJsonObject, type JsonObject, type JsonValue, jsonEqual } from '../api/object.js';

/**
 * A subset of Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), driven by a
 * per-kind table of the lists that carry `patchStrategy:"merge"` in the Go types.
 *
 * Supported: maps merge recursively and `null` deletes a key (as RFC 7386); lists listed in the schema
 * merge — lists of objects by their `patchMergeKey` (an element with the key of an existing one is merged
 * into it, a new key is appended), lists of primitives as a set union; every other list is replaced whole;
 * directives `$patch: replace` (on a map, or as a list element), `$patch: delete` (on a list element: remove
 * the element with that key; on a map: remove the map), `$patch: merge`, `$deleteFromPrimitiveList/<field>`,
 * `$retainKeys`, and `$setElementOrder/<field>` (elements it names come first, in its order; the others keep
 * their relative order after them).
 *
 * Not supported: schemas of kinds not described here (lists of unknown kinds are replaced, as for a built-in
 * type without a patch strategy), `retainKeys` as a declared strategy, list-of-lists.
 *
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/#use-a-strategic-merge-patch-to-update-a-deployment
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 */

/** How one list merges: present in the schema = `patchStrategy:"merge"`; `mergeKey` for lists of objects. */
export interface ListMergeStrategy {
  readonly mergeKey?: string;
}

/**
 * Dotted paths of lists with `patchStrategy:"merge"` (list elements add no path segment), e.g.
 * `{'status.conditions': {mergeKey: 'type'}, 'spec.podCIDRs': {}}`.
 */
export type StrategicMergeSchema = Readonly<Record<string, ListMergeStrategy>>;

/** The metadata lists every kind merges (`ObjectMeta.finalizers`, `ObjectMeta.ownerReferences`). */
export const OBJECT_META_MERGE_SCHEMA: StrategicMergeSchema = {
  'metadata.finalizers': {},
  'metadata.ownerReferences': { mergeKey: 'uid' },
};

/** A malformed strategic merge patch (the server answers 400 BadRequest). */
export class StrategicMergePatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
}

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

function isDirectiveKey(k: string): boolean {
  return k === PATCH || k === RETAIN_KEYS || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVE);
}

/** Remove directive keys from a value that is being written as is (a replaced list or map). */
function stripDirectives(v: JsonValue): JsonValue {
  if (Array.isArray(v)) {
    return v.filter((e) => !(isJsonObject(e) && e[PATCH] !== undefined)).map(stripDirectives);
  }
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) if (!isDirectiveKey(k)) out[k] = stripDirectives(val);
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Apply a strategic merge patch to `original` using `schema` (merged with {@link OBJECT_META_MERGE_SCHEMA}). */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonValue,
  schema: StrategicMergeSchema = {},
): JsonObject {
  if (!isJsonObject(patch))
    throw new StrategicMergePatchError('invalid JSON document: patch must be an object');
  const full = { ...OBJECT_META_MERGE_SCHEMA, ...schema };
  const merged = mergeMap(cloneJson(original), patch, '', full);
  if (merged === undefined)
    throw new StrategicMergePatchError('$patch: delete is not allowed on the object itself');
  return merged;
}

function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  path: string,
  schema: StrategicMergeSchema,
): JsonObject | undefined {
  const directive = patch[PATCH];
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return stripDirectives(patch) as JsonObject;
    if (directive !== 'merge') throw new StrategicMergePatchError(`Unknown patch type: ${String(directive)}`);
  }
  const result = original;
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = result[field];
      if (!Array.isArray(value)) throw new StrategicMergePatchError(`${key} must be a list`);
      if (Array.isArray(current)) result[field] = current.filter((e) => !value.some((d) => jsonEqual(d, e)));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    const childPath = join(path, key);
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      const base = result[key];
      const merged = mergeMap(isJsonObject(base) ? base : {}, value, childPath, schema);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, childPath, schema);
    } else {
      result[key] = value;
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const field = key.slice(SET_ORDER.length);
    const current = result[field];
    if (!Array.isArray(order)) throw new StrategicMergePatchError(`${key} must be a list`);
    if (Array.isArray(current)) result[field] = reorder(current, order, schema[join(path, field)]?.mergeKey);
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicMergePatchError(`${RETAIN_KEYS} must be a list`);
    for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  }
  return result;
}

function keyOf(e: JsonValue, mergeKey: string): JsonValue | undefined {
  return isJsonObject(e) ? e[mergeKey] : undefined;
}

function mergeList(
  original: JsonValue | undefined,
  patch: JsonValue[],
  path: string,
  schema: StrategicMergeSchema,
): JsonValue[] {
  const strategy = schema[path];
  const replaceAll = patch.some((e) => isJsonObject(e) && e[PATCH] === 'replace');
  if (strategy === undefined || replaceAll) return stripDirectives(patch) as JsonValue[];
  const base = Array.isArray(original) ? original : [];
  const mergeKey = strategy.mergeKey;
  if (mergeKey === undefined) {
    const out = [...base];
    for (const e of patch) {
      if (isJsonObject(e) || Array.isArray(e))
        throw new StrategicMergePatchError(`${path}: expected a list of primitives`);
      if (!out.some((x) => jsonEqual(x, e))) out.push(e);
    }
    return out;
  }
  let out = [...base];
  for (const e of patch) {
    if (!isJsonObject(e)) throw new StrategicMergePatchError(`${path}: expected a list of objects`);
    const k = e[mergeKey];
    if (k === undefined) {
      throw new StrategicMergePatchError(
        `map: ${JSON.stringify(e)} does not contain declared merge key: ${mergeKey}`,
      );
    }
    const idx = out.findIndex((x) => jsonEqual(keyOf(x, mergeKey), k));
    if (e[PATCH] === 'delete') {
      out = out.filter((x) => !jsonEqual(keyOf(x, mergeKey), k));
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(cloneJson(out[idx] as JsonObject), e, path, schema);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      out.push(stripDirectives(e));
    }
  }
  return out;
}

function reorder(list: JsonValue[], order: JsonValue[], mergeKey: string | undefined): JsonValue[] {
  const ident = (e: JsonValue): JsonValue | undefined => (mergeKey === undefined ? e : keyOf(e, mergeKey));
  const wanted = order.map((o) => (mergeKey === undefined ? o : keyOf(o, mergeKey)));
  const first: JsonValue[] = [];
  for (const w of wanted) {
    const hit = list.find((e) => jsonEqual(ident(e), w));
    if (hit !== undefined) first.push(hit);
  }
  const rest = list.filter((e) => !wanted.some((w) => jsonEqual(ident(e), w)));
  return [...first, ...rest];
}
