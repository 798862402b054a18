import { badRequest, invalid, timeout } from '../api/status.js';

/**
 * Parsing of the `resourceVersion` / `resourceVersionMatch` query parameters and the list semantics they select.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#semantics-for-get-and-list
 */

/** Which revision a list reads. */
export type ListRevision =
  | { readonly kind: 'latest' }
  | { readonly kind: 'exact'; readonly rv: number }
  | { readonly kind: 'notOlderThan'; readonly rv: number };

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' } as const;

/** Parse a resource version string (400 BadRequest if not a non-negative integer). */
export function parseResourceVersion(value: string): number {
  if (!/^\d+$/.test(value)) throw badRequest(`invalid resource version: ${JSON.stringify(value)}`);
  return Number(value);
}

/** Map `resourceVersion` + `resourceVersionMatch` to the revision a list must read. */
export function listRevision(resourceVersion: string | undefined, match: string | undefined): ListRevision {
  const rv = resourceVersion ?? '';
  if (match !== undefined && match !== '') {
    if (rv === '') {
      throw invalid(LIST_OPTIONS, '', [
        {
          type: 'Forbidden',
          field: 'resourceVersionMatch',
          detail: 'resourceVersionMatch is forbidden unless resourceVersion is provided',
        },
      ]);
    }
    if (match === 'Exact') {
      if (rv === '0') {
        throw invalid(LIST_OPTIONS, '', [
          {
            type: 'Forbidden',
            field: 'resourceVersionMatch',
            detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
          },
        ]);
      }
      return { kind: 'exact', rv: parseResourceVersion(rv) };
    }
    if (match === 'NotOlderThan') return { kind: 'notOlderThan', rv: parseResourceVersion(rv) };
    throw invalid(LIST_OPTIONS, '', [
      {
        type: 'NotSupported',
        field: 'resourceVersionMatch',
        value: match,
        detail: 'supported values: "Exact", "NotOlderThan"',
      },
    ]);
  }
  if (rv === '' || rv === '0') return { kind: 'latest' };
  return { kind: 'notOlderThan', rv: parseResourceVersion(rv) };
}

/** The 504 for a resource version the server has not reached (`Too large resource version`). */
export function tooLargeResourceVersion(requested: number, current: number) {
  return timeout(`Timeout: Too large resource version: ${requested}, current: ${current}`, 1, [
    { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
  ]);
}
