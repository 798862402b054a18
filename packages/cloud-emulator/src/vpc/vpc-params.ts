import { Cidr, IpAddress } from '@edgeway/core';
import type { ActionContext } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';
import type { Params } from '../api/params.js';
import { vpcErrors } from './vpc-errors.js';

/**
 * Parses a destination the way CreateRouteEntry reads it: host bits are cleared (the API's own example is
 * `192.168.0.1/24`) and a bare address is a host route ("If you do not include the mask length … the destination
 * CIDR block is considered a host IP address"). `undefined` if the text is neither.
 */
export function parseCidrLenient(text: string): Cidr | undefined {
  const t = text.trim();
  try {
    if (!t.includes('/')) return IpAddress.isValid(t) ? Cidr.host(IpAddress.parse(t)) : undefined;
    return Cidr.parse(t, { strict: false });
  } catch {
    return undefined;
  }
}

/** A CIDR parameter. @throws ApiError `MissingParameter`, `InvalidCidrBlock.Malformed` naming the parameter. */
export function cidrParam(params: Params, name: string): Cidr {
  const text = params.required(name);
  const cidr = parseCidrLenient(text);
  if (cidr === undefined) throw vpcErrors.cidrMalformed(name, text);
  return cidr;
}

/**
 * Checks `RegionId`: the emulator serves one region, and a call for another one is a misconfiguration worth an
 * error (`InvalidRegionId.NotFound`) rather than an empty answer.
 */
export function checkRegion(ctx: ActionContext, required = false): void {
  const region = required ? ctx.params.required('RegionId') : ctx.params.string('RegionId');
  if (region !== undefined && region !== ctx.state.regionId) throw vpcErrors.regionNotFound(region);
}

/** `PageNumber` / `PageSize` paging. */
export interface Page {
  readonly pageNumber: number;
  readonly pageSize: number;
}

/** Reads `PageNumber` (≥ 1, default 1) and `PageSize` (1..`max`, default 10), as the Describe* pages define them. */
export function pageParams(params: Params, max = 50, fallback = 10): Page {
  const pageNumber = params.int('PageNumber', { min: 1, fallback: 1 })!;
  const pageSize = params.int('PageSize', { min: 1, max, fallback })!;
  return { pageNumber, pageSize };
}

/** One page of `items` with the `PageNumber`, `PageSize` and `TotalCount` fields of the answer. */
export function paginate<T>(
  items: readonly T[],
  page: Page,
): { items: T[]; fields: { PageNumber: number; PageSize: number; TotalCount: number } } {
  const start = (page.pageNumber - 1) * page.pageSize;
  return {
    items: items.slice(start, start + page.pageSize),
    fields: { PageNumber: page.pageNumber, PageSize: page.pageSize, TotalCount: items.length },
  };
}

const TOKEN_PREFIX = 'edgeway:';

/**
 * `MaxResults`/`NextToken` paging over items ordered by a creation sequence: the token names the last sequence
 * returned, so entries created or deleted between pages neither repeat nor shift the rest. Opaque to callers.
 */
export function tokenPage<T extends { readonly seq: number }>(
  items: readonly T[],
  params: Params,
  maxName: string,
  limits: { max: number; fallback: number },
): { items: T[]; nextToken: string } {
  const max = params.int(maxName, { min: 1, max: limits.max, fallback: limits.fallback })!;
  const token = params.string('NextToken');
  let after = -1;
  if (token !== undefined) {
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const m = text.startsWith(TOKEN_PREFIX) ? /^(\d+)$/.exec(text.slice(TOKEN_PREFIX.length)) : null;
    if (!m) throw apiErrors.invalidParameter('NextToken', 'is not a token this API returned');
    after = Number(m[1]);
  }
  const rest = items.filter((i) => i.seq > after);
  const page = rest.slice(0, max);
  const last = page.at(-1);
  const nextToken =
    rest.length > max && last !== undefined
      ? Buffer.from(`${TOKEN_PREFIX}${last.seq}`, 'utf8').toString('base64url')
      : '';
  return { items: page, nextToken };
}

/**
 * `Filter.N.Key` with `Filter.N.Value.M` (the SDKs send the value list flattened so) or `Filter.N.Value`, as a map
 * from key to accepted values (OR within a key, AND across keys). Only `allowed` keys are accepted.
 * @throws ApiError `InvalidParameter` naming `Filter.N.Key` for another key.
 */
export function filterParams(
  params: Params,
  allowed: readonly string[],
  name = 'Filter',
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  params.structList(name).forEach((rec, i) => {
    const key = rec.Key;
    if (key === undefined || key === '') return;
    const canonical = allowed.find((a) => a.toLowerCase() === key.toLowerCase());
    if (canonical === undefined) {
      throw apiErrors.invalidParameter(`${name}.${i + 1}.Key`, `must be one of ${allowed.join(', ')}`);
    }
    const values = Object.entries(rec)
      .filter(([k, v]) => (k === 'Value' || /^Value\.\d+$/.test(k)) && v !== '')
      .sort(([a], [b]) => (Number(a.slice(6)) || 0) - (Number(b.slice(6)) || 0))
      .map(([, v]) => v);
    out.set(canonical, [...(out.get(canonical) ?? []), ...values]);
  });
  return out;
}

/** Whether `value` matches a filter's values (case-insensitive, as statuses are given in either case). */
export function matchesFilter(values: readonly string[] | undefined, value: string | undefined): boolean {
  if (values === undefined || values.length === 0) return true;
  return value !== undefined && values.some((v) => v.toLowerCase() === value.toLowerCase());
}

/** A list of ids given as `a,b,c` (DescribeVpcs `VpcId`, DescribeVSwitches `VSwitchId`), or `undefined`. */
export function idListParam(params: Params, name: string): string[] | undefined {
  const text = params.string(name);
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
