import { describe, expect, it } from 'vitest';
import { AccessKeyStore, checkSecurityToken, generateAccessKey } from './access-keys.js';
import { type AuthRequest, authenticate } from './authenticate.js';
import { checkTimestamp, NonceCache, parseApiTimestamp } from './replay-guard.js';
import { rpcV1Signature, rpcV1StringToSign } from './rpc-v1.js';

const NOW = Date.parse('2026-11-27T08:00:00Z');
const keys = new AccessKeyStore([
  { accessKeyId: 'AK1', accessKeySecret: 'S1' },
  { accessKeyId: 'STS.AK2', accessKeySecret: 'S2', securityToken: 'tok', expiration: '2026-11-27T09:00:00Z' },
]);

/** A V1 request signed with `secret` (parameters in query). */
function v1(params: Record<string, string>, secret: string): AuthRequest {
  const all: Record<string, string> = {
    Action: 'DescribeVpcs',
    Version: '2016-04-28',
    Format: 'json',
    Timestamp: '2026-11-27T08:00:00Z',
    SignatureNonce: 'n1',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    AccessKeyId: 'AK1',
    ...params,
  };
  const sig = rpcV1Signature(secret, rpcV1StringToSign('POST', Object.entries(all)));
  const query = [...Object.entries(all), ['Signature', sig] as [string, string]];
  return { method: 'POST', path: '/', query, params: query, headers: {}, body: new Uint8Array() };
}

const code = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return `${(e as { code: string }).code} ${(e as { httpStatus: number }).httpStatus}`;
  }
};

describe('authenticate (V1)', () => {
  const opts = () => ({ keys, now: NOW, nonces: new NonceCache() });

  it('accepts a good request and names the caller', () => {
    expect(authenticate(v1({}, 'S1'), opts())).toEqual({ accessKeyId: 'AK1', scheme: 'HMAC-SHA1' });
  });

  it('answers the real codes and statuses', () => {
    expect(code(() => authenticate(v1({ AccessKeyId: 'nope' }, 'S1'), opts()))).toBe(
      'InvalidAccessKeyId.NotFound 404',
    );
    expect(code(() => authenticate(v1({}, 'wrong'), opts()))).toBe('SignatureDoesNotMatch 400');
    expect(code(() => authenticate(v1({ Timestamp: '2026-11-27T07:44:59Z' }, 'S1'), opts()))).toBe(
      'InvalidTimeStamp.Expired 400',
    );
    expect(code(() => authenticate(v1({ Timestamp: '2026-11-27T08:15:00Z' }, 'S1'), opts()))).toBe('ok');
    expect(code(() => authenticate(v1({ Timestamp: '27/11/2026' }, 'S1'), opts()))).toBe(
      'InvalidTimeStamp.Format 400',
    );
    expect(code(() => authenticate(v1({ SignatureMethod: 'HMAC-SHA256' }, 'S1'), opts()))).toBe(
      'IncompleteSignature 400',
    );
    const unsigned: AuthRequest = {
      method: 'POST',
      path: '/',
      query: [],
      params: [],
      headers: {},
      body: new Uint8Array(),
    };
    expect(code(() => authenticate(unsigned, opts()))).toBe('IncompleteSignature 400');
  });

  it('puts the server string to sign in the SignatureDoesNotMatch message', () => {
    expect(() => authenticate(v1({}, 'wrong'), opts())).toThrow(
      /server string to sign is:POST&%2F&AccessKeyId%3DAK1/,
    );
  });

  it('refuses a replayed nonce within the window, per access key, and forgets it after', () => {
    const nonces = new NonceCache();
    expect(code(() => authenticate(v1({}, 'S1'), { keys, now: NOW, nonces }))).toBe('ok');
    expect(code(() => authenticate(v1({}, 'S1'), { keys, now: NOW, nonces }))).toBe('SignatureNonceUsed 400');
    // A wrong signature never burns a nonce.
    expect(code(() => authenticate(v1({ SignatureNonce: 'n2' }, 'bad'), { keys, now: NOW, nonces }))).toBe(
      'SignatureDoesNotMatch 400',
    );
    expect(code(() => authenticate(v1({ SignatureNonce: 'n2' }, 'S1'), { keys, now: NOW, nonces }))).toBe(
      'ok',
    );
    const later = NOW + 16 * 60_000;
    const ts = new Date(later).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(code(() => authenticate(v1({ Timestamp: ts }, 'S1'), { keys, now: later, nonces }))).toBe('ok');
  });

  it('checks STS tokens: missing, mismatched, expired', () => {
    const sts = (p: Record<string, string>, now = NOW) =>
      code(() => authenticate(v1({ AccessKeyId: 'STS.AK2', ...p }, 'S2'), { keys, now }));
    expect(sts({ SecurityToken: 'tok' })).toBe('ok');
    expect(sts({})).toBe('MissingSecurityToken 400');
    expect(sts({ SecurityToken: 'other' })).toBe('InvalidSecurityToken.MismatchWithAccessKey 400');
    expect(sts({ SecurityToken: 'tok', Timestamp: '2026-11-27T09:00:00Z' }, NOW + 3_600_000)).toBe(
      'InvalidSecurityToken.Expired 400',
    );
    expect(code(() => authenticate(v1({ SecurityToken: 'tok' }, 'S1'), { keys, now: NOW }))).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey 400',
    );
  });

  it('accepts any well-formed time with an infinite window', () => {
    expect(
      code(() =>
        authenticate(v1({ Timestamp: '2001-01-01T00:00:00Z' }, 'S1'), {
          keys,
          now: NOW,
          timestampWindowMs: Infinity,
        }),
      ),
    ).toBe('ok');
  });
});

describe('replay guard parts', () => {
  it('parses the API timestamp format strictly', () => {
    expect(parseApiTimestamp('2026-11-27T08:00:00Z')).toBe(NOW);
    expect(parseApiTimestamp('2026-11-27T08:00:00.123Z')).toBe(NOW + 123);
    expect(parseApiTimestamp('2026-11-27 08:00:00')).toBeUndefined();
    expect(parseApiTimestamp('2026-13-45T08:00:00Z')).toBeUndefined();
    expect(() => checkTimestamp('2026-11-27T08:00:00Z', NOW + 15 * 60_000 + 1, 15 * 60_000)).toThrow(
      /expired/,
    );
  });

  it('bounds the nonce cache', () => {
    const c = new NonceCache(3);
    for (const n of ['a', 'b', 'c', 'd']) expect(c.use(n, 0, 100)).toBe(true);
    expect(c.size).toBe(3);
    expect(c.use('a', 0, 100)).toBe(true); // forgotten as the oldest
    expect(c.use('d', 0, 100)).toBe(false);
    expect(c.use('d', 100, 200)).toBe(true); // expired
  });

  it('generates keys in the real format and checks tokens purely', () => {
    const k = generateAccessKey();
    expect(k.accessKeyId).toMatch(/^LTAI[A-Za-z0-9]{20}$/);
    expect(k.accessKeySecret).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(() => checkSecurityToken({ ...k, securityToken: 't', expiration: 10 }, 't', 10)).toThrow(
      /expired/,
    );
    expect(() => checkSecurityToken({ ...k, securityToken: 't', expiration: 10 }, 't', 9)).not.toThrow();
  });
});
