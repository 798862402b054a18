import type { KubeObject } from '../api/object.js';

/**
 * Label and field selectors as the API server parses them (`labels.Parse`, `fields.ParseSelector`).
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/
 */

/** A selector that cannot be parsed (the API answers 400 BadRequest with this message). */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

/** One label requirement. */
export interface LabelRequirement {
  readonly key: string;
  readonly op: 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  readonly values: readonly string[];
}

const KEY = '(?:[a-z0-9A-Z](?:[-a-z0-9A-Z.]*[a-z0-9A-Z])?/)?[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?';
const VALUE = '(?:[a-z0-9A-Z](?:[-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?';
const RE_NOT = new RegExp(`^!\\s*(${KEY})$`);
const RE_EQ = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const RE_SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const RE_CMP = new RegExp(`^(${KEY})\\s*(>|<)\\s*(\\d+)$`);
const RE_EXISTS = new RegExp(`^(${KEY})$`);
const RE_VALUE = new RegExp(`^${VALUE}$`);

/** Split on commas that are not inside `( … )`. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Parse a label selector (`a=b,c!=d,e in (x,y),!f,g`). The empty string selects everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === '') return [];
  return splitTopLevel(selector).map((raw) => {
    const part = raw.trim();
    let m = RE_NOT.exec(part);
    if (m) return { key: m[1]!, op: '!', values: [] };
    m = RE_EQ.exec(part);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
    m = RE_SET.exec(part);
    if (m) {
      const values = m[3]!.split(',').map((v) => v.trim());
      if (values.some((v) => !RE_VALUE.test(v)))
        throw new SelectorError(`unable to parse requirement: invalid value in "${part}"`);
      return { key: m[1]!, op: m[2] === 'in' ? 'in' : 'notin', values };
    }
    m = RE_CMP.exec(part);
    if (m) return { key: m[1]!, op: m[2] === '>' ? 'gt' : 'lt', values: [m[3]!] };
    m = RE_EXISTS.exec(part);
    if (m) return { key: m[1]!, op: 'exists', values: [] };
    throw new SelectorError(
      `unable to parse requirement: found '${part}', expected: key, !key, key=value, key in (…)`,
    );
  });
}

/** Whether `labels` satisfy every requirement. */
export function matchesLabels(
  reqs: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> = {},
): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'gt':
        return has && /^-?\d+$/.test(v!) && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(v!) && Number(v) < Number(r.values[0]);
    }
    return false;
  });
}

/** One field requirement. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Parse a field selector (`metadata.name=n1,spec.unschedulable!=true`), honouring `\,` `\=` `\\` escapes. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i]!;
    if (ch === '\\' && i + 1 < selector.length) {
      cur += ch + selector[++i];
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/s.exec(p.trim());
    if (!m) throw new SelectorError(`invalid selector: '${p}'; can't understand '${p}'`);
    const value = m[3]!.replace(/\\(.)/g, '$1');
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value };
  });
}

/** A function giving the value of one selectable field of an object. */
export type FieldGetter = (obj: KubeObject) => string;

/**
 * Check every requirement names a supported field (else `field label not supported: x`) and build a
 * predicate over objects.
 */
export function compileFieldSelector(
  reqs: readonly FieldRequirement[],
  fields: Readonly<Record<string, FieldGetter>>,
): (obj: KubeObject) => boolean {
  for (const r of reqs) {
    if (!Object.hasOwn(fields, r.field)) throw new SelectorError(`field label not supported: ${r.field}`);
  }
  return (obj) =>
    reqs.every((r) => {
      const v = fields[r.field]!(obj);
      return r.op === '=' ? v === r.value : v !== r.value;
    });
}
