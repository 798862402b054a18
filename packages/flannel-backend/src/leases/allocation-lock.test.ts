import { type KubeFake, startKubeFake } from '@edgeway/kube-fake';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeAllocationLock } from './allocation-lock.js';

let fake: KubeFake;
let kc: KubeConfig;

beforeEach(async () => {
  fake = await startKubeFake();
  kc = new KubeConfig();
  kc.loadFromOptions(fake.kubeConfig());
});
afterEach(async () => {
  await fake.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KubeAllocationLock', () => {
  it('lets one holder in at a time across separate lock objects', { timeout: 30_000 }, async () => {
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        new KubeAllocationLock(kc).run(`node-${i}`, async () => {
          inside++;
          most = Math.max(most, inside);
          order.push(`node-${i}`);
          await sleep(15);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order).toHaveLength(8);
    const lease = fake.store.get('leases', 'edgeway-flannel-subnet-allocation', 'kube-system');
    expect(lease?.spec).toMatchObject({ leaseDurationSeconds: 15 });
    expect((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity).toBeUndefined();
  });

  it('releases the lock when the critical section throws, and returns its value otherwise', async () => {
    const lock = new KubeAllocationLock(kc, { namespace: 'default', name: 'l' });
    await expect(lock.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('b', async () => 42)).toBe(42);
  });

  it('overtakes a holder that vanished, once the lease has not changed for its duration', async () => {
    fake.store.put('leases', {
      metadata: { name: 'l', namespace: 'default' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 1 },
    });
    const lock = new KubeAllocationLock(kc, { namespace: 'default', name: 'l', leaseDurationSeconds: 0.2 });
    const started = Date.now();
    await lock.run('me', async () => {
      const lease = fake.store.get('leases', 'l', 'default');
      expect(lease?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 1 });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('times out with ERR_LEASE_CONFLICT while a live holder keeps the lease fresh', async () => {
    fake.store.put('leases', {
      metadata: { name: 'l', namespace: 'default' },
      spec: { holderIdentity: 'busy' },
    });
    const refresher = setInterval(() => {
      const lease = fake.store.get('leases', 'l', 'default');
      if (lease) fake.store.put('leases', lease); // a renewal: a new resourceVersion
    }, 20);
    try {
      const lock = new KubeAllocationLock(kc, {
        namespace: 'default',
        name: 'l',
        leaseDurationSeconds: 0.2,
        timeoutMs: 400,
      });
      await expect(lock.run('me', async () => 1)).rejects.toMatchObject({
        code: 'ERR_LEASE_CONFLICT',
        isRetryable: true,
        details: { node: 'me', lock: 'default/l' },
      });
    } finally {
      clearInterval(refresher);
    }
  });

  it('reports API errors as ERR_KUBE_API', async () => {
    fake.faults.failNext(1, { path: '/leases/', status: 403 });
    await expect(new KubeAllocationLock(kc).run('me', async () => 1)).rejects.toMatchObject({
      code: 'ERR_KUBE_API',
      isRetryable: false,
      details: { status: 403 },
    });
  });
});
