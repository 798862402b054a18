import { describe, expect, it } from 'vitest';
import { reconcile } from './reconcile.js';
import { type TestRoute, testTable } from './test-routes.test-support.js';

const r = (dst: string, via: string): TestRoute => ({ dst, via });

describe('reconcile', () => {
  it('drives the table to exactly the desired set', async () => {
    const table = testTable([r('a', '1'), r('b', '2'), r('c', '3')]);
    const result = await reconcile(table, [r('a', '1'), r('b', '9'), r('d', '4')]);
    expect(result.applied).toBe(true);
    expect(result.failures).toEqual([]);
    expect(table.snapshot().sort((x, y) => x.dst.localeCompare(y.dst))).toEqual([
      r('a', '1'),
      r('b', '9'),
      r('d', '4'),
    ]);
  });

  it('changes nothing on a dry run but returns the plan', async () => {
    const table = testTable([r('a', '1')]);
    const result = await reconcile(table, [r('b', '2')], { dryRun: true });
    expect(result.applied).toBe(false);
    expect(result.plan.add).toEqual([r('b', '2')]);
    expect(result.plan.remove).toEqual([r('a', '1')]);
    expect(table.snapshot()).toEqual([r('a', '1')]);
    expect(table.log).toEqual([]);
  });

  it('adds before it removes by default, and removes first when asked', async () => {
    const a = testTable([r('old', '1')]);
    await reconcile(a, [r('new', '2')]);
    expect(a.log.map((e) => e.op)).toEqual(['add', 'remove']);
    const b = testTable([r('old', '1')]);
    await reconcile(b, [r('new', '2')], { order: 'break-before-make' });
    expect(b.log.map((e) => e.op)).toEqual(['remove', 'add']);
  });

  it('collects per-route failures and applies every other route', async () => {
    const boom = new Error('EINVAL');
    const table = testTable([r('gone', '1')], (op, route) =>
      op === 'add' && route.dst === 'bad' ? boom : undefined,
    );
    const result = await reconcile(table, [r('ok1', '1'), r('bad', '2'), r('ok2', '3')]);
    expect(result.failures).toEqual([{ op: 'add', route: r('bad', '2'), error: boom }]);
    expect(
      table
        .snapshot()
        .map((x) => x.dst)
        .sort(),
    ).toEqual(['ok1', 'ok2']);
  });

  it('reports a second desired route with the same key as ERR_ROUTE_CONFLICT', async () => {
    const table = testTable();
    const result = await reconcile(table, [r('a', '1'), r('a', '2')]);
    expect(table.snapshot()).toEqual([r('a', '1')]);
    expect(result.failures).toHaveLength(1);
    expect((result.failures[0]!.error as { code?: string }).code).toBe('ERR_ROUTE_CONFLICT');
    expect(result.failures[0]!.error.message).toContain('a via 2');
  });

  it('does not start new operations once aborted', async () => {
    const ctl = new AbortController();
    let n = 0;
    const table = testTable([], () => {
      if (++n === 3) ctl.abort();
      return undefined;
    });
    const desired = Array.from({ length: 10 }, (_, i) => r(`d${i}`, 'x'));
    await reconcile(table, desired, { signal: ctl.signal, concurrency: 1 });
    expect(table.snapshot()).toHaveLength(3);
  });
});
