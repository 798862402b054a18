import type { KubeObject } from '../api/object.js';
import type { FieldError } from '../api/status.js';
import type { ResourceDefinition } from './resource-definition.js';
import { normalizeTimeField } from './time-fields.js';
import { section, validateDnsSubdomain } from './validation.js';

/**
 * coordination.k8s.io/v1 `Lease` (namespaced, no status): the object leader election and node heartbeats
 * use. Validation as `pkg/apis/coordination/validation`: `leaseDurationSeconds` must be greater than 0 and
 * `leaseTransitions` not negative. `acquireTime` / `renewTime` are `MicroTime`s, re-serialised with six fractional
 * digits. Renewals are ordinary updates, so a stale `resourceVersion` is a 409.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/lease-v1/
 * @see https://kubernetes.io/docs/concepts/architecture/leases/
 */
export const leasesResource: ResourceDefinition = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  prepareForCreate: normalizeLeaseTimes,
  prepareForUpdate: (obj) => normalizeLeaseTimes(obj),
  validateCreate: validateLease,
  validateUpdate: (obj) => validateLease(obj),
};

function validateLease(obj: Parameters<typeof section>[0]): FieldError[] {
  const errs = validateDnsSubdomain('metadata.name', obj.metadata.name ?? '');
  const spec = section(obj, 'spec');
  const duration = spec.leaseDurationSeconds;
  if (duration !== undefined && duration !== null && !(typeof duration === 'number' && duration > 0)) {
    errs.push({
      type: 'Invalid',
      field: 'spec.leaseDurationSeconds',
      value: duration,
      detail: 'must be greater than 0',
    });
  }
  const transitions = spec.leaseTransitions;
  if (
    transitions !== undefined &&
    transitions !== null &&
    !(typeof transitions === 'number' && transitions >= 0)
  ) {
    errs.push({
      type: 'Invalid',
      field: 'spec.leaseTransitions',
      value: transitions,
      detail: 'must be greater than or equal to 0',
    });
  }
  return errs;
}

function normalizeLeaseTimes(obj: KubeObject): void {
  normalizeTimeField(obj.spec, 'acquireTime', 'micro');
  normalizeTimeField(obj.spec, 'renewTime', 'micro');
}
