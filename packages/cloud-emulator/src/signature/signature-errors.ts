import { ApiError } from '../api/api-error.js';

/**
 * The authentication errors of the Alibaba Cloud API gateway (POP), with the codes, HTTP statuses and messages
 * the real service answers, so SDK callers branch on the same `err.code`.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/developer-reference/common-errors-and-troubleshooting
 */
export const signatureErrors = {
  /** The access key id is not registered (HTTP 404). */
  unknownAccessKey: () =>
    new ApiError('InvalidAccessKeyId.NotFound', 'Specified access key is not found.', 404),
  /** The signature is wrong; like the real answer, the message shows the server's string to sign. */
  mismatch: (stringToSign: string) =>
    new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
      400,
    ),
  /** The payload hash header does not match the body (a V3 signature over another body). */
  payloadMismatch: () =>
    new ApiError(
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation: x-acs-content-sha256 does not match the request body.',
      400,
    ),
  /** Authorization / signature fields missing or malformed. */
  incomplete: (detail: string) =>
    new ApiError(
      'IncompleteSignature',
      `The request signature does not conform to Aliyun standards. ${detail}`,
      400,
    ),
  /** `Timestamp` / `x-acs-date` not in `YYYY-MM-DDThh:mm:ssZ`. */
  badTimestamp: () =>
    new ApiError('InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.', 400),
  /** `Timestamp` / `x-acs-date` outside the accepted window. */
  staleTimestamp: () =>
    new ApiError('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.', 400),
  /** `SignatureNonce` / `x-acs-signature-nonce` seen before within the window. */
  nonceUsed: () => new ApiError('SignatureNonceUsed', 'Specified signature nonce was used already.', 400),
  /** A temporary (STS) key used without its token. */
  missingToken: () =>
    new ApiError('MissingSecurityToken', 'SecurityToken is mandatory for this action.', 400),
  /** An STS token past its expiration. */
  tokenExpired: () =>
    new ApiError('InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.', 400),
  /** An STS token that is not the one issued with this access key. */
  tokenMismatch: () =>
    new ApiError(
      'InvalidSecurityToken.MismatchWithAccessKey',
      'Specified SecurityToken mismatch with the AccessKey.',
      400,
    ),
} as const;
