/**
 * An error answered to an API client the way Alibaba Cloud answers it: HTTP status plus a JSON body
 * `{ RequestId, HostId, Code, Message, Recommend }` (the official SDKs read `Code`, `Message` and `RequestId`).
 */
export class ApiError extends Error {
  /** The API's error code, e.g. `InvalidVSwitchId.IpNotEnough`. */
  readonly code: string;
  /** HTTP status of the answer (400 for most client errors, 404 for not-found codes, 5xx for service errors). */
  readonly httpStatus: number;
  /**
   * For throttling answers: milliseconds until a retry may succeed, sent as the `x-acs-retry-after` header (the
   * official SDKs surface it as `ThrottlingError.retryAfter`).
   */
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, httpStatus = 400, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Common errors, with the codes, statuses and messages of the real API. */
export const apiErrors = {
  missingParameter: (name: string) =>
    new ApiError(
      'MissingParameter',
      `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
    ),
  invalidParameter: (name: string, why = 'is not valid') =>
    new ApiError('InvalidParameter', `The specified parameter "${name}" ${why}.`),
  notFound: (code: string, what: string) => new ApiError(code, `The specified ${what} does not exist.`, 404),
  invalidAction: (action: string) =>
    new ApiError(
      'InvalidAction.NotFound',
      `Specified api "${action}" is not found, please check your url and method.`,
      404,
    ),
  throttling: (retryAfterMs?: number) =>
    new ApiError(
      'Throttling.User',
      'Request was denied due to user flow control.',
      400,
      retryAfterMs === undefined ? {} : { retryAfterMs },
    ),
  serviceUnavailable: () =>
    new ApiError(
      'ServiceUnavailable',
      'The request has failed due to a temporary failure of the server.',
      503,
    ),
  internalError: () =>
    new ApiError(
      'InternalError',
      'The request processing has failed due to some unknown error, exception or failure.',
      500,
    ),
  idempotentMismatch: () =>
    new ApiError(
      'IdempotentParameterMismatch',
      'The request uses the same client token as a previous, but non-identical request.',
      400,
    ),
  invalidVersion: (version: string) =>
    new ApiError('InvalidVersion', `Specified parameter Version "${version}" is not valid.`, 400),
  requestTooLarge: (limit: number) =>
    new ApiError('RequestEntityTooLarge', `The request body exceeds the limit of ${limit} bytes.`, 413),
} as const;
