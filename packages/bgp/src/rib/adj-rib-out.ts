import type { Cidr } from '@edgeway/core';
import { Afi, encodeUpdate, HEADER_LENGTH, type PathAttribute, Safi } from '../wire/index.js';
import { prefixKey } from './prefix-key.js';
import { toWireAttributes } from './to-wire.js';
import { type Family, familyOf, type PathAttributes, type Route } from './types.js';

/** How an {@link AdjRibOut} encodes for its session. */
export interface AdjRibOutOptions {
  /** Families negotiated on the session (RFC 4760 §8); routes of other families are not sent. */
  readonly families: readonly Family[];
  /** Both sides announced 4-octet ASNs (RFC 6793 §3). */
  readonly fourOctetAs: boolean;
  /** Largest message: 4096, or 65535 with extended messages (RFC 8654). */
  readonly maxLength: number;
  /** The peer is external: LOCAL_PREF is not sent (RFC 4271 §5.1.5). */
  readonly ebgp: boolean;
}

/** A queue of prefixes waiting to be sent: announcements sharing one encoded attribute set, or withdrawals. */
interface Queue {
  readonly family: Family;
  readonly keys: Set<string>;
  /** Absent for withdrawal queues. */
  readonly group?: Group;
  /** The initial dump's share of this queue, see {@link Fresh}; `keys` is empty while it is set. */
  fresh?: Fresh;
}

/**
 * Prefixes queued by a `set` on an empty table (a new session's initial dump), kept as arrays and taken from
 * `at` on: no per-prefix Set and pending-map entries to add and delete again. Any other change to the table
 * first moves what is left into `keys` and the pending map ({@link AdjRibOut} `#materialize`).
 */
interface Fresh {
  readonly routes: Route[];
  at: number;
}

/** The encoded attributes shared by every prefix announced in one UPDATE. */
interface Group {
  /** The encoded attribute block (bytes as a string): equal strings mean equal attributes on the wire. */
  readonly sig: string;
  /** Wire attributes without MP_REACH_NLRI. */
  readonly attributes: readonly PathAttribute[];
  /** Message length with no NLRI: for IPv4 the whole message; for IPv6 without the MP_REACH_NLRI attribute. */
  readonly baseLength: number;
  /** IPv4: the whole UPDATE with no NLRI, which announcements copy and append their NLRI to. */
  readonly base?: Uint8Array;
  /** IPv6: the MP_REACH_NLRI next hops (RFC 2545 §3). */
  readonly nextHop: string;
  readonly linkLocalNextHop?: string;
  /** IPv6: the MP_REACH_NLRI value length without NLRI (AFI, SAFI, next hop length and value, reserved). */
  readonly mpFixed: number;
  queue?: Queue;
}

/** Bytes of a prefix in NLRI (RFC 4271 §4.3): a length octet and the significant octets. */
const nlriSize = (c: Cidr) => 1 + ((c.prefixLength + 7) >> 3);
/** Header of an attribute whose value has `n` bytes (RFC 4271 §4.3: Extended Length above 255). */
const attrHeader = (n: number) => (n > 255 ? 4 : 3);
/** Header, withdrawn routes length and total path attribute length. */
const EMPTY_UPDATE = HEADER_LENGTH + 4;

/** Writes an IPv4 prefix as NLRI (`length, prefix`, RFC 4271 §4.3) at `p`; returns the offset after it. */
function writeV4(buf: Uint8Array, p: number, c: Cidr): number {
  const len = c.prefixLength;
  const v = Number(c.network.value);
  buf[p] = len;
  if (len > 0) buf[p + 1] = v >>> 24;
  if (len > 8) buf[p + 2] = v >>> 16;
  if (len > 16) buf[p + 3] = v >>> 8;
  if (len > 24) buf[p + 4] = v;
  return p + 1 + ((len + 7) >> 3);
}

/**
 * Whether an IPv4 prefix repeats in the list: an open-addressing table of `network * 64 + length` (below 2^38,
 * exact in a double), far cheaper than a Map of string keys for a full table.
 */
