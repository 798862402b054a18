import { jsonEqual } from '../api/object.js';
import type { FieldError } from '../api/status.js';
import type { ResourceDefinition } from './resource-definition.js';
import { validateDnsSubdomain } from './validation.js';

const RE_CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * core/v1 `ConfigMap` (namespaced): `data` / `binaryData` keys checked as `IsConfigMapKey`, and an
 * `immutable: true` map refuses any later change to `data`, `binaryData` or `immutable`.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/config-map-v1/
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/#configmap-immutable
 */
export const configMapsResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  validateCreate: validateConfigMap,
  validateUpdate(obj, old) {
    const errs = validateConfigMap(obj);
    if (old.immutable === true) {
      for (const field of ['immutable', 'data', 'binaryData']) {
        if (!jsonEqual(obj[field], old[field])) {
          errs.push({ type: 'Forbidden', field, detail: 'field is immutable when `immutable` is set' });
        }
      }
    }
    return errs;
  },
};

function validateConfigMap(
  obj: Parameters<NonNullable<ResourceDefinition['validateCreate']>>[0],
): FieldError[] {
  const errs = validateDnsSubdomain('metadata.name', obj.metadata.name ?? '');
  for (const field of ['data', 'binaryData']) {
    const v = obj[field];
    if (v === undefined || v === null) continue;
    for (const key of Object.keys(v as object)) {
      if (!RE_CONFIG_KEY.test(key)) {
        errs.push({
          type: 'Invalid',
          field: `${field}[${key}]`,
          value: key,
          detail:
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        });
      }
    }
  }
  return errs;
}
