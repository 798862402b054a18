import { describe, expect, it } from 'vitest';
import { isEmptyPlan, planRoutes } from './plan.js';
import type { TestRoute } from './test-routes.test-support.js';

const model = { key: (r: TestRoute) => r.dst, equals: (a: TestRoute, b: TestRoute) => a.via === b.via };
const r = (dst: string, via: string): TestRoute => ({ dst, via });

describe('planRoutes', () => {
  it('sorts every route into add, remove, replace or keep', () => {
    const plan = planRoutes(
      model,
      [r('10.0.1.0/24', 'A'), r('10.0.2.0/24', 'B'), r('10.0.3.0/24', 'C')],
      [r('10.0.1.0/24', 'A'), r('10.0.2.0/24', 'B2'), r('10.0.4.0/24', 'D')],
    );
    expect(plan.keep).toEqual([r('10.0.1.0/24', 'A')]);
    expect(plan.replace).toEqual([{ from: r('10.0.2.0/24', 'B'), to: r('10.0.2.0/24', 'B2') }]);
    expect(plan.add).toEqual([r('10.0.4.0/24', 'D')]);
    expect(plan.remove).toEqual([r('10.0.3.0/24', 'C')]);
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it('is empty when installed equals desired', () => {
    const same = [r('a', '1'), r('b', '2')];
    const plan = planRoutes(model, same, [...same].reverse());
    expect(isEmptyPlan(plan)).toBe(true);
    expect(plan.keep).toHaveLength(2);
  });

  it('keeps the first of two desired routes with one key and reports the other', () => {
    const plan = planRoutes(model, [], [r('a', '1'), r('a', '2')]);
    expect(plan.add).toEqual([r('a', '1')]);
    expect(plan.conflicts).toEqual([{ from: r('a', '1'), to: r('a', '2') }]);
  });

  it('removes duplicate installed routes beyond the one kept', () => {
    const plan = planRoutes(model, [r('a', '1'), r('a', '1')], [r('a', '1')]);
    expect(plan.keep).toEqual([r('a', '1')]);
    expect(plan.remove).toEqual([r('a', '1')]);
  });
});
