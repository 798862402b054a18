import { Cidr, IpAddress } from '@edgeway/core';
import { type KubeFake, type KubeObject, startKubeFake } from '@edgeway/kube-fake';
import { CoreV1Api, KubeConfig, type V1Node } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import dualStackNode from '../annotations/__fixtures__/k3s-host-gw-dual-stack-node.json' with {
  type: 'json',
};
import { type FlannelNetConfig, parseNetConf } from '../config/net-conf.js';
import { KubeLeaseSource, type KubeLeaseSourceOptions } from './kube-lease-source.js';
import type { LeaseEvent } from './lease-source.js';

const ip = (s: string) => IpAddress.parse(s);
const v4 = parseNetConf({ Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } });
const allocating = parseNetConf({
  Network: '10.0.0.0/16',
  Backend: { Type: 'host-gw' },
  edgeway: { allocateSubnets: true },
});
const FLANNEL = 'flannel.alpha.coreos.com/';

let fake: KubeFake;
let kc: KubeConfig;
let core: CoreV1Api;
const sources: KubeLeaseSource[] = [];

beforeEach(async () => {
  fake = await startKubeFake();
  kc = new KubeConfig();
  kc.loadFromOptions(fake.kubeConfig());
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await fake.close();
});

function source(config: FlannelNetConfig = v4, extra: Partial<KubeLeaseSourceOptions> = {}): KubeLeaseSource {
  const s = new KubeLeaseSource({ kubeConfig: kc, config, restartDelayMs: 20, ...extra });
  sources.push(s);
  return s;
}

async function createNode(name: string, spec: V1Node['spec'] = {}, annotations: Record<string, string> = {}) {
  return core.createNode({ body: { metadata: { name, annotations }, spec } });
}

/** A node as a flannel host-gw peer leaves it. */
function flannelPeer(name: string, podCIDR: string, publicIp: string): KubeObject {
  return {
    metadata: {
      name,
      annotations: {
        [`${FLANNEL}backend-data`]: 'null',
        [`${FLANNEL}backend-type`]: 'host-gw',
        [`${FLANNEL}kube-subnet-manager`]: 'true',
        [`${FLANNEL}public-ip`]: publicIp,
      },
    },
    spec: { podCIDR, podCIDRs: [podCIDR] },
  };
}

function stored(name: string): KubeObject {
  const obj = fake.store.get('nodes', name);
  if (obj === undefined) throw new Error(`node ${name} is not in the fake's store`);
  return obj;
}

function specOf(name: string): { podCIDR?: string; podCIDRs?: string[] } {
  return (stored(name).spec ?? {}) as { podCIDR?: string; podCIDRs?: string[] };
}

