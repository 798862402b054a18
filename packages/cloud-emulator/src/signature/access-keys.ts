import { randomBytes } from 'node:crypto';
import { signatureErrors } from './signature-errors.js';

/**
 * An access key the emulator accepts. With `securityToken` it is a temporary (STS) key: every request must carry
 * that token (`x-acs-security-token` in V3, `SecurityToken` in V1) and is refused after `expiration`.
 *
 * @see https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerole
 */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The STS token issued with this temporary key. */
  readonly securityToken?: string | undefined;
  /** When the STS token expires: epoch milliseconds on the emulator's clock, or an ISO-8601 date. */
  readonly expiration?: number | string | undefined;
}

/** A fresh random key pair in the real format (`LTAI…` id, 30-character secret). */
export function generateAccessKey(): AccessKey {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => [...randomBytes(n)].map((b) => alnum[b % alnum.length]).join('');
  return { accessKeyId: `LTAI${pick(20)}`, accessKeySecret: pick(30) };
}

/** Expiration as epoch milliseconds (`undefined` when none or unparsable). */
export function expirationMs(key: AccessKey): number | undefined {
  if (key.expiration === undefined) return undefined;
  if (typeof key.expiration === 'number') return key.expiration;
  const ms = Date.parse(key.expiration);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Checks the STS token a request carried against the key's registered one, in the real API's order: a temporary
 * key without a token → `MissingSecurityToken`; another token → `InvalidSecurityToken.MismatchWithAccessKey`;
 * expired → `InvalidSecurityToken.Expired`. A permanent key with a token is a mismatch too. Pure.
 */
export function checkSecurityToken(key: AccessKey, token: string | undefined, now: number): void {
  const given = token === '' ? undefined : token;
  if (key.securityToken === undefined) {
    if (given !== undefined) throw signatureErrors.tokenMismatch();
    return;
  }
  if (given === undefined) throw signatureErrors.missingToken();
  if (given !== key.securityToken) throw signatureErrors.tokenMismatch();
  const exp = expirationMs(key);
  if (exp !== undefined && now >= exp) throw signatureErrors.tokenExpired();
}

/** The keys the emulator accepts; keys can be added or revoked while it runs. */
export class AccessKeyStore {
  readonly #keys = new Map<string, AccessKey>();

  constructor(keys: Iterable<AccessKey> = []) {
    for (const k of keys) this.add(k);
  }

  /** Registers (or replaces) a key. */
  add(key: AccessKey): void {
    if (!key.accessKeyId || !key.accessKeySecret)
      throw new TypeError('an access key needs an id and a secret');
    this.#keys.set(key.accessKeyId, { ...key });
  }

  /** Revokes a key; later requests signed with it get `InvalidAccessKeyId.NotFound`. */
  remove(accessKeyId: string): boolean {
    return this.#keys.delete(accessKeyId);
  }

  get(accessKeyId: string): AccessKey | undefined {
    return this.#keys.get(accessKeyId);
  }

  list(): AccessKey[] {
    return [...this.#keys.values()];
  }
}
