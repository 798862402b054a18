import type { Cidr } from '@edgeway/core';
import type { AnnouncedBatch, PrefixBatch, RibInChanges } from './adj-rib-in.js';
import { attrsEqual } from './attrs-equal.js';
import { type Candidate, compareCandidates, type Path, type PeerInfo } from './best-path.js';
import { keyFamily, prefixFromKey, prefixKey } from './prefix-key.js';
import type { Family, PathAttributes } from './types.js';

/** A change of the best route of a prefix. */
export interface BestChange {
  /** The {@link prefixKey} of `prefix`. */
  readonly key: string;
  readonly prefix: Cidr;
  /** The new best path; undefined when no route is left. */
  readonly best: Path | undefined;
  /** The best path before; undefined when there was none. */
  readonly previous: Path | undefined;
}

/** Changes of one peer's routes, as {@link AdjRibIn} reports them (after import policy). */
export interface LocRibChanges {
  readonly announced?: readonly AnnouncedBatch[];
  readonly withdrawn?: PrefixBatch;
}

type Slot = Path | Path[];

/** Bits of {@link LocRib}'s internal put result. */
const CHANGED = 1;
const BEST = 2;

/**
 * The Loc-RIB (RFC 4271 §3.2, §9.1.2): per prefix, the candidate paths from every peer (after import policy)
 * and the best of them. Paths are interned per (peer object, attributes object, stale flag) and a prefix with
 * one candidate stores it directly, so one peer's million routes cost one Map entry each and no object per
 * prefix.
 *
 * Because every candidate is kept, the table is also each peer's (post-policy) Adj-RIB-In, as in BIRD's tables:
 * {@link LocRib.applyPeer} takes a peer's UPDATE in one Map operation per prefix, {@link LocRib.count} and
 * {@link LocRib.routesOf} read one peer's routes, and graceful restart marks and sweeps them in place.
 */
export class LocRib {
  readonly #table = new Map<string, Slot>();
  readonly #interned = new WeakMap<
    PeerInfo,
    [WeakMap<PathAttributes, Path>, WeakMap<PathAttributes, Path>]
  >();
  readonly #counts = new Map<string, number>();

  /** Prefixes with at least one candidate. */
  get size(): number {
    return this.#table.size;
  }

  /** Routes held from one peer (its Adj-RIB-In size after import policy). */
  count(peerName: string): number {
    return this.#counts.get(peerName) ?? 0;
  }

  /** Applies one peer's changes: withdrawals, then announcements (which also clear a stale mark). */
  update(peer: PeerInfo, changes: LocRibChanges): BestChange[] {
    const out: BestChange[] = [];
    const w = changes.withdrawn;
    if (w !== undefined) {
      for (let i = 0; i < w.keys.length; i++)
        this.#record(w.keys[i]!, w.prefixes[i], peer.name, undefined, out);
    }
    for (const b of changes.announced ?? []) {
      const path = this.#path(peer, b.attrs, false);
      for (let i = 0; i < b.keys.length; i++) this.#record(b.keys[i]!, b.prefixes[i], peer.name, path, out);
    }
    return out;
  }

