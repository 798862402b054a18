import { type Logger, silentLogger } from '@edgeway/core';
import type { FlannelError } from '../errors.js';
import {
  type LeaseEventType,
  type LeaseListener,
  type NodeLease,
  type SkippedNode,
  sameLease,
} from './lease-source.js';

/**
 * The current leases and skipped nodes of a lease source, and its listeners: every change is diffed against what is
 * held, and only real changes reach the listeners (`added`, `updated` when the routing information differs,
 * `removed`), each with the full current set. Shared by the lease sources; not exported from the package.
 */
export class LeaseSet {
  readonly #leases = new Map<string, NodeLease>();
  readonly #skipped = new Map<string, SkippedNode>();
  readonly #listeners = new Set<LeaseListener>();
  readonly #logger: Logger;

  constructor(logger: Logger = silentLogger) {
    this.#logger = logger;
  }

  /** Every lease, in node-name order. */
  list(): NodeLease[] {
    return [...this.#leases.values()].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  get(node: string): NodeLease | undefined {
    return this.#leases.get(node);
  }

  skipped(): SkippedNode[] {
    return [...this.#skipped.values()];
  }

  /** Adds a listener; returns the function that removes it. */
  watch(listener: LeaseListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Holds `lease` (emitting `added` or `updated` when it is new or differs). */
  upsert(lease: NodeLease): void {
    this.#skipped.delete(lease.node);
    const old = this.#leases.get(lease.node);
    if (old !== undefined && sameLease(old, lease)) return;
    this.#leases.set(lease.node, lease);
    this.#emit(old === undefined ? 'added' : 'updated', lease);
  }

  /** Forgets the node (emitting `removed` when it held a lease). */
  remove(node: string): void {
    this.#skipped.delete(node);
    const old = this.#leases.get(node);
    if (old === undefined) return;
    this.#leases.delete(node);
    this.#emit('removed', old);
  }

  /** Records why the node has no lease (dropping the lease it had, if any). */
  skip(node: string, error: FlannelError): void {
    const prior = this.#skipped.get(node);
    if (prior === undefined || prior.error.code !== error.code) {
      this.#logger.info({ node, code: error.code, reason: error.message }, 'node skipped');
    }
    this.remove(node);
    this.#skipped.set(node, { node, error });
  }

  /** Stops every listener. */
  clear(): void {
    this.#listeners.clear();
  }

  #emit(type: LeaseEventType, lease: NodeLease): void {
    if (this.#listeners.size === 0) return;
    const event = { type, lease, leases: Object.freeze(this.list()) };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ err, node: lease.node, type }, 'lease listener threw');
      }
    }
  }
}
