import { FlannelError, FlannelErrorCode } from '../errors.js';

/**
 * The HTTP status of an error from `@kubernetes/client-node` 1.x: `ApiException.code` for API calls,
 * `statusCode` for watch requests; `undefined` for network errors.
 */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number' && e.code >= 100 && e.code < 600) return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** The Kubernetes `Status.message` carried by a client-node `ApiException`, when there is one. */
function statusMessage(err: unknown): string | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.length > 0 ? body.slice(0, 300) : undefined;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Wraps a failed API call as `ERR_KUBE_API`, naming the operation and carrying the HTTP status and the server's
 * message; retryable for network errors, 429 and 5xx.
 */
export function kubeApiError(
  operation: string,
  err: unknown,
  details: Record<string, unknown> = {},
): FlannelError {
  const status = httpStatusOf(err);
  const why = statusMessage(err) ?? (err instanceof Error ? err.message.split('\n')[0] : String(err));
  return new FlannelError(
    FlannelErrorCode.KubeApi,
    `${operation} failed${status === undefined ? '' : ` (HTTP ${status})`}: ${why}`,
    { operation, status, ...details },
    { cause: err, isRetryable: status === undefined || status === 429 || status >= 500 },
  );
}
