/**
 * `@edgeway/kube-fake`: a faithful local fake of the Kubernetes API server for tests and the edgeway lab.
 * `@kubernetes/client-node` (and any other client) talks to it over HTTP unchanged: nodes (with `/status`),
 * leases, configmaps and namespaces; one global `resourceVersion`; list + watch with 410 Gone on expired
 * versions; 409 on stale writes; JSON, merge and strategic-merge patches.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/
 * @packageDocumentation
 */

export {
  cloneJson,
  type JsonObject,
  type JsonValue,
  jsonEqual,
  type KubeObject,
  type ObjectMeta,
} from './api/object.js';
export {
  type ApiStatus,
  type FieldError,
  type FieldErrorType,
  type GroupKind,
  type GroupResource,
  KubeApiError,
  type StatusCause,
  type StatusDetails,
  type StatusReason,
} from './api/status.js';
export { FakeStore } from './fake-store.js';
export { type KubeConfigOptions, kubeConfigOptions, kubeConfigYaml } from './kube-config.js';
export { type KubeFake, type KubeFakeOptions, startKubeFake } from './kube-fake.js';
export { applyMergePatch } from './patch/json-merge-patch.js';
export {
  applyJsonPatch,
  decodeJsonPatch,
  JsonPatchError,
  type JsonPatchOperation,
} from './patch/json-patch.js';
export {
  applyStrategicMergePatch,
  type ListMergeStrategy,
  OBJECT_META_MERGE_SCHEMA,
  StrategicMergePatchError,
  type StrategicMergeSchema,
} from './patch/strategic-merge-patch.js';
export { PATCH_CONTENT_TYPES } from './registry/patch-dispatch.js';
export {
  type DeleteOptions,
  type ListOptions,
  type ObjectList,
  type RegistryOptions,
  ResourceRegistry,
} from './registry/resource-registry.js';
export { builtinResources } from './resources/builtin-resources.js';
export { configMapsResource } from './resources/configmaps.js';
export { leasesResource } from './resources/leases.js';
export { NAMESPACE_NAME_LABEL, namespacesResource } from './resources/namespaces.js';
export { nodesResource } from './resources/nodes.js';
export {
  apiVersionOf,
  type ResourceDefinition,
  resourceId,
  type Subresource,
} from './resources/resource-definition.js';
export { FaultInjector, type FaultMatch, type FaultRequest } from './server/faults.js';
export type { WatchEvent } from './server/watch-stream.js';
export {
  RevisionTooOldError,
  type StoreEvent,
  type StoreEventType,
  VersionedStore,
  type VersionedStoreOptions,
} from './store/versioned-store.js';
