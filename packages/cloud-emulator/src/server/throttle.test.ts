import { FakeClock } from '@edgeway/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { failure, loadSdk, vpcClient } from './sdk-test-support.js';
import { stubVpcActions } from './stub-actions.test-support.js';
import { bucketShape, Throttler } from './throttle.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('Throttler (token buckets on the clock)', () => {
  it('allows a burst, then refills at the rate', () => {
    const clock = new FakeClock(0);
    const t = new Throttler(clock, { actions: { DescribeVpcs: { perSecond: 2, burst: 3 } } });
    expect([1, 2, 3, 4].map(() => code(() => t.take('DescribeVpcs')))).toEqual([
      'ok',
      'ok',
      'ok',
      'Throttling.User',
    ]);
    clock.advance(499);
    expect(code(() => t.take('DescribeVpcs'))).toBe('Throttling.User');
    clock.advance(1);
    expect(code(() => t.take('DescribeVpcs'))).toBe('ok');
  });

  it('reports the wait until the next token', () => {
    const t = new Throttler(new FakeClock(0), { actions: { A: { perMinute: 60, burst: 1 } } });
    t.take('A');
    try {
      t.take('A');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'Throttling.User', httpStatus: 400, retryAfterMs: 1000 });
    }
  });

  it('keeps one bucket per action, chooses read/write defaults, null = unlimited, and can be turned off', () => {
    const clock = new FakeClock(0);
    const t = new Throttler(clock, {
      read: { perSecond: 1, burst: 1 },
      write: { perSecond: 1, burst: 2 },
      actions: { DescribeFree: null },
    });
    expect([1, 2].map(() => code(() => t.take('DescribeA')))).toEqual(['ok', 'Throttling.User']);
    expect(code(() => t.take('DescribeB'))).toBe('ok');
    expect([1, 2, 3].map(() => code(() => t.take('CreateA')))).toEqual(['ok', 'ok', 'Throttling.User']);
    for (let i = 0; i < 100; i++) t.take('DescribeFree');
    t.configure({ enabled: false });
    for (let i = 0; i < 100; i++) t.take('DescribeA');
  });

  it('validates bucket specs', () => {
    expect(() => bucketShape({})).toThrow(TypeError);
    expect(bucketShape({ perMinute: 800 })).toEqual({ ratePerMs: 800 / 60_000, capacity: 800 });
  });
});

describe('throttling through the SDK', () => {
  let emu: Emulator | undefined;
  afterEach(async () => emu?.close());

  it('a burst beyond the bucket gets Throttling.User (HTTP 400) with x-acs-retry-after', async () => {
    const clock = new FakeClock(Date.now());
    emu = await startEmulator({
      clock,
      actions: { vpc: stubVpcActions() },
      throttling: { actions: { DescribeVpcs: { perSecond: 1, burst: 3 } } },
    });
    const { vpcModels } = await loadSdk();
    const client = await vpcClient(emu);
    const call = () => client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou' }));
    const results = await Promise.allSettled(Array.from({ length: 8 }, call));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const f = await failure(call());
    expect(f).toMatchObject({
      name: 'ThrottlingError',
      code: 'Throttling.User',
      statusCode: 400,
      retryAfter: 1000,
    });
    expect(emu.stats().actions.DescribeVpcs?.errors['Throttling.User']).toBe(6);
    clock.advance(1000);
    expect((await call()).statusCode).toBe(200);
    // Reconfigured at runtime.
    emu.throttling.configure({ enabled: false });
    await Promise.all(Array.from({ length: 10 }, call));
  });
});
