import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../api/object.js';
import { applyJsonPatch, decodeJsonPatch, JsonPatchError, parsePointer } from './json-patch.js';

const apply = (doc: JsonValue, ops: unknown) => applyJsonPatch(doc, decodeJsonPatch(ops));

function applyError(doc: JsonValue, ops: unknown): JsonPatchError {
  try {
    apply(doc, ops);
  } catch (err) {
    if (err instanceof JsonPatchError) return err;
    throw err;
  }
  throw new Error('expected the patch to fail');
}

describe('applyJsonPatch (RFC 6902 Appendix A)', () => {
  it('A.1 adds an object member', () => {
    expect(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({
      foo: 'bar',
      baz: 'qux',
    });
  });
  it('A.2 adds an array element', () => {
    expect(apply({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({
      foo: ['bar', 'qux', 'baz'],
    });
  });
  it('A.3 removes an object member', () => {
    expect(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
  });
  it('A.4 removes an array element', () => {
    expect(apply({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({
      foo: ['bar', 'baz'],
    });
  });
  it('A.5 replaces a value', () => {
    expect(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({
      baz: 'boo',
      foo: 'bar',
    });
  });
  it('A.6 moves a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    expect(apply(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
  });
  it('A.7 moves an array element', () => {
    expect(
      apply({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }]),
    ).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });
  it('A.8 tests a value (success)', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    expect(
      apply(doc, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual(doc);
  });
  it('A.9 tests a value (error)', () => {
    const err = applyError({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]);
    expect(err.phase).toBe('apply');
    expect(err.message).toBe('testing value /baz failed: test failed');
  });
  it('A.10 adds a nested member object', () => {
    expect(apply({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).toEqual({
      foo: 'bar',
      child: { grandchild: {} },
    });
  });
  it('A.12 fails to add to a nonexistent target', () => {
    const err = applyError({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]);
    expect(err.message).toContain('add operation does not apply: doc is missing path');
  });
  it('A.14 unescapes ~0 and ~1', () => {
    expect(apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }])).toEqual({
      '/': 9,
      '~1': 10,
    });
    expect(parsePointer('/a~1b/m~0n')).toEqual(['a/b', 'm~n']);
  });
  it('A.15 compares strings and numbers strictly', () => {
    expect(applyError({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]).phase).toBe('apply');
  });
  it('A.16 appends with -', () => {
    expect(apply({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({
      foo: ['bar', ['abc', 'def']],
    });
  });

  it('copies, replaces the root, and is all-or-nothing', () => {
    expect(apply({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }])).toEqual({
      a: { b: 1 },
      c: { b: 1 },
    });
    expect(apply({ a: 1 }, [{ op: 'replace', path: '', value: { z: 0 } }])).toEqual({ z: 0 });
    const doc = { a: 1 };
    applyError(doc, [
      { op: 'add', path: '/b', value: 2 },
      { op: 'remove', path: '/nope' },
    ]);
    expect(doc).toEqual({ a: 1 });
  });

  it('rejects a replace of a missing member and out-of-range indexes', () => {
    expect(applyError({}, [{ op: 'replace', path: '/x', value: 1 }]).message).toContain('doc is missing key');
    expect(applyError({ l: [1] }, [{ op: 'add', path: '/l/5', value: 1 }]).message).toContain(
      'invalid index',
    );
  });

  it('decodes only arrays of well-formed operations (decode errors are a 400)', () => {
    expect(() => decodeJsonPatch({ op: 'add' })).toThrow(JsonPatchError);
    for (const bad of [
      [{ op: 'jump', path: '/a' }],
      [{ op: 'add', path: '/a' }],
      [{ op: 'move', path: '/a' }],
      [{ op: 'remove' }],
    ]) {
      try {
        decodeJsonPatch(bad);
        throw new Error('expected a decode error');
      } catch (err) {
        expect((err as JsonPatchError).phase).toBe('decode');
      }
    }
  });
});
