import { apiErrors } from './api-error.js';

/**
 * The flattened request parameters of an RPC-style call (`RegionId=cn-hangzhou`, `PrivateIpAddress.1=…`,
 * `Filter.1.Key=…`), from the query string and a form body, as the SDKs send them. Readers answer bad input with
 * the API's own `MissingParameter` / `InvalidParameter` codes, naming the parameter.
 */
export class Params {
  readonly #raw: ReadonlyMap<string, string>;

  constructor(raw: Iterable<readonly [string, string]>) {
    this.#raw = new Map(raw);
  }

  /** Every parameter as given (for idempotency hashing and call logs). */
  entries(): [string, string][] {
    return [...this.#raw.entries()];
  }

  has(name: string): boolean {
    const v = this.#raw.get(name);
    return v !== undefined && v !== '';
  }

  /** A string, or `undefined` when absent or empty. */
  string(name: string): string | undefined {
    const v = this.#raw.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  /** A string that must be present. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw apiErrors.missingParameter(name);
    return v;
  }

  /** One of the allowed values. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      throw apiErrors.invalidParameter(name, `must be one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  /** An integer in `[min, max]`, or `fallback` when absent. */
  int(name: string, options: { min?: number; max?: number; fallback?: number } = {}): number | undefined {
    const v = this.string(name);
    if (v === undefined) return options.fallback;
    if (!/^-?\d+$/.test(v)) throw apiErrors.invalidParameter(name, 'must be an integer');
    const n = Number(v);
    if ((options.min !== undefined && n < options.min) || (options.max !== undefined && n > options.max)) {
      throw apiErrors.invalidParameter(
        name,
        `must be between ${options.min ?? '-∞'} and ${options.max ?? '∞'}`,
      );
    }
    return n;
  }

  /** `true` / `false` (case-insensitive), or `fallback`. */
  bool(name: string, fallback = false): boolean {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
    throw apiErrors.invalidParameter(name, 'must be true or false');
  }

  /**
   * A repeated parameter `Name.1`, `Name.2`, … in index order (the RPC encoding of lists). Also accepts a JSON
   * array in `Name` itself, which some SDK versions send for list parameters.
   */
  list(name: string): string[] {
    const direct = this.string(name);
    if (direct?.startsWith('[')) {
      try {
        const parsed = JSON.parse(direct) as unknown;
        if (Array.isArray(parsed)) return parsed.map(String);
      } catch {
        throw apiErrors.invalidParameter(name, 'is not a valid JSON array');
      }
    }
    const out: [number, string][] = [];
    const prefix = `${name}.`;
    for (const [k, v] of this.#raw) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      if (/^\d+$/.test(rest) && v !== '') out.push([Number(rest), v]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /**
   * Repeated structures `Name.1.Key=…&Name.1.Value=…` (tags, filters) as objects keyed by field, in index order.
   */
  structList(name: string): Record<string, string>[] {
    const byIndex = new Map<number, Record<string, string>>();
    const prefix = `${name}.`;
    for (const [k, v] of this.#raw) {
      if (!k.startsWith(prefix)) continue;
      const m = /^(\d+)\.(.+)$/.exec(k.slice(prefix.length));
      if (!m) continue;
      const i = Number(m[1]);
      const rec = byIndex.get(i) ?? {};
      rec[m[2]!] = v;
      byIndex.set(i, rec);
    }
    return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  }
}
