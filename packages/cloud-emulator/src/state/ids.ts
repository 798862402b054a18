import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A resource id in the real API's form: a prefix and 24 lowercase alphanumerics (`vpc-bp1…`, `vsw-…`, `vtb-…`,
 * `rte-…`, `vbr-…`, `ri-…`, `bgpg-…`, `bgp-…`, `i-…`, `eni-…`). Random, so ids never collide across restarts.
 */
export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}-${s}`;
}

/** A request id in the real API's form (upper-case UUID). */
export function newRequestId(): string {
  const h = randomBytes(16).toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** ISO-8601 UTC time without milliseconds, as the API prints `CreationTime` (`2026-11-27T07:00:00Z`). */
export function apiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
