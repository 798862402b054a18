/** Reconnect backoff bounds in milliseconds. */
export interface BackoffOptions {
  readonly minMs: number;
  readonly maxMs: number;
}

/** The default reconnect backoff: 1 s to 60 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 1000, maxMs: 60_000 };

/**
 * Exponential backoff with jitter, used instead of the fixed ConnectRetry timer of RFC 4271 §8 (as RFC 4271
 * §8.1.1's optional damping suggests): the n-th delay (n from 0) is uniform in
 * [minMs, min(maxMs, minMs·2ⁿ)], so the first is minMs and later ones spread out up to maxMs.
 */
export class Backoff {
  #attempt = 0;

  constructor(
    readonly options: BackoffOptions = DEFAULT_BACKOFF,
    readonly random: () => number = Math.random,
  ) {}

  /** Failed attempts since the last {@link Backoff.reset}. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay; advances the attempt counter. */
  next(): number {
    const { minMs, maxMs } = this.options;
    const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(this.#attempt, 40));
    this.#attempt++;
    const r = Math.min(Math.max(this.random(), 0), 1);
    return Math.round(minMs + r * Math.max(0, ceiling - minMs));
  }

  /** Back to the first delay (on Established). */
  reset(): void {
    this.#attempt = 0;
  }
}
