import { FakeClock } from '@edgeway/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from './emulator.js';
import { callAction, ecsClient, failure, loadSdk, vpcClient } from './server/sdk-test-support.js';
import { stubEcsActions, stubVpcActions } from './server/stub-actions.test-support.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

const running: Emulator[] = [];
async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ actions: { vpc: stubVpcActions(), ecs: stubEcsActions() }, ...options });
  running.push(emu);
  return emu;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function describeVpcs(emu: Emulator, extra: Record<string, unknown> = {}) {
  const { vpcModels } = await loadSdk();
  const client = await vpcClient(emu, extra);
  return client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou', pageNumber: 2 }));
}

describe('startEmulator through the official SDK', () => {
  it('listens on loopback with a generated key pair and answers V3-signed calls', async () => {
    const emu = await start();
    expect(emu.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(emu.credentials.accessKeyId).toMatch(/^LTAI/);
    const res = await describeVpcs(emu);
    expect(res.statusCode).toBe(200);
    expect(res.body?.pageNumber).toBe(2);
    expect(res.body?.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(res.headers?.['x-acs-request-id']).toBe(res.body?.requestId);
  });

  it('answers V1 (HMAC-SHA1, signatureAlgorithm v2) calls', async () => {
    const emu = await start();
    const res = await describeVpcs(emu, { signatureAlgorithm: 'v2' });
    expect(res.body?.pageNumber).toBe(2);
  });

  it('passes query and form-body parameters to handlers, without the protocol parameters', async () => {
    const emu = await start();
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const client = await vpcClient(emu, { signatureAlgorithm });
      const res = await callAction(client, 'EchoParams', {
        query: { RegionId: 'cn-hangzhou', 'Tag.1.Key': "a b+c*~!'()" },
        body: { Description: 'x y&z=1', 'PrivateIpAddress.1': '10.0.0.5' },
      });
      expect(res.body.Params).toEqual({
        RegionId: 'cn-hangzhou',
        'Tag.1.Key': "a b+c*~!'()",
        Description: 'x y&z=1',
        'PrivateIpAddress.1': '10.0.0.5',
      });
      expect(res.body.AccessKeyId).toBe(emu.credentials.accessKeyId);
    }
  });

  it('dispatches by version: ECS actions on the same port', async () => {
    const emu = await start();
    const { ecsModels } = await loadSdk();
    const ecs = await ecsClient(emu);
    const res = await ecs.describeRegions(new ecsModels.DescribeRegionsRequest({}));
    expect(res.body?.regions?.region?.[0]?.regionId).toBe('cn-hangzhou');
    // The VPC version does not have ECS actions.
    const f = await failure(callAction(await vpcClient(emu), 'DescribeRegions'));
    expect(f).toMatchObject({ code: 'InvalidAction.NotFound', statusCode: 404 });
  });

  it('answers unknown actions and versions with the API codes', async () => {
    const emu = await start();
    const client = await vpcClient(emu);
    const unknown = await failure(callAction(client, 'NoSuchAction'));
    expect(unknown).toMatchObject({ name: 'ClientError', code: 'InvalidAction.NotFound', statusCode: 404 });
    expect(unknown.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(unknown.data).toMatchObject({ HostId: 'vpc.aliyuncs.com', Code: 'InvalidAction.NotFound' });
    expect(unknown.data?.Recommend).toContain('InvalidAction.NotFound');
    const version = await failure(callAction(client, 'DescribeVpcs', { version: '2099-01-01' }));
    expect(version).toMatchObject({ code: 'InvalidVersion', statusCode: 400 });
  });

  it('answers a handler bug with InternalError 500, logs it, and keeps serving', async () => {
    const logged: unknown[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: () => {},
      error: (o: object) => logged.push(o),
      child: () => logger,
    };
    const emu = await start({ logger });
    const { vpcModels } = await loadSdk();
    const client = await vpcClient(emu);
    const f = await failure(
      client.deleteVpc(new vpcModels.DeleteVpcRequest({ vpcId: 'vpc-1', regionId: 'cn-hangzhou' })),
    );
    expect(f).toMatchObject({ name: 'ServerError', code: 'InternalError', statusCode: 500 });
    expect(logged).toHaveLength(1);
    expect((await describeVpcs(emu)).statusCode).toBe(200);
  });
});

describe('authentication errors as the SDK surfaces them', () => {
  it('wrong secret → SignatureDoesNotMatch 400 with the server string to sign (V3 and V1)', async () => {
    const emu = await start();
    const v3 = await failure(describeVpcs(emu, { accessKeySecret: 'wrong' }));
    expect(v3).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(v3.message).toMatch(/server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}/);
    expect(v3.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const v1 = await failure(describeVpcs(emu, { accessKeySecret: 'wrong', signatureAlgorithm: 'v2' }));
    expect(v1).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(v1.message).toContain('server string to sign is:POST&%2F&AccessKeyId%3D');
  });

  it('unknown key → InvalidAccessKeyId.NotFound 404', async () => {
    const emu = await start();
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const f = await failure(describeVpcs(emu, { accessKeyId: 'LTAInobody', signatureAlgorithm }));
      expect(f).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
    }
  });

  it('stale timestamp on the emulator clock → InvalidTimeStamp.Expired 400', async () => {
    const emu = await start({ clock: new FakeClock(Date.now() + 20 * 60_000) });
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const f = await failure(describeVpcs(emu, { signatureAlgorithm }));
      expect(f).toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
    }
    const lenient = await start({ clock: new FakeClock(0), timestampWindowMs: Number.POSITIVE_INFINITY });
    expect((await describeVpcs(lenient)).statusCode).toBe(200);
  });

  it('replayed nonce → SignatureNonceUsed 400', async () => {
    const emu = await start();
    const { GlobalParameters } = await import('@alicloud/openapi-client');
    const v3 = {
      globalParameters: new GlobalParameters({ headers: { 'x-acs-signature-nonce': 'fixed-nonce' } }),
    };
    expect((await describeVpcs(emu, v3)).statusCode).toBe(200);
    expect(await failure(describeVpcs(emu, v3))).toMatchObject({
      code: 'SignatureNonceUsed',
      statusCode: 400,
    });
    const v1 = {
      signatureAlgorithm: 'v2',
      globalParameters: new GlobalParameters({ queries: { SignatureNonce: 'fixed-nonce-v1' } }),
    };
    expect((await describeVpcs(emu, v1)).statusCode).toBe(200);
    expect(await failure(describeVpcs(emu, v1))).toMatchObject({
      code: 'SignatureNonceUsed',
      statusCode: 400,
    });
  });

  it('STS: token required, must match, and expires on the emulator clock', async () => {
    const clock = new FakeClock(Date.now());
    const sts = {
      accessKeyId: 'STS.NTemporaryKey',
      accessKeySecret: 'temporary-secret',
      securityToken: 'CAIS-token',
      expiration: clock.now() + 60_000,
    };
    const emu = await start({ clock, accessKeys: [sts] });
    expect(emu.credentials.securityToken).toBe('CAIS-token');
    for (const signatureAlgorithm of [undefined, 'v2']) {
      expect((await describeVpcs(emu, { signatureAlgorithm })).statusCode).toBe(200);
      const missing = await failure(describeVpcs(emu, { securityToken: undefined, signatureAlgorithm }));
      expect(missing).toMatchObject({ code: 'MissingSecurityToken', statusCode: 400 });
      const wrong = await failure(describeVpcs(emu, { securityToken: 'other', signatureAlgorithm }));
      expect(wrong).toMatchObject({ code: 'InvalidSecurityToken.MismatchWithAccessKey', statusCode: 400 });
    }
    clock.advance(61_000);
    const expired = await failure(describeVpcs(emu));
    expect(expired).toMatchObject({ code: 'InvalidSecurityToken.Expired', statusCode: 400 });
  });

  it('keys can be added and revoked at runtime', async () => {
    const emu = await start();
    emu.accessKeys.add({ accessKeyId: 'LTAIsecond', accessKeySecret: 'second-secret' });
    const second = { accessKeyId: 'LTAIsecond', accessKeySecret: 'second-secret' };
    expect((await describeVpcs(emu, second)).statusCode).toBe(200);
    emu.accessKeys.remove('LTAIsecond');
    expect(await failure(describeVpcs(emu, second))).toMatchObject({ code: 'InvalidAccessKeyId.NotFound' });
  });
});