function hasRepeatedV4(list: readonly Route[]): boolean {
  let size = 16;
  while (size < list.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Float64Array(size);
  for (const r of list) {
    const v = Number(r.prefix.network.value);
    const id = v * 64 + r.prefix.prefixLength + 1; // 0 marks an empty slot
    let h = (Math.imul(v ^ (r.prefix.prefixLength << 26), 0x9e3779b1) >>> 0) & mask;
    for (;;) {
      const at = table[h]!;
      if (at === 0) {
        table[h] = id;
        break;
      }
      if (at === id) return true;
      h = (h + 1) & mask;
    }
  }
  return false;
}

function bytesToString(b: Uint8Array, from: number): string {
  let s = '';
  for (let i = from; i < b.length; i += 4096) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 4096)));
  }
  return s;
}

/**
 * The Adj-RIB-Out of one session (RFC 4271 §3.2, §9.2) with UPDATE packing. The caller hands over the whole
 * desired set ({@link AdjRibOut.set}); it is diffed against what was sent, and {@link AdjRibOut.takeUpdates}
 * returns encoded UPDATEs as the session can take them:
 * - prefixes whose attributes are the same object, or encode to the same bytes (cached per object), share
 *   UPDATEs filled up to `maxLength`; withdrawals are packed too;
 * - IPv4 goes in NLRI / Withdrawn Routes, IPv6 in MP_REACH_NLRI (next hop 16 bytes, or 32 with a link-local
 *   one, RFC 2545 §3) / MP_UNREACH_NLRI (RFC 4760 §3-4), MP_REACH_NLRI first (RFC 7606 §5.1);
 * - to a 2-octet peer, AS_TRANS replaces 4-octet ASNs in AS_PATH / AGGREGATOR and AS4_PATH / AS4_AGGREGATOR
 *   carry them (RFC 6793 §4.2.2); to an eBGP peer LOCAL_PREF is dropped (RFC 4271 §5.1.5).
 * Well-known communities are NOT filtered here (see {@link mayReadvertise}): the caller drops learned routes
 * carrying NO_ADVERTISE, or NO_EXPORT towards eBGP, before `set`; locally originated routes are sent as tagged.
 * Route objects given to `set` are kept by reference (one Map entry per prefix) and must not be mutated.
 */
