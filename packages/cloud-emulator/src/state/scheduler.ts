import type { Clock, TimerHandle } from '@edgeway/core';

/**
 * Delayed state transitions (Pending → Available, Attaching → InUse, Deleting → gone) on the emulator's clock,
 * so tests drive them with a `FakeClock` and the standalone emulator with real time.
 */
export class Scheduler {
  readonly #clock: Clock;
  readonly #timers = new Set<TimerHandle>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `fn` after `ms` (at once, synchronously, when `ms` ≤ 0). */
  after(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
  }

  /** Transitions not yet run. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Cancels everything (on close). */
  cancelAll(): void {
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }
}
