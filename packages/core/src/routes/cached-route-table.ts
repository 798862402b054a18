/**
 * A write-through cache in front of any {@link RouteTable}, so that an event-driven reconcile does not list the
 * whole table every time (a kernel dump, or a throttled cloud `Describe*` call).
 *
 * `reconcile` lists the table on every run to compute its plan. For a node of a 5,000-node cluster that is a
 * 5,000-route `RTM_GETROUTE` dump per lease event — the bulk of the cost of one node joining (flannel-backend's
 * route manager uses it that way). With this wrapper the
 * caller can say, run by run, that the listing may come from the cache ({@link CachedRouteTable.useCacheOnce}):
 * the routes the last real listing returned, with every operation that succeeded since applied to them. Any
 * failed operation invalidates the cache (its effect is unknown), and every run not marked — the periodic resync,
 * a link-up trigger, a retry — lists the kernel for real, so drift made by others is still found at the next
 * resync.
 * @module
 */
import type { RouteTable } from './route-table.js';

/** A {@link RouteTable} that can answer `list()` from what it last saw and did (see the module). */
export class CachedRouteTable<R> implements RouteTable<R> {
  readonly #inner: RouteTable<R>;
  #cache: Map<string, R> | undefined;
  readonly #keys = new WeakMap<object, string>();
  #useCache = false;
  #hits = 0;
  #lists = 0;

  constructor(inner: RouteTable<R>) {
    this.#inner = inner;
  }

  get name(): string {
    return this.#inner.name;
  }

  /** The table behind the cache. */
  get inner(): RouteTable<R> {
    return this.#inner;
  }

  /** Listings answered from the cache, and from the table. */
  get stats(): { readonly cached: number; readonly listed: number } {
    return { cached: this.#hits, listed: this.#lists };
  }

  /** Lets the next `list()` come from the cache, if it is valid. */
  useCacheOnce(): void {
    this.#useCache = true;
  }

  /** Forgets the cache: the next `list()` asks the table. */
  invalidate(): void {
    this.#cache = undefined;
  }

  /** The table's key, memoised per route object (routes are immutable values). */
  key(route: R): string {
    if (typeof route !== 'object' || route === null) return this.#inner.key(route);
    let k = this.#keys.get(route as object);
    if (k === undefined) {
      k = this.#inner.key(route);
      this.#keys.set(route as object, k);
    }
    return k;
  }

  equals(installed: R, desired: R): boolean {
    return this.#inner.equals(installed, desired);
  }

  format(route: R): string {
    return this.#inner.format(route);
  }

  async list(signal?: AbortSignal): Promise<R[]> {
    const cached = this.#useCache ? this.#cache : undefined;
    this.#useCache = false;
    if (cached) {
      this.#hits++;
      return [...cached.values()];
    }
    this.#cache = undefined;
    const routes = await this.#inner.list(signal);
    this.#lists++;
    this.#cache = new Map(routes.map((r) => [this.key(r), r]));
    return routes;
  }

  async add(route: R): Promise<void> {
    await this.#track(() => this.#inner.add(route));
    this.#cache?.set(this.key(route), route);
  }

  async remove(route: R): Promise<void> {
    await this.#track(() => this.#inner.remove(route));
    this.#cache?.delete(this.key(route));
  }

  async replace(route: R, previous: R): Promise<void> {
    await this.#track(() => this.#inner.replace(route, previous));
    this.#cache?.delete(this.key(previous));
    this.#cache?.set(this.key(route), route);
  }

  async #track(op: () => Promise<void>): Promise<void> {
    try {
      await op();
    } catch (err) {
      this.#cache = undefined;
      throw err;
    }
  }
}