export class AdjRibOut {
  readonly #opts: AdjRibOutOptions;
  /** Desired routes by prefix key. */
  #desired = new Map<string, Route>();
  /**
   * Routes the peer has (sent), by prefix key, except those of the initial dump still only counted in
   * {@link AdjRibOut.#lazySent}; see {@link AdjRibOut.#ensureSent}.
   */
  #sent = new Map<string, Route>();
  /** The queue each pending key is in. */
  readonly #pending = new Map<string, Queue>();
  readonly #withdraw: Record<Family, Queue> = {
    ipv4: { family: 'ipv4', keys: new Set() },
    ipv6: { family: 'ipv6', keys: new Set() },
  };
  /** Announcement queues with keys, in the order they got them. */
  readonly #active = new Set<Queue>();
  readonly #groupsBySig = new Map<string, Group>();
  readonly #groupsByAttrs: Record<Family, WeakMap<PathAttributes, Group>> = {
    ipv4: new WeakMap(),
    ipv6: new WeakMap(),
  };

  /**
   * The desired routes in order, when the initial dump left {@link AdjRibOut.#desired} unbuilt (IPv4 only, no
   * prefix repeated); see {@link AdjRibOut.#ensureDesired}.
   */
  #lazyDesired: Route[] | undefined;
  /** Prefixes in {@link Queue.fresh} arrays, not yet taken. */
  #freshCount = 0;
  /**
   * The initial dump's {@link Fresh} arrays (also those no longer on their queue): what IPv4 UPDATEs took from
   * them, `routes[0..at)`, is sent but not yet in {@link AdjRibOut.#sent} (no per-prefix key and Map insert while
   * the dump goes out). Moved there by {@link AdjRibOut.#ensureSent} before anything reads `#sent`.
   */
  #lazySent: Fresh[] | undefined;
  /** Prefixes sent from {@link AdjRibOut.#lazySent} arrays (disjoint from `#sent`'s keys). */
  #lazySentCount = 0;
  /** Where IPv4 announcements are assembled before being copied out at their length. */
  #scratch: Uint8Array | undefined;

  constructor(opts: AdjRibOutOptions) {
    this.#opts = opts;
  }

  /** Prefixes waiting to be announced or withdrawn. */
  get pending(): number {
    return this.#pending.size + this.#freshCount;
  }

  /** Prefixes the peer has from us (sent and not withdrawn). */
  get advertised(): number {
    return this.#sent.size + this.#lazySentCount;
  }

  /**
   * Replaces the desired set (routes of families not negotiated are ignored; a repeated prefix keeps the last).
   * Prefixes whose attributes differ from what was sent are queued for announcement, sent prefixes no longer
   * desired for withdrawal; a prefix back to what was sent leaves the queue.
   * @throws BgpError `ERR_BGP_UNENCODABLE` when attributes cannot be encoded (e.g. an IPv6 next hop on IPv4).
   */
  set(routes: Iterable<Route>): void {
    const empty = this.#lazyDesired === undefined && this.#desired.size === 0;
    if (empty && this.advertised === 0 && this.#pending.size === 0) {
      this.#setFresh(routes);
      return;
    }
    this.#materialize();
    const families = this.#opts.families;
    const prev = this.#desired;
    const next = new Map<string, Route>();
    for (const r of routes) {
      const family = familyOf(r.prefix);
      if (!families.includes(family)) continue;
      const key = prefixKey(r.prefix);
      next.set(key, r);
    }
    for (const [key, r] of next) {
      const family = familyOf(r.prefix);
      const old = prev.get(key);
      if (old !== undefined && this.#same(old.attrs, r.attrs, family)) continue;
      const sent = this.#sent.get(key);
      if (sent !== undefined && this.#same(sent.attrs, r.attrs, family)) this.#dequeue(key);
      else this.#enqueue(key, this.#queueOf(this.#group(r.attrs, family)));
    }
    for (const [key, r] of prev) {
      if (next.has(key)) continue;
      if (this.#sent.has(key)) this.#enqueue(key, this.#withdraw[familyOf(r.prefix)]);
      else this.#dequeue(key);
    }
    this.#desired = next;
  }

  /**
   * {@link AdjRibOut.set} on an empty table: nothing to diff against, so every route goes into a {@link Fresh}
   * array of its attributes' queue, in the order the general path would queue it. Nothing changes on a throw.
   */
  #setFresh(routes: Iterable<Route>): void {
    const families = this.#opts.families;
    const v4 = families.includes('ipv4');
    const v6 = families.includes('ipv6');
    // One indexed pass (this runs once per session, on cold code): filter, group, and see whether the IPv4
    // prefixes come strictly ascending, which rules out a repeat without any table.
    const input: readonly Route[] = Array.isArray(routes) ? routes : [...routes];
    const list: Route[] = [];
    let fresh = new Map<Queue, Fresh>();
    let lastAttrs: PathAttributes | undefined;
    let lastV4 = false;
    let f: Fresh | undefined;
    let allV4 = true;
    let ascending = true;
    let prevValue = -1;
    let prevLength = -1;
    for (let i = 0; i < input.length; i++) {
      const r = input[i]!;
      const c = r.prefix;
      const isV4 = c.network.family === 4;
      if (!(isV4 ? v4 : v6)) continue;
      list.push(r);
      if (!isV4) allV4 = false;
      else if (ascending) {
        const value = Number(c.network.value);
        if (value < prevValue || (value === prevValue && c.prefixLength <= prevLength)) ascending = false;
        prevValue = value;
        prevLength = c.prefixLength;
      }
      if (r.attrs !== lastAttrs || isV4 !== lastV4 || f === undefined) {
        f = this.#freshOf(fresh, r);
        lastAttrs = r.attrs;
        lastV4 = isV4;
      }
      f.routes.push(r);
    }
    let next: Map<string, Route> | undefined;
    // IPv4 without a repeated prefix (the usual dump) needs no desired map yet: it is built from the list when
    // something other than takeUpdates needs it. Otherwise the general path's order: by first occurrence, with
    // the last route given for the prefix.
    if (!allV4 || (!ascending && hasRepeatedV4(list))) {
      next = new Map<string, Route>();
      for (const r of list) next.set(prefixKey(r.prefix), r);
      fresh = new Map();
      f = undefined;
      for (const r of next.values()) {
        if (r.attrs !== lastAttrs || (r.prefix.network.family === 4) !== lastV4 || f === undefined) {
          f = this.#freshOf(fresh, r);
          lastAttrs = r.attrs;
          lastV4 = r.prefix.network.family === 4;
        }
        f.routes.push(r);
      }
    }
    for (const [q, qf] of fresh) {
      q.fresh = qf;
      this.#active.add(q);
    }
    this.#lazySent = [...fresh.values()];
    this.#freshCount = next === undefined ? list.length : next.size;
    if (next === undefined) this.#lazyDesired = list.length > 0 ? list : undefined;
    else this.#desired = next;
  }

  /** The fresh array of the queue of a route's attributes, made on first use. */
  #freshOf(fresh: Map<Queue, Fresh>, r: Route): Fresh {
    const q = this.#queueOf(this.#group(r.attrs, familyOf(r.prefix)));
    let f = fresh.get(q);
    if (f === undefined) {
      f = { routes: [], at: 0 };
      fresh.set(q, f);
    }
    return f;
  }

  /** Builds the desired map from {@link AdjRibOut.#lazyDesired}. */
  #ensureDesired(): void {
    const list = this.#lazyDesired;
    if (list === undefined) return;
    this.#lazyDesired = undefined;
    const next = new Map<string, Route>();
    for (const r of list) next.set(prefixKey(r.prefix), r);
    this.#desired = next;
  }

  /**
   * Moves what the initial dump sent into {@link AdjRibOut.#sent}. When it sent the whole desired set and nothing
   * else was sent, `#sent` is a copy of the desired map (its keys already made); otherwise one key per prefix.
   * Needs {@link AdjRibOut.#desired} built.
   */
  #ensureSent(): void {
    const lazy = this.#lazySent;
    if (lazy === undefined) return;
    const count = this.#lazySentCount;
    this.#lazySent = undefined;
    this.#lazySentCount = 0;
    if (count === 0) return;
    if (this.#sent.size === 0 && count === this.#desired.size) {
      this.#sent = new Map(this.#desired);
      return;
    }
    for (const f of lazy) {
      for (let i = 0; i < f.at; i++) {
        const r = f.routes[i]!;
        this.#sent.set(prefixKey(r.prefix), r);
      }
    }
  }

  /**
   * Moves what is left of the initial dump into the queues' key sets and the pending map, and what it sent into
   * {@link AdjRibOut.#sent}.
   */
  #materialize(): void {
    this.#ensureDesired();
    this.#ensureSent();
    if (this.#freshCount === 0) return;
    for (const q of this.#active) if (q.fresh !== undefined) this.#materializeQueue(q);
  }

  #materializeQueue(q: Queue): void {
    this.#ensureDesired();
    const f = q.fresh!;
    q.fresh = undefined;
    this.#freshCount -= f.routes.length - f.at;
    for (let i = f.at; i < f.routes.length; i++) {
      const key = prefixKey(f.routes[i]!.prefix);
      q.keys.add(key);
      this.#pending.set(key, q);
    }
  }

  /** Prefixes waiting in an announcement queue. */
  #queued(q: Queue): number {
    return q.fresh === undefined ? q.keys.size : q.keys.size + q.fresh.routes.length - q.fresh.at;
  }

  /**
   * Up to `max` encoded UPDATEs (withdrawals first, then announcements grouped by attributes), each at most
   * `maxLength` bytes. What they carry counts as sent; the rest stays pending for the next call.
   */
  takeUpdates(max = Number.POSITIVE_INFINITY): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const q of [this.#withdraw.ipv4, this.#withdraw.ipv6]) {
      while (q.keys.size > 0 && out.length < max) out.push(this.#withdrawal(q));
    }
    for (const q of this.#active) {
      if (q.fresh !== undefined && !this.#v4Fast(q)) this.#materializeQueue(q);
      while (this.#queued(q) > 0 && out.length < max) out.push(this.#announcement(q));
      if (this.#queued(q) === 0) this.#retire(q);
      if (out.length >= max) break;
    }
    return out;
  }

  /** Forgets what was sent (the session went down): everything desired is queued again for the next session. */
  resetSent(): void {
    this.#lazySent = undefined; // forgotten below anyway
    this.#lazySentCount = 0;
    this.#materialize();
    this.#sent.clear();
    this.#requeueAll();
  }

  /**
   * Queues the whole desired set again, as a ROUTE-REFRESH from the peer asks (RFC 2918 §4: re-advertise the
   * Adj-RIB-Out); pending withdrawals stay queued.
   */
  refresh(): void {
    this.#materialize();
    this.#requeueAll();
  }

  #requeueAll(): void {
    for (const [key, q] of this.#pending) if (q.group !== undefined) this.#dequeue(key);
    for (const [key, r] of this.#desired) {
      this.#enqueue(key, this.#queueOf(this.#group(r.attrs, familyOf(r.prefix))));
    }
    for (const [key, q] of this.#pending) {
      if (q.group === undefined && !this.#sent.has(key)) this.#dequeue(key);
    }
  }

  #same(a: PathAttributes, b: PathAttributes, family: Family): boolean {
    return a === b || this.#group(a, family).sig === this.#group(b, family).sig;
  }

  #enqueue(key: string, q: Queue): void {
    const cur = this.#pending.get(key);
    if (cur === q) return;
    cur?.keys.delete(key);
    q.keys.add(key);
    this.#pending.set(key, q);
    if (q.group !== undefined) this.#active.add(q);
  }

  #dequeue(key: string): void {
    const cur = this.#pending.get(key);
    if (cur === undefined) return;
    cur.keys.delete(key);
    this.#pending.delete(key);
  }

  #queueOf(g: Group): Queue {
    if (g.queue === undefined) {
      g.queue = { family: g.mpFixed === 0 ? 'ipv4' : 'ipv6', keys: new Set(), group: g };
    }
    return g.queue;
  }

  /** Drops an emptied queue; its group leaves the canonical table unless attributes objects still use it. */
  #retire(q: Queue): void {
    this.#active.delete(q);
    const g = q.group!;
    g.queue = undefined;
    if (this.#groupsBySig.get(g.sig) === g) this.#groupsBySig.delete(g.sig);
  }

  /** The canonical group of an attributes object: encoded once per object, shared by equal encodings. */
  #group(attrs: PathAttributes, family: Family): Group {
    const byAttrs = this.#groupsByAttrs[family];
    const known = byAttrs.get(attrs);
    if (known !== undefined) {
      const canonical = this.#groupsBySig.get(known.sig);
      if (canonical === known) return known;
      if (canonical !== undefined) {
        byAttrs.set(attrs, canonical);
        return canonical;
      }
      this.#groupsBySig.set(known.sig, known);
      return known;
    }
    const g = this.#encodeGroup(attrs, family);
    const canonical = this.#groupsBySig.get(g.sig);
    if (canonical !== undefined) {
      byAttrs.set(attrs, canonical);
      return canonical;
    }
    this.#groupsBySig.set(g.sig, g);
    byAttrs.set(attrs, g);
    return g;
  }

  #encodeGroup(attrs: PathAttributes, family: Family): Group {
    const { fourOctetAs, ebgp, maxLength } = this.#opts;
    const attributes = toWireAttributes(attrs, { family, fourOctetAs, ebgp });
    if (family === 'ipv4') {
      const bytes = encodeUpdate({ withdrawn: [], attributes, nlri: [] }, { fourOctetAs, maxLength });
      return {
        sig: `4${bytesToString(bytes, EMPTY_UPDATE)}`,
        attributes,
        baseLength: bytes.length,
        base: bytes,
        nextHop: attrs.nextHop,
        mpFixed: 0,
      };
    }
    const mp: PathAttribute = {
      type: 'mp-reach',
      afi: Afi.Ipv6,
      safi: Safi.Unicast,
      nextHop: attrs.nextHop,
      ...(attrs.linkLocalNextHop === undefined ? {} : { linkLocalNextHop: attrs.linkLocalNextHop }),
      nlri: [],
    };
    const bytes = encodeUpdate(
      { withdrawn: [], attributes: [mp, ...attributes], nlri: [] },
      { fourOctetAs, maxLength },
    );
    const mpFixed = 5 + (attrs.linkLocalNextHop === undefined ? 16 : 32);
    return {
      sig: `6${bytesToString(bytes, EMPTY_UPDATE)}`,
      attributes,
      baseLength: bytes.length - attrHeader(mpFixed) - mpFixed,
      nextHop: attrs.nextHop,
      ...(attrs.linkLocalNextHop === undefined ? {} : { linkLocalNextHop: attrs.linkLocalNextHop }),
      mpFixed,
    };
  }

  #withdrawal(q: Queue): Uint8Array {
    const { maxLength, fourOctetAs } = this.#opts;
    const v4 = q.family === 'ipv4';
    // IPv4: header + lengths + withdrawn routes; IPv6: plus an MP_UNREACH_NLRI of AFI, SAFI and prefixes.
    const prefixes: Cidr[] = [];
    let bytes = v4 ? 0 : 3;
    const room = (n: number) => (v4 ? EMPTY_UPDATE + n : EMPTY_UPDATE + attrHeader(n) + n) <= maxLength;
    for (const key of q.keys) {
      const r = this.#sent.get(key)!;
      const n = nlriSize(r.prefix);
      if (prefixes.length > 0 && !room(bytes + n)) break;
      bytes += n;
      prefixes.push(r.prefix);
      q.keys.delete(key);
      this.#pending.delete(key);
      this.#sent.delete(key);
    }
    if (v4)
      return encodeUpdate({ withdrawn: prefixes, attributes: [], nlri: [] }, { maxLength, fourOctetAs });
    const attr: PathAttribute = {
      type: 'mp-unreach',
      afi: Afi.Ipv6,
      safi: Safi.Unicast,
      withdrawn: prefixes,
    };
    return encodeUpdate({ withdrawn: [], attributes: [attr], nlri: [] }, { maxLength, fourOctetAs });
  }

  /**
   * An IPv4 announcement written straight into a scratch buffer: the group's encoded message with no NLRI, then
   * `length, prefix` pairs from one `Number()` per prefix (no prefix array, no re-encoding of the attributes).
   */
  /**
   * Whether {@link AdjRibOut.#announcementV4} serves the queue: IPv4 with room for the longest NLRI entry (5 bytes)
   * after the attributes, so its first prefix always fits and the generic path's error cannot happen.
   */
  #v4Fast(q: Queue): boolean {
    const g = q.group;
    return g?.base !== undefined && g.baseLength + 5 <= this.#opts.maxLength;
  }

  #announcementV4(q: Queue, g: Group): Uint8Array {
    const maxLength = this.#opts.maxLength;
    if (this.#scratch === undefined || this.#scratch.length < maxLength)
      this.#scratch = new Uint8Array(maxLength);
    const buf = this.#scratch;
    buf.set(g.base!, 0);
    let p = g.baseLength;
    const f = q.fresh;
    if (f !== undefined) {
      const routes = f.routes;
      let i = f.at;
      for (; i < routes.length; i++) {
        const c = routes[i]!.prefix;
        const n = 1 + ((c.prefixLength + 7) >> 3);
        if (p + n > maxLength) break;
        p = writeV4(buf, p, c);
      }
      // Sent: counted now, put in #sent by #ensureSent when something reads it.
      this.#lazySentCount += i - f.at;
      this.#freshCount -= i - f.at;
      f.at = i;
      if (i === routes.length) q.fresh = undefined;
    } else {
      for (const key of q.keys) {
        const r = this.#desired.get(key)!;
        const n = 1 + ((r.prefix.prefixLength + 7) >> 3);
        if (p + n > maxLength) break;
        p = writeV4(buf, p, r.prefix);
        q.keys.delete(key);
        this.#pending.delete(key);
        this.#sent.set(key, r);
      }
    }
    // RFC 4271 §4.1: the header's Length field; the rest of the header and the attributes are the group's.
    buf[16] = p >>> 8;
    buf[17] = p & 0xff;
    return buf.slice(0, p);
  }

  #announcement(q: Queue): Uint8Array {
    const { maxLength, fourOctetAs } = this.#opts;
    const g = q.group!;
    const v4 = q.family === 'ipv4';
    if (this.#v4Fast(q)) return this.#announcementV4(q, g);
    const prefixes: Cidr[] = [];
    let bytes = v4 ? 0 : g.mpFixed;
    const room = (n: number) => (v4 ? g.baseLength + n : g.baseLength + attrHeader(n) + n) <= maxLength;
    for (const key of q.keys) {
      const r = this.#desired.get(key)!;
      const n = nlriSize(r.prefix);
      if (prefixes.length > 0 && !room(bytes + n)) break;
      bytes += n;
      prefixes.push(r.prefix);
      q.keys.delete(key);
      this.#pending.delete(key);
      this.#sent.set(key, r);
    }
    if (v4)
      return encodeUpdate(
        { withdrawn: [], attributes: g.attributes, nlri: prefixes },
        { maxLength, fourOctetAs },
      );
    const mp: PathAttribute = {
      type: 'mp-reach',
      afi: Afi.Ipv6,
      safi: Safi.Unicast,
      nextHop: g.nextHop,
      ...(g.linkLocalNextHop === undefined ? {} : { linkLocalNextHop: g.linkLocalNextHop }),
      nlri: prefixes,
    };
    return encodeUpdate(
      { withdrawn: [], attributes: [mp, ...g.attributes], nlri: [] },
      { maxLength, fourOctetAs },
    );
  }
}
