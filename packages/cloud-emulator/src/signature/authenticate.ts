import { type AccessKey, checkSecurityToken } from './access-keys.js';
import { type Acs3Request, parseAcs3Authorization, verifyAcs3 } from './acs3.js';
import { checkTimestamp, DEFAULT_TIMESTAMP_WINDOW_MS, type NonceCache } from './replay-guard.js';
import { RPC_V1_METHOD, verifyRpcV1 } from './rpc-v1.js';
import { signatureErrors } from './signature-errors.js';

/** A request as authentication sees it: the V3 inputs plus every decoded parameter (query, then form body). */
export interface AuthRequest extends Acs3Request {
  readonly params: readonly (readonly [string, string])[];
}

/** What authentication needs besides the request. */
export interface AuthOptions {
  readonly keys: { get(accessKeyId: string): AccessKey | undefined };
  /** The emulator clock's time. */
  readonly now: number;
  /** Accepted distance of the request timestamp from `now` (default 15 min; `Infinity` disables the check). */
  readonly timestampWindowMs?: number;
  /** Where nonces are remembered (the replay check is skipped without one). */
  readonly nonces?: NonceCache;
}

/** The scheme a request was signed with. */
export type SignatureScheme = 'ACS3-HMAC-SHA256' | 'HMAC-SHA1';

/** A verified caller. */
export interface Authenticated {
  readonly accessKeyId: string;
  readonly scheme: SignatureScheme;
}

/** The names of the V1 protocol parameters (they are not action parameters). */
export const RPC_PROTOCOL_PARAMS: ReadonlySet<string> = new Set([
  'Action',
  'Version',
  'Format',
  'Timestamp',
  'SignatureNonce',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureType',
  'AccessKeyId',
  'Signature',
  'SecurityToken',
]);

/** Which scheme a request claims: V3 by its `Authorization` header, V1 by a `Signature` parameter. */
export function detectScheme(req: AuthRequest): SignatureScheme | undefined {
  const auth = req.headers.authorization?.[0];
  if (auth?.trim().startsWith('ACS3-')) return 'ACS3-HMAC-SHA256';
  if (req.params.some(([k]) => k === 'Signature' || k === 'SignatureMethod')) return 'HMAC-SHA1';
  return undefined;
}

/**
 * Authenticates one API request the way the Alibaba Cloud gateway does, for both the V3 ACS3-HMAC-SHA256 and the
 * V1 HMAC-SHA1 RPC signatures: the access key must exist (`InvalidAccessKeyId.NotFound`), the STS token match
 * (`MissingSecurityToken`, `InvalidSecurityToken.*`), the timestamp lie within the window
 * (`InvalidTimeStamp.Expired`), the signature match (`SignatureDoesNotMatch`, whose message shows the server's
 * string to sign) and the nonce be unused (`SignatureNonceUsed`). Throws an `ApiError`.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism
 */
export function authenticate(req: AuthRequest, options: AuthOptions): Authenticated {
  const scheme = detectScheme(req);
  if (scheme === 'ACS3-HMAC-SHA256') return authenticateAcs3(req, options);
  if (scheme === 'HMAC-SHA1') return authenticateRpcV1(req, options);
  throw signatureErrors.incomplete(
    'The request carries neither an Authorization header nor a Signature parameter.',
  );
}

function authenticateAcs3(req: AuthRequest, options: AuthOptions): Authenticated {
  const auth = parseAcs3Authorization(req.headers.authorization?.[0] ?? '');
  const date = header(req, 'x-acs-date');
  const nonce = header(req, 'x-acs-signature-nonce');
  if (date === undefined) throw signatureErrors.incomplete('The x-acs-date header is missing.');
  if (nonce === undefined) throw signatureErrors.incomplete('The x-acs-signature-nonce header is missing.');
  if (header(req, 'x-acs-content-sha256') === undefined) {
    throw signatureErrors.incomplete('The x-acs-content-sha256 header is missing.');
  }
  const key = lookUp(auth.accessKeyId, options);
  checkSecurityToken(key, header(req, 'x-acs-security-token'), options.now);
  const ts = checkTimestamp(date, options.now, options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS);
  const check = verifyAcs3(req, auth, key.accessKeySecret);
  if (!check.ok) {
    throw check.reason === 'payload'
      ? signatureErrors.payloadMismatch()
      : signatureErrors.mismatch(check.stringToSign);
  }
  useNonce(key.accessKeyId, nonce, ts, options);
  return { accessKeyId: key.accessKeyId, scheme: 'ACS3-HMAC-SHA256' };
}

function authenticateRpcV1(req: AuthRequest, options: AuthOptions): Authenticated {
  const p = new Map(req.params);
  for (const name of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp']) {
    if (!p.get(name)) throw signatureErrors.incomplete(`The parameter "${name}" is missing.`);
  }
  const method = p.get('SignatureMethod');
  if (method !== RPC_V1_METHOD)
    throw signatureErrors.incomplete(`Unsupported SignatureMethod "${method ?? ''}".`);
  const version = p.get('SignatureVersion');
  if (version !== '1.0') throw signatureErrors.incomplete(`Unsupported SignatureVersion "${version ?? ''}".`);
  const key = lookUp(p.get('AccessKeyId')!, options);
  checkSecurityToken(key, p.get('SecurityToken'), options.now);
  const ts = checkTimestamp(
    p.get('Timestamp')!,
    options.now,
    options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS,
  );
  const check = verifyRpcV1(req.method, [...p.entries()], key.accessKeySecret);
  if (!check.ok) throw signatureErrors.mismatch(check.stringToSign);
  useNonce(key.accessKeyId, p.get('SignatureNonce')!, ts, options);
  return { accessKeyId: key.accessKeyId, scheme: 'HMAC-SHA1' };
}

function header(req: AuthRequest, name: string): string | undefined {
  const v = req.headers[name]?.[0];
  return v === undefined || v === '' ? undefined : v;
}

function lookUp(accessKeyId: string, options: AuthOptions): AccessKey {
  const key = options.keys.get(accessKeyId);
  if (!key) throw signatureErrors.unknownAccessKey();
  return key;
}

function useNonce(accessKeyId: string, nonce: string, timestamp: number, options: AuthOptions): void {
  if (!options.nonces) return;
  const window = options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS;
  // Remember the nonce for as long as its timestamp would still be accepted.
  const expiresAt = Number.isFinite(window)
    ? Math.max(timestamp + window, options.now + 1)
    : options.now + DEFAULT_TIMESTAMP_WINDOW_MS;
  if (!options.nonces.use(`${accessKeyId}\n${nonce}`, options.now, expiresAt))
    throw signatureErrors.nonceUsed();
}
