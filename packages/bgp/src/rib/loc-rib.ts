import type { Cidr } from '@edgeway/core';
import type { AnnouncedBatch, PrefixBatch } from './adj-rib-in.js';
import { type Candidate, compareCandidates, type Path, type PeerInfo } from './best-path.js';
import { keyFamily, prefixFromKey } from './prefix-key.js';
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

/**
 * The Loc-RIB (RFC 4271 §3.2, §9.1.2): per prefix, the candidate paths from every peer (after import policy)
 * and the best of them. Paths are interned per (peer object, attributes object, stale flag) and a prefix with
 * one candidate stores it directly, so one peer's million routes cost one Map entry each and no object per
 * prefix. Every method returns the prefixes whose best path changed (other peer, attributes or stale flag).
 */
export class LocRib {
  readonly #table = new Map<string, Slot>();
  readonly #interned = new WeakMap<
    PeerInfo,
    [WeakMap<PathAttributes, Path>, WeakMap<PathAttributes, Path>]
  >();

  /** Prefixes with at least one candidate. */
  get size(): number {
    return this.#table.size;
  }

  /** Applies one peer's changes: withdrawals, then announcements (which also clear a stale mark). */
  update(peer: PeerInfo, changes: LocRibChanges): BestChange[] {
    const out: BestChange[] = [];
    const w = changes.withdrawn;
    if (w !== undefined) {
      for (let i = 0; i < w.keys.length; i++)
        this.#put(w.keys[i]!, w.prefixes[i]!, peer.name, undefined, out);
    }
    for (const b of changes.announced ?? []) {
      const path = this.#path(peer, b.attrs, false);
      for (let i = 0; i < b.keys.length; i++) this.#put(b.keys[i]!, b.prefixes[i]!, peer.name, path, out);
    }
    return out;
  }

  /**
   * Marks a peer's routes of the families (default all) stale while it restarts (RFC 4724 §4.2); stale routes
   * lose to any fresh one. A later {@link LocRib.update} announcing the route clears the mark.
   */
  markStale(peerName: string, families?: Family | readonly Family[]): BestChange[] {
    const only = typeof families === 'string' ? [families] : families;
    const out: BestChange[] = [];
    for (const [key, slot] of this.#table) {
      if (only !== undefined && !only.includes(keyFamily(key))) continue;
      const mine = Array.isArray(slot) ? slot.find((c) => c.peer.name === peerName) : slot;
      if (mine === undefined || mine.peer.name !== peerName || mine.stale) continue;
      this.#put(key, undefined, peerName, this.#path(mine.peer, mine.attrs, true), out);
    }
    return out;
  }

  /** Removes every route of a peer (session down without graceful restart). */
  removePeer(peerName: string): BestChange[] {
    const out: BestChange[] = [];
    for (const [key, slot] of this.#table) {
      const has = Array.isArray(slot)
        ? slot.some((c) => c.peer.name === peerName)
        : slot.peer.name === peerName;
      if (has) this.#put(key, undefined, peerName, undefined, out);
    }
    return out;
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

  /** Sets (or with `next` undefined removes) one peer's path for a key and records a best change. */
  #put(
    key: string,
    prefix: Cidr | undefined,
    peerName: string,
    next: Path | undefined,
    out: BestChange[],
  ): void {
    const table = this.#table;
    const slot = table.get(key);
    let previous: Path | undefined;
    let best: Path | undefined;
    if (slot === undefined) {
      if (next === undefined) return;
      table.set(key, next);
      best = next;
    } else if (!Array.isArray(slot)) {
      previous = slot;
      if (slot.peer.name === peerName) {
        if (next === undefined) table.delete(key);
        else table.set(key, next);
        best = next;
      } else {
        if (next === undefined) return;
        const list = compareCandidates(next, slot) < 0 ? [next, slot] : [slot, next];
        table.set(key, list);
        best = list[0];
      }
    } else {
      previous = slot[0];
      const list = slot.filter((c) => c.peer.name !== peerName);
      if (next !== undefined) list.push(next);
      let top = 0;
      for (let i = 1; i < list.length; i++) if (compareCandidates(list[i]!, list[top]!) < 0) top = i;
      if (top !== 0) {
        const t = list[top]!;
        list[top] = list[0]!;
        list[0] = t;
      }
      best = list[0];
      if (list.length === 0) table.delete(key);
      else table.set(key, list.length === 1 ? list[0]! : list);
    }
    if (best !== previous) out.push({ key, prefix: prefix ?? prefixFromKey(key), best, previous });
  }
}
