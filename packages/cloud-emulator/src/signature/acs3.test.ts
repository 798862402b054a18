import { createHash } from 'node:crypto';
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { parseApiRequest } from '../server/request-parser.js';
import {
  ACS3_ALGORITHM,
  type Acs3Request,
  acs3CanonicalQuery,
  acs3CanonicalRequest,
  parseAcs3Authorization,
  verifyAcs3,
} from './acs3.js';
import { sdkSigners } from './sdk-signers.test-support.js';

const AK = 'LTAI5tExampleKeyId0001';
const SECRET = 'ExampleSecret0123456789abcdefAB';

/** A request as the SDK's `doRequest` builds it, signed by the SDK util, then put on the wire and parsed back. */
function sdkRequest(
  sign: (typeof signers)[number],
  opts: {
    query?: Record<string, string>;
    body?: string;
    contentType?: string;
    extraHeaders?: Record<string, string>;
  } = {},
): Acs3Request {
  const query = opts.query ?? {
    RegionId: 'cn-hangzhou', // plain value
    VpcName: "a b+c*~!'()é=&", // every character class the encoder treats specially
    'Tag.1.Key': 'k', // dotted list key
    Empty: '', // empty value
  };
  const body = Buffer.from(opts.body ?? '', 'utf8');
  const headers: Record<string, string> = {
    host: '127.0.0.1:8080',
    'x-acs-version': '2016-04-28',
    'x-acs-action': 'DescribeVpcs',
    'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1 TeaDSL/2', // not signed
    'x-acs-date': '2026-11-27T08:00:00Z',
    'x-acs-signature-nonce': 'nonce-0001',
    accept: 'application/json', // not signed
    ...(opts.contentType ? { 'content-type': opts.contentType } : {}),
    ...opts.extraHeaders,
    'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
  };
  headers.Authorization = sign.getAuthorization(
    { method: 'POST', pathname: '/', query, headers },
    ACS3_ALGORITHM,
    headers['x-acs-content-sha256']!,
    AK,
    SECRET,
  );
  // Over the wire: the SDK serialises the query with querystring.stringify; Node lower-cases header names.
  const lists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) lists[k.toLowerCase()] = [v];
  return parseApiRequest({ method: 'POST', url: `/?${stringify(query)}`, headers: lists, body });
}

const signers = sdkSigners();