function flannelAnnotations(obj: KubeObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj.metadata.annotations ?? {}).filter(([k]) => k.startsWith(FLANNEL)),
  );
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('KubeLeaseSource.acquire: the cluster allocates (spec.podCIDR)', () => {
  it('takes the podCIDR and writes flannel annotations byte for byte, on nodes/status, by strategic merge', async () => {
    await createNode('edge-1', { podCIDR: '10.0.5.0/24' }, { 'example.com/keep': 'me' });
    const patch = vi.spyOn(fake.registry, 'patch');
    const lease = await source().acquire('edge-1', { publicIp: ip('192.168.10.5') });
    expect(lease.subnet?.toString()).toBe('10.0.5.0/24');
    expect(lease.publicIp?.toString()).toBe('192.168.10.5');
    expect(lease.backendType).toBe('host-gw');
    expect(lease.backendData).toBeNull();

    // Exactly one write: the annotations, as flannel's AcquireLease sends them.
    expect(patch).toHaveBeenCalledTimes(1);
    const [, , name, contentType, body, subresource] = patch.mock.calls[0]!;
    expect([name, contentType, subresource]).toEqual([
      'edge-1',
      'application/strategic-merge-patch+json',
      'status',
    ]);
    expect(JSON.stringify(body)).toBe(
      '{"metadata":{"annotations":{"flannel.alpha.coreos.com/backend-data":"null",' +
        '"flannel.alpha.coreos.com/backend-type":"host-gw","flannel.alpha.coreos.com/kube-subnet-manager":"true",' +
        '"flannel.alpha.coreos.com/public-ip":"192.168.10.5"}}}',
    );
    const node = stored('edge-1');
    expect(node.metadata.annotations?.['example.com/keep']).toBe('me');
    expect(node.spec).toMatchObject({ podCIDR: '10.0.5.0/24', podCIDRs: ['10.0.5.0/24'] });

    // Idempotent: the node already holds everything, so nothing is written (flannel does not patch either).
    patch.mockClear();
    await source().acquire('edge-1', { publicIp: ip('192.168.10.5') });
    expect(patch).not.toHaveBeenCalled();
  });

  it('writes what real flannel wrote on a dual-stack host-gw node', async () => {
    const dual = parseNetConf({
      Network: '192.168.194.0/24',
      EnableIPv6: true,
      IPv6Network: 'fd07:b51a:cc66:a::/64',
      Backend: { Type: 'host-gw' },
    });
    await createNode('orbstack', dualStackNode.spec, { 'k3s.io/hostname': 'orbstack' });
    const lease = await source(dual).acquire('orbstack', {
      publicIp: ip('192.168.139.2'),
      publicIpv6: ip('fd07:b51a:cc66::2'),
    });
    expect(lease.ipv6Subnet?.toString()).toBe('fd07:b51a:cc66:a::/72');
    expect(flannelAnnotations(stored('orbstack'))).toEqual(
      Object.fromEntries(
        Object.entries(dualStackNode.metadata.annotations).filter(([k]) => k.startsWith(FLANNEL)),
      ),
    );
  });

  it('honours public-ip-overwrite and falls back to node-public-ip', async () => {
    await createNode(
      'nat',
      { podCIDR: '10.0.6.0/24' },
      { [`${FLANNEL}public-ip-overwrite`]: '203.0.113.6', [`${FLANNEL}node-public-ip`]: '192.168.10.6' },
    );
    const src = source();
    expect((await src.storedPublicIps('nat')).publicIp?.toString()).toBe('192.168.10.6');
    const lease = await src.acquire('nat', {});
    expect(stored('nat').metadata.annotations?.[`${FLANNEL}public-ip`]).toBe('203.0.113.6');
    expect(lease.publicIp?.toString()).toBe('203.0.113.6');
  });

  it('refuses a podCIDR outside Network, naming node and value, and announces nothing', async () => {
    await createNode('stray', { podCIDR: '10.9.1.0/24' });
    await expect(source().acquire('stray', { publicIp: ip('192.168.10.7') })).rejects.toMatchObject({
      code: 'ERR_PODCIDR_OUTSIDE_NETWORK',
      details: { node: 'stray', podCidr: '10.9.1.0/24', network: '10.0.0.0/16' },
    });
    expect(flannelAnnotations(stored('stray'))).toEqual({});
  });

  it('refuses a node without podCIDR when allocation is off (ERR_NO_PODCIDR)', async () => {
    await createNode('bare');
    const err = source().acquire('bare', { publicIp: ip('192.168.10.8') });
    await expect(err).rejects.toMatchObject({ code: 'ERR_NO_PODCIDR', details: { node: 'bare', family: 4 } });
    expect(flannelAnnotations(stored('bare'))).toEqual({});
    expect(specOf('bare').podCIDR).toBeUndefined();
  });

  it('refuses a missing node and a missing public IP', async () => {
    await expect(source().acquire('ghost', { publicIp: ip('192.168.10.9') })).rejects.toMatchObject({
      code: 'ERR_NODE_NOT_FOUND',
      details: { node: 'ghost' },
    });
    await createNode('quiet', { podCIDR: '10.0.7.0/24' });
    await expect(source().acquire('quiet', {})).rejects.toMatchObject({ code: 'ERR_PUBLIC_IP_MISSING' });
  });

  it('reports API failures as ERR_KUBE_API with the status', async () => {
    await createNode('edge-1', { podCIDR: '10.0.5.0/24' });
    fake.faults.failNext(1, { method: 'PATCH', path: '/api/v1/nodes/edge-1/status', status: 500 });
    await expect(source().acquire('edge-1', { publicIp: ip('192.168.10.5') })).rejects.toMatchObject({
      code: 'ERR_KUBE_API',
      isRetryable: true,
      details: { status: 500, node: 'edge-1' },
    });
  });

  it('sets NetworkUnavailable=False on complete(), keeping the other conditions', async () => {
    await createNode('edge-1', { podCIDR: '10.0.5.0/24' });
    fake.store.put('nodes', {
      ...stored('edge-1'),
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
    });
    await source().complete('edge-1');
    const conditions = (stored('edge-1').status as { conditions: { type: string }[] }).conditions;
    expect(conditions.map((c) => c.type).sort()).toEqual(['NetworkUnavailable', 'Ready']);
    expect(conditions.find((c) => c.type === 'NetworkUnavailable')).toMatchObject({
      status: 'False',
      reason: 'FlannelIsUp',
    });
    await source(v4, { setNodeNetworkUnavailable: false }).complete('ghost'); // no call at all
  });
});

