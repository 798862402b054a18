import { EdgewayError } from '../errors/edgeway-error.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import { isEmptyPlan, planRoutes, type RoutePlan } from './plan.js';
import type { RouteTable } from './route-table.js';

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** Compute and return the plan without changing the table. */
  dryRun?: boolean;
  /** Operations in flight at once (default 256); the table pipelines them. */
  concurrency?: number;
  /**
   * `make-before-break` (default) adds and replaces before it removes, so traffic never lacks a route;
   * `break-before-make` removes first, for tables with a quota of entries (cloud route tables).
   */
  order?: 'make-before-break' | 'break-before-make';
  /** Stops starting new operations once aborted; those in flight finish. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** A route operation that failed; the others went on. */
export interface RouteOpFailure<R> {
  readonly op: 'add' | 'remove' | 'replace';
  readonly route: R;
  readonly error: Error;
}

/** The outcome of {@link reconcile}: the plan, whether it was applied, and the per-route failures. */
export interface ReconcileResult<R> {
  readonly plan: RoutePlan<R>;
  readonly applied: boolean;
  readonly failures: readonly RouteOpFailure<R>[];
  /** Milliseconds spent, listing included. */
  readonly durationMs: number;
}

/**
 * Drives `table` to exactly `desired`: lists the routes the table owns, computes the plan ({@link planRoutes}) and
 * applies it. Routes the table does not own are never listed and so never touched. One failing route does not stop
 * the others: failures are collected in the result (a desired route whose key another desired route already
 * took is reported as a failure with code `ERR_ROUTE_CONFLICT`).
 */
export async function reconcile<R>(
  table: RouteTable<R>,
  desired: readonly R[],
  options: ReconcileOptions = {},
): Promise<ReconcileResult<R>> {
  const started = performance.now();
  const log = options.logger ?? silentLogger;
  const installed = await table.list(options.signal);
  const plan = planRoutes(table, installed, desired);
  const failures: RouteOpFailure<R>[] = plan.conflicts.map(({ from, to }) => ({
    op: 'add' as const,
    route: to,
    error: new EdgewayError(
      'ERR_ROUTE_CONFLICT',
      `${table.name}: ${table.format(to)} has the same key as ${table.format(from)}; the first is kept`,
      { details: { table: table.name, route: table.format(to), kept: table.format(from) } },
    ),
  }));
  if (options.dryRun || isEmptyPlan(plan)) {
    return { plan, applied: false, failures, durationMs: performance.now() - started };
  }
  log.debug(
    { table: table.name, add: plan.add.length, remove: plan.remove.length, replace: plan.replace.length },
    'applying route plan',
  );
  type Op = { op: RouteOpFailure<R>['op']; route: R; run: () => Promise<void> };
  const ops: Record<'add' | 'replace' | 'remove', Op[]> = {
    add: plan.add.map((r) => ({ op: 'add', route: r, run: () => table.add(r) })),
    replace: plan.replace.map(({ from, to }) => ({
      op: 'replace',
      route: to,
      run: () => table.replace(to, from),
    })),
    remove: plan.remove.map((r) => ({ op: 'remove', route: r, run: () => table.remove(r) })),
  };
  const phases: Op[][] =
    options.order === 'break-before-make'
      ? [ops.remove, [...ops.replace, ...ops.add]]
      : [[...ops.add, ...ops.replace], ops.remove];
  for (const phase of phases) {
    await runLimited(phase, options.concurrency ?? 256, options.signal, (op, error) => {
      failures.push({ op: op.op, route: op.route, error });
      log.warn(
        { table: table.name, op: op.op, route: table.format(op.route), err: error },
        'route operation failed',
      );
    });
  }
  return { plan, applied: true, failures, durationMs: performance.now() - started };
}

async function runLimited<T extends { run: () => Promise<void> }>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal | undefined,
  onError: (item: T, error: Error) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++]!;
      try {
        await item.run();
      } catch (err) {
        onError(item, err instanceof Error ? err : new Error(String(err)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
