import type { Cidr } from '@edgeway/core';
import { compilePolicy, type PathAttributes, type Policy, type UpdateRoutes } from '../rib/index.js';

/** Routes of one UPDATE after the loop check and import policy, ready for the Loc-RIB. */
export interface ImportedRoutes {
  readonly announced: readonly { readonly prefixes: readonly Cidr[]; readonly attrs: PathAttributes }[];
  readonly withdrawn: readonly { readonly prefixes: readonly Cidr[] }[];
}

/**
 * Applies what a receiving speaker does before routes enter its RIB:
 * - RFC 4271 §9.1.2: a route whose AS_PATH holds our own AS is a loop (a peer reflecting our routes back); like
 *   BIRD and FRR it is not accepted, and one already held for the prefix is replaced — i.e. withdrawn.
 * - The import policy: a prefix it rejects is withdrawn too (it may replace an accepted one). Accepted prefixes stay
 *   grouped by attributes object (the policy returns one object per input and rule), so the RIB keeps sharing them.
 * Without a policy, or with an empty accept-all one, the groups are passed through untouched.
 */
export function importRoutes(
  parsed: UpdateRoutes,
  options: { localAsn: number; policy?: Policy },
): ImportedRoutes {
  let announced: readonly { prefixes: readonly Cidr[]; attrs: PathAttributes }[] = parsed.announced;
  const withdrawn: { prefixes: readonly Cidr[] }[] = [...parsed.withdrawn];
  const asn = options.localAsn;
  const looped = (attrs: PathAttributes) => attrs.asPath.some((seg) => seg.asns.includes(asn));
  if (announced.some((a) => looped(a.attrs))) {
    for (const a of announced) if (looped(a.attrs)) withdrawn.push({ prefixes: a.prefixes });
    announced = announced.filter((a) => !looped(a.attrs));
  }
  const policy = options.policy;
  if (!policy || (policy.rules.length === 0 && policy.default === 'accept')) return { announced, withdrawn };
  const compiled = compilePolicy(policy);
  const ctx = { localAsn: asn };
  const groups = new Map<PathAttributes, Cidr[]>();
  const rejected: Cidr[] = [];
  for (const a of announced) {
    for (const prefix of a.prefixes) {
      const attrs = compiled.apply(prefix, a.attrs, ctx);
      if (!attrs) rejected.push(prefix);
      else {
        const g = groups.get(attrs);
        if (g) g.push(prefix);
        else groups.set(attrs, [prefix]);
      }
    }
  }
  if (rejected.length > 0) withdrawn.push({ prefixes: rejected });
  return { announced: [...groups].map(([attrs, prefixes]) => ({ attrs, prefixes })), withdrawn };
}
