import type { AsPathSegment } from '../wire/index.js';
import type { PathAttributes, UnknownAttribute } from './types.js';

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i]!, b[i]!)) return false;
  return true;
}

const same = <T>(x: T, y: T) => x === y;
const sameSegment = (x: AsPathSegment, y: AsPathSegment) =>
  x.type === y.type && sameList(x.asns, y.asns, same);
const sameUnknown = (x: UnknownAttribute, y: UnknownAttribute) =>
  x.code === y.code && x.flags === y.flags && sameList(Array.from(x.value), Array.from(y.value), same);

/** Whether two attribute sets are equal field by field (identity short-circuits). */
export function attrsEqual(a: PathAttributes, b: PathAttributes): boolean {
  if (a === b) return true;
  return (
    a.origin === b.origin &&
    a.nextHop === b.nextHop &&
    a.linkLocalNextHop === b.linkLocalNextHop &&
    a.med === b.med &&
    a.localPref === b.localPref &&
    (a.atomicAggregate ?? false) === (b.atomicAggregate ?? false) &&
    a.aggregator?.asn === b.aggregator?.asn &&
    a.aggregator?.address === b.aggregator?.address &&
    sameList(a.asPath, b.asPath, sameSegment) &&
    sameList(a.communities, b.communities, same) &&
    sameList(
      a.largeCommunities,
      b.largeCommunities,
      (x, y) => x.globalAdmin === y.globalAdmin && x.local1 === y.local1 && x.local2 === y.local2,
    ) &&
    sameList(a.unknown, b.unknown, sameUnknown)
  );
}
