import { apiErrors } from '../api/api-error.js';
import type { AuthRequest } from '../signature/authenticate.js';

/** An HTTP request as read off the socket: plain data. */
export interface RawHttpRequest {
  readonly method: string;
  /** The request target as sent (`/?Action=…`). */
  readonly url: string;
  /** Lower-case header name → every value received (from `rawHeaders`, so repeats are kept apart). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** An API request: the authentication inputs plus the resolved action and version. */
export interface ParsedApiRequest extends AuthRequest {
  /** `x-acs-action` (V3) or the `Action` parameter (V1). */
  readonly action: string | undefined;
  /** `x-acs-version` (V3) or the `Version` parameter (V1). */
  readonly version: string | undefined;
}

/** Groups Node's `rawHeaders` (`[name, value, name, value…]`) by lower-case name. */
export function headerLists(rawHeaders: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = out[name] ?? [];
    list.push(rawHeaders[i + 1]!);
    out[name] = list;
  }
  return out;
}

/**
 * Flattens a JSON body into RPC parameters the way the SDK flattens request models (`flatMap`): arrays as
 * `Name.1`, `Name.2`, objects as `Name.Key`, scalars stringified, `null` dropped.
 */
export function flattenJson(value: unknown, prefix: string, out: [string, string][]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries())
      flattenJson(item, prefix ? `${prefix}.${i + 1}` : String(i + 1), out);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenJson(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out.push([prefix, String(value)]);
  }
}

/**
 * Parses an RPC-style API request: the query string, and a body in `application/x-www-form-urlencoded` (what the
 * SDKs send) or JSON. Throws `InvalidParameter` for a body that does not parse. Pure.
 */
export function parseApiRequest(raw: RawHttpRequest): ParsedApiRequest {
  const q = raw.url.indexOf('?');
  const rawPath = q < 0 ? raw.url : raw.url.slice(0, q);
  const path = rawPath.startsWith('/') ? rawPath : safePathname(rawPath);
  const query = q < 0 ? [] : [...new URLSearchParams(raw.url.slice(q + 1))];
  const bodyParams = parseBody(raw);
  const params = [...query, ...bodyParams];
  const last = (name: string) => {
    let v: string | undefined;
    for (const [k, val] of params) if (k === name && val !== '') v = val;
    return v;
  };
  const first = (name: string) => {
    const v = raw.headers[name]?.[0]?.trim();
    return v === '' ? undefined : v;
  };
  return {
    method: raw.method,
    path,
    query,
    headers: raw.headers,
    body: raw.body,
    params,
    action: last('Action') ?? first('x-acs-action'),
    version: last('Version') ?? first('x-acs-version'),
  };
}

function safePathname(target: string): string {
  try {
    return new URL(target, 'http://emulator.invalid').pathname;
  } catch {
    return target;
  }
}

function parseBody(raw: RawHttpRequest): [string, string][] {
  if (raw.body.length === 0) return [];
  const type = (raw.headers['content-type']?.[0] ?? '').toLowerCase();
  const text = raw.body.toString('utf8');
  if (type.includes('json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw apiErrors.invalidParameter('body', 'is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw apiErrors.invalidParameter('body', 'must be a JSON object');
    }
    const out: [string, string][] = [];
    flattenJson(value, '', out);
    return out;
  }
  if (type === '' || type.includes('x-www-form-urlencoded')) return [...new URLSearchParams(text)];
  return [];
}
