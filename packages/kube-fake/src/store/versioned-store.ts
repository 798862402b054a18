import type { KubeObject } from '../api/object.js';

/**
 * The storage layer of the fake: what etcd plus the API server's watch cache are to a real cluster.
 *
 * - One global, monotonically increasing revision shared by every resource (etcd's revision). Each write
 *   takes the next revision and stamps it on the object as `metadata.resourceVersion`.
 * - Per resource, a bounded history of change events (the watch cache window). A watch or a consistent
 *   list at revision N needs every event after N; once those have been evicted (window exceeded) or
 *   compacted away ({@link VersionedStore.compact}), N is "too old" and the API answers 410 Gone.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */

/** The type of a stored change. */
export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. `object` is the new state (for DELETED: the last state, stamped with the delete's revision). */
export interface StoreEvent {
  readonly type: StoreEventType;
  readonly resource: string;
  readonly key: string;
  readonly rv: number;
  readonly object: KubeObject;
  readonly prev: KubeObject | undefined;
}

/** Options of {@link VersionedStore}. */
export interface VersionedStoreOptions {
  /** Events kept per resource (the watch window). Default 1000. */
  readonly historyLimit?: number;
  /** The revision the store starts at (the first write gets the next one). Default 1. */
  readonly initialRevision?: number;
}

interface Table {
  readonly objects: Map<string, KubeObject>;
  readonly log: StoreEvent[];
  /** Revision of the newest evicted event (0: nothing evicted). */
  evictedThrough: number;
}

/** Thrown when a revision is older than what the store still has (mapped to 410 Gone by the API layer). */
export class RevisionTooOldError extends Error {
  readonly requested: number;
  readonly oldest: number;
  constructor(requested: number, oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
    this.name = 'RevisionTooOldError';
    this.requested = requested;
    this.oldest = oldest;
  }
}

type Listener = (ev: StoreEvent) => void;

/** Keyed, versioned object storage with per-resource event history and change subscriptions. */
export class VersionedStore {
  private revisionValue: number;
  private compacted = 0;
  private readonly historyLimit: number;
  private readonly tables = new Map<string, Table>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly revisionListeners = new Set<() => void>();

  constructor(options: VersionedStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 1000;
    if (!(this.historyLimit >= 1)) throw new RangeError('historyLimit must be at least 1');
    this.revisionValue = options.initialRevision ?? 1;
  }

  /** The current global revision (what a list reports as its `resourceVersion`). */
  get revision(): number {
    return this.revisionValue;
  }

  /** The revision the store was last compacted at (0 if never). */
  get compactedRevision(): number {
    return this.compacted;
  }

  private table(resource: string): Table {
    let t = this.tables.get(resource);
    if (t === undefined) {
      t = { objects: new Map(), log: [], evictedThrough: 0 };
      this.tables.set(resource, t);
    }
    return t;
  }

  /** The stored object (the live reference: callers must not mutate it). */
  peek(resource: string, key: string): KubeObject | undefined {
    return this.tables.get(resource)?.objects.get(key);
  }

  /** All stored objects of a resource whose key starts with `prefix`, in key order (etcd's range order). */
  entries(resource: string, prefix = ''): [string, KubeObject][] {
    const t = this.tables.get(resource);
    if (t === undefined) return [];
    const out = [...t.objects.entries()].filter(([k]) => k.startsWith(prefix));
    return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Commit a write: `object` is the new state (its `metadata.resourceVersion` is set to the new revision), or
   * `undefined` to delete the key. Returns the event; listeners are called synchronously.
   */
  write(resource: string, key: string, object: KubeObject | undefined): StoreEvent {
    const t = this.table(resource);
    const prev = t.objects.get(key);
    if (object === undefined && prev === undefined)
      throw new Error(`write: ${resource} ${key} does not exist`);
    const rv = ++this.revisionValue;
    let ev: StoreEvent;
    if (object === undefined) {
      t.objects.delete(key);
      const last: KubeObject = { ...prev!, metadata: { ...prev!.metadata, resourceVersion: String(rv) } };
      ev = { type: 'DELETED', resource, key, rv, object: last, prev };
    } else {
      object.metadata.resourceVersion = String(rv);
      t.objects.set(key, object);
      ev = { type: prev === undefined ? 'ADDED' : 'MODIFIED', resource, key, rv, object, prev };
    }
    t.log.push(ev);
    while (t.log.length > this.historyLimit) t.evictedThrough = t.log.shift()!.rv;
    for (const l of this.listeners.get(resource) ?? []) l(ev);
    for (const l of this.revisionListeners) l();
    return ev;
  }

  /** Advance the global revision without changing anything (a write to something the fake does not model). */
  bump(by = 1): number {
    this.revisionValue += by;
    for (const l of this.revisionListeners) l();
    return this.revisionValue;
  }

  /** Forget history up to `revision` (default: now): watches and continue tokens older than it get 410 Gone. */
  compact(revision = this.revisionValue): void {
    this.compacted = Math.max(this.compacted, Math.min(revision, this.revisionValue));
  }

  /** The oldest revision N from which `resource` can still be watched or listed consistently. */
  oldestAvailable(resource: string): number {
    return Math.max(this.compacted, this.tables.get(resource)?.evictedThrough ?? 0);
  }

  private checkAvailable(resource: string, rv: number): void {
    const oldest = this.oldestAvailable(resource);
    if (rv < oldest) throw new RevisionTooOldError(rv, oldest);
  }

  /** Events of `resource` with a revision greater than `rv`. Throws {@link RevisionTooOldError}. */
  eventsSince(resource: string, rv: number): StoreEvent[] {
    this.checkAvailable(resource, rv);
    return (this.tables.get(resource)?.log ?? []).filter((e) => e.rv > rv);
  }

  /** The objects of `resource` as they were at revision `rv`, in key order. Throws {@link RevisionTooOldError}. */
  snapshot(resource: string, rv: number, prefix = ''): [string, KubeObject][] {
    if (rv >= this.revisionValue) return this.entries(resource, prefix);
    this.checkAvailable(resource, rv);
    const t = this.tables.get(resource);
    if (t === undefined) return [];
    const state = new Map(t.objects);
    for (let i = t.log.length - 1; i >= 0; i--) {
      const ev = t.log[i]!;
      if (ev.rv <= rv) break;
      if (ev.prev === undefined) state.delete(ev.key);
      else state.set(ev.key, ev.prev);
    }
    return [...state.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Call `listener` after every committed change of `resource`. Returns the unsubscribe function. */
  subscribe(resource: string, listener: Listener): () => void {
    let set = this.listeners.get(resource);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(resource, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Call `listener` whenever the global revision moves. Returns the unsubscribe function. */
  onRevision(listener: () => void): () => void {
    this.revisionListeners.add(listener);
    return () => this.revisionListeners.delete(listener);
  }
}
