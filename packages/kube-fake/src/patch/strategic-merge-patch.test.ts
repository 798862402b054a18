import { describe, expect, it } from 'vitest';
import { nodesResource } from '../resources/nodes.js';
import { applyStrategicMergePatch, StrategicMergePatchError } from './strategic-merge-patch.js';

const schema = nodesResource.strategicMerge;

const node = () => ({
  metadata: { name: 'n1', finalizers: ['a'], labels: { x: '1' } },
  spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 't1', effect: 'NoSchedule' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'MemoryPressure', status: 'False' },
    ],
    addresses: [
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'Hostname', address: 'n1' },
    ],
  },
});

describe('applyStrategicMergePatch', () => {
  it('merges lists of objects by their merge key', () => {
    const out = applyStrategicMergePatch(
      node(),
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      schema,
    );
    expect(out.status).toMatchObject({
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'False' },
      ],
    });
  });

  it('appends elements with a new key and removes them with $patch: delete', () => {
    const out = applyStrategicMergePatch(
      node(),
      {
        status: {
          addresses: [
            { type: 'ExternalIP', address: '1.2.3.4' },
            { type: 'Hostname', $patch: 'delete' },
          ],
        },
      },
      schema,
    );
    expect(out.status).toMatchObject({
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'ExternalIP', address: '1.2.3.4' },
      ],
    });
  });

  it('replaces lists without a patch strategy (spec.taints)', () => {
    const out = applyStrategicMergePatch(
      node(),
      { spec: { taints: [{ key: 't2', effect: 'NoExecute' }] } },
      schema,
    );
    expect(out.spec).toMatchObject({ taints: [{ key: 't2', effect: 'NoExecute' }] });
  });

  it('merges primitive lists as sets and honours $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(
      node(),
      { metadata: { finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      schema,
    );
    expect(out.metadata).toMatchObject({ finalizers: ['b'] });
    const cidrs = applyStrategicMergePatch(node(), { spec: { podCIDRs: ['fd00::/64'] } }, schema);
    expect(cidrs.spec).toMatchObject({ podCIDRs: ['10.0.0.0/24', 'fd00::/64'] });
  });

  it('replaces a whole list or map with $patch: replace', () => {
    const list = applyStrategicMergePatch(
      node(),
      { status: { conditions: [{ $patch: 'replace' }, { type: 'Ready', status: 'Unknown' }] } },
      schema,
    );
    expect((list.status as { conditions: unknown }).conditions).toEqual([
      { type: 'Ready', status: 'Unknown' },
    ]);
    const map = applyStrategicMergePatch(
      node(),
      { metadata: { labels: { y: '2', $patch: 'replace' } } },
      schema,
    );
    expect((map.metadata as { labels: unknown }).labels).toEqual({ y: '2' });
  });

  it('deletes map keys with null and orders with $setElementOrder', () => {
    const out = applyStrategicMergePatch(
      node(),
      {
        metadata: { labels: { x: null } },
        status: { '$setElementOrder/conditions': [{ type: 'MemoryPressure' }, { type: 'Ready' }] },
      },
      schema,
    );
    expect((out.metadata as { labels: unknown }).labels).toEqual({});
    expect((out.status as { conditions: { type: string }[] }).conditions.map((c) => c.type)).toEqual([
      'MemoryPressure',
      'Ready',
    ]);
  });

  it('keeps only $retainKeys', () => {
    const out = applyStrategicMergePatch(
      { spec: { a: 1, b: 2 } },
      { spec: { $retainKeys: ['b', 'c'], c: 3 } },
    );
    expect(out.spec).toEqual({ b: 2, c: 3 });
  });

  it('rejects an element without the merge key and a non-object patch', () => {
    expect(() =>
      applyStrategicMergePatch(node(), { status: { conditions: [{ status: 'True' }] } }, schema),
    ).toThrow(/does not contain declared merge key: type/);
    expect(() => applyStrategicMergePatch(node(), [] as never, schema)).toThrow(StrategicMergePatchError);
  });
});
