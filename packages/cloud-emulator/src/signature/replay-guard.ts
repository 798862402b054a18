import { signatureErrors } from './signature-errors.js';

/** The real API's window for `Timestamp` / `x-acs-date`: 15 minutes either side of the server's time. */
export const DEFAULT_TIMESTAMP_WINDOW_MS = 15 * 60_000;

/**
 * Parses the API timestamp format `YYYY-MM-DDThh:mm:ssZ` (UTC; fractional seconds tolerated) to epoch
 * milliseconds, or `undefined` when malformed.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism (Timestamp)
 */
export function parseApiTimestamp(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Checks a request timestamp against `now` (the emulator's clock): malformed → `InvalidTimeStamp.Format`, more than
 * `windowMs` away → `InvalidTimeStamp.Expired`. `windowMs = Infinity` accepts any well-formed time. Returns the
 * parsed time.
 */
export function checkTimestamp(value: string, now: number, windowMs: number): number {
  const ms = parseApiTimestamp(value);
  if (ms === undefined) throw signatureErrors.badTimestamp();
  if (Math.abs(now - ms) > windowMs) throw signatureErrors.staleTimestamp();
  return ms;
}

/**
 * Nonces seen recently (`SignatureNonce` / `x-acs-signature-nonce`), each remembered until its expiry on the
 * emulator's clock, so a replayed request is refused with `SignatureNonceUsed`. Bounded: beyond `maxEntries` the
 * oldest are forgotten.
 */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries = 200_000) {
    this.#maxEntries = maxEntries;
  }

  /** Records `nonce` until `expiresAt`; `false` when it is already remembered (a replay). */
  use(nonce: string, now: number, expiresAt: number): boolean {
    this.#sweep(now);
    const prev = this.#seen.get(nonce);
    if (prev !== undefined && prev > now) return false;
    this.#seen.delete(nonce);
    this.#seen.set(nonce, expiresAt);
    while (this.#seen.size > this.#maxEntries) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  clear(): void {
    this.#seen.clear();
  }

  #sweep(now: number): void {
    // Insertion order is close to expiry order; stop at the first live entry.
    for (const [nonce, exp] of this.#seen) {
      if (exp > now) break;
      this.#seen.delete(nonce);
    }
  }
}
