import { cloneJson, isJsonObject, type JsonValue } from '../api/object.js';

/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge recursively, `null` removes a
 * member, anything else (arrays included) replaces the target value.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7386
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/#use-a-json-merge-patch-to-update-a-deployment
 */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: { [k: string]: JsonValue } = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
