import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/clock.js';
import { RouteReconciler } from './route-reconciler.js';
import { type TestRoute, testTable } from './test-routes.test-support.js';

const r = (dst: string, via: string): TestRoute => ({ dst, via });
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('RouteReconciler', () => {
  it('repairs drift at the periodic resync', async () => {
    const clock = new FakeClock();
    const table = testTable();
    const rec = new RouteReconciler(table, { clock, resyncIntervalMs: 10_000 });
    await rec.set([r('a', '1')]);
    await rec.start();
    await table.remove(r('a', '1')); // someone deletes our route
    await table.add(r('x', 'foreign-but-owned')); // and adds one of ours we never wanted
    clock.advance(9_999);
    await flush();
    expect(table.snapshot()).toEqual([r('x', 'foreign-but-owned')]);
    clock.advance(1);
    await flush();
    expect(table.snapshot()).toEqual([r('a', '1')]);
    await rec.stop();
    expect(clock.pending).toBe(0);
  });

  it('coalesces triggers during a run into one more run with the latest desired state', async () => {
    const table = testTable();
    let lists = 0;
    const list = table.list.bind(table);
    table.list = async () => {
      lists++;
      return list();
    };
    const rec = new RouteReconciler(table, { clock: new FakeClock() });
    const p1 = rec.set([r('a', '1')]);
    const p2 = rec.set([r('b', '1')]);
    const p3 = rec.set([r('c', '1')]);
    expect(p2).toBe(p3);
    await Promise.all([p1, p2, p3]);
    expect(lists).toBe(2);
    expect(table.snapshot()).toEqual([r('c', '1')]);
  });

  it('retries failures sooner than the resync, with backoff', async () => {
    const clock = new FakeClock();
    let failing = true;
    const table = testTable([], () => (failing ? new Error('EBUSY') : undefined));
    const results: number[] = [];
    const rec = new RouteReconciler(table, {
      clock,
      resyncIntervalMs: 60_000,
      retryBaseMs: 1_000,
      onResult: (res) => results.push(res.failures.length),
    });
    await rec.set([r('a', '1')]);
    await rec.start();
    expect(results).toEqual([1, 1]);
    clock.advance(1_000);
    await flush();
    expect(results).toEqual([1, 1]); // second failure doubled the delay to 2 s
    clock.advance(1_000);
    await flush();
    expect(results).toEqual([1, 1, 1]);
    failing = false;
    clock.advance(4_000);
    await flush();
    expect(results).toEqual([1, 1, 1, 0]);
    expect(table.snapshot()).toEqual([r('a', '1')]);
    await rec.stop();
  });
});
