import { ApisApi, CoreApi, makeInformer, type V1Lease, VersionApi } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubeFake, startKubeFake } from './kube-fake.js';
import { apiError, type Clients, connect, eventually } from './testing/client-node.test-support.js';

let fake: KubeFake;
let c: Clients;

beforeEach(async () => {
  fake = await startKubeFake();
  c = connect(fake);
});
afterEach(async () => {
  await fake.close();
});

const NS = 'kube-node-lease';

function lease(holder: string, renewTime: Date): V1Lease {
  return {
    metadata: { name: 'edgeway-controller', namespace: NS },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: 15,
      renewTime,
      acquireTime: renewTime,
      leaseTransitions: 0,
    },
  };
}

describe('leases (coordination.k8s.io/v1)', () => {
  it('creates, renews with the fresh resourceVersion, and refuses a stale renewal with 409', async () => {
    const created = await c.coordination.createNamespacedLease({
      namespace: NS,
      body: lease('a', new Date()),
    });
    expect(created.apiVersion).toBe('coordination.k8s.io/v1');
    expect(created.metadata?.namespace).toBe(NS);
    // Holder a renews.
    const renewed = await c.coordination.replaceNamespacedLease({
      name: 'edgeway-controller',
      namespace: NS,
      body: { ...created, spec: { ...created.spec, renewTime: new Date(Date.now() + 1000) } },
    });
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    // Candidate b read the lease before the renewal and tries to take it over: conflict.
    const { code, status } = await apiError(
      c.coordination.replaceNamespacedLease({
        name: 'edgeway-controller',
        namespace: NS,
        body: { ...created, spec: { ...created.spec, holderIdentity: 'b', leaseTransitions: 1 } },
      }),
    );
    expect(code).toBe(409);
    expect(status.message).toBe(
      'Operation cannot be fulfilled on leases.coordination.k8s.io "edgeway-controller": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(status.details).toEqual({
      name: 'edgeway-controller',
      group: 'coordination.k8s.io',
      kind: 'leases',
    });
    const now = await c.coordination.readNamespacedLease({ name: 'edgeway-controller', namespace: NS });
    expect(now.spec?.holderIdentity).toBe('a');
    // client-node sends milliseconds; the server keeps MicroTime with six fractional digits.
    expect(String(now.spec?.renewTime)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000Z$/);
    expect(String(now.spec?.renewTime)).toBe(String(renewed.spec?.renewTime));
  });

  it('validates the lease duration and requires an existing namespace', async () => {
    const bad = await apiError(
      c.coordination.createNamespacedLease({
        namespace: NS,
        body: { metadata: { name: 'x' }, spec: { leaseDurationSeconds: 0 } },
      }),
    );
    expect(bad.code).toBe(422);
    expect(bad.status.message).toBe(
      'Lease.coordination.k8s.io "x" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    );
    const missing = await apiError(
      c.coordination.createNamespacedLease({ namespace: 'nope', body: { metadata: { name: 'x' } } }),
    );
    expect(missing.code).toBe(404);
    expect(missing.status.message).toBe('namespaces "nope" not found');
  });

  it('lists across namespaces and feeds an informer', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'edge' } } });
    await c.coordination.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'n1' } } });
    await c.coordination.createNamespacedLease({ namespace: 'edge', body: { metadata: { name: 'n2' } } });
    const all = await c.coordination.listLeaseForAllNamespaces();
    expect(all.items.map((l) => `${l.metadata?.namespace}/${l.metadata?.name}`)).toEqual([
      'edge/n2',
      `${NS}/n1`,
    ]);
    const inNs = await c.coordination.listNamespacedLease({ namespace: 'edge' });
    expect(inNs.items.map((l) => l.metadata?.name)).toEqual(['n2']);
    const informer = makeInformer<V1Lease>(c.kc, `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`, () =>
      c.coordination.listNamespacedLease({ namespace: NS }),
    );
    await informer.start();
    try {
      await c.coordination.createNamespacedLease({ namespace: NS, body: { metadata: { name: 'n3' } } });
      await c.coordination.createNamespacedLease({ namespace: 'edge', body: { metadata: { name: 'n4' } } });
      await eventually(() => informer.list(NS).length === 2, 3000, 'n3 in the informer');
      expect(
        informer
          .list()
          .map((l) => l.metadata?.name)
          .sort(),
      ).toEqual(['n1', 'n3']);
    } finally {
      await informer.stop();
    }
  });
});

