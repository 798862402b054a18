import { describe, expect, it } from 'vitest';
import { CachedRouteTable } from './cached-route-table.js';
import { MemoryRouteTable } from './memory-route-table.js';

interface R {
  dst: string;
  via: string;
}

function setup(fail?: (op: string, r: R) => Error | undefined) {
  const inner = new MemoryRouteTable<R>({
    name: 'mem',
    key: (r) => r.dst,
    equals: (a, b) => a.via === b.via,
    format: (r) => `${r.dst} via ${r.via}`,
    ...(fail ? { fail } : {}),
  });
  let lists = 0;
  const list = inner.list.bind(inner);
  inner.list = async () => {
    lists++;
    return list();
  };
  return { inner, cached: new CachedRouteTable(inner), lists: () => lists };
}

describe('CachedRouteTable', () => {
  it('answers a marked listing from what it saw and did, and every other from the table', async () => {
    const { inner, cached, lists } = setup();
    await inner.add({ dst: 'a', via: '1' });
    expect(await cached.list()).toEqual([{ dst: 'a', via: '1' }]);
    await cached.add({ dst: 'b', via: '2' });
    await cached.replace({ dst: 'a', via: '9' }, { dst: 'a', via: '1' });
    await cached.remove({ dst: 'b', via: '2' });
    cached.useCacheOnce();
    expect(await cached.list()).toEqual([{ dst: 'a', via: '9' }]);
    expect(lists()).toBe(1);
    await inner.add({ dst: 'x', via: 'drift' }); // someone else: only a real listing sees it
    expect((await cached.list()).map((r) => r.dst).sort()).toEqual(['a', 'x']);
    expect(lists()).toBe(2);
    expect(cached.stats).toEqual({ cached: 1, listed: 2 });
    expect(cached.name).toBe('mem');
    expect(cached.format({ dst: 'a', via: '1' })).toBe('a via 1');
  });

  it('forgets the cache after a failed operation or when told', async () => {
    const { cached, lists } = setup((op) => (op === 'add' ? new Error('EEXIST') : undefined));
    await cached.list();
    await expect(cached.add({ dst: 'a', via: '1' })).rejects.toThrow('EEXIST');
    cached.useCacheOnce();
    await cached.list();
    expect(lists()).toBe(2);
    cached.invalidate();
    cached.useCacheOnce();
    await cached.list();
    expect(lists()).toBe(3);
    cached.useCacheOnce();
    await cached.list();
    expect(lists()).toBe(3);
  });
});
