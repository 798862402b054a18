import type { Cidr } from '@edgeway/core';
import { attrsEqual } from './attrs-equal.js';
import { keyFamily, prefixFromKey, prefixKey } from './prefix-key.js';
import type { Family, PathAttributes } from './types.js';

/** Prefixes with their {@link prefixKey} keys, as two parallel arrays (no object per prefix). */
export interface PrefixBatch {
  readonly keys: string[];
  readonly prefixes: Cidr[];
}

/** Announced prefixes sharing one attributes object. */
export interface AnnouncedBatch extends PrefixBatch {
  readonly attrs: PathAttributes;
}

/** The real changes made to an Adj-RIB-In. */
export interface RibInChanges {
  /** New routes, routes whose attributes changed, and stale routes refreshed (RFC 4724 §4.2), by attributes. */
  readonly announced: AnnouncedBatch[];
  /** Prefixes that were present and are now gone. */
  readonly withdrawn: PrefixBatch;
}

/** A route as `[prefixKey, prefix, attrs]`. */
export type KeyedRoute = readonly [key: string, prefix: Cidr, attrs: PathAttributes];

/**
 * The Adj-RIB-In of one peer (RFC 4271 §3.2): the routes learned from it, before import policy. One Map entry
 * per prefix holding the UPDATE's shared attributes object by reference; prefixes are rebuilt from their key
 * only when listed. Supports the Receiving Speaker side of graceful restart (RFC 4724 §4.2): mark routes stale
 * when the session goes down, refresh them as the peer re-announces, sweep what is left after End-of-RIB or
 * when the restart timer fires.
 */
export class AdjRibIn {
  readonly #routes = new Map<string, PathAttributes>();
  readonly #stale = new Set<string>();

  /** Routes held. */
  get size(): number {
    return this.#routes.size;
  }

  /** Routes marked stale and not yet refreshed. */
  get staleCount(): number {
    return this.#stale.size;
  }

  /**
   * Applies an UPDATE's routes (as {@link routesFromUpdate} returns them), withdrawals first. Reports only real
   * changes: a re-announcement with equal attributes is none, unless it refreshes a stale route. Announcements
   * come back grouped by attributes object, with each prefix's key computed once for the Loc-RIB.
   */
  apply(
    announced: readonly { readonly prefixes: readonly Cidr[]; readonly attrs: PathAttributes }[],
    withdrawn: readonly { readonly prefixes: readonly Cidr[] }[],
  ): RibInChanges {
    const routes = this.#routes;
    const stale = this.#stale;
    const gone: PrefixBatch = { keys: [], prefixes: [] };
    const out: RibInChanges = { announced: [], withdrawn: gone };
    for (const w of withdrawn) {
      for (const prefix of w.prefixes) {
        const key = prefixKey(prefix);
        if (routes.delete(key)) {
          if (stale.size > 0) stale.delete(key);
          gone.keys.push(key);
          gone.prefixes.push(prefix);
        }
      }
    }
    // Equality of two distinct attribute objects is computed once per pair, not once per prefix.
    let eqA: PathAttributes | undefined;
    let eqB: PathAttributes | undefined;
    let eq = false;
    for (const a of announced) {
      const attrs = a.attrs;
      let batch: AnnouncedBatch | undefined;
      for (const prefix of a.prefixes) {
        const key = prefixKey(prefix);
        const old = routes.get(key);
        if (old !== undefined) {
          const wasStale = stale.size > 0 && stale.delete(key);
          if (old !== eqA || attrs !== eqB) {
            eqA = old;
            eqB = attrs;
            eq = attrsEqual(old, attrs);
          }
          if (eq) {
            if (wasStale) {
              const b = batchFor(out.announced, old);
              b.keys.push(key);
              b.prefixes.push(prefix);
            }
            continue;
          }
        }
        routes.set(key, attrs);
        if (batch === undefined) {
          batch = { attrs, keys: [], prefixes: [] };
          out.announced.push(batch);
        }
        batch.keys.push(key);
        batch.prefixes.push(prefix);
      }
    }
    return out;
  }

  /**
   * Marks every route of the families (default all) stale, as the Receiving Speaker does when the session with
   * a restarting peer goes down (RFC 4724 §4.2).
   */
  markStale(families?: Family | readonly Family[]): void {
    const only = typeof families === 'string' ? [families] : families;
    for (const key of this.#routes.keys()) {
      if (only === undefined || only.includes(keyFamily(key))) this.#stale.add(key);
    }
  }

  /**
   * Deletes the routes still stale (of one family, default all): after the peer's End-of-RIB, or when the
   * restart or stale timer expires (RFC 4724 §4.2). Returns what was removed.
   */
  sweepStale(family?: Family): PrefixBatch {
    const out: PrefixBatch = { keys: [], prefixes: [] };
    for (const key of this.#stale) {
      if (family !== undefined && keyFamily(key) !== family) continue;
      this.#stale.delete(key);
      this.#routes.delete(key);
      out.keys.push(key);
      out.prefixes.push(prefixFromKey(key));
    }
    return out;
  }

  /** Whether the route under a {@link prefixKey} key is stale. */
  isStale(key: string): boolean {
    return this.#stale.has(key);
  }

  /** The attributes of the route under a {@link prefixKey} key. */
  get(key: string): PathAttributes | undefined {
    return this.#routes.get(key);
  }

  /** Every route as `[key, prefix, attrs]` (prefixes are rebuilt from keys). */
  *entries(): IterableIterator<KeyedRoute> {
    for (const [key, attrs] of this.#routes) yield [key, prefixFromKey(key), attrs];
  }

  /** Deletes every route (the session went down without graceful restart); returns what was removed. */
  clear(): PrefixBatch {
    const out: PrefixBatch = { keys: [], prefixes: [] };
    for (const key of this.#routes.keys()) {
      out.keys.push(key);
      out.prefixes.push(prefixFromKey(key));
    }
    this.#routes.clear();
    this.#stale.clear();
    return out;
  }
}

function batchFor(list: AnnouncedBatch[], attrs: PathAttributes): AnnouncedBatch {
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.attrs === attrs) return list[i]!;
  const b: AnnouncedBatch = { attrs, keys: [], prefixes: [] };
  list.push(b);
  return b;
}
