import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import { RevisionTooOldError, VersionedStore } from './versioned-store.js';

const obj = (name: string, v = 0): KubeObject => ({ metadata: { name }, spec: { v } });

describe('VersionedStore', () => {
  it('stamps each write with the next global revision', () => {
    const s = new VersionedStore({ initialRevision: 100 });
    expect(s.write('nodes', 'a', obj('a')).rv).toBe(101);
    expect(s.write('leases', 'ns/b', obj('b')).rv).toBe(102);
    expect(s.peek('nodes', 'a')?.metadata.resourceVersion).toBe('101');
    const del = s.write('nodes', 'a', undefined);
    expect(del).toMatchObject({ type: 'DELETED', rv: 103 });
    expect(del.object.metadata.resourceVersion).toBe('103');
    expect(del.prev?.metadata.resourceVersion).toBe('101');
    expect(s.revision).toBe(103);
  });

  it('reconstructs a past snapshot from history', () => {
    const s = new VersionedStore();
    s.write('nodes', 'a', obj('a', 1));
    const rv = s.revision;
    s.write('nodes', 'a', obj('a', 2));
    s.write('nodes', 'b', obj('b'));
    s.write('nodes', 'a', undefined);
    expect(s.snapshot('nodes', rv).map(([k, o]) => [k, (o.spec as { v: number }).v])).toEqual([['a', 1]]);
    expect(s.entries('nodes').map(([k]) => k)).toEqual(['b']);
  });

  it('evicts history beyond the window and reports versions older than it', () => {
    const s = new VersionedStore({ historyLimit: 2 });
    const start = s.revision;
    s.write('nodes', 'a', obj('a'));
    s.write('nodes', 'b', obj('b'));
    expect(s.eventsSince('nodes', start).map((e) => e.key)).toEqual(['a', 'b']);
    s.write('nodes', 'c', obj('c'));
    expect(() => s.eventsSince('nodes', start)).toThrow(RevisionTooOldError);
    expect(s.eventsSince('nodes', start + 1).map((e) => e.key)).toEqual(['b', 'c']);
    // The window is per resource: another resource's history is unaffected.
    expect(s.eventsSince('leases', start)).toEqual([]);
  });

  it('compacts every resource up to a revision', () => {
    const s = new VersionedStore();
    s.write('nodes', 'a', obj('a'));
    const rv = s.revision;
    s.write('nodes', 'b', obj('b'));
    s.compact(rv);
    expect(() => s.snapshot('nodes', rv - 1)).toThrow('too old resource version');
    expect(s.eventsSince('nodes', rv).map((e) => e.key)).toEqual(['b']);
  });

  it('notifies subscribers synchronously', () => {
    const s = new VersionedStore();
    const seen: string[] = [];
    const off = s.subscribe('nodes', (e) => seen.push(`${e.type} ${e.key}`));
    s.write('nodes', 'a', obj('a'));
    s.write('leases', 'x/y', obj('y'));
    off();
    s.write('nodes', 'b', obj('b'));
    expect(seen).toEqual(['ADDED a']);
  });
});
