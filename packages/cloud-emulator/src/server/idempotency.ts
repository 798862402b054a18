import type { Clock } from '@edgeway/core';
import { apiErrors } from '../api/api-error.js';
import type { Params } from '../api/params.js';

/** Options of {@link IdempotencyCache}. */
export interface IdempotencyOptions {
  /** How long a `ClientToken` is remembered, on the emulator's clock (default 24 h). */
  readonly ttlMs?: number | undefined;
  /** At most this many tokens are remembered; the oldest are forgotten first (default 100 000). */
  readonly maxEntries?: number | undefined;
}

/** Who sent a token for what. */
export interface IdempotencyKey {
  readonly accessKeyId: string;
  readonly version: string;
  readonly action: string;
  readonly clientToken: string;
}

interface Entry {
  readonly fingerprint: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly expiresAt: number;
}

/** 24 hours, the window the API documents for `ClientToken`. */
export const DEFAULT_CLIENT_TOKEN_TTL_MS = 24 * 3_600_000;

/**
 * The action's parameters in a canonical form (sorted), so two calls compare equal exactly when they carry the same
 * parameters. The signature, timestamp and nonce never take part: the server strips them before handlers see
 * `Params`.
 */
export function paramsFingerprint(params: Params): string {
  return JSON.stringify(params.entries().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/**
 * `ClientToken` idempotency of write actions: the same caller, action and token with identical parameters get the
 * first successful answer again (same resource ids; the server gives it a new `RequestId`); the same token with other
 * parameters gets `IdempotentParameterMismatch`. Only successes are remembered: a call that failed (say
 * `TaskConflict`) and is retried with its token runs again, as it must for retries to make progress.
 *
 * @see https://www.alibabacloud.com/help/en/ecs/developer-reference/how-to-ensure-idempotence
 */
export class IdempotencyCache {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(clock: Clock, options: IdempotencyOptions = {}) {
    this.#clock = clock;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CLIENT_TOKEN_TTL_MS;
    this.#maxEntries = options.maxEntries ?? 100_000;
  }

  /** The remembered answer for this token, `undefined` when none, or throws `IdempotentParameterMismatch`. */
  lookup(key: IdempotencyKey, fingerprint: string): Readonly<Record<string, unknown>> | undefined {
    const id = keyString(key);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(id);
      return undefined;
    }
    if (entry.fingerprint !== fingerprint) throw apiErrors.idempotentMismatch();
    return entry.body;
  }

  /** Remembers a successful answer. */
  store(key: IdempotencyKey, fingerprint: string, body: Readonly<Record<string, unknown>>): void {
    const now = this.#clock.now();
    for (const [id, e] of this.#entries) {
      if (e.expiresAt > now && this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(id);
    }
    this.#entries.set(keyString(key), {
      fingerprint,
      body: structuredClone(body),
      expiresAt: now + this.#ttlMs,
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

function keyString(k: IdempotencyKey): string {
  return `${k.accessKeyId}\n${k.version}\n${k.action}\n${k.clientToken}`;
}
