import { internalError, KubeApiError, tooManyRequests } from '../api/status.js';

/** Which requests a fault applies to (all given conditions must hold; nothing given = every request). */
export interface FaultMatch {
  /** HTTP method, e.g. `PATCH`. */
  readonly method?: string;
  /** A substring of, or a pattern for, the request path (without the query). */
  readonly path?: string | RegExp;
  /** Only watch requests (`true`) or only non-watch requests (`false`). */
  readonly watch?: boolean;
}

/** What one request looks like to the fault injector. */
export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  readonly watch: boolean;
}

interface FailRule {
  readonly match: FaultMatch;
  remaining: number;
  readonly make: () => KubeApiError;
}

interface DelayRule {
  readonly match: FaultMatch;
  readonly ms: number;
}

function matches(m: FaultMatch, r: FaultRequest): boolean {
  if (m.method !== undefined && m.method.toUpperCase() !== r.method) return false;
  if (m.watch !== undefined && m.watch !== r.watch) return false;
  if (m.path !== undefined) {
    if (typeof m.path === 'string' ? !r.path.includes(m.path) : !m.path.test(r.path)) return false;
  }
  return true;
}

/**
 * Fault injection for tests: fail the next N requests with 500 / 429 (with `Retry-After`) / any status,
 * delay responses, and hold new watch requests until released. Open watches are closed or expired through
 * the fake itself (`closeWatches()`, `expireWatches()`).
 */
export class FaultInjector {
  private fails: FailRule[] = [];
  private delays: DelayRule[] = [];
  private paused: Promise<void> | undefined;
  private release: (() => void) | undefined;

  /** Answer the next `count` matching requests with HTTP `status` (500 InternalError or 429 TooManyRequests by default). */
  failNext(
    count: number,
    options: FaultMatch & { status?: number; retryAfterSeconds?: number; message?: string } = {},
  ): void {
    const status = options.status ?? 500;
    const message = options.message ?? 'injected fault';
    const make = (): KubeApiError => {
      if (status === 429) {
        return tooManyRequests(
          options.message ?? 'Too many requests, please try again later.',
          options.retryAfterSeconds ?? 1,
        );
      }
      if (status === 500) return internalError(message);
      return new KubeApiError(status, status === 504 ? 'Timeout' : 'InternalError', message);
    };
    this.fails.push({ match: options, remaining: count, make });
  }

  /** Delay every matching request by `ms` before it is handled (until {@link FaultInjector.clear}). */
  delay(ms: number, match: FaultMatch = {}): void {
    this.delays.push({ match, ms });
  }

  /** Hold new watch requests (they wait, unanswered) until {@link FaultInjector.resumeWatches}. */
  pauseWatches(): void {
    if (this.paused !== undefined) return;
    this.paused = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  }

  /** Let held and future watch requests proceed. */
  resumeWatches(): void {
    this.release?.();
    this.paused = undefined;
    this.release = undefined;
  }

  /** Remove every fault and resume watches. */
  clear(): void {
    this.fails = [];
    this.delays = [];
    this.resumeWatches();
  }

  /** Apply the faults to one request: waits for delays / paused watches, then returns the error to answer, if any. */
  async intercept(req: FaultRequest): Promise<KubeApiError | undefined> {
    const wait = this.delays.filter((d) => matches(d.match, req)).reduce((a, d) => a + d.ms, 0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (req.watch && this.paused !== undefined) await this.paused;
    const rule = this.fails.find((f) => f.remaining > 0 && matches(f.match, req));
    if (rule === undefined) return undefined;
    rule.remaining--;
    this.fails = this.fails.filter((f) => f.remaining > 0);
    return rule.make();
  }
}
