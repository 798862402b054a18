import { isIP } from 'node:net';
import type { KubeObject } from '../api/object.js';
import type { FieldError } from '../api/status.js';

/**
 * The validation helpers of `k8s.io/apimachinery/pkg/util/validation` and `apimachinery/pkg/api/validation`
 * the fake's kinds use, with the same messages.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const RE_LABEL = new RegExp(`^${DNS1123_LABEL}$`);
const RE_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN}$`);
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const RE_QUALIFIED = new RegExp(`^${QUALIFIED_NAME}$`);
const RE_LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** `IsDNS1123Subdomain` as field errors on `field`. */
export function validateDnsSubdomain(field: string, value: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 253)
    errs.push({ type: 'Invalid', field, value, detail: 'must be no more than 253 characters' });
  if (!RE_SUBDOMAIN.test(value)) {
    errs.push({
      type: 'Invalid',
      field,
      value,
      detail: `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`,
    });
  }
  return errs;
}

/** `IsDNS1123Label` as field errors on `field`. */
export function validateDnsLabel(field: string, value: string): FieldError[] {
  const errs: FieldError[] = [];
  if (value.length > 63)
    errs.push({ type: 'Invalid', field, value, detail: 'must be no more than 63 characters' });
  if (!RE_LABEL.test(value)) {
    errs.push({
      type: 'Invalid',
      field,
      value,
      detail: `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`,
    });
  }
  return errs;
}

function validateQualifiedName(field: string, key: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const bad =
    (slash >= 0 && !RE_SUBDOMAIN.test(prefix)) ||
    name.length === 0 ||
    name.length > 63 ||
    !RE_QUALIFIED.test(name);
  return bad
    ? [
        {
          type: 'Invalid',
          field,
          value: key,
          detail: `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`,
        },
      ]
    : [];
}

/** `ValidateLabels`: qualified-name keys and ≤ 63-character values. */
export function validateLabels(labels: unknown): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return [{ type: 'Invalid', field: 'metadata.labels', value: labels, detail: 'must be a map of strings' }];
  }
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateQualifiedName('metadata.labels', k));
    if (typeof v !== 'string' || v.length > 63 || !RE_LABEL_VALUE.test(v)) {
      errs.push({
        type: 'Invalid',
        field: 'metadata.labels',
        value: v,
        detail:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  return errs;
}

/** `ValidateAnnotations`: qualified-name keys and string values. */
export function validateAnnotations(annotations: unknown): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [
      {
        type: 'Invalid',
        field: 'metadata.annotations',
        value: annotations,
        detail: 'must be a map of strings',
      },
    ];
  }
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...validateQualifiedName('metadata.annotations', k.toLowerCase()));
    if (typeof v !== 'string') {
      errs.push({
        type: 'Invalid',
        field: `metadata.annotations[${k}]`,
        value: v,
        detail: 'must be a string',
      });
    }
  }
  return errs;
}

/** `IsValidCIDR`: `10.9.8.0/24` or `2001:db8::/64`. Returns the IP family (4 or 6) or 0 when invalid. */
export function cidrFamily(value: string): 0 | 4 | 6 {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!m) return 0;
  const family = isIP(m[1]!);
  const bits = Number(m[2]);
  if (family === 4 && bits <= 32) return 4;
  if (family === 6 && bits <= 128) return 6;
  return 0;
}

/** Field error for an invalid CIDR, with the API server's message. */
export function invalidCidr(field: string, value: unknown): FieldError {
  return {
    type: 'Invalid',
    field,
    value,
    detail: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  };
}

/** A nested member of an object as a plain record (or an empty one). */
export function section(obj: KubeObject, key: string): Record<string, unknown> {
  const v = obj[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
