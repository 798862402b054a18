import type { KubeObject } from '../api/object.js';
import type { ResourceDefinition } from './resource-definition.js';
import { section, validateDnsLabel } from './validation.js';

/** The label the API server puts on every namespace (since 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * core/v1 `Namespace` (cluster-scoped, `/status` subresource), minimal: names are DNS-1123 labels, new
 * namespaces get `status.phase: Active`, `spec.finalizers: [kubernetes]` and the
 * `kubernetes.io/metadata.name` label. Deleting one deletes its objects and itself at once (there is no
 * namespace controller and no `Terminating` phase).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/namespace-v1/
 */
export const namespacesResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  statusSubresource: true,
  returnDeletedObject: true,
  selectableFields: {
    'status.phase': (obj) => String(section(obj, 'status').phase ?? ''),
  },
  prepareForCreate(obj: KubeObject) {
    const spec = section(obj, 'spec');
    obj.spec = { ...(spec as object), finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
    labelName(obj);
  },
  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    obj.spec = {
      ...(section(obj, 'spec') as object),
      finalizers: (section(old, 'spec').finalizers ?? []) as string[],
    };
    labelName(obj);
  },
  validateCreate: (obj) => validateDnsLabel('metadata.name', obj.metadata.name ?? ''),
  validateUpdate: () => [],
};

function labelName(obj: KubeObject): void {
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: obj.metadata.name ?? '' };
}
