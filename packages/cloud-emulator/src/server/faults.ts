import { type ApiError, apiErrors } from '../api/api-error.js';

/**
 * Faults to inject into API calls, for testing how tooling copes with a flaky cloud. Rates are probabilities in
 * `[0, 1]` drawn per call from a seeded generator (same seed, same sequence of calls → same faults).
 */
export interface FaultConfig {
  /** Share of calls answered `Throttling.User` (HTTP 400). */
  readonly throttlingRate?: number | undefined;
  /** Share of calls answered `ServiceUnavailable` (HTTP 503). */
  readonly serviceUnavailableRate?: number | undefined;
  /** Share of calls answered `InternalError` (HTTP 500). */
  readonly internalErrorRate?: number | undefined;
  /** Share of calls whose connection is destroyed without an answer (the SDK sees a network error). */
  readonly dropRate?: number | undefined;
  /** Added latency in real milliseconds before the call is handled (a number, or a `[min, max]` range). */
  readonly latencyMs?: number | readonly [number, number] | undefined;
  /** Only these actions get faults (default: all). */
  readonly actions?: readonly string[] | undefined;
  /** Seed of the generator (default 1). */
  readonly seed?: number | undefined;
}

/** What to do with one call. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly drop: boolean;
  readonly error: ApiError | undefined;
}

const NONE: FaultDecision = { latencyMs: 0, drop: false, error: undefined };

/** mulberry32: a tiny deterministic PRNG in `[0, 1)`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`faults.${name} must be between 0 and 1`);
}

/** The fault injector; its configuration can be replaced at any time (`emulator.faults.set({...})`). */
export class FaultInjector {
  #config: FaultConfig = {};
  #random = seededRandom(1);

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  /** Replaces the whole fault configuration (and restarts the generator from its seed). */
  set(config: FaultConfig): void {
    for (const k of ['throttlingRate', 'serviceUnavailableRate', 'internalErrorRate', 'dropRate'] as const) {
      checkRate(k, config[k]);
    }
    const l = config.latencyMs;
    if (l !== undefined && (typeof l === 'number' ? l < 0 : l[0] < 0 || l[1] < l[0])) {
      throw new RangeError('faults.latencyMs must be ≥ 0 (or a [min, max] range)');
    }
    this.#config = { ...config };
    this.#random = seededRandom(config.seed ?? 1);
  }

  /** No faults any more. */
  clear(): void {
    this.set({});
  }

  /** The current configuration. */
  get(): FaultConfig {
    return { ...this.#config };
  }

  /** Draws the fault for one call of `action`. */
  decide(action: string): FaultDecision {
    const c = this.#config;
    if (c.actions && !c.actions.includes(action)) return NONE;
    const l = c.latencyMs ?? 0;
    const latencyMs = typeof l === 'number' ? l : l[0] + Math.round(this.#random() * (l[1] - l[0]));
    const r = this.#random();
    let edge = c.dropRate ?? 0;
    if (r < edge) return { latencyMs, drop: true, error: undefined };
    edge += c.throttlingRate ?? 0;
    if (r < edge) return { latencyMs, drop: false, error: apiErrors.throttling(1000) };
    edge += c.serviceUnavailableRate ?? 0;
    if (r < edge) return { latencyMs, drop: false, error: apiErrors.serviceUnavailable() };
    edge += c.internalErrorRate ?? 0;
    if (r < edge) return { latencyMs, drop: false, error: apiErrors.internalError() };
    return latencyMs > 0 ? { latencyMs, drop: false, error: undefined } : NONE;
  }
}
