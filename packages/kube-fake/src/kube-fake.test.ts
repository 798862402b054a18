import type { V1Node } from '@kubernetes/client-node';
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
});
afterEach(async () => {
  await fake.close();
});

function node(name: string, extra: Partial<V1Node> = {}): V1Node {
  return { metadata: { name, labels: { role: 'edge' } }, ...extra };
}

describe('startKubeFake', () => {
  it('listens on loopback and refuses other hosts', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startKubeFake({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/loopback/);
  });

  it('gives a kubeconfig YAML with the server URL', () => {
    expect(fake.kubeConfigYaml()).toContain(`server: ${fake.url}`);
  });
});

describe('nodes: create, get, list', () => {
  it('stamps resourceVersion, uid, creationTimestamp and generation on create', async () => {
    const created = await c.core.createNode({ body: node('n1') });
    expect(created.kind).toBe('Node');
    expect(created.apiVersion).toBe('v1');
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    const got = await c.core.readNode({ name: 'n1' });
    expect(got.metadata?.uid).toBe(created.metadata?.uid);
  });

  it('uses one global, increasing resourceVersion across kinds', async () => {
    const a = await c.core.createNode({ body: node('a') });
    const cm = await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'x' } },
    });
    const b = await c.core.createNode({ body: node('b') });
    const rvs = [a, cm, b].map((o) => Number(o.metadata?.resourceVersion));
    expect(rvs[1]).toBeGreaterThan(rvs[0]!);
    expect(rvs[2]).toBeGreaterThan(rvs[1]!);
    const list = await c.core.listNode();
    expect(list.metadata?.resourceVersion).toBe(String(rvs[2]));
  });

  it('answers 409 AlreadyExists with a Status', async () => {
    await c.core.createNode({ body: node('n1') });
    const { code, status } = await apiError(c.core.createNode({ body: node('n1') }));
    expect(code).toBe(409);
    expect(status).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'AlreadyExists',
      code: 409,
      message: 'nodes "n1" already exists',
      details: { name: 'n1', kind: 'nodes' },
    });
  });

  it('answers 404 NotFound with a Status', async () => {
    const { code, status } = await apiError(c.core.readNode({ name: 'ghost' }));
    expect(code).toBe(404);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nodes "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', kind: 'nodes' },
      code: 404,
    });
  });

  it('rejects an invalid name and a create carrying a resourceVersion', async () => {
    const bad = await apiError(c.core.createNode({ body: node('Not_Valid') }));
    expect(bad.code).toBe(422);
    expect(bad.status.reason).toBe('Invalid');
    expect(bad.status.details?.causes?.[0]?.field).toBe('metadata.name');
    const rv = await apiError(c.core.createNode({ body: { metadata: { name: 'x', resourceVersion: '5' } } }));
    expect(rv.code).toBe(500);
    expect(rv.status.message).toContain('resourceVersion should not be set on objects to be created');
  });

  it('generates names from generateName', async () => {
    const created = await c.core.createNode({ body: { metadata: { generateName: 'edge-' } } });
    expect(created.metadata?.name).toMatch(/^edge-[a-z0-9]{5}$/);
  });

  it('filters lists by label and field selectors', async () => {
    await c.core.createNode({ body: node('a') });
    await c.core.createNode({ body: { metadata: { name: 'b', labels: { role: 'cloud' } } } });
    await c.core.createNode({ body: { metadata: { name: 'c' }, spec: { unschedulable: true } } });
    const names = (l: { items: V1Node[] }) => l.items.map((n) => n.metadata?.name);
    expect(names(await c.core.listNode({ labelSelector: 'role=edge' }))).toEqual(['a']);
    expect(names(await c.core.listNode({ labelSelector: 'role in (edge,cloud)' }))).toEqual(['a', 'b']);
    expect(names(await c.core.listNode({ labelSelector: '!role' }))).toEqual(['c']);
    expect(names(await c.core.listNode({ fieldSelector: 'metadata.name=b' }))).toEqual(['b']);
    expect(names(await c.core.listNode({ fieldSelector: 'spec.unschedulable=true' }))).toEqual(['c']);
    const bad = await apiError(c.core.listNode({ fieldSelector: 'status.phase=Ready' }));
    expect(bad.code).toBe(400);
    expect(bad.status.message).toBe('field label not supported: status.phase');
  });

  it('pages with limit and continue over a consistent snapshot', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await c.core.createNode({ body: node(n) });
    const first = await c.core.listNode({ limit: 2 });
    expect(first.items.map((n) => n.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const token = first.metadata?._continue;
    expect(token).toBeTruthy();
    // Changes after the first page do not show in later pages: the token pins the list's resourceVersion.
    await c.core.deleteNode({ name: 'c' });
    await c.core.createNode({ body: node('cc') });
    const second = await c.core.listNode({ limit: 2, _continue: token });
    expect(second.items.map((n) => n.metadata?.name)).toEqual(['c', 'd']);
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const third = await c.core.listNode({ limit: 2, _continue: second.metadata?._continue });
    expect(third.items.map((n) => n.metadata?.name)).toEqual(['e']);
    expect(third.metadata?._continue).toBeUndefined();
  });

  it('expires continue tokens older than the compacted revision with 410', async () => {
    for (const n of ['a', 'b', 'c']) await c.core.createNode({ body: node(n) });
    const first = await c.core.listNode({ limit: 1 });
    await c.core.deleteNode({ name: 'b' });
    fake.compact();
    const { code, status } = await apiError(
      c.core.listNode({ limit: 1, _continue: first.metadata?._continue }),
    );
    expect(code).toBe(410);
    expect(status.reason).toBe('Expired');
  });

  it('lists an exact older resourceVersion, and answers 504 for a future one', async () => {
    await c.core.createNode({ body: node('a') });
    const before = (await c.core.listNode()).metadata?.resourceVersion;
    await c.core.createNode({ body: node('b') });
    const old = await c.core.listNode({ resourceVersion: before, resourceVersionMatch: 'Exact' });
    expect(old.items.map((n) => n.metadata?.name)).toEqual(['a']);
    const future = await apiError(c.core.listNode({ resourceVersion: '999999' }));
    expect(future.code).toBe(504);
    expect(future.status.message).toContain('Too large resource version');
  });
});

