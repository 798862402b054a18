import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../emulator.js';
import { FaultInjector, seededRandom } from './faults.js';
import { failure, loadSdk, vpcClient } from './sdk-test-support.js';
import { stubVpcActions } from './stub-actions.test-support.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

const outcome = (f: FaultInjector, action = 'A') => {
  const d = f.decide(action);
  return d.drop ? 'drop' : (d.error?.code ?? 'ok');
};

describe('FaultInjector', () => {
  it('is deterministic for a seed and roughly honours rates', () => {
    const cfg = {
      throttlingRate: 0.2,
      serviceUnavailableRate: 0.2,
      internalErrorRate: 0.1,
      dropRate: 0.1,
      seed: 7,
    };
    const a = new FaultInjector(cfg);
    const b = new FaultInjector(cfg);
    const seqA = Array.from({ length: 2000 }, () => outcome(a));
    const seqB = Array.from({ length: 2000 }, () => outcome(b));
    expect(seqA).toEqual(seqB);
    const share = (c: string) => seqA.filter((x) => x === c).length / seqA.length;
    expect(share('Throttling.User')).toBeCloseTo(0.2, 1);
    expect(share('ServiceUnavailable')).toBeCloseTo(0.2, 1);
    expect(share('InternalError')).toBeCloseTo(0.1, 1);
    expect(share('drop')).toBeCloseTo(0.1, 1);
    expect(share('ok')).toBeCloseTo(0.4, 1);
  });

  it('restricts faults to the listed actions and validates rates', () => {
    const f = new FaultInjector({ serviceUnavailableRate: 1, actions: ['CreateVpc'] });
    expect(outcome(f, 'DescribeVpcs')).toBe('ok');
    expect(outcome(f, 'CreateVpc')).toBe('ServiceUnavailable');
    expect(() => f.set({ dropRate: 1.5 })).toThrow(RangeError);
    expect(() => f.set({ latencyMs: [10, 5] })).toThrow(RangeError);
    f.set({ latencyMs: [10, 20] });
    const l = f.decide('X').latencyMs;
    expect(l).toBeGreaterThanOrEqual(10);
    expect(l).toBeLessThanOrEqual(20);
    f.clear();
    expect(f.decide('X')).toEqual({ latencyMs: 0, drop: false, error: undefined });
  });

  it('seededRandom stays in [0, 1)', () => {
    const r = seededRandom(42);
    for (let i = 0; i < 1000; i++) {
      const x = r();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('fault injection through the SDK, set at runtime', () => {
  let emu: Emulator | undefined;
  afterEach(async () => emu?.close());

  async function setup() {
    emu = await startEmulator({ actions: { vpc: stubVpcActions() } });
    const { vpcModels } = await loadSdk();
    const client = await vpcClient(emu);
    return () => client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-hangzhou' }));
  }

  it('ServiceUnavailable 503, InternalError 500, Throttling.User 400', async () => {
    const call = await setup();
    emu!.faults.set({ serviceUnavailableRate: 1 });
    expect(await failure(call())).toMatchObject({
      name: 'ServerError',
      code: 'ServiceUnavailable',
      statusCode: 503,
    });
    emu!.faults.set({ internalErrorRate: 1 });
    expect(await failure(call())).toMatchObject({
      name: 'ServerError',
      code: 'InternalError',
      statusCode: 500,
    });
    emu!.faults.set({ throttlingRate: 1 });
    expect(await failure(call())).toMatchObject({
      name: 'ThrottlingError',
      code: 'Throttling.User',
      statusCode: 400,
    });
    emu!.faults.clear();
    expect((await call()).statusCode).toBe(200);
  });

  it('a dropped connection is a network error, and the server keeps serving', async () => {
    const call = await setup();
    emu!.faults.set({ dropRate: 1 });
    const f = await failure(call());
    expect(f.statusCode).toBeUndefined();
    expect(f.message).toMatch(/socket hang up|ECONNRESET/);
    expect(emu!.stats().actions.DescribeVpcs?.dropped).toBe(1);
    emu!.faults.set({});
    expect((await call()).statusCode).toBe(200);
  });

  it('adds latency', async () => {
    const call = await setup();
    emu!.faults.set({ latencyMs: 250 });
    const t0 = performance.now();
    await call();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it('close() does not wait for injected latency', async () => {
    const call = await setup();
    emu!.faults.set({ latencyMs: 60_000 });
    const pending = call().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await emu!.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
