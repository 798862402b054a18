/**
 * Polling helper of the interop harness: waits until a probe returns a truthy value and, on timeout, says what the
 * probe last returned (or threw), so a failing interop test shows the daemon's last state instead of "timeout".
 * @module
 */

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds (default 10,000). */
  timeoutMs?: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** Names what is awaited in the timeout error. */
  what?: string;
}

/** Thrown by {@link waitFor} on timeout; carries the probe's last value. */
export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
  constructor(
    message: string,
    readonly lastValue: unknown,
    readonly lastError: unknown,
  ) {
    super(message);
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 2000 ? `${s.slice(0, 2000)}…` : s;
  } catch {
    return String(value);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls `probe` until it returns a truthy value (which is returned) or the time is up. A probe that throws counts
 * as "not yet" (daemons refuse CLI connections while they start).
 * @throws WaitForTimeoutError naming the last value and the last error.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  opts: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const started = Date.now();
  let lastValue: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      lastValue = value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() - started >= timeoutMs) {
      const parts = [`waitFor${opts.what ? ` (${opts.what})` : ''} timed out after ${timeoutMs} ms`];
      parts.push(`last value: ${describe(lastValue)}`);
      if (lastError !== undefined) parts.push(`last error: ${describe(lastError)}`);
      throw new WaitForTimeoutError(parts.join('; '), lastValue, lastError);
    }
    await sleep(intervalMs);
  }
}

/**
 * Like {@link waitFor} but for a value that must pass a predicate: returns the value itself (which may be falsy).
 */
export async function waitForValue<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  opts: WaitForOptions = {},
): Promise<T> {
  const box = await waitFor(async () => {
    const value = await read();
    if (predicate(value)) return { value };
    throw new Error(`predicate not met, value: ${describe(value)}`);
  }, opts);
  return box.value;
}