describe('configmaps and namespaces', () => {
  it('refuses changes to an immutable configmap', async () => {
    const cm = await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'net-conf' }, data: { 'net-conf.json': '{}' }, immutable: true },
    });
    const { code, status } = await apiError(
      c.core.replaceNamespacedConfigMap({
        name: 'net-conf',
        namespace: 'default',
        body: { ...cm, data: { 'net-conf.json': '{"Network":"10.0.0.0/8"}' } },
      }),
    );
    expect(code).toBe(422);
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldValueForbidden',
        message: 'Forbidden: field is immutable when `immutable` is set',
        field: 'data',
      },
    ]);
  });

  it('labels new namespaces, makes them Active, and deletes their objects with them', async () => {
    const ns = await c.core.createNamespace({ body: { metadata: { name: 'lab' } } });
    expect(ns.status?.phase).toBe('Active');
    expect(ns.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'lab' });
    await c.core.createNamespacedConfigMap({ namespace: 'lab', body: { metadata: { name: 'x' } } });
    await c.core.deleteNamespace({ name: 'lab' });
    expect((await apiError(c.core.readNamespacedConfigMap({ name: 'x', namespace: 'lab' }))).code).toBe(404);
    const names = (await c.core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });
});

describe('discovery', () => {
  it('serves /version, /api, /api/v1, /apis and the group version', async () => {
    const version = await c.kc.makeApiClient(VersionApi).getCode();
    expect(version.major).toBe('1');
    const api = await c.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(api.versions).toEqual(['v1']);
    const core = await c.core.getAPIResources();
    expect(core.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['nodes', 'nodes/status', 'configmaps', 'namespaces']),
    );
    const groups = await c.kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name)).toEqual(['coordination.k8s.io']);
    const coord = await c.coordination.getAPIResources();
    expect(coord.resources).toEqual([
      expect.objectContaining({ name: 'leases', namespaced: true, kind: 'Lease' }),
    ]);
  });
});

describe('fault injection', () => {
  it('fails the next requests with 500 or 429 and Retry-After, then recovers', async () => {
    fake.faults.failNext(1);
    expect((await apiError(c.core.listNode())).code).toBe(500);
    fake.faults.failNext(1, { status: 429, retryAfterSeconds: 7, method: 'POST' });
    await c.core.listNode();
    const throttled = await apiError(c.core.createNode({ body: { metadata: { name: 'n1' } } }));
    expect(throttled.code).toBe(429);
    expect(throttled.status).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });
    await c.core.createNode({ body: { metadata: { name: 'n1' } } });
  });

  it('delays matching requests', async () => {
    fake.faults.delay(400, { path: '/api/v1/nodes' });
    const t0 = Date.now();
    await c.core.listNode();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    fake.faults.clear();
    const t1 = Date.now();
    await c.core.listNode();
    expect(Date.now() - t1).toBeLessThan(390);
  });
});

describe('direct store access', () => {
  it('puts objects that clients and watches see, and bumps the resourceVersion', async () => {
    const put = fake.store.put('nodes', { metadata: { name: 'seeded' }, spec: { podCIDR: '10.9.0.0/24' } });
    const got = await c.core.readNode({ name: 'seeded' });
    expect(got.metadata?.resourceVersion).toBe(put.metadata.resourceVersion);
    const rv = fake.store.resourceVersion;
    expect(fake.store.bump(10)).toBe(String(Number(rv) + 10));
    expect((await c.core.listNode()).metadata?.resourceVersion).toBe(String(Number(rv) + 10));
    expect(fake.store.delete('nodes', 'seeded')).toBe(true);
    expect(fake.store.get('nodes', 'seeded')).toBeUndefined();
  });
});
