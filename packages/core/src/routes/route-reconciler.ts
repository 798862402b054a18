import { type Clock, systemClock, type TimerHandle } from '../clock/clock.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import { type ReconcileOptions, type ReconcileResult, reconcile } from './reconcile.js';
import type { RouteTable } from './route-table.js';

/** Options of {@link RouteReconciler}. */
export interface RouteReconcilerOptions extends Omit<ReconcileOptions, 'dryRun' | 'signal' | 'logger'> {
  /** Periodic resync that repairs drift (flannel's default: 10 s). 0 turns it off. */
  resyncIntervalMs?: number;
  /** First retry delay after a run with failures; doubles up to the resync interval. Default 1 s. */
  retryBaseMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Called after every run (metrics, events). */
  onResult?(result: ReconcileResult<unknown>): void;
}

/**
 * Keeps one route table at a desired set: callers hand over the whole desired state with {@link set}, events
 * (a link coming up, a watch firing) call {@link trigger}, and a periodic resync repairs drift made by others.
 * Runs never overlap; triggers that arrive during a run coalesce into one more run.
 */
export class RouteReconciler<R> {
  readonly #table: RouteTable<R>;
  readonly #opts: RouteReconcilerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #desired: readonly R[] = [];
  #running: Promise<ReconcileResult<R>> | undefined;
  #again: Promise<ReconcileResult<R>> | undefined;
  #timer: TimerHandle | undefined;
  #retryMs = 0;
  #started = false;
  #last: ReconcileResult<R> | undefined;

  constructor(table: RouteTable<R>, options: RouteReconcilerOptions = {}) {
    this.#table = table;
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ table: table.name });
  }

  /** The outcome of the last run, if any. */
  get lastResult(): ReconcileResult<R> | undefined {
    return this.#last;
  }

  /** The desired state now held. */
  get desired(): readonly R[] {
    return this.#desired;
  }

  /** Starts periodic resyncs and runs once now. */
  start(): Promise<ReconcileResult<R>> {
    this.#started = true;
    return this.trigger();
  }

  /** Stops periodic resyncs; a run in progress finishes. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** Replaces the desired state and reconciles to it. */
  set(desired: readonly R[]): Promise<ReconcileResult<R>> {
    this.#desired = [...desired];
    return this.trigger();
  }

  /** Reconciles now (or right after the run in progress). */
  trigger(): Promise<ReconcileResult<R>> {
    if (!this.#running) return this.#run();
    this.#again ??= this.#running
      .catch(() => undefined)
      .then(() => {
        this.#again = undefined;
        return this.#run();
      });
    return this.#again;
  }

  #run(): Promise<ReconcileResult<R>> {
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = reconcile(this.#table, this.#desired, { ...this.#opts, logger: this.#log })
      .then(
        (result) => {
          this.#last = result;
          this.#opts.onResult?.(result as ReconcileResult<unknown>);
          this.#retryMs = result.failures.length > 0 ? this.#nextRetry() : 0;
          return result;
        },
        (err: unknown) => {
          this.#log.error({ err }, 'reconcile failed');
          this.#retryMs = this.#nextRetry();
          throw err;
        },
      )
      .finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    this.#running = run;
    return run;
  }

  #nextRetry(): number {
    const base = this.#opts.retryBaseMs ?? 1000;
    const cap = this.#resyncMs() || 60_000;
    return Math.min(cap, this.#retryMs === 0 ? base : this.#retryMs * 2);
  }

  #resyncMs(): number {
    return this.#opts.resyncIntervalMs ?? 10_000;
  }

  #schedule(): void {
    if (!this.#started || this.#again) return;
    const delay = this.#retryMs || this.#resyncMs();
    if (delay <= 0) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.trigger().catch(() => undefined);
    }, delay);
  }
}