describe.each(signers)('ACS3-HMAC-SHA256 against the SDK util $name', (signer) => {
  it('verifies a signature computed by the SDK', () => {
    const req = sdkRequest(signer);
    const auth = parseAcs3Authorization(req.headers.authorization![0]!);
    expect(auth.accessKeyId).toBe(AK);
    expect(auth.signedHeaders).toEqual([
      'host',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-date',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]);
    expect(verifyAcs3(req, auth, SECRET)).toMatchObject({ ok: true });
  });

  it('verifies a form body, its content-type and a security token header', () => {
    const req = sdkRequest(signer, {
      body: 'RouteTableId=vtb-1&DestinationCidrBlock=10.0.0.0%2F24',
      contentType: 'application/x-www-form-urlencoded',
      extraHeaders: { 'x-acs-security-token': 'sts-token', 'x-acs-accesskey-id': AK },
    });
    const auth = parseAcs3Authorization(req.headers.authorization![0]!);
    expect(auth.signedHeaders).toContain('content-type');
    expect(auth.signedHeaders).toContain('x-acs-security-token');
    expect(verifyAcs3(req, auth, SECRET).ok).toBe(true);
  });

  it('rejects the wrong secret, reporting the server string to sign', () => {
    const req = sdkRequest(signer);
    const check = verifyAcs3(req, parseAcs3Authorization(req.headers.authorization![0]!), `${SECRET}x`);
    expect(check.ok).toBe(false);
    expect(check.stringToSign).toMatch(/^ACS3-HMAC-SHA256\n[0-9a-f]{64}$/);
  });

  it('rejects every one-character change of a signed query value', () => {
    const base = sdkRequest(signer);
    const auth = parseAcs3Authorization(base.headers.authorization![0]!);
    const name = "a b+c*~!'()é=&";
    for (let i = 0; i < name.length; i++) {
      const changed = name.slice(0, i) + String.fromCharCode(name.charCodeAt(i) ^ 1) + name.slice(i + 1);
      const query = base.query.map(([k, v]) => [k, k === 'VpcName' ? changed : v] as const);
      expect(verifyAcs3({ ...base, query }, auth, SECRET).ok, `offset ${i}`).toBe(false);
    }
  });

  it('rejects a changed method, path, signed header, body byte, signature digit or added parameter', () => {
    const base = sdkRequest(signer, { body: 'A=1', contentType: 'application/x-www-form-urlencoded' });
    const auth = parseAcs3Authorization(base.headers.authorization![0]!);
    expect(verifyAcs3({ ...base, method: 'GET' }, auth, SECRET).ok).toBe(false);
    expect(verifyAcs3({ ...base, path: '/x' }, auth, SECRET).ok).toBe(false);
    for (const h of auth.signedHeaders) {
      const v = base.headers[h]![0]!;
      const headers = {
        ...base.headers,
        [h]: [`${v.slice(0, -1)}${String.fromCharCode(v.charCodeAt(v.length - 1) ^ 1)}`],
      };
      expect(verifyAcs3({ ...base, headers }, auth, SECRET).ok, h).toBe(false);
    }
    const body = Buffer.from(base.body);
    body[0]! ^= 1;
    expect(verifyAcs3({ ...base, body }, auth, SECRET)).toMatchObject({ ok: false, reason: 'payload' });
    for (let i = 0; i < auth.signature.length; i++) {
      const c = auth.signature[i] === '0' ? '1' : '0';
      const signature = auth.signature.slice(0, i) + c + auth.signature.slice(i + 1);
      expect(verifyAcs3(base, { ...auth, signature }, SECRET).ok, `digit ${i}`).toBe(false);
    }
    expect(verifyAcs3({ ...base, query: [...base.query, ['Extra', '1']] }, auth, SECRET).ok).toBe(false);
  });

  it('ignores headers that were not signed', () => {
    const base = sdkRequest(signer);
    const auth = parseAcs3Authorization(base.headers.authorization![0]!);
    const headers = { ...base.headers, 'user-agent': ['other'], accept: ['*/*'] };
    expect(verifyAcs3({ ...base, headers }, auth, SECRET).ok).toBe(true);
  });
});

describe('ACS3 canonical parts', () => {
  it('sorts the query by key and encodes values only', () => {
    // Field by field: `B` after `A.1`, value space → %20, `*` → %2A, `~` kept, empty value kept as `key=`.
    expect(
      acs3CanonicalQuery([
        ['B', 'x y*~'],
        ['A.1', ''],
      ]),
    ).toBe('A.1=&B=x%20y%2A~');
  });

  it('builds the canonical request line by line', () => {
    const req: Acs3Request = {
      method: 'POST',
      path: '/',
      query: [['RegionId', 'cn-hangzhou']],
      headers: { host: ['h:1'], 'x-acs-action': [' DescribeVpcs '], 'x-acs-multi': ['b', 'a'] },
      body: new Uint8Array(),
    };
    expect(acs3CanonicalRequest(req, ['host', 'x-acs-action', 'x-acs-multi'], 'HASH')).toBe(
      [
        'POST', // method
        '/', // canonical URI
        'RegionId=cn-hangzhou', // canonical query
        'host:h:1\nx-acs-action:DescribeVpcs\nx-acs-multi:a,b\n', // canonical headers: trimmed, sorted values
        'host;x-acs-action;x-acs-multi', // signed headers
        'HASH', // hashed payload
      ].join('\n'),
    );
  });

  it('refuses malformed Authorization headers with IncompleteSignature', () => {
    for (const bad of [
      '',
      'ACS3-HMAC-SHA256',
      'ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00',
      'ACS3-HMAC-SHA256 SignedHeaders=host,Signature=00',
      'ACS3-HMAC-SHA256 Credential=a,Signature=00',
      'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=zz',
    ]) {
      expect(() => parseAcs3Authorization(bad), bad).toThrow(
        expect.objectContaining({ code: 'IncompleteSignature' }),
      );
    }
  });
});
