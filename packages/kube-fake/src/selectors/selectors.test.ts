import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../api/object.js';
import {
  compileFieldSelector,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.js';

const labels = { app: 'web', tier: 'edge', 'edgeway.io/zone': 'a', n: '5' };
const sel = (s: string) => matchesLabels(parseLabelSelector(s), labels);

describe('label selectors', () => {
  it('matches equality, set and existence requirements', () => {
    expect(sel('')).toBe(true);
    expect(sel('app=web')).toBe(true);
    expect(sel('app==web,tier=edge')).toBe(true);
    expect(sel('app=db')).toBe(false);
    expect(sel('app!=db')).toBe(true);
    expect(sel('missing!=x')).toBe(true);
    expect(sel('tier in (edge, cloud)')).toBe(true);
    expect(sel('tier notin (edge)')).toBe(false);
    expect(sel('missing notin (x)')).toBe(true);
    expect(sel('edgeway.io/zone')).toBe(true);
    expect(sel('!edgeway.io/zone')).toBe(false);
    expect(sel('n>4,n<6')).toBe(true);
    expect(sel('n>5')).toBe(false);
  });

  it('rejects malformed selectors', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a in (x')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const obj: KubeObject = { metadata: { name: 'n,1' }, spec: { unschedulable: true } };
  const fields = { 'metadata.name': (o: KubeObject) => o.metadata.name ?? '' };

  it('matches = and != with escapes', () => {
    expect(compileFieldSelector(parseFieldSelector('metadata.name=n\\,1'), fields)(obj)).toBe(true);
    expect(compileFieldSelector(parseFieldSelector('metadata.name!=n\\,1'), fields)(obj)).toBe(false);
  });

  it('refuses unsupported fields with the server message', () => {
    expect(() => compileFieldSelector(parseFieldSelector('spec.x=1'), fields)).toThrow(
      'field label not supported: spec.x',
    );
  });
});