  /**
   * Applies one peer's UPDATE (as {@link routesFromUpdate} returns it, after import policy) directly, with the
   * table serving as that peer's Adj-RIB-In: withdrawals, then announcements. A re-announcement with equal
   * attributes is no change, unless it refreshes a stale route (RFC 4724 §4.2). When `changes` is given, the real
   * changes of this peer's routes are appended to it (for events). Returns how many prefixes changed best path.
   */
  applyPeer(
    peer: PeerInfo,
    announced: readonly { readonly prefixes: readonly Cidr[]; readonly attrs: PathAttributes }[],
    withdrawn: readonly { readonly prefixes: readonly Cidr[] }[],
    changes?: RibInChanges,
  ): number {
    let best = 0;
    const name = peer.name;
    for (const w of withdrawn) {
      for (const prefix of w.prefixes) {
        const key = prefixKey(prefix);
        const r = this.#put(key, name, undefined);
        if (r & BEST) best++;
        if (r & CHANGED && changes) {
          changes.withdrawn.keys.push(key);
          changes.withdrawn.prefixes.push(prefix);
        }
      }
    }
    for (const a of announced) {
      const path = this.#path(peer, a.attrs, false);
      let batch: AnnouncedBatch | undefined;
      for (const prefix of a.prefixes) {
        const key = prefixKey(prefix);
        const r = this.#put(key, name, path);
        if (r & BEST) best++;
        if (r & CHANGED && changes) {
          if (!batch) {
            batch = { attrs: a.attrs, keys: [], prefixes: [] };
            changes.announced.push(batch);
          }
          batch.keys.push(key);
          batch.prefixes.push(prefix);
        }
      }
    }
    return best;
  }

  /**
   * Marks a peer's routes of the families (default all) stale while it restarts (RFC 4724 §4.2); stale routes
   * lose to any fresh one. A later announcement of the route clears the mark.
   */
  markStale(peerName: string, families?: Family | readonly Family[]): BestChange[] {
    const only = typeof families === 'string' ? [families] : families;
    const out: BestChange[] = [];
    for (const [key, slot] of this.#table) {
      if (only !== undefined && !only.includes(keyFamily(key))) continue;
      const mine = mineOf(slot, peerName);
      if (mine === undefined || mine.stale) continue;
      this.#record(key, undefined, peerName, this.#path(mine.peer, mine.attrs, true), out);
    }
    return out;
  }

  /**
   * Deletes a peer's routes still stale (of one family, default all): after its End-of-RIB, or when the restart
   * or stale timer expires (RFC 4724 §4.2). Returns the prefixes removed.
   */
  sweepStale(peerName: string, family?: Family): PrefixBatch {
    const out: PrefixBatch = { keys: [], prefixes: [] };
    for (const [key, slot] of this.#table) {
      if (family !== undefined && keyFamily(key) !== family) continue;
      if (mineOf(slot, peerName)?.stale !== true) continue;
      this.#put(key, peerName, undefined);
      out.keys.push(key);
      out.prefixes.push(prefixFromKey(key));
    }
    return out;
  }

  /** Removes every route of a peer (session down without graceful restart); returns the prefixes removed. */
  removePeer(peerName: string): PrefixBatch {
    const out: PrefixBatch = { keys: [], prefixes: [] };
    for (const [key, slot] of this.#table) {
      if (mineOf(slot, peerName) === undefined) continue;
      this.#put(key, peerName, undefined);
      out.keys.push(key);
      out.prefixes.push(prefixFromKey(key));
    }
    return out;
  }

  /** One peer's routes as `[key, path]` (its Adj-RIB-In); `path.stale` marks routes kept through its restart. */
  *routesOf(peerName: string): IterableIterator<readonly [string, Path]> {
    for (const [key, slot] of this.#table) {
      const mine = mineOf(slot, peerName);
      if (mine !== undefined) yield [key, mine];
    }
  }

  /** The best path of a {@link prefixKey} key (no allocation). */
  bestPath(key: string): Path | undefined {
    const slot = this.#table.get(key);
    return slot === undefined ? undefined : Array.isArray(slot) ? slot[0] : slot;
  }

  /** The best route of a {@link prefixKey} key, with its prefix. */
  best(key: string): Candidate | undefined {
    const p = this.bestPath(key);
    return p === undefined ? undefined : { ...p, prefix: prefixFromKey(key) };
  }

  /** Every candidate path of a key, best first. */
  candidates(key: string): readonly Path[] {
    const slot = this.#table.get(key);
    return slot === undefined ? [] : Array.isArray(slot) ? slot : [slot];
  }

