import {
  type Clock,
  type KernelRoute,
  type Logger,
  type ReconcileResult,
  RouteReconciler,
  type RouteTable,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@edgeway/core';
import { type InstallableRoute, kernelRoutesFor } from './kernel-routes.js';

/** Options of {@link KernelInstaller}. */
export interface KernelInstallerOptions {
  readonly table?: number;
  readonly metric?: number;
  /** Coalesce bursts of best-path changes into one reconcile after this many ms (default 20). */
  readonly debounceMs?: number;
  /** Periodic resync that repairs drift made by others (default 30 s; 0 off). */
  readonly resyncIntervalMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly onResult?: (result: ReconcileResult<unknown>) => void;
}

/**
 * Installs the best received routes into a kernel route table that this speaker owns by its protocol number (as
 * BIRD's kernel protocol does with `proto bird`). The table's other routes are never touched.
 *
 * Graceful restart (RFC 4724 §4.1): while {@link hold} is in effect — a restarting speaker waiting for its peers'
 * End-of-RIB — nothing is written, so the forwarding state of the previous run stays; {@link release} then
 * reconciles once, replacing what changed and removing what is gone.
 */
export class KernelInstaller {
  readonly #reconciler: RouteReconciler<KernelRoute>;
  readonly #opts: KernelInstallerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #source: () => Iterable<InstallableRoute> = () => [];
  #timer: TimerHandle | undefined;
  #held = false;
  #started = false;
  #closed = false;

  constructor(table: RouteTable<KernelRoute>, options: KernelInstallerOptions = {}) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ component: 'kernel-installer' });
    this.#reconciler = new RouteReconciler(table, {
      clock: this.#clock,
      logger: this.#log,
      resyncIntervalMs: options.resyncIntervalMs ?? 30_000,
      ...(options.onResult ? { onResult: options.onResult } : {}),
    });
  }

  /** Where the best routes come from; read at each reconcile. */
  setSource(source: () => Iterable<InstallableRoute>): void {
    this.#source = source;
  }

  /** Keeps the kernel as it is until {@link release} (a restarting speaker, RFC 4724 §4.1). */
  hold(): void {
    this.#held = true;
  }

  /** Ends a {@link hold} and reconciles now. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#log.info({}, 'graceful restart: route selection deferred no longer; reconciling the kernel');
    this.changed();
  }

  /** True while held. */
  get held(): boolean {
    return this.#held;
  }

  /** The best routes changed: reconcile after the debounce. */
  changed(): void {
    if (this.#closed || this.#held || this.#timer) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#opts.debounceMs ?? 20);
  }

  /** Reconciles now; resolves with the result (also when held: then nothing is written and `undefined`). */
  async flush(): Promise<ReconcileResult<KernelRoute> | undefined> {
    if (this.#closed || this.#held) return undefined;
    if (this.#timer) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const desired = kernelRoutesFor(this.#source(), {
      ...(this.#opts.table === undefined ? {} : { table: this.#opts.table }),
      ...(this.#opts.metric === undefined ? {} : { metric: this.#opts.metric }),
    });
    return this.#apply(desired);
  }

  #apply(desired: readonly KernelRoute[]): Promise<ReconcileResult<KernelRoute>> {
    const run = this.#reconciler.set(desired);
    if (!this.#started) {
      // Periodic resyncs start with the first reconcile, never before: an early resync would remove the
      // routes of the previous run that a restarting speaker keeps (RFC 4724 §4.1).
      this.#started = true;
      this.#reconciler.start().catch(() => undefined);
    }
    return run;
  }

  /**
   * Stops reconciling. The installed routes stay (a restarting speaker keeps forwarding, RFC 4724); call
   * {@link withdrawAll} first to remove them.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#reconciler.stop();
  }

  /** Removes every route this speaker installed. */
  async withdrawAll(): Promise<void> {
    this.#held = false;
    this.#source = () => [];
    await this.#apply([]);
  }
}
