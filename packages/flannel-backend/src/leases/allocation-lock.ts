import { type Clock, type Logger, silentLogger, systemClock } from '@edgeway/core';
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import { httpStatusOf, kubeApiError } from './kube-errors.js';

/**
 * Serialises block allocation across nodes. Writing a block to one's own Node with a `resourceVersion` precondition
 * only guards that one object: two nodes that read the same free block would each write it to their own Node and
 * both succeed. Every allocator therefore picks and stores its block inside `run`, which no two holders enter at once.
 */
export interface AllocationLock {
  /** Runs `fn` while holding the lock as `holder`; releases it afterwards, whatever `fn` does. */
  run<T>(holder: string, fn: () => Promise<T>): Promise<T>;
}

/** Options of {@link KubeAllocationLock}. */
export interface KubeAllocationLockOptions {
  /** Namespace of the Lease object (default `kube-system`, where kube-controller-manager keeps its lock). */
  readonly namespace?: string;
  /** Name of the Lease object (default `edgeway-flannel-subnet-allocation`). */
  readonly name?: string;
  /** Seconds after which a holder that vanished without releasing is overtaken (default 15). */
  readonly leaseDurationSeconds?: number;
  /** Give up waiting after this long (default 60 000 ms) with `ERR_LEASE_CONFLICT`. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const DEFAULT_NAME = 'edgeway-flannel-subnet-allocation';

/**
 * An {@link AllocationLock} on a `coordination.k8s.io/v1` Lease, taken and released with optimistic concurrency
 * (create, or replace with the `resourceVersion` read; 409 means someone else moved first). A holder's lock expires
 * when the Lease has not changed for `leaseDurationSeconds` as seen by this process's own clock (as client-go's
 * leader election measures it), so clocks need not agree across nodes. The critical section — one list of the nodes
 * and one Node write — takes milliseconds, far below the duration.
 *
 * Needs RBAC `get`, `create`, `update` on `leases` in the namespace.
 */
export class KubeAllocationLock implements AllocationLock {
  readonly #api: CoordinationV1Api;
  readonly #namespace: string;
  readonly #name: string;
  readonly #durationMs: number;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** The Lease version last seen and when (local clock) it was first seen. */
  #observed: { rv: string; at: number } | undefined;

  constructor(kubeConfig: KubeConfig, options: KubeAllocationLockOptions = {}) {
    this.#api = kubeConfig.makeApiClient(CoordinationV1Api);
    this.#namespace = options.namespace ?? 'kube-system';
    this.#name = options.name ?? DEFAULT_NAME;
    this.#durationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
  }

  async run<T>(holder: string, fn: () => Promise<T>): Promise<T> {
    const held = await this.#acquire(holder);
    try {
      return await fn();
    } finally {
      await this.#release(holder, held).catch((err) =>
        this.#logger.warn({ err, lock: this.#name }, 'releasing the allocation lock failed; it will expire'),
      );
    }
  }

  async #acquire(holder: string): Promise<V1Lease> {
    const deadline = this.#clock.now() + this.#timeoutMs;
    let delay = 10;
    for (;;) {
      const got = await this.#tryAcquire(holder);
      if (got !== undefined) return got;
      if (this.#clock.now() >= deadline) {
        throw new FlannelError(
          FlannelErrorCode.LeaseConflict,
          `timed out after ${this.#timeoutMs} ms waiting for the subnet allocation lock ${this.#namespace}/${this.#name}`,
          { node: holder, lock: `${this.#namespace}/${this.#name}` },
          { isRetryable: true },
        );
      }
      await this.#sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 500);
    }
  }

  /** One attempt: the Lease as we now hold it, or `undefined` when another holder has it or moved first. */
  async #tryAcquire(holder: string): Promise<V1Lease | undefined> {
    const namespace = this.#namespace;
    const name = this.#name;
    let current: V1Lease | undefined;
    try {
      current = await this.#api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw kubeApiError(`reading lease ${namespace}/${name}`, err);
    }
    const spec = { holderIdentity: holder, leaseDurationSeconds: this.#durationMs / 1000 };
    if (current === undefined) {
      try {
        return await this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: { ...spec, leaseTransitions: 0 } },
        });
      } catch (err) {
        if (httpStatusOf(err) === 409) return undefined;
        throw kubeApiError(`creating lease ${namespace}/${name}`, err);
      }
    }
    const rv = current.metadata?.resourceVersion ?? '';
    const now = this.#clock.now();
    if (this.#observed?.rv !== rv) this.#observed = { rv, at: now };
    const owner = current.spec?.holderIdentity ?? '';
    const expired = now - this.#observed.at >= this.#durationMs;
    if (owner !== '' && owner !== holder && !expired) return undefined;
    if (owner !== '' && owner !== holder) {
      this.#logger.warn({ lock: name, previous: owner }, 'overtaking an expired subnet allocation lock');
    }
    try {
      return await this.#api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          metadata: { name, namespace, resourceVersion: rv },
          spec: {
            ...spec,
            leaseTransitions: (current.spec?.leaseTransitions ?? 0) + (owner === holder ? 0 : 1),
          },
        },
      });
    } catch (err) {
      if (httpStatusOf(err) === 409) return undefined;
      throw kubeApiError(`taking lease ${namespace}/${name}`, err);
    }
  }

  async #release(holder: string, held: V1Lease): Promise<void> {
    const { namespace, name, resourceVersion } = held.metadata ?? {};
    try {
      await this.#api.replaceNamespacedLease({
        name: name ?? this.#name,
        namespace: namespace ?? this.#namespace,
        body: {
          metadata: { name, namespace, resourceVersion },
          spec: {
            leaseDurationSeconds: this.#durationMs / 1000,
            leaseTransitions: held.spec?.leaseTransitions ?? 0,
          },
        },
      });
    } catch (err) {
      // 409: the lock expired and another node holds it now; nothing of ours to release.
      if (httpStatusOf(err) === 409) return;
      throw kubeApiError(`releasing lease ${this.#namespace}/${this.#name} held by ${holder}`, err);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#clock.setTimeout(resolve, ms));
  }
}
