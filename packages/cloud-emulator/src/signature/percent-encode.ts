/**
 * Percent-encoding as the Alibaba Cloud signatures use it (RFC 3986 unreserved characters kept, everything else
 * `%XX` in upper case): `encodeURIComponent` plus `!'()*`, with `~` left as is. This is the SDK's own `encode`
 * (`@alicloud/openapi-core` `utils.js`), used for the V1 string to sign and the V3 canonical query string.
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Sorts by UTF-16 code units, as JavaScript's default `Array.prototype.sort` (and so the SDK) does. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
