import { FakeClock } from '@edgeway/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Params } from '../api/params.js';
import { type Emulator, startEmulator } from '../emulator.js';
import { IdempotencyCache, paramsFingerprint } from './idempotency.js';
import { failure, loadSdk, vpcClient } from './sdk-test-support.js';
import { stubVpcActions } from './stub-actions.test-support.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

const key = { accessKeyId: 'AK', version: '2016-04-28', action: 'CreateVpc', clientToken: 't' };

describe('IdempotencyCache', () => {
  it('replays, refuses mismatches, and forgets after the TTL', () => {
    const clock = new FakeClock(0);
    const c = new IdempotencyCache(clock, { ttlMs: 1000 });
    const fp = paramsFingerprint(
      new Params([
        ['B', '2'],
        ['A', '1'],
      ]),
    );
    expect(fp).toBe(
      paramsFingerprint(
        new Params([
          ['A', '1'],
          ['B', '2'],
        ]),
      ),
    );
    expect(c.lookup(key, fp)).toBeUndefined();
    c.store(key, fp, { VpcId: 'vpc-1' });
    expect(c.lookup(key, fp)).toEqual({ VpcId: 'vpc-1' });
    expect(c.lookup({ ...key, accessKeyId: 'other' }, fp)).toBeUndefined();
    expect(() => c.lookup(key, 'different')).toThrow(
      expect.objectContaining({ code: 'IdempotentParameterMismatch' }),
    );
    clock.advance(1000);
    expect(c.lookup(key, fp)).toBeUndefined();
  });

  it('is bounded', () => {
    const c = new IdempotencyCache(new FakeClock(0), { maxEntries: 2 });
    for (const t of ['a', 'b', 'c']) c.store({ ...key, clientToken: t }, 'fp', {});
    expect(c.size).toBe(2);
    expect(c.lookup({ ...key, clientToken: 'a' }, 'fp')).toBeUndefined();
  });
});

describe('ClientToken through the SDK', () => {
  let emu: Emulator | undefined;
  afterEach(async () => emu?.close());

  async function setup(clock = new FakeClock(Date.now()), timestampWindowMs?: number) {
    emu = await startEmulator({ clock, timestampWindowMs, actions: { vpc: stubVpcActions() } });
    const { vpcModels } = await loadSdk();
    const client = await vpcClient(emu);
    return (p: { clientToken?: string; cidrBlock?: string; vpcName?: string }) =>
      client.createVpc(
        new vpcModels.CreateVpcRequest({ regionId: 'cn-hangzhou', cidrBlock: '10.0.0.0/16', ...p }),
      );
  }

  it('the same token and parameters return the first result with a new RequestId', async () => {
    const create = await setup();
    const a = await create({ clientToken: 'tok-1' });
    const b = await create({ clientToken: 'tok-1' });
    expect(b.body?.vpcId).toBe(a.body?.vpcId);
    expect(b.body?.requestId).not.toBe(a.body?.requestId);
    // V1-signed retries carry other Timestamp/SignatureNonce/Signature: still the same call.
    const v1 = await vpcClient(emu!, { signatureAlgorithm: 'v2' });
    const { vpcModels } = await loadSdk();
    const c = await v1.createVpc(
      new vpcModels.CreateVpcRequest({
        regionId: 'cn-hangzhou',
        cidrBlock: '10.0.0.0/16',
        clientToken: 'tok-1',
      }),
    );
    expect(c.body?.vpcId).toBe(a.body?.vpcId);
    expect((await create({})).body?.vpcId).not.toBe(a.body?.vpcId);
  });

  it('the same token with other parameters → IdempotentParameterMismatch', async () => {
    const create = await setup();
    await create({ clientToken: 'tok-2' });
    const f = await failure(create({ clientToken: 'tok-2', cidrBlock: '10.9.0.0/16' }));
    expect(f).toMatchObject({ code: 'IdempotentParameterMismatch', statusCode: 400 });
  });

  it('errors are not remembered: a retry after TaskConflict runs again', async () => {
    const create = await setup();
    const f = await failure(create({ clientToken: 'tok-3', vpcName: 'conflict-once' }));
    expect(f.code).toBe('TaskConflict');
    expect((await create({ clientToken: 'tok-3', vpcName: 'conflict-once' })).body?.vpcId).toMatch(/^vpc-/);
  });

  it('tokens expire after 24 h on the emulator clock', async () => {
    const clock = new FakeClock(Date.now());
    // The SDK signs with real time: an unlimited timestamp window lets the clock jump a day.
    const create = await setup(clock, Number.POSITIVE_INFINITY);
    const a = await create({ clientToken: 'tok-4' });
    clock.advance(24 * 3_600_000 - 1);
    expect((await create({ clientToken: 'tok-4' })).body?.vpcId).toBe(a.body?.vpcId);
    clock.advance(1);
    expect((await create({ clientToken: 'tok-4' })).body?.vpcId).not.toBe(a.body?.vpcId);
  });
});
