import type { KubeObject } from '../api/object.js';
import type { FieldError } from '../api/status.js';
import type { ResourceDefinition, Subresource } from './resource-definition.js';
import { normalizeTimeField } from './time-fields.js';
import { cidrFamily, invalidCidr, section, validateDnsSubdomain } from './validation.js';

/**
 * core/v1 `Node` (cluster-scoped, `/status` subresource), with the parts of `pkg/registry/core/node` and
 * `pkg/apis/core/validation` that network controllers depend on:
 *
 * - `spec.podCIDR` / `spec.podCIDRs` are kept in step as the v1 conversion does: `podCIDR` wins when both are
 *   given and differ, `podCIDRs` is filled from `podCIDR`, and `podCIDR` is always `podCIDRs[0]`.
 * - `podCIDRs` must be valid CIDRs, at most one per IP family.
 * - Once set, `podCIDRs` cannot change (`node updates may not change podCIDR except from "" to valid`);
 *   neither can a set `providerID`.
 * - Writes to the main resource keep the stored `status`; writes to `nodes/status` keep the stored `spec`
 *   but, as for real nodes, may change labels and annotations (flannel writes its annotations that way).
 * - Condition timestamps (`lastHeartbeatTime`, `lastTransitionTime`) are kept to whole seconds, as `metav1.Time`.
 * - Strategic merge: `status.addresses` and `status.conditions` merge by `type`, `spec.podCIDRs` is a set.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/node-v1/
 * @see https://kubernetes.io/docs/concepts/architecture/nodes/
 */
export const nodesResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  statusSubresource: true,
  statusResetsMetadata: false,
  selectableFields: {
    'spec.unschedulable': (obj) => String(section(obj, 'spec').unschedulable === true),
  },
  strategicMerge: {
    'spec.podCIDRs': {},
    'status.addresses': { mergeKey: 'type' },
    'status.conditions': { mergeKey: 'type' },
  },
  prepareForCreate(obj: KubeObject) {
    normalizePodCidrs(obj);
    normalizeConditionTimes(obj);
  },
  prepareForUpdate(obj: KubeObject, _old: KubeObject, _sub: Subresource) {
    normalizePodCidrs(obj);
    normalizeConditionTimes(obj);
  },
  validateCreate: validateNode,
  validateUpdate(obj: KubeObject, old: KubeObject) {
    const errs = validateNode(obj);
    const oldCidrs = podCidrsOf(old);
    const newCidrs = podCidrsOf(obj);
    if (
      oldCidrs.length > 0 &&
      (oldCidrs.length !== newCidrs.length || oldCidrs.some((c, i) => c !== newCidrs[i]))
    ) {
      errs.push({
        type: 'Forbidden',
        field: 'spec.podCIDRs',
        detail: 'node updates may not change podCIDR except from "" to valid',
      });
    }
    const oldProvider = section(old, 'spec').providerID;
    if (
      typeof oldProvider === 'string' &&
      oldProvider !== '' &&
      oldProvider !== section(obj, 'spec').providerID
    ) {
      errs.push({
        type: 'Forbidden',
        field: 'spec.providerID',
        detail: 'node updates may not change providerID except from "" to valid',
      });
    }
    return errs;
  },
};

function podCidrsOf(obj: KubeObject): string[] {
  const v = section(obj, 'spec').podCIDRs;
  return Array.isArray(v) ? (v as string[]) : [];
}

/** The v1 ↔ internal conversion of `spec.podCIDR` / `spec.podCIDRs`. */
function normalizePodCidrs(obj: KubeObject): void {
  const spec = obj.spec;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return;
  const single = typeof spec.podCIDR === 'string' ? spec.podCIDR : '';
  const list = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
  let cidrs = list;
  if (single !== '' && (list.length === 0 || list[0] !== single)) cidrs = [single];
  if (cidrs.length > 0) {
    spec.podCIDRs = cidrs;
    spec.podCIDR = cidrs[0]!;
  } else {
    delete spec.podCIDRs;
    delete spec.podCIDR;
  }
}

function validateNode(obj: KubeObject): FieldError[] {
  const errs = validateDnsSubdomain('metadata.name', obj.metadata.name ?? '');
  const cidrs = podCidrsOf(obj);
  const families = cidrs.map((c, i) => {
    const f = typeof c === 'string' ? cidrFamily(c) : 0;
    if (f === 0) errs.push(invalidCidr(`spec.podCIDRs[${i}]`, c));
    return f;
  });
  if (cidrs.length > 2 || (cidrs.length === 2 && families[0] === families[1] && families[0] !== 0)) {
    errs.push({
      type: 'Invalid',
      field: 'spec.podCIDRs',
      value: cidrs,
      detail: 'may specify no more than one CIDR for each IP family',
    });
  }
  return errs;
}

function normalizeConditionTimes(obj: KubeObject): void {
  const conditions = section(obj, 'status').conditions;
  if (!Array.isArray(conditions)) return;
  for (const cond of conditions) {
    normalizeTimeField(cond, 'lastHeartbeatTime', 'seconds');
    normalizeTimeField(cond, 'lastTransitionTime', 'seconds');
  }
}