describe('KubeLeaseSource.acquire: we allocate (allocateSubnets)', () => {
  it('stores the block on the Node with a resourceVersion precondition', async () => {
    await createNode('edge-1');
    const patch = vi.spyOn(fake.registry, 'patch');
    const lease = await source(allocating).acquire('edge-1', { publicIp: ip('192.168.10.1') });
    expect(lease.subnet?.toString()).toBe('10.0.1.0/24'); // flannel skips the first block
    expect(stored('edge-1').spec).toMatchObject({ podCIDR: '10.0.1.0/24', podCIDRs: ['10.0.1.0/24'] });
    const main = patch.mock.calls.find((c) => c[5] === 'main')!;
    expect(main[3]).toBe('application/merge-patch+json');
    expect((main[4] as { metadata: { resourceVersion?: string } }).metadata.resourceVersion).toMatch(/^\d+$/);
    // The allocation lock is released.
    const lock = fake.store.get('leases', 'edgeway-flannel-subnet-allocation', 'kube-system');
    expect(lock?.spec).toBeDefined();
    expect((lock?.spec as { holderIdentity?: string } | undefined)?.holderIdentity).toBeUndefined();
  });

  it('never duplicates a block when 20 nodes join at once', { timeout: 60_000 }, async () => {
    // Blocks already held: a flannel peer, and a node of a foreign length inside the range.
    fake.store.put('nodes', flannelPeer('old-a', '10.0.1.0/24', '192.168.9.1'));
    fake.store.put('nodes', flannelPeer('old-b', '10.0.3.128/25', '192.168.9.2'));
    const names = Array.from({ length: 20 }, (_, i) => `edge-${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((n) => createNode(n)));
    const leases = await Promise.all(
      names.map((n, i) => source(allocating).acquire(n, { publicIp: ip(`192.168.10.${i + 1}`) })),
    );

    const blocks = names.map((n) => {
      const spec = stored(n).spec as { podCIDR: string; podCIDRs: string[] };
      expect(spec.podCIDRs).toEqual([spec.podCIDR]);
      return Cidr.parse(spec.podCIDR);
    });
    expect(leases.map((l) => l.subnet?.toString())).toEqual(blocks.map(String));
    const all = [...blocks, Cidr.parse('10.0.1.0/24'), Cidr.parse('10.0.3.128/25')];
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        expect(all[i]!.overlaps(all[j]!), `${all[i]} and ${all[j]} overlap`).toBe(false);
      }
    }
    for (const b of blocks) expect(b.prefixLength).toBe(24);
    // The 20 lowest free blocks: 10.0.2, 10.0.4 … 10.0.22 (10.0.1 and 10.0.3 are held).
    expect(blocks.map((b) => b.network.toString()).sort()).toEqual(
      [2, ...Array.from({ length: 19 }, (_, i) => i + 4)].map((k) => `10.0.${k}.0`).sort(),
    );
  });

  it('retries after a 409 without clobbering the concurrent change, and picks another block if taken', async () => {
    await createNode('edge-1');
    const registry = fake.registry;
    const original = registry.patch.bind(registry);
    let injected = false;
    vi.spyOn(registry, 'patch').mockImplementation((...args) => {
      if (!injected && args[5] === 'main') {
        injected = true;
        // Meanwhile: the kubelet relabels our node, and another node takes the block we picked.
        fake.store.put('nodes', {
          ...stored('edge-1'),
          metadata: { ...stored('edge-1').metadata, labels: { l: '1' } },
        });
        fake.store.put('nodes', flannelPeer('intruder', '10.0.1.0/24', '192.168.9.9'));
      }
      return original(...args);
    });
    const lease = await source(allocating).acquire('edge-1', { publicIp: ip('192.168.10.1') });
    expect(lease.subnet?.toString()).toBe('10.0.2.0/24');
    expect(stored('edge-1').metadata.labels).toEqual({ l: '1' });
    expect(specOf('edge-1').podCIDR).toBe('10.0.2.0/24');
  });

  it('gives up with ERR_LEASE_CONFLICT when the node keeps changing', async () => {
    await createNode('edge-1');
    const registry = fake.registry;
    const original = registry.patch.bind(registry);
    vi.spyOn(registry, 'patch').mockImplementation((...args) => {
      if (args[5] === 'main') fake.store.put('nodes', stored('edge-1'));
      return original(...args);
    });
    await expect(
      source(allocating, { maxConflictRetries: 3 }).acquire('edge-1', { publicIp: ip('192.168.10.1') }),
    ).rejects.toMatchObject({
      code: 'ERR_LEASE_CONFLICT',
      isRetryable: true,
      details: { node: 'edge-1', attempts: 3 },
    });
    expect(specOf('edge-1').podCIDR).toBeUndefined();
  });

  it('keeps a block set by the cluster meanwhile', async () => {
    await createNode('edge-1');
    const src = source(allocating, {
      lock: {
        run: async (_holder, fn) => {
          fake.store.put('nodes', {
            ...stored('edge-1'),
            spec: { podCIDR: '10.0.77.0/24', podCIDRs: ['10.0.77.0/24'] },
          });
          return fn();
        },
      },
    });
    expect((await src.acquire('edge-1', { publicIp: ip('192.168.10.1') })).subnet?.toString()).toBe(
      '10.0.77.0/24',
    );
  });
});

describe('KubeLeaseSource: list and watch', () => {
  beforeEach(() => {
    fake.store.put('nodes', flannelPeer('a', '10.0.1.0/24', '192.168.0.1'));
    fake.store.put('nodes', flannelPeer('b', '10.0.2.0/24', '192.168.0.2'));
    fake.store.put('nodes', { metadata: { name: 'new' }, spec: { podCIDR: '10.0.3.0/24' } });
    fake.store.put('nodes', flannelPeer('stray', '10.7.0.0/24', '192.168.0.4'));
  });

  it('lists flannel nodes as leases and reports the others', async () => {
    const src = source();
    const leases = await src.list();
    expect(leases.map((l) => [l.node, l.subnet?.toString(), l.publicIp?.toString()])).toEqual([
      ['a', '10.0.1.0/24', '192.168.0.1'],
      ['b', '10.0.2.0/24', '192.168.0.2'],
    ]);
    expect(Object.fromEntries(src.skipped().map((s) => [s.node, s.error.code]))).toEqual({
      new: 'ERR_LEASE_NOT_READY',
      stray: 'ERR_PODCIDR_OUTSIDE_NETWORK',
    });
    expect(src.skipped().find((s) => s.node === 'stray')?.error.details).toMatchObject({
      podCidr: '10.7.0.0/24',
    });
  });

  it('emits added / updated / removed with the full set', async () => {
    const src = source();
    const events: LeaseEvent[] = [];
    src.watch((e) => events.push(e));
    await src.list();
    events.length = 0;
    fake.store.put('nodes', flannelPeer('c', '10.0.4.0/24', '192.168.0.3'));
    fake.store.put('nodes', flannelPeer('a', '10.0.1.0/24', '192.168.0.11'));
    fake.store.put('nodes', { ...stored('b'), metadata: { ...stored('b').metadata, labels: { x: 'y' } } });
    fake.store.delete('nodes', 'b');
    await eventually(() => events.length >= 3, 'three lease events');
    expect(events.map((e) => [e.type, e.lease.node, e.leases.map((l) => l.node).join(',')])).toEqual([
      ['added', 'c', 'a,b,c'],
      ['updated', 'a', 'a,b,c'],
      ['removed', 'b', 'a,c'],
    ]);
    expect(events[1]?.lease.publicIp?.toString()).toBe('192.168.0.11');
  });

  it('relists after the watch expires (410 Gone) and converges on changes the watch never saw', async () => {
    const src = source();
    await src.list();
    await eventually(() => fake.openWatches() === 1, 'the watch to open');
    const lists = vi.spyOn(fake.registry, 'list');
    fake.faults.pauseWatches(); // no watch may deliver anything: only a relist can bring the changes
    expect(fake.expireWatches()).toBe(1);
    fake.store.delete('nodes', 'a');
    fake.store.put('nodes', flannelPeer('c', '10.0.4.0/24', '192.168.0.3'));
    fake.store.put('nodes', flannelPeer('b', '10.0.2.0/24', '192.168.0.22'));
    fake.store.put('nodes', flannelPeer('new', '10.0.3.0/24', '192.168.0.5'));
    const summary = async () =>
      (await src.list()).map((l) => `${l.node}=${l.subnet?.toString()}@${l.publicIp?.toString()}`).join(' ');
    await eventually(
      async () =>
        (await summary()) ===
        'b=10.0.2.0/24@192.168.0.22 c=10.0.4.0/24@192.168.0.3 new=10.0.3.0/24@192.168.0.5',
      'the lease set to converge after 410',
    );
    expect(lists).toHaveBeenCalled();
    fake.faults.resumeWatches();
    await eventually(() => fake.openWatches() === 1, 'the watch to reopen');
    fake.store.put('nodes', flannelPeer('d', '10.0.5.0/24', '192.168.0.6'));
    await eventually(
      async () => (await src.list()).some((l) => l.node === 'd'),
      'watch events after the relist',
    );
  });

  it('has the lease set as soon as the list is in, even while the watch request hangs', async () => {
    fake.faults.pauseWatches();
    expect((await source().list()).map((l) => l.node)).toEqual(['a', 'b']);
    fake.faults.resumeWatches();
  });

  it('restarts a watch that fails with an error', async () => {
    const src = source();
    await src.list();
    await eventually(() => fake.openWatches() === 1, 'the watch to open');
    fake.faults.failNext(2, { watch: true, status: 500 });
    fake.closeWatches();
    fake.store.put('nodes', flannelPeer('c', '10.0.4.0/24', '192.168.0.3'));
    await eventually(async () => (await src.list()).some((l) => l.node === 'c'), 'the watch to come back');
  });

  it('fails calls after close, and closes a watch that was still connecting', async () => {
    fake.faults.pauseWatches(); // the watch request hangs: close() comes before it is open
    const src = source();
    await src.list();
    await src.close();
    await expect(src.list()).rejects.toMatchObject({ code: 'ERR_LEASE_SOURCE_CLOSED' });
    await expect(src.acquire('a', {})).rejects.toMatchObject({ code: 'ERR_LEASE_SOURCE_CLOSED' });
    fake.faults.resumeWatches();
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.openWatches()).toBe(0);
  });
});

describe('KubeLeaseSource: bad input at start is a typed error naming the value', () => {
  it('refuses a Network overlapping the node network, and bad net-conf fields, before any API call', () => {
    const start =
      (netConf: unknown, nodeNetworks: string[] = []) =>
      () =>
        source(parseNetConf(netConf, { nodeNetworks }));
    expect(start({ Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } }, ['10.0.8.0/22'])).toThrow(
      expect.objectContaining({
        code: 'ERR_NETWORK_OVERLAP',
        details: expect.objectContaining({ network: '10.0.0.0/16', nodeNetwork: '10.0.8.0/22' }),
      }),
    );
    expect(start({ Network: '10.0.0.0/16', SubnetLen: 33, Backend: { Type: 'host-gw' } })).toThrow(
      expect.objectContaining({
        code: 'ERR_FLANNEL_CONFIG',
        details: expect.objectContaining({ field: 'SubnetLen', value: 33 }),
      }),
    );
    expect(start({ Network: '10.0.0.0/16', Backend: { Type: 'vxlan' } })).toThrow(
      expect.objectContaining({
        code: 'ERR_UNSUPPORTED_BACKEND',
        details: expect.objectContaining({ value: 'vxlan' }),
      }),
    );
  });

  it('refuses a bad annotation prefix', () => {
    expect(() => source(v4, { annotationPrefix: 'Not/A/Prefix' })).toThrow(
      expect.objectContaining({ code: 'ERR_ANNOTATION_PREFIX', details: { prefix: 'Not/A/Prefix' } }),
    );
  });

  it('skips a peer whose annotations are malformed instead of failing the watch', async () => {
    fake.store.put('nodes', {
      ...flannelPeer('bad', '10.0.1.0/24', '192.168.0.1'),
      metadata: {
        name: 'bad',
        annotations: { [`${FLANNEL}kube-subnet-manager`]: 'true', [`${FLANNEL}public-ip`]: 'not-an-ip' },
      },
    });
    fake.store.put('nodes', flannelPeer('good', '10.0.2.0/24', '192.168.0.2'));
    const src = source();
    expect((await src.list()).map((l) => l.node)).toEqual(['good']);
    expect(src.skipped()[0]?.error.details).toMatchObject({ node: 'bad', value: 'not-an-ip' });
  });
});