describe('emulator surface', () => {
  it('counts calls per action, successes and errors by code', async () => {
    const emu = await start();
    await describeVpcs(emu);
    await failure(describeVpcs(emu, { accessKeySecret: 'wrong' }));
    const s = emu.stats();
    expect(s.actions.DescribeVpcs).toEqual({
      calls: 2,
      ok: 1,
      errors: { SignatureDoesNotMatch: 1 },
      dropped: 0,
    });
    expect(s.total.calls).toBe(2);
    emu.resetStats();
    expect(emu.stats().total.calls).toBe(0);
  });

  it('subscribe() exposes the state change feed', async () => {
    const emu = await start();
    const events: string[] = [];
    const off = emu.subscribe((e) => events.push(`${e.kind} ${e.change} ${e.id}`));
    const { vpcModels } = await loadSdk();
    const client = await vpcClient(emu);
    await client.createVpc(
      new vpcModels.CreateVpcRequest({ regionId: 'cn-hangzhou', cidrBlock: '10.0.0.0/16' }),
    );
    off();
    await client.createVpc(
      new vpcModels.CreateVpcRequest({ regionId: 'cn-hangzhou', cidrBlock: '10.1.0.0/16' }),
    );
    expect(events).toEqual(['Vpc created vpc-1']);
    expect(emu.state.snapshot().regionId).toBe('cn-hangzhou');
  });

  it('routes metadata paths per instance and for the default instance', async () => {
    const seen: string[] = [];
    const emu = await start({
      defaultInstanceId: 'i-default',
      metadataHandler: (_state, instanceId, req) => {
        seen.push(
          `${req.method} ${instanceId} ${req.path} ${req.headers['x-aliyun-ecs-metadata-token'] ?? ''}`,
        );
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: instanceId };
      },
    });
    const a = await fetch(`${emu.metadataEndpoint('i-abc')}/latest/meta-data/instance-id`, {
      headers: { 'X-aliyun-ecs-metadata-token': 'tok' },
    });
    expect(await a.text()).toBe('i-abc');
    const b = await fetch(`${emu.metadataEndpoint()}/latest/api/token`, { method: 'PUT' });
    expect(await b.text()).toBe('i-default');
    expect(seen).toEqual(['GET i-abc /latest/meta-data/instance-id tok', 'PUT i-default /latest/api/token ']);
    const other = await fetch(`http://${emu.endpoint}/not/metadata`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { RequestId?: string }).RequestId).toBeTruthy();
  });

  it('refuses non-loopback hosts unless allowed', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'ERR_EMULATOR_NON_LOOPBACK',
    });
  });

  it('close() drops keep-alive connections and later calls are refused', async () => {
    const emu = await start();
    const client = await vpcClient(emu);
    const { vpcModels } = await loadSdk();
    await client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou' }));
    const t0 = Date.now();
    await emu.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    const f = await failure(
      client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou' })),
    );
    expect(f.message).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
  });
});
