/** The parts of a route table a plan needs: identity and equality of its routes. */
export interface RouteModel<R> {
  key(route: R): string;
  equals(installed: R, desired: R): boolean;
}

/** One change: the installed route `from` becomes the desired route `to` (same key). */
export interface Replacement<R> {
  readonly from: R;
  readonly to: R;
}

/** What a reconcile will do (or did), computed by {@link planRoutes}. */
export interface RoutePlan<R> {
  /** Desired routes whose key is not installed. */
  readonly add: readonly R[];
  /** Installed (owned) routes whose key is not desired. */
  readonly remove: readonly R[];
  /** Installed routes whose key is desired but whose content differs. */
  readonly replace: readonly Replacement<R>[];
  /** Installed routes already as desired. */
  readonly keep: readonly R[];
  /** Desired routes dropped because an earlier desired route has the same key (the first one wins). */
  readonly conflicts: readonly Replacement<R>[];
}

/**
 * Pure diff of installed against desired routes by key. O(n). Installed routes that share a key (the table holds
 * duplicates, e.g. after another writer) are all removed but the one kept or replaced.
 */
export function planRoutes<R>(
  model: RouteModel<R>,
  installed: readonly R[],
  desired: readonly R[],
): RoutePlan<R> {
  const want = new Map<string, R>();
  const conflicts: Replacement<R>[] = [];
  for (const route of desired) {
    const k = model.key(route);
    const first = want.get(k);
    if (first === undefined) want.set(k, route);
    else conflicts.push({ from: first, to: route });
  }
  const add: R[] = [];
  const remove: R[] = [];
  const replace: Replacement<R>[] = [];
  const keep: R[] = [];
  const seen = new Set<string>();
  for (const route of installed) {
    const k = model.key(route);
    const target = want.get(k);
    if (target === undefined || seen.has(k)) {
      remove.push(route);
      continue;
    }
    seen.add(k);
    if (model.equals(route, target)) keep.push(route);
    else replace.push({ from: route, to: target });
  }
  for (const [k, route] of want) if (!seen.has(k)) add.push(route);
  return { add, remove, replace, keep, conflicts };
}

/** True when the plan changes nothing. */
export function isEmptyPlan(plan: RoutePlan<unknown>): boolean {
  return plan.add.length === 0 && plan.remove.length === 0 && plan.replace.length === 0;
}
