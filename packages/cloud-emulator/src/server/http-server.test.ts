import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { loadSdk, vpcClient } from './sdk-test-support.js';
import { stubVpcActions } from './stub-actions.test-support.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ actions: { vpc: stubVpcActions() }, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => emu.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A hand-made HTTP request (only for malformed input: well-formed calls go through the SDK). */
function raw(opts: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: emu.port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Bytes over a bare socket; resolves with whatever came back before the server closed it (or after 1 s). */
function socketBytes(bytes: string | Buffer, opts: { destroyAfterWrite?: boolean } = {}) {
  return new Promise<string>((resolve) => {
    const s = connect(emu.port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
    s.setTimeout(1000, () => s.destroy());
    s.write(bytes, () => {
      if (opts.destroyAfterWrite) s.destroy();
    });
  });
}

async function stillServes(): Promise<void> {
  const { vpcModels } = await loadSdk();
  const client = await vpcClient(emu);
  const res = await client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou' }));
  expect(res.statusCode).toBe(200);
}

const json = (a: RawAnswer) => JSON.parse(a.body) as Record<string, string>;

describe('the server never crashes on bad input', () => {
  it('answers an unsigned request IncompleteSignature with a RequestId', async () => {
    const a = await raw({ path: '/?Action=DescribeVpcs&Version=2016-04-28' });
    expect(a.status).toBe(400);
    expect(json(a)).toMatchObject({ Code: 'IncompleteSignature' });
    expect(json(a).RequestId).toBe(a.headers['x-acs-request-id']);
    await stillServes();
  });

  it('survives malformed query strings, paths and percent-escapes', async () => {
    for (const path of [
      '/?%zz=%&&==&a=%E0%A4%A',
      '/?' + 'x'.repeat(8000),
      '//?',
      '/%ff/latest',
      '/a/b/c/d',
    ]) {
      const a = await raw({ path });
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      // API paths answer JSON with a RequestId; metadata-looking paths answer the metadata service's text.
      if (String(a.headers['content-type']).includes('json')) expect(json(a).RequestId, path).toBeTruthy();
      else expect(a.body).toMatch(/Not Found/);
    }
    await stillServes();
  });

  it('answers bad JSON and non-object JSON bodies InvalidParameter', async () => {
    for (const body of ['{bad', '[1,2]', 'null']) {
      const a = await raw({ headers: { 'content-type': 'application/json' }, body });
      expect(a.status).toBe(400);
      expect(json(a)).toMatchObject({ Code: 'InvalidParameter' });
    }
  });

  it('answers malformed signatures and headers the API way', async () => {
    const cases: Record<string, string>[] = [
      { authorization: 'ACS3-HMAC-SHA256 garbage' },
      { authorization: 'ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=00' },
      {
        authorization: 'ACS3-HMAC-SHA256 Credential=x,SignedHeaders=host,Signature=00',
        'x-acs-date': 'yesterday',
        'x-acs-signature-nonce': 'n',
        'x-acs-content-sha256': 'nothex',
      },
    ];
    const codes = [];
    for (const headers of cases) codes.push(json(await raw({ headers })).Code);
    expect(codes).toEqual(['IncompleteSignature', 'IncompleteSignature', 'InvalidAccessKeyId.NotFound']);
  });

  it('answers a body over the limit 413 and closes', async () => {
    const a = await raw({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.alloc(200 * 1024, 0x61),
    });
    expect(a.status).toBe(413);
    expect(json(a)).toMatchObject({ Code: 'RequestEntityTooLarge' });
    await stillServes();
  });

  it('survives garbage bytes, bad request lines, truncated and aborted requests', async () => {
    const answers = await Promise.all([
      socketBytes(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])),
      socketBytes('NOT HTTP AT ALL\r\n\r\n'),
      socketBytes('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort', {
        destroyAfterWrite: true,
      }),
      socketBytes('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
      socketBytes('GET / HTTP/1.1\r\nHost: x\r\nX-Bad\u0000Header: 1\r\n\r\n'),
      socketBytes('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'),
    ]);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });

  it('serves many bad and good requests interleaved', async () => {
    const bad = Array.from({ length: 30 }, (_, i) =>
      raw({ path: `/?Action=X${i}`, headers: { 'content-type': 'application/json' }, body: '{' }),
    );
    await Promise.all([...bad, stillServes(), stillServes()]);
    await stillServes();
  });
});
