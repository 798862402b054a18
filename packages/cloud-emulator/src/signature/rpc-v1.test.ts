import { describe, expect, it } from 'vitest';
import { rpcV1Signature, rpcV1StringToSign, verifyRpcV1 } from './rpc-v1.js';
import { sdkSigners } from './sdk-signers.test-support.js';

const SECRET = 'ExampleSecret0123456789abcdefAB';

const base: Record<string, string> = {
  Action: 'DescribeVpcs',
  Format: 'json',
  Version: '2016-04-28',
  Timestamp: '2026-11-27T08:00:00Z',
  SignatureNonce: 'nonce-1',
  SignatureMethod: 'HMAC-SHA1',
  SignatureVersion: '1.0',
  AccessKeyId: 'LTAI5tExampleKeyId0001',
  RegionId: 'cn-hangzhou',
  VpcName: "a b+c*~!'()é=&",
  'Tag.1.Key': 'k',
};

describe.each(sdkSigners())('V1 HMAC-SHA1 against the SDK util $name', (signer) => {
  it('verifies a signature computed by the SDK', () => {
    const signature = signer.getRPCSignature(base, 'POST', SECRET);
    expect(rpcV1Signature(SECRET, rpcV1StringToSign('POST', Object.entries(base)))).toBe(signature);
    expect(verifyRpcV1('POST', [...Object.entries(base), ['Signature', signature]], SECRET).ok).toBe(true);
  });

  it('rejects every one-character change of any value, a changed method and a wrong secret', () => {
    const signature = signer.getRPCSignature(base, 'POST', SECRET);
    for (const [key, value] of Object.entries(base)) {
      for (let i = 0; i < value.length; i++) {
        const changed = value.slice(0, i) + String.fromCharCode(value.charCodeAt(i) ^ 1) + value.slice(i + 1);
        const params = Object.entries({ ...base, [key]: changed });
        expect(verifyRpcV1('POST', [...params, ['Signature', signature]], SECRET).ok, `${key}@${i}`).toBe(
          false,
        );
      }
    }
    expect(verifyRpcV1('GET', [...Object.entries(base), ['Signature', signature]], SECRET).ok).toBe(false);
    expect(verifyRpcV1('POST', [...Object.entries(base), ['Signature', signature]], `${SECRET}x`).ok).toBe(
      false,
    );
  });
});

describe('V1 string to sign', () => {
  it('is METHOD&%2F&pct(sorted k=v) with both keys and values encoded', () => {
    expect(
      rpcV1StringToSign('POST', [
        ['b', 'x y'],
        ['a', '*~'],
        ['Signature', 'ignored'],
      ]),
    ).toBe(
      // a=%2A~&b=x%20y, percent-encoded once more as a whole.
      'POST&%2F&a%3D%252A~%26b%3Dx%2520y',
    );
  });
});
