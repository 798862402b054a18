import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubeFake, startKubeFake } from './kube-fake.js';
import {
  apiError,
  type Clients,
  connect,
  PatchStrategy,
  patchAs,
} from './testing/client-node.test-support.js';

let fake: KubeFake;
let c: Clients;

beforeEach(async () => {
  fake = await startKubeFake();
  c = connect(fake);
  await c.core.createNode({
    body: {
      metadata: { name: 'n1', labels: { a: '1', b: '2' } },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'n1' },
        ],
        conditions: [
          { type: 'Ready', status: 'False', reason: 'KubeletNotReady' },
          { type: 'NetworkUnavailable', status: 'True', reason: 'NoRouteCreated' },
        ],
      },
    },
  });
});
afterEach(async () => {
  await fake.close();
});

describe('PATCH content types through client-node', () => {
  it('sends application/json-patch+json by default: an object body is a 400', async () => {
    // client-node 1.4 picks the first JSON-like type of the spec's list, json-patch, unless told otherwise.
    const { code, status } = await apiError(
      c.core.patchNode({ name: 'n1', body: { metadata: { labels: {} } } }),
    );
    expect(code).toBe(400);
    expect(status.reason).toBe('BadRequest');
  });

  it('applies an RFC 7386 merge patch: null removes, lists replace', async () => {
    const out = await c.core.patchNode(
      {
        name: 'n1',
        body: {
          metadata: { labels: { a: null, c: '3' } },
          spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] },
        },
      },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(out.metadata?.labels).toEqual({ b: '2', c: '3' });
    expect(out.spec?.taints).toEqual([{ key: 'k', effect: 'NoSchedule' }]);
  });

  it('applies an RFC 6902 JSON patch, and a failed test op is a 422 that changes nothing', async () => {
    const before = await c.core.readNode({ name: 'n1' });
    const out = await c.core.patchNode({
      name: 'n1',
      body: [
        { op: 'test', path: '/metadata/labels/a', value: '1' },
        { op: 'add', path: '/metadata/labels/x~1y', value: 'z' },
        { op: 'remove', path: '/metadata/labels/b' },
      ],
    });
    expect(out.metadata?.labels).toEqual({ a: '1', 'x/y': 'z' });
    const { code, status } = await apiError(
      c.core.patchNode({
        name: 'n1',
        body: [
          { op: 'add', path: '/metadata/labels/q', value: 'r' },
          { op: 'test', path: '/metadata/labels/a', value: 'wrong' },
        ],
      }),
    );
    expect(code).toBe(422);
    expect(status.message).toBe('testing value /metadata/labels/a failed: test failed');
    const after = await c.core.readNode({ name: 'n1' });
    expect(after.metadata?.labels).toEqual(out.metadata?.labels);
    expect(after.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    expect(after.metadata?.resourceVersion).toBe(out.metadata?.resourceVersion);
  });

  it('uses a JSON patch test on resourceVersion for compare-and-swap', async () => {
    const current = await c.core.readNode({ name: 'n1' });
    await c.core.patchNode(
      { name: 'n1', body: { metadata: { labels: { moved: 'on' } } } },
      patchAs(PatchStrategy.MergePatch),
    );
    const { code } = await apiError(
      c.core.patchNode({
        name: 'n1',
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: current.metadata?.resourceVersion },
          { op: 'add', path: '/spec/podCIDR', value: '10.1.0.0/24' },
        ],
      }),
    );
    expect(code).toBe(422);
  });

  it('answers 409 when a patch carries a stale metadata.resourceVersion', async () => {
    const current = await c.core.readNode({ name: 'n1' });
    const ok = await c.core.patchNode(
      {
        name: 'n1',
        body: { metadata: { resourceVersion: current.metadata?.resourceVersion, labels: { c: '3' } } },
      },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(ok.metadata?.labels?.c).toBe('3');
    const { code, status } = await apiError(
      c.core.patchNode(
        {
          name: 'n1',
          body: { metadata: { resourceVersion: current.metadata?.resourceVersion, labels: { d: '4' } } },
        },
        patchAs(PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
  });

  it('merges nodes/status conditions and addresses by type with a strategic merge patch', async () => {
    const out = await c.core.patchNodeStatus(
      {
        name: 'n1',
        body: {
          metadata: { annotations: { 'flannel.alpha.coreos.com/backend-type': 'host-gw' } },
          spec: { unschedulable: true },
          status: {
            conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }],
            addresses: [{ type: 'ExternalIP', address: '203.0.113.7' }],
          },
        },
      },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(out.status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['Ready', 'False', 'KubeletNotReady'],
      ['NetworkUnavailable', 'False', 'RouteCreated'],
    ]);
    expect(out.status?.addresses?.map((a) => a.type)).toEqual(['InternalIP', 'Hostname', 'ExternalIP']);
    expect(out.spec?.unschedulable).toBeUndefined();
    expect(out.metadata?.annotations?.['flannel.alpha.coreos.com/backend-type']).toBe('host-gw');
  });

  it('replaces the list with a merge patch on nodes/status, and ignores status on the main resource', async () => {
    const viaStatus = await c.core.patchNodeStatus(
      { name: 'n1', body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(viaStatus.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    const viaMain = await c.core.patchNode(
      { name: 'n1', body: { status: { conditions: [] } } },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(viaMain.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(viaMain.metadata?.resourceVersion).toBe(viaStatus.metadata?.resourceVersion);
  });

  it('deletes a list element with $patch: delete and treats spec.podCIDRs as a set', async () => {
    const out = await c.core.patchNodeStatus(
      { name: 'n1', body: { status: { addresses: [{ type: 'Hostname', $patch: 'delete' }] } } },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(out.status?.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.1' }]);
    await c.core.createNode({
      body: { metadata: { name: 'n2' }, spec: { podCIDRs: ['10.244.0.0/24', 'fd00::/64'] } },
    });
    // A set merge keeps both families; a replace would drop one and be refused as a podCIDR change.
    const same = await c.core.patchNode(
      { name: 'n2', body: { spec: { podCIDRs: ['10.244.0.0/24'] } } },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(same.spec?.podCIDRs).toEqual(['10.244.0.0/24', 'fd00::/64']);
    const replaced = await apiError(
      c.core.patchNode(
        { name: 'n2', body: { spec: { podCIDRs: ['10.244.0.0/24'] } } },
        patchAs(PatchStrategy.MergePatch),
      ),
    );
    expect(replaced.code).toBe(422);
  });

  it('refuses server-side apply with 415 and patches of missing nodes with 404', async () => {
    const ssa = await apiError(
      c.core.patchNode(
        { name: 'n1', body: { metadata: {} }, fieldManager: 'x' },
        patchAs(PatchStrategy.ServerSideApply),
      ),
    );
    expect(ssa.code).toBe(415);
    const missing = await apiError(
      c.core.patchNode({ name: 'ghost', body: { metadata: {} } }, patchAs(PatchStrategy.MergePatch)),
    );
    expect(missing.code).toBe(404);
  });
});
