import { type Cidr, Cidr as CidrClass } from '@edgeway/core';
import { RibError, RibErrorCode } from './rib-error.js';

/** One prefix-list entry: `prefix` with optional `ge`/`le` bounds on the matched length. */
export interface PrefixListEntry {
  readonly prefix: string;
  readonly ge?: number;
  readonly le?: number;
}

/** A compiled prefix-list entry. */
export interface PrefixMatcher {
  readonly family: 4 | 6;
  readonly min: number;
  readonly max: number;
  /** Whether the prefix lies within the entry and its length is in [min, max]. */
  matches(prefix: Cidr): boolean;
}

function bad(entry: PrefixListEntry, why: string, cause?: unknown): RibError {
  return new RibError(RibErrorCode.InvalidPolicy, `prefix-list entry ${JSON.stringify(entry)}: ${why}`, {
    details: { input: entry },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Compiles a prefix-list entry with the semantics of FRR's and Cisco's `ip prefix-list`: a route matches when
 * it lies within `prefix` and its length is in `[ge ?? len, le ?? (ge === undefined ? len : maxBits)]`, so a
 * bare entry matches exactly that prefix, `ge` alone means "this long or longer", `le` alone "from the entry's
 * length up to le".
 * @throws RibError `ERR_BGP_POLICY_INVALID` for a bad prefix, or unless `len ≤ ge ≤ le ≤ maxBits`.
 */
export function compilePrefixEntry(entry: PrefixListEntry): PrefixMatcher {
  let cidr: Cidr;
  try {
    cidr = CidrClass.parse(entry.prefix);
  } catch (cause) {
    throw bad(entry, 'not a prefix', cause);
  }
  const len = cidr.prefixLength;
  const bits = cidr.bits;
  const min = entry.ge ?? len;
  const max = entry.le ?? (entry.ge === undefined ? len : bits);
  for (const [name, v] of [
    ['ge', entry.ge],
    ['le', entry.le],
  ] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < len || v > bits)) {
      throw bad(entry, `${name} ${v} is outside ${len}..${bits}`);
    }
  }
  if (min > max) throw bad(entry, `ge ${min} is greater than le ${max}`);
  if (cidr.family === 4) {
    const net = Number(cidr.network.value);
    return {
      family: 4,
      min,
      max,
      matches(p: Cidr): boolean {
        const l = p.prefixLength;
        if (p.network.family !== 4 || l < min || l > max) return false;
        return len === 0 || (Number(p.network.value) ^ net) >>> (32 - len) === 0;
      },
    };
  }
  const net = cidr.network.value;
  const shift = BigInt(128 - len);
  return {
    family: 6,
    min,
    max,
    matches(p: Cidr): boolean {
      const l = p.prefixLength;
      if (p.network.family !== 6 || l < min || l > max) return false;
      return (p.network.value ^ net) >> shift === 0n;
    },
  };
}