  /** Every prefix's best path as `[key, path]` (see {@link prefixFromKey}). */
  *entries(): IterableIterator<readonly [string, Path]> {
    for (const [key, slot] of this.#table) yield [key, Array.isArray(slot) ? slot[0]! : slot];
  }

  #path(peer: PeerInfo, attrs: PathAttributes, stale: boolean): Path {
    let pair = this.#interned.get(peer);
    if (pair === undefined) {
      pair = [new WeakMap(), new WeakMap()];
      this.#interned.set(peer, pair);
    }
    const map = pair[stale ? 1 : 0];
    let p = map.get(attrs);
    if (p === undefined) {
      p = stale ? { peer, attrs, stale: true } : { peer, attrs };
      map.set(attrs, p);
    }
    return p;
  }

  /** {@link LocRib.#put} plus a {@link BestChange} record when the best path changed. */
  #record(
    key: string,
    prefix: Cidr | undefined,
    peerName: string,
    next: Path | undefined,
    out: BestChange[],
  ): void {
    const previous = this.bestPath(key);
    if (this.#put(key, peerName, next) & BEST) {
      out.push({ key, prefix: prefix ?? prefixFromKey(key), best: this.bestPath(key), previous });
    }
  }

  #bump(peerName: string, by: 1 | -1): void {
    const n = (this.#counts.get(peerName) ?? 0) + by;
    if (n === 0) this.#counts.delete(peerName);
    else this.#counts.set(peerName, n);
  }

  /**
   * Sets (or with `next` undefined removes) one peer's path for a key. Returns {@link CHANGED} when that peer's
   * route changed and {@link BEST} when the key's best path changed. An equal, non-stale path is no change.
   */
  #put(key: string, peerName: string, next: Path | undefined): number {
    const table = this.#table;
    const slot = table.get(key);
    if (slot === undefined) {
      if (next === undefined) return 0;
      table.set(key, next);
      this.#bump(peerName, 1);
      return CHANGED | BEST;
    }
    if (!Array.isArray(slot)) {
      if (slot.peer.name === peerName) {
        if (next === undefined) {
          table.delete(key);
          this.#bump(peerName, -1);
          return CHANGED | BEST;
        }
        if (same(slot, next)) return 0;
        table.set(key, next);
        return CHANGED | BEST;
      }
      if (next === undefined) return 0;
      const list = compareCandidates(next, slot) < 0 ? [next, slot] : [slot, next];
      table.set(key, list);
      this.#bump(peerName, 1);
      return list[0] === next ? CHANGED | BEST : CHANGED;
    }
    const old = slot.find((c) => c.peer.name === peerName);
    if (old === undefined && next === undefined) return 0;
    if (old !== undefined && next !== undefined && same(old, next)) return 0;
    const previous = slot[0];
    const list = slot.filter((c) => c.peer.name !== peerName);
    if (next !== undefined) list.push(next);
    let top = 0;
    for (let i = 1; i < list.length; i++) if (compareCandidates(list[i]!, list[top]!) < 0) top = i;
    if (top !== 0) {
      const t = list[top]!;
      list[top] = list[0]!;
      list[0] = t;
    }
    if (list.length === 0) table.delete(key);
    else table.set(key, list.length === 1 ? list[0]! : list);
    if (old === undefined) this.#bump(peerName, 1);
    else if (next === undefined) this.#bump(peerName, -1);
    return list[0] !== previous ? CHANGED | BEST : CHANGED;
  }
}

/** One peer's path in a slot. */
function mineOf(slot: Slot, peerName: string): Path | undefined {
  if (!Array.isArray(slot)) return slot.peer.name === peerName ? slot : undefined;
  return slot.find((c) => c.peer.name === peerName);
}

/** The same route: one interned path, or equal attributes with neither stale (a stale one is refreshed). */
function same(a: Path, b: Path): boolean {
  return a === b || (!a.stale && !b.stale && a.peer === b.peer && attrsEqual(a.attrs, b.attrs));
}
