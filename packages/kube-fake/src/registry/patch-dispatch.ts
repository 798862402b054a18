import type { JsonObject, JsonValue, KubeObject } from '../api/object.js';
import { badRequest, unprocessable, unsupportedMediaType } from '../api/status.js';
import { applyMergePatch } from '../patch/json-merge-patch.js';
import { applyJsonPatch, decodeJsonPatch, JsonPatchError } from '../patch/json-patch.js';
import {
  applyStrategicMergePatch,
  StrategicMergePatchError,
  type StrategicMergeSchema,
} from '../patch/strategic-merge-patch.js';

/**
 * The patch types the fake accepts, by `Content-Type` (as `types.PatchType`).
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply
 */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

/** What the real server lists as accepted in its 415 (server-side apply is among them, but not served here). */
const ACCEPTED = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
  'application/strategic-merge-patch+json',
];

/**
 * Apply `patch` of the given content type to `current`. Errors as the API server's patch handler:
 * an undecodable patch is 400, a JSON Patch operation that does not apply (or a failed `test`) is 422,
 * an unknown content type (or server-side apply, which the fake does not implement) is 415.
 */
export function applyPatch(
  contentType: string,
  current: KubeObject,
  patch: unknown,
  schema: StrategicMergeSchema | undefined,
): JsonValue {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  try {
    switch (type) {
      case 'application/json-patch+json':
        return applyJsonPatch(current as unknown as JsonValue, decodeJsonPatch(patch));
      case 'application/merge-patch+json':
        if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
          throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
        }
        return applyMergePatch(current as unknown as JsonValue, patch as JsonValue);
      case 'application/strategic-merge-patch+json':
        return applyStrategicMergePatch(current as unknown as JsonObject, patch as JsonValue, schema);
      default:
        throw unsupportedMediaType(type, ACCEPTED);
    }
  } catch (err) {
    if (err instanceof JsonPatchError) {
      throw err.phase === 'decode' ? badRequest(err.message) : unprocessable(err.message);
    }
    if (err instanceof StrategicMergePatchError) throw badRequest(err.message);
    throw err;
  }
}
