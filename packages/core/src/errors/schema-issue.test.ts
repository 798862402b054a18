import { describe, expect, it } from 'vitest';
import { describeSchemaIssues } from './schema-issue.js';

describe('describeSchemaIssues', () => {
  const input = { peers: [{ name: 'gw', asn: 0 }], extra: 1 };

  it('names the first issue dotted, behind the prefix, with the value found in the input', () => {
    const d = describeSchemaIssues(
      [
        { path: ['peers', 0, 'asn'], message: 'AS 0 is invalid', code: 'custom' },
        { path: ['routerId'], message: 'required' },
      ],
      input,
      ['spec'],
    );
    expect(d).toEqual({
      field: 'spec.peers.0.asn',
      value: 0,
      message: 'AS 0 is invalid',
      issues: [
        { path: 'spec.peers.0.asn', message: 'AS 0 is invalid' },
        { path: 'spec.routerId', message: 'required' },
      ],
    });
  });

  it('names an unknown key itself, not its parent', () => {
    const d = describeSchemaIssues(
      [{ path: [], message: 'Unrecognized key', code: 'unrecognized_keys', keys: ['extra'] }],
      input,
    );
    expect([d.field, d.value]).toEqual(['extra', 1]);
  });

  it('reports no value when the path leaves the input', () => {
    expect(describeSchemaIssues([{ path: ['peers', 3, 'asn'], message: 'x' }], input).value).toBeUndefined();
  });
});
