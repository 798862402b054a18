import type { Clock } from '@edgeway/core';
import { isWriteAction } from '../api/action.js';
import { apiErrors } from '../api/api-error.js';

/**
 * One token bucket: `perSecond` (or `perMinute`) tokens refill continuously up to `burst`. A bucket of
 * `perMinute: 800` is Terway's own budget for `Describe*` calls.
 */
export interface BucketSpec {
  readonly perSecond?: number | undefined;
  readonly perMinute?: number | undefined;
  /** Bucket size (default: one second's worth, or one minute's worth for `perMinute`; at least 1). */
  readonly burst?: number | undefined;
}

/**
 * Per-action flow control: the real API throttles each API of each account separately (`Throttling.User`,
 * HTTP 400). `actions` overrides per action (`null` = unlimited); otherwise writes use `write` and reads `read`.
 *
 * @see https://www.alibabacloud.com/help/en/vpc/developer-reference/api-throttling
 */
export interface ThrottleConfig {
  /** `false` turns throttling off (default on, with generous limits). */
  readonly enabled?: boolean | undefined;
  /** Buckets for `Describe*`/`List*`/`Get*`/`Query*` actions (default 200/s, burst 400). */
  readonly read?: BucketSpec | undefined;
  /** Buckets for every other action (default 100/s, burst 200). */
  readonly write?: BucketSpec | undefined;
  readonly actions?: Readonly<Record<string, BucketSpec | null>> | undefined;
}

/** The generous defaults. */
export const defaultThrottle: Required<Pick<ThrottleConfig, 'read' | 'write'>> = {
  read: { perSecond: 200, burst: 400 },
  write: { perSecond: 100, burst: 200 },
};

interface Bucket {
  readonly ratePerMs: number;
  readonly capacity: number;
  tokens: number;
  last: number;
}

/** Rate in tokens per millisecond and capacity of a spec (throws a `TypeError` for a spec without a rate). */
export function bucketShape(spec: BucketSpec): { ratePerMs: number; capacity: number } {
  const perSecond = spec.perSecond ?? (spec.perMinute === undefined ? undefined : spec.perMinute / 60);
  if (perSecond === undefined || !(perSecond > 0))
    throw new TypeError('a throttle bucket needs perSecond or perMinute > 0');
  const fallback = spec.perSecond ?? spec.perMinute ?? 1;
  return { ratePerMs: perSecond / 1000, capacity: Math.max(1, spec.burst ?? fallback) };
}

/** Token buckets per action, on the emulator's clock (a `FakeClock` refills them only when advanced). */
export class Throttler {
  readonly #clock: Clock;
  #config: ThrottleConfig;
  #buckets = new Map<string, Bucket | null>();

  constructor(clock: Clock, config: ThrottleConfig = {}) {
    this.#clock = clock;
    this.#config = config;
  }

  /** Replaces the configuration (buckets start full again). */
  configure(config: ThrottleConfig): void {
    this.#config = config;
    this.#buckets.clear();
  }

  get config(): ThrottleConfig {
    return this.#config;
  }

  /** Takes a token for `action`, or throws `Throttling.User` with the wait until the next token. */
  take(action: string): void {
    if (this.#config.enabled === false) return;
    const bucket = this.#bucket(action);
    if (!bucket) return;
    const now = this.#clock.now();
    bucket.tokens = Math.min(
      bucket.capacity,
      bucket.tokens + Math.max(0, now - bucket.last) * bucket.ratePerMs,
    );
    bucket.last = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    throw apiErrors.throttling(Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.ratePerMs)));
  }

  #bucket(action: string): Bucket | null {
    let bucket = this.#buckets.get(action);
    if (bucket !== undefined) return bucket;
    const override = this.#config.actions?.[action];
    const spec =
      override !== undefined
        ? override
        : isWriteAction(action)
          ? (this.#config.write ?? defaultThrottle.write)
          : (this.#config.read ?? defaultThrottle.read);
    if (spec === null) {
      bucket = null;
    } else {
      const { ratePerMs, capacity } = bucketShape(spec);
      bucket = { ratePerMs, capacity, tokens: capacity, last: this.#clock.now() };
    }
    this.#buckets.set(action, bucket);
    return bucket;
  }
}
