import type { AsPathSegment } from '../wire/index.js';

/**
 * Prepends `asn` `times` times to an AS path (RFC 4271 §5.1.2, §9.2): into the leading AS_SEQUENCE while it
 * holds fewer than 255 ASNs, else as new AS_SEQUENCE segments.
 */
export function prependAs(
  path: readonly AsPathSegment[],
  asn: number,
  times: number,
): readonly AsPathSegment[] {
  if (times <= 0) return path;
  const first = path[0];
  const added: number[] = new Array(times).fill(asn);
  if (first?.type === 'sequence' && first.asns.length + times <= 255) {
    return [{ type: 'sequence', asns: [...added, ...first.asns] }, ...path.slice(1)];
  }
  const out: AsPathSegment[] = [];
  for (let i = 0; i < added.length; i += 255) out.push({ type: 'sequence', asns: added.slice(i, i + 255) });
  return [...out, ...path];
}
