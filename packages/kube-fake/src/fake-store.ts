import { randomUUID } from 'node:crypto';
import { cloneJson, formatTime, type KubeObject } from './api/object.js';
import type { ResourceRegistry } from './registry/resource-registry.js';
import { apiVersionOf, resourceId } from './resources/resource-definition.js';

/**
 * Direct access to the fake's storage for tests: read and write objects without HTTP, validation or
 * admission, move the global resource version, and compact history. Writes still take a new resource version
 * and reach open watches, exactly like a write by another client would.
 *
 * Resources are named by plural (`nodes`, `leases`) or by `plural.group` (`leases.coordination.k8s.io`).
 */
export class FakeStore {
  constructor(
    private readonly registry: ResourceRegistry,
    private readonly now: () => Date,
  ) {}

  /** The current resource version (a list now would report it). */
  get resourceVersion(): string {
    return String(this.registry.store.revision);
  }

  /** A copy of the stored object, or undefined. */
  get(resource: string, name: string, namespace?: string): KubeObject | undefined {
    const def = this.registry.resolve(resource);
    const obj = this.registry.store.peek(resourceId(def), this.registry.keyOf(def, namespace, name));
    return obj === undefined ? undefined : cloneJson(obj);
  }

  /** Copies of all stored objects of a resource (optionally one namespace), in key order. */
  list(resource: string, namespace?: string): KubeObject[] {
    const def = this.registry.resolve(resource);
    const prefix = def.namespaced && namespace !== undefined ? `${namespace}/` : '';
    return this.registry.store.entries(resourceId(def), prefix).map(([, o]) => cloneJson(o));
  }

  /**
   * Create or replace an object as is (no validation, no status/spec reset, no conflict check). Missing
   * `uid`, `creationTimestamp`, `apiVersion` and `kind` are filled in; returns the stored copy with its new
   * resource version. Watchers see ADDED or MODIFIED.
   */
  put(resource: string, object: KubeObject): KubeObject {
    const def = this.registry.resolve(resource);
    const obj = cloneJson(object);
    const name = obj.metadata?.name;
    if (!name) throw new Error('put: metadata.name is required');
    if (def.namespaced && !obj.metadata.namespace) throw new Error(`put: ${def.plural} are namespaced`);
    const key = this.registry.keyOf(def, obj.metadata.namespace, name);
    const existing = this.registry.store.peek(resourceId(def), key);
    obj.apiVersion = apiVersionOf(def);
    obj.kind = def.kind;
    obj.metadata.uid ??= existing?.metadata.uid ?? randomUUID();
    obj.metadata.creationTimestamp ??= existing?.metadata.creationTimestamp ?? formatTime(this.now());
    return cloneJson(this.registry.store.write(resourceId(def), key, obj).object);
  }

  /** Delete an object outright (finalizers ignored). Returns whether it existed; watchers see DELETED. */
  delete(resource: string, name: string, namespace?: string): boolean {
    const def = this.registry.resolve(resource);
    const key = this.registry.keyOf(def, namespace, name);
    if (this.registry.store.peek(resourceId(def), key) === undefined) return false;
    this.registry.store.write(resourceId(def), key, undefined);
    return true;
  }

  /** Advance the resource version by `by` without changing any object (writes to kinds the fake does not model). */
  bump(by = 1): string {
    return String(this.registry.store.bump(by));
  }

  /** Forget history up to `resourceVersion` (default: now); older watches and continue tokens get 410 Gone. */
  compact(resourceVersion?: string | number): void {
    this.registry.store.compact(resourceVersion === undefined ? undefined : Number(resourceVersion));
  }
}
