import { badRequest } from '../api/status.js';

/**
 * Re-serialise timestamps as the API server does after decoding them into Go types: `metav1.Time` keeps
 * whole seconds (`2024-05-01T12:00:00Z`), `metav1.MicroTime` six fractional digits
 * (`2024-05-01T12:00:00.123000Z`). A client sending milliseconds gets back the truncated value.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/
 */
export function normalizeTime(value: unknown, precision: 'seconds' | 'micro'): unknown {
  if (typeof value !== 'string') return value;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : Number.NaN;
  if (!m || Number.isNaN(ms)) {
    throw badRequest(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const base = new Date(ms).toISOString().slice(0, 19);
  if (precision === 'seconds') return `${base}Z`;
  const frac = (m[2] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return `${base}.${frac}Z`;
}

/** Normalise `obj[key]` in place when present. */
export function normalizeTimeField(obj: unknown, key: string, precision: 'seconds' | 'micro'): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return;
  const rec = obj as Record<string, unknown>;
  if (rec[key] !== undefined && rec[key] !== null) rec[key] = normalizeTime(rec[key], precision);
}
