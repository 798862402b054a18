import { MemoryRouteTable } from './memory-route-table.js';

/** A minimal route for reconciler tests: destination and gateway as text. */
export interface TestRoute {
  dst: string;
  via: string;
}

/** A {@link MemoryRouteTable} of {@link TestRoute}s keyed by destination. */
export function testTable(initial: TestRoute[] = [], fail?: (op: string, r: TestRoute) => Error | undefined) {
  return new MemoryRouteTable<TestRoute>({
    name: 'test',
    key: (r) => r.dst,
    equals: (a, b) => a.via === b.via,
    format: (r) => `${r.dst} via ${r.via}`,
    initial,
    ...(fail ? { fail } : {}),
  });
}
