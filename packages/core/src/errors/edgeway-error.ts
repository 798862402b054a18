/**
 * The one error base of the edgeway SDK. Every error any `@edgeway/*` package throws on purpose is an
 * `EdgewayError` with a stable, documented `code` (safe to branch on, never reworded), the offending value in
 * `details`, the underlying error in `cause`, and `isRetryable` telling a caller whether the same call may
 * succeed later unchanged.
 */
export class EdgewayError extends Error {
  /** Stable machine-readable code, e.g. `ERR_CIDR_HOST_BITS`. */
  readonly code: string;
  /** Whether retrying the same operation unchanged may succeed (throttling, transient I/O). */
  readonly isRetryable: boolean;
  /** Structured context: the offending input, the route, the file… */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; isRetryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** True when `err` is an {@link EdgewayError}, optionally with the given code. */
export function isEdgewayError(err: unknown, code?: string): err is EdgewayError {
  return err instanceof EdgewayError && (code === undefined || err.code === code);
}