describe('nodes: update', () => {
  it('answers 409 Conflict for a stale resourceVersion and accepts the fresh one', async () => {
    const created = await c.core.createNode({ body: node('n1') });
    const fresh = await c.core.replaceNode({
      name: 'n1',
      body: { ...created, metadata: { ...created.metadata, labels: { role: 'cloud' } } },
    });
    expect(Number(fresh.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    const { code, status } = await apiError(
      c.core.replaceNode({
        name: 'n1',
        body: { ...created, metadata: { ...created.metadata, labels: { x: 'y' } } },
      }),
    );
    expect(code).toBe(409);
    expect(status.reason).toBe('Conflict');
    expect(status.message).toBe(
      'Operation cannot be fulfilled on nodes "n1": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect((await c.core.readNode({ name: 'n1' })).metadata?.labels).toEqual({ role: 'cloud' });
  });

  it('ignores status on the main resource and spec on /status, as the real server', async () => {
    const created = await c.core.createNode({ body: node('n1', { status: { phase: 'Running' } }) });
    const replaced = await c.core.replaceNode({
      name: 'n1',
      body: { ...created, spec: { unschedulable: true }, status: { phase: 'Terminated' } },
    });
    expect(replaced.spec?.unschedulable).toBe(true);
    expect(replaced.status?.phase).toBe('Running');
    const viaStatus = await c.core.replaceNodeStatus({
      name: 'n1',
      body: {
        ...replaced,
        metadata: { ...replaced.metadata, annotations: { 'flannel.alpha.coreos.com/public-ip': '10.0.0.1' } },
        spec: { unschedulable: false },
        status: { phase: 'Terminated' },
      },
    });
    expect(viaStatus.status?.phase).toBe('Terminated');
    expect(viaStatus.spec?.unschedulable).toBe(true);
    // Node status writes may change annotations (flannel's kube subnet manager relies on it).
    expect(viaStatus.metadata?.annotations).toEqual({ 'flannel.alpha.coreos.com/public-ip': '10.0.0.1' });
  });

  it('bumps generation only when the spec changes and writes nothing for a no-op update', async () => {
    const created = await c.core.createNode({ body: node('n1') });
    const same = await c.core.replaceNode({ name: 'n1', body: created });
    expect(same.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    const labelled = await c.core.replaceNode({
      name: 'n1',
      body: { ...created, metadata: { ...created.metadata, labels: { a: 'b' } } },
    });
    expect(labelled.metadata?.generation).toBe(1);
    const specced = await c.core.replaceNode({
      name: 'n1',
      body: { ...labelled, spec: { unschedulable: true } },
    });
    expect(specced.metadata?.generation).toBe(2);
  });

  it('lets exactly one of many concurrent writers with the same resourceVersion win', async () => {
    const base = await c.core.createNode({ body: node('n1') });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        c.core.replaceNode({
          name: 'n1',
          body: { ...base, spec: { podCIDR: `10.244.${i}.0/24` } },
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code: number }).code),
    ).toEqual(Array(9).fill(409));
    const final = await c.core.readNode({ name: 'n1' });
    expect(final.spec?.podCIDR).toBe((won[0] as PromiseFulfilledResult<V1Node>).value.spec?.podCIDR);
  });

  it('answers 404 for an update of a missing node and 400 for a name mismatch', async () => {
    expect((await apiError(c.core.replaceNode({ name: 'ghost', body: node('ghost') }))).code).toBe(404);
    await c.core.createNode({ body: node('n1') });
    const { code, status } = await apiError(c.core.replaceNode({ name: 'n1', body: node('n2') }));
    expect(code).toBe(400);
    expect(status.message).toBe('the name of the object (n2) does not match the name on the URL (n1)');
  });
});

describe('nodes: podCIDR', () => {
  it('allows setting podCIDR once, then answers 422 Forbidden on a change', async () => {
    await c.core.createNode({ body: node('n1') });
    const set = await c.core.patchNode(
      { name: 'n1', body: { spec: { podCIDR: '10.244.1.0/24' } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(set.spec?.podCIDR).toBe('10.244.1.0/24');
    expect(set.spec?.podCIDRs).toEqual(['10.244.1.0/24']);
    const { code, status } = await apiError(
      c.core.patchNode(
        { name: 'n1', body: { spec: { podCIDR: '10.244.2.0/24' } } },
        patchAs(PatchStrategy.MergePatch),
      ),
    );
    expect(code).toBe(422);
    expect(status).toMatchObject({
      reason: 'Invalid',
      message:
        'Node "n1" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
      details: {
        name: 'n1',
        kind: 'Node',
        causes: [{ reason: 'FieldValueForbidden', field: 'spec.podCIDRs' }],
      },
    });
    // Setting the same value again is not a change.
    const again = await c.core.patchNode(
      { name: 'n1', body: { spec: { podCIDR: '10.244.1.0/24' } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(again.metadata?.resourceVersion).toBe(set.metadata?.resourceVersion);
  });

  it('validates CIDRs and dual-stack pairs', async () => {
    const bad = await apiError(c.core.createNode({ body: node('n1', { spec: { podCIDR: '10.0.0.0/33' } }) }));
    expect(bad.code).toBe(422);
    expect(bad.status.details?.causes?.[0]?.field).toBe('spec.podCIDRs[0]');
    const two4 = await apiError(
      c.core.createNode({ body: node('n2', { spec: { podCIDRs: ['10.0.0.0/24', '10.0.1.0/24'] } }) }),
    );
    expect(two4.status.message).toContain('may specify no more than one CIDR for each IP family');
    const dual = await c.core.createNode({
      body: node('n3', { spec: { podCIDRs: ['10.0.0.0/24', 'fd00::/64'] } }),
    });
    expect(dual.spec?.podCIDR).toBe('10.0.0.0/24');
  });
});

describe('nodes: delete', () => {
  it('deletes a collection by label selector', async () => {
    await c.core.createNode({ body: node('a') });
    await c.core.createNode({ body: { metadata: { name: 'b', labels: { role: 'cloud' } } } });
    await c.core.deleteCollectionNode({ labelSelector: 'role=edge' });
    expect((await c.core.listNode()).items.map((n) => n.metadata?.name)).toEqual(['b']);
  });

  it('validates but does not persist with dryRun=All', async () => {
    const dry = await c.core.createNode({ body: node('n1'), dryRun: 'All' });
    expect(dry.metadata?.uid).toBeTruthy();
    expect((await apiError(c.core.readNode({ name: 'n1' }))).code).toBe(404);
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    expect((await apiError(c.core.createNode({ body: node('Bad_Name'), dryRun: 'All' }))).code).toBe(422);
    expect((await c.core.listNode()).metadata?.resourceVersion).toBe(rv);
  });

  it('deletes with a Success Status and checks preconditions', async () => {
    const created = await c.core.createNode({ body: node('n1') });
    const stale = await apiError(
      c.core.deleteNode({ name: 'n1', body: { preconditions: { resourceVersion: '1' } } }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.message).toContain('Precondition failed: ResourceVersion in precondition: 1');
    const wrongUid = await apiError(
      c.core.deleteNode({ name: 'n1', body: { preconditions: { uid: 'nope' } } }),
    );
    expect(wrongUid.status.message).toContain('Precondition failed: UID in precondition: nope');
    const res = await c.core.deleteNode({
      name: 'n1',
      body: {
        preconditions: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion },
      },
    });
    expect(res).toMatchObject({ status: 'Success', details: { name: 'n1', kind: 'nodes' } });
    expect((await apiError(c.core.readNode({ name: 'n1' }))).code).toBe(404);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await c.core.createNode({
      body: node('n1', { metadata: { name: 'n1', finalizers: ['edgeway.io/routes'] } }),
    });
    await c.core.deleteNode({ name: 'n1' });
    const terminating = await c.core.readNode({ name: 'n1' });
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const add = await apiError(
      c.core.patchNode(
        { name: 'n1', body: { metadata: { finalizers: ['edgeway.io/routes', 'other'] } } },
        patchAs(PatchStrategy.MergePatch),
      ),
    );
    expect(add.code).toBe(422);
    await c.core.patchNode(
      { name: 'n1', body: { metadata: { finalizers: null } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect((await apiError(c.core.readNode({ name: 'n1' }))).code).toBe(404);
  });
});
