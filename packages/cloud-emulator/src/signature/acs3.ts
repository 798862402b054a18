import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { byCodeUnits, percentEncode } from './percent-encode.js';
import { signatureErrors } from './signature-errors.js';

/** The V3 signature algorithm the official SDKs use by default. */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** What the V3 verification reads of an HTTP request (plain data, no sockets). */
export interface Acs3Request {
  /** HTTP method as received (`POST`). */
  readonly method: string;
  /** The path as sent, before `?` (`/` for RPC-style APIs). */
  readonly path: string;
  /** Decoded query pairs, in order (a repeated key: the last one counts, as in the SDK's query object). */
  readonly query: readonly (readonly [string, string])[];
  /** Lower-case header name → every value received under it. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  /** The raw body (its SHA-256 must equal `x-acs-content-sha256`). */
  readonly body: Uint8Array;
}

/** The parts of `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`. */
export interface Acs3Authorization {
  readonly algorithm: string;
  readonly accessKeyId: string;
  /** Lower-case, sorted. */
  readonly signedHeaders: readonly string[];
  /** Lower-case hex. */
  readonly signature: string;
}

/** Outcome of {@link verifyAcs3}: on a mismatch, the server's string to sign (the real API prints it). */
export type SignatureCheck =
  | { readonly ok: true; readonly stringToSign: string }
  | { readonly ok: false; readonly stringToSign: string; readonly reason: 'signature' | 'payload' };

/**
 * Parses a V3 `Authorization` header. Throws `IncompleteSignature` when a part is missing or the algorithm is not
 * `ACS3-HMAC-SHA256` (the SM3 and RSA variants are not emulated).
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
export function parseAcs3Authorization(value: string): Acs3Authorization {
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0) throw signatureErrors.incomplete('The Authorization header is malformed.');
  const algorithm = trimmed.slice(0, space);
  if (algorithm !== ACS3_ALGORITHM) {
    throw signatureErrors.incomplete(`Unsupported signature algorithm "${algorithm}".`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId) throw signatureErrors.incomplete('Credential is missing from the Authorization header.');
  if (signedHeaders === undefined) {
    throw signatureErrors.incomplete('SignedHeaders is missing from the Authorization header.');
  }
  if (!signature || !/^[0-9a-fA-F]+$/.test(signature)) {
    throw signatureErrors.incomplete('Signature is missing from the Authorization header or is not hex.');
  }
  return {
    algorithm,
    accessKeyId,
    signedHeaders: signedHeaders
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '')
      .sort(byCodeUnits),
    signature: signature.toLowerCase(),
  };
}

/**
 * The canonical query string as the SDK builds it (`getAuthorizationQueryString`): keys sorted, each
 * `key=percentEncode(value)`, joined by `&` (keys themselves are not encoded by the SDK).
 */
export function acs3CanonicalQuery(query: readonly (readonly [string, string])[]): string {
  const map = new Map<string, string>();
  for (const [k, v] of query) map.set(k, v);
  return [...map.keys()]
    .sort(byCodeUnits)
    .map((k) => `${k}=${percentEncode(map.get(k) ?? '')}`)
    .join('&');
}

/**
 * The canonical request: method, canonical URI, canonical query, canonical headers (each signed header
 * `name:value\n`, several values trimmed, sorted and joined by `,`), an empty line, the signed header list, and the
 * hashed payload — byte for byte what `@alicloud/openapi-core` `getAuthorization` hashes.
 */
export function acs3CanonicalRequest(
  req: Acs3Request,
  signedHeaders: readonly string[],
  hashedPayload: string,
): string {
  const canonicalUri = req.path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    const values = (req.headers[name] ?? ['']).map((v) => v.trim()).sort(byCodeUnits);
    canonicalHeaders += `${name}:${values.join(',')}\n`;
  }
  return [
    req.method,
    canonicalUri,
    acs3CanonicalQuery(req.query),
    canonicalHeaders,
    signedHeaders.join(';'),
    hashedPayload,
  ].join('\n');
}

/** `ACS3-HMAC-SHA256\n<hex sha256(canonical request)>`. */
export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

/** Hex HMAC-SHA256 of the string to sign with the access key secret. */
export function acs3Signature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}

/** Hex SHA-256 of a body (the `x-acs-content-sha256` value). */
export function sha256Hex(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Verifies a V3 (ACS3-HMAC-SHA256) request against the secret of the key named in its `Authorization`: the
 * payload hash header must equal the body's SHA-256, and the signature must equal ours over the canonical request.
 * Pure: no clock, no key store (timestamp, nonce and STS checks are separate).
 */
export function verifyAcs3(req: Acs3Request, auth: Acs3Authorization, secret: string): SignatureCheck {
  const hashedPayload = req.headers['x-acs-content-sha256']?.[0]?.trim() ?? '';
  const stringToSign = acs3StringToSign(acs3CanonicalRequest(req, auth.signedHeaders, hashedPayload));
  if (hashedPayload.toLowerCase() !== sha256Hex(req.body))
    return { ok: false, stringToSign, reason: 'payload' };
  const expected = Buffer.from(acs3Signature(secret, stringToSign), 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return ok ? { ok, stringToSign } : { ok, stringToSign, reason: 'signature' };
}
