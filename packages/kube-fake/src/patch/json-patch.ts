import { cloneJson, isJsonObject, type JsonValue, jsonEqual } from '../api/object.js';

/**
 * RFC 6902 JSON Patch (`application/json-patch+json`) with RFC 6901 pointers: `add`, `remove`, `replace`,
 * `move`, `copy`, `test`. Operations apply in order to a copy; the first failure aborts the whole patch.
 * Error messages follow `github.com/evanphx/json-patch`, the library the API server uses.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6902
 * @see https://www.rfc-editor.org/rfc/rfc6901
 * @see https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/#use-a-json-patch-to-update-a-deployment
 */

/** One JSON Patch operation. */
export interface JsonPatchOperation {
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  readonly path: string;
  readonly from?: string;
  readonly value?: JsonValue;
}

/**
 * Why a JSON Patch failed: `decode` (not a valid patch document — the server answers 400) or `apply`
 * (an operation does not apply or a `test` failed — the server answers 422).
 */
export class JsonPatchError extends Error {
  readonly phase: 'decode' | 'apply';
  constructor(phase: 'decode' | 'apply', message: string) {
    super(message);
    this.name = 'JsonPatchError';
    this.phase = phase;
  }
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Check the shape of a JSON Patch document (an array of operations). */
export function decodeJsonPatch(doc: unknown): JsonPatchOperation[] {
  if (!Array.isArray(doc)) {
    throw new JsonPatchError('decode', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return doc.map((op) => {
    if (!isJsonObject(op) || typeof op.op !== 'string' || !OPS.has(op.op)) {
      throw new JsonPatchError('decode', `Unexpected kind: ${isJsonObject(op) ? String(op.op) : 'unknown'}`);
    }
    if (typeof op.path !== 'string') throw new JsonPatchError('decode', 'operation missing path field');
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw new JsonPatchError('decode', 'operation missing from field');
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value')) {
      throw new JsonPatchError('decode', 'operation missing value field');
    }
    return op as unknown as JsonPatchOperation;
  });
}

/** Split an RFC 6901 pointer into unescaped reference tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError('apply', `invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = JsonValue[] | { [k: string]: JsonValue };

function missing(op: string, path: string): JsonPatchError {
  const what = op === 'replace' ? 'doc is missing key' : 'doc is missing path';
  return new JsonPatchError('apply', `${op} operation does not apply: ${what}: "${path}": missing value`);
}

/** The container holding the last token of `tokens`, or undefined when an intermediate step is missing. */
function parentOf(doc: JsonValue, tokens: readonly string[]): Container | undefined {
  let cur: JsonValue | undefined = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(t) ? cur[Number(t)] : undefined;
    else if (isJsonObject(cur)) cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return Array.isArray(cur) || isJsonObject(cur) ? cur : undefined;
}

function getAt(doc: JsonValue, tokens: readonly string[]): JsonValue | undefined {
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return /^\d+$/.test(last) ? parent[Number(last)] : undefined;
  if (isJsonObject(parent)) return Object.hasOwn(parent, last) ? parent[last] : undefined;
  return undefined;
}

function arrayIndex(op: string, path: string, token: string, length: number, forInsert: boolean): number {
  if (forInsert && token === '-') return length;
  const max = forInsert ? length : length - 1;
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > max) {
    throw new JsonPatchError(
      'apply',
      `${op} operation does not apply: doc is missing path: "${path}": Unable to access invalid index: ${token}: invalid index referenced`,
    );
  }
  return Number(token);
}

function addAt(doc: JsonValue, path: string, value: JsonValue, op = 'add'): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(op, path, last, parent.length, true), 0, value);
  else if (isJsonObject(parent)) parent[last] = value;
  else throw missing(op, path);
  return doc;
}

function removeAt(doc: JsonValue, path: string, op = 'remove'): JsonValue {
  const tokens = parsePointer(path);
  const parent = parentOf(doc, tokens);
  const last = tokens[tokens.length - 1];
  if (last === undefined) throw missing(op, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(op, path, last, parent.length, false), 1);
  else if (isJsonObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw missing(op, path);
  return doc;
}

/** Apply a decoded JSON Patch to a copy of `doc`. Throws {@link JsonPatchError} (`apply`) on the first failure. */
export function applyJsonPatch(doc: JsonValue, ops: readonly JsonPatchOperation[]): JsonValue {
  let out = cloneJson(doc);
  for (const o of ops) {
    switch (o.op) {
      case 'add':
        out = addAt(out, o.path, cloneJson(o.value as JsonValue));
        break;
      case 'remove':
        out = removeAt(out, o.path);
        break;
      case 'replace': {
        const tokens = parsePointer(o.path);
        if (tokens.length === 0) {
          out = cloneJson(o.value as JsonValue);
          break;
        }
        if (getAt(out, tokens) === undefined) throw missing('replace', o.path);
        const parent = parentOf(out, tokens)!;
        const last = tokens[tokens.length - 1]!;
        if (Array.isArray(parent)) parent[Number(last)] = cloneJson(o.value as JsonValue);
        else parent[last] = cloneJson(o.value as JsonValue);
        break;
      }
      case 'move': {
        const from = o.from!;
        const value = getAt(out, parsePointer(from));
        if (value === undefined) {
          throw new JsonPatchError(
            'apply',
            `move operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        }
        out = removeAt(out, from, 'move');
        out = addAt(out, o.path, value, 'move');
        break;
      }
      case 'copy': {
        const from = o.from!;
        const value = getAt(out, parsePointer(from));
        if (value === undefined) {
          throw new JsonPatchError(
            'apply',
            `copy operation does not apply: doc is missing from path: ${from}: missing value`,
          );
        }
        out = addAt(out, o.path, cloneJson(value), 'copy');
        break;
      }
      case 'test': {
        const actual = getAt(out, parsePointer(o.path));
        const expected = o.value ?? null;
        const ok = actual === undefined ? expected === null : jsonEqual(actual, expected);
        if (!ok) throw new JsonPatchError('apply', `testing value ${o.path} failed: test failed`);
        break;
      }
    }
  }
  return out;
}
