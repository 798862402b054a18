import type { KubeObject } from '../api/object.js';
import type { FieldError } from '../api/status.js';
import type { StrategicMergeSchema } from '../patch/strategic-merge-patch.js';

/** Which part of an object a write goes through: the main resource or its `/status` subresource. */
export type Subresource = 'main' | 'status';

/**
 * Everything the fake needs to serve one kind, the analogue of a `genericregistry.Store` plus its
 * `RESTCreateStrategy` / `RESTUpdateStrategy`. Add a kind by passing one of these to `startKubeFake({resources})`.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
 */
export interface ResourceDefinition {
  /** API group, `''` for core (`/api/v1`). */
  readonly group: string;
  /** API version, e.g. `v1`. */
  readonly version: string;
  /** Kind, e.g. `Node`. */
  readonly kind: string;
  /** Plural resource name used in URLs, e.g. `nodes`. Unique within the fake. */
  readonly plural: string;
  /** Singular name (discovery), default `kind.toLowerCase()`. */
  readonly singular?: string;
  /** Short names (discovery). */
  readonly shortNames?: readonly string[];
  /** Namespaced (`/namespaces/{ns}/…`) or cluster-scoped. */
  readonly namespaced: boolean;
  /**
   * Has a `/status` subresource: PUT/PATCH on the main resource then keep the stored `status`, and writes
   * through `/status` keep everything but `status` (and metadata, see `statusResetsMetadata`).
   */
  readonly statusSubresource?: boolean;
  /** Status writes also discard metadata changes (`metav1.ResetObjectMetaForStatus`); nodes do not. */
  readonly statusResetsMetadata?: boolean;
  /** Track `metadata.generation` (1 on create, +1 when anything outside `metadata`/`status` changes). Default true. */
  readonly generation?: boolean;
  /** Field selectors besides `metadata.name` (and `metadata.namespace` when namespaced). */
  readonly selectableFields?: Readonly<Record<string, (obj: KubeObject) => string>>;
  /** Patch merge keys and strategies for `application/strategic-merge-patch+json`. */
  readonly strategicMerge?: StrategicMergeSchema;
  /** PUT on a missing object creates it. Default false (as for nodes, leases, configmaps). */
  readonly allowCreateOnUpdate?: boolean;
  /** A DELETE answers with the deleted object instead of a `Status` (`ReturnDeletedObject`). Default false. */
  readonly returnDeletedObject?: boolean;
  /** `PrepareForCreate`: normalise or default the object before validation. */
  prepareForCreate?(obj: KubeObject): void;
  /** `PrepareForUpdate`: normalise `obj` given the stored `old` (after the status/spec reset). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, subresource: Subresource): void;
  /** `Validate`: field errors make the create a 422 `Invalid`. */
  validateCreate?(obj: KubeObject): FieldError[];
  /** `ValidateUpdate`: field errors make the update a 422 `Invalid`. */
  validateUpdate?(obj: KubeObject, old: KubeObject, subresource: Subresource): FieldError[];
}

/** `v1`, or `coordination.k8s.io/v1`. */
export function apiVersionOf(def: ResourceDefinition): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}

/** The identifier the store uses: `nodes`, or `leases.coordination.k8s.io`. */
export function resourceId(def: ResourceDefinition): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}
