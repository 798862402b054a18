import { AS_TRANS } from '../open.js';
import type { AsPathSegment, PathAttribute } from './types.js';

/** The AS path length used by best-path selection: a set counts 1, confederation segments 0 (RFC 4271 §9.1.2.2). */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === 'sequence') n += s.asns.length;
    else if (s.type === 'set') n += 1;
  }
  return n;
}

function mergeSequences(segments: AsPathSegment[]): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last?.type === 'sequence' && s.type === 'sequence' && last.asns.length + s.asns.length <= 255) {
      out[out.length - 1] = { type: 'sequence', asns: [...last.asns, ...s.asns] };
    } else if (s.asns.length > 0) out.push(s);
  }
  return out;
}

/**
 * Rebuilds the 4-octet AS path from a 2-octet peer's AS_PATH and AS4_PATH (RFC 6793 §4.2.3): when AS4_PATH
 * is longer than AS_PATH it is ignored; otherwise the leading ASes of AS_PATH that AS4_PATH lacks are
 * prepended to AS4_PATH. Confederation segments of AS4_PATH are dropped (RFC 6793 §4.2.2).
 */
export function mergeAs4Path(
  asPath: readonly AsPathSegment[],
  as4Path: readonly AsPathSegment[],
): readonly AsPathSegment[] {
  const as4 = as4Path.filter((s) => s.type === 'sequence' || s.type === 'set');
  const n2 = asPathLength(asPath);
  const n4 = asPathLength(as4);
  if (n4 > n2) return asPath;
  let keep = n2 - n4;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (s.type === 'confed-sequence' || s.type === 'confed-set') {
      out.push(s);
      continue;
    }
    if (keep === 0) break;
    if (s.type === 'set') {
      out.push(s);
      keep -= 1;
      continue;
    }
    const take = Math.min(keep, s.asns.length);
    out.push({ type: 'sequence', asns: s.asns.slice(0, take) });
    keep -= take;
  }
  return mergeSequences([...out, ...as4]);
}

/**
 * The effective AS path of an UPDATE from a peer without the 4-octet AS capability (RFC 6793 §4.2.3):
 * AS4_PATH is ignored when an AGGREGATOR is present whose AS is not AS_TRANS.
 */
export function effectiveAsPath(attributes: readonly PathAttribute[]): readonly AsPathSegment[] {
  let asPath: readonly AsPathSegment[] = [];
  let as4Path: readonly AsPathSegment[] | undefined;
  let aggregatorAs: number | undefined;
  for (const a of attributes) {
    if (a.type === 'as-path') asPath = a.segments;
    else if (a.type === 'as4-path') as4Path = a.segments;
    else if (a.type === 'aggregator') aggregatorAs = a.asn;
  }
  if (as4Path === undefined || (aggregatorAs !== undefined && aggregatorAs !== AS_TRANS)) return asPath;
  return mergeAs4Path(asPath, as4Path);
}
