import type { ApiError } from '../api/api-error.js';

/** An HTTP answer as plain data. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_TYPE = 'application/json;charset=utf-8';

/** A success: `{ RequestId, ...body }` with the request id also in `x-acs-request-id`. */
export function successAnswer(requestId: string, body: Readonly<Record<string, unknown>>): HttpAnswer {
  const { RequestId: _ignored, ...rest } = body;
  return {
    status: 200,
    headers: { 'content-type': JSON_TYPE, 'x-acs-request-id': requestId },
    body: JSON.stringify({ RequestId: requestId, ...rest }),
  };
}

/**
 * An error as the Alibaba Cloud gateway answers it: the error's HTTP status and
 * `{ RequestId, HostId, Code, Message, Recommend }`; throttling answers carry `x-acs-retry-after` (milliseconds),
 * which the SDK exposes as `ThrottlingError.retryAfter`.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/developer-reference/common-errors-and-troubleshooting
 */
export function errorAnswer(requestId: string, err: ApiError, hostId: string): HttpAnswer {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, 'x-acs-request-id': requestId };
  if (err.retryAfterMs !== undefined) headers['x-acs-retry-after'] = String(err.retryAfterMs);
  const product = hostId.split('.')[0] ?? '';
  return {
    status: err.httpStatus,
    headers,
    body: JSON.stringify({
      RequestId: requestId,
      HostId: hostId,
      Code: err.code,
      Message: err.message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=${product}&requestId=${requestId}`,
    }),
  };
}
