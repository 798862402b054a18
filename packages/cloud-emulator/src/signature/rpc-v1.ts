import { createHmac, timingSafeEqual } from 'node:crypto';
import { byCodeUnits, percentEncode } from './percent-encode.js';

/** The V1 (RPC) signature method the SDKs send as `SignatureMethod`. */
export const RPC_V1_METHOD = 'HMAC-SHA1';

/**
 * The V1 string to sign: `METHOD&%2F&percentEncode(k1=v1&k2=v2…)` over every parameter (query and form body) but
 * `Signature`, keys sorted, keys and values percent-encoded — as `@alicloud/openapi-core` `getRPCSignature`.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/rpc-mechanism
 */
export function rpcV1StringToSign(method: string, params: readonly (readonly [string, string])[]): string {
  const map = new Map<string, string>();
  for (const [k, v] of params) if (k !== 'Signature') map.set(k, v);
  const canonical = [...map.keys()]
    .sort(byCodeUnits)
    .map((k) => `${percentEncode(k)}=${percentEncode(map.get(k) ?? '')}`)
    .join('&');
  return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** Base64 HMAC-SHA1 of the string to sign, keyed with `secret&`. */
export function rpcV1Signature(secret: string, stringToSign: string): string {
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

/**
 * Verifies a V1 signature (the `Signature` parameter among `params`). Pure; returns the server's string to sign
 * for the error message on a mismatch.
 */
export function verifyRpcV1(
  method: string,
  params: readonly (readonly [string, string])[],
  secret: string,
): { readonly ok: boolean; readonly stringToSign: string } {
  let given: string | undefined;
  for (const [k, v] of params) if (k === 'Signature') given = v;
  const stringToSign = rpcV1StringToSign(method, params);
  const expected = Buffer.from(rpcV1Signature(secret, stringToSign), 'utf8');
  const actual = Buffer.from(given ?? '', 'utf8');
  return { ok: actual.length === expected.length && timingSafeEqual(actual, expected), stringToSign };
}
