import type { ServerResponse } from 'node:http';
import { cloneJson, type KubeObject } from '../api/object.js';
import { type ApiStatus, expired, invalid } from '../api/status.js';
import { parseResourceVersion, tooLargeResourceVersion } from '../registry/list-options.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import { apiVersionOf, type ResourceDefinition, resourceId } from '../resources/resource-definition.js';
import { RevisionTooOldError, type StoreEvent } from '../store/versioned-store.js';

/**
 * Watch streams: newline-delimited JSON `{type, object}` events over a chunked HTTP response, as the API
 * server sends them.
 *
 * - `resourceVersion=N`: every change after N, then live changes. If N is older than the history kept for
 *   the resource (or compacted), the stream carries one `ERROR` event with a 410 `Expired` Status
 *   (`too old resource version: N (M)`) and ends — the informer's cue to relist.
 * - no `resourceVersion` or `0`: synthetic `ADDED` events for the current state first, then live changes.
 * - `sendInitialEvents=true` (with `resourceVersionMatch=NotOlderThan` and `allowWatchBookmarks=true`): the
 *   same synthetic `ADDED` events followed by a `BOOKMARK` annotated `k8s.io/initial-events-end: "true"`.
 * - Selectors apply per event: an object that stops matching is sent as `DELETED`, one that starts as `ADDED`.
 * - `allowWatchBookmarks=true`: a `BOOKMARK` with the current resource version at every bookmark interval
 *   and just before a `timeoutSeconds` close.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#watch-bookmarks
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#410-gone-responses
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#streaming-lists
 */

/** Query parameters of a watch. */
export interface WatchParams {
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly sendInitialEvents?: boolean;
  readonly timeoutSeconds?: number;
}

/** Timing of watch streams. */
export interface WatchTimings {
  /** Interval between bookmarks when `allowWatchBookmarks` is set. */
  readonly bookmarkIntervalMs: number;
  /** How long a watch from a future resource version waits for it before a 504. */
  readonly tooLargeWaitMs: number;
  /** Close watches without `timeoutSeconds` after this many seconds (undefined: never). */
  readonly defaultTimeoutSeconds: number | undefined;
}

/** The wire form of one watch event. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubeObject | ApiStatus;
}

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' } as const;

/** One open watch stream. */
export class WatchSession {
  private closed = false;
  private readonly cleanups: (() => void)[] = [];
  readonly resource: string;

  constructor(
    private readonly res: ServerResponse,
    private readonly def: ResourceDefinition,
    private readonly onEnd: (s: WatchSession) => void,
  ) {
    this.resource = resourceId(def);
    res.on('close', () => this.end());
  }

  /** Write one event line. */
  send(ev: WatchEvent): void {
    if (this.closed) return;
    this.res.write(`${JSON.stringify(ev)}\n`);
  }

  /** Register something to undo when the stream ends. */
  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.cleanups.push(fn);
  }

  /** Send a BOOKMARK at `rv`. */
  bookmark(rv: number, annotations?: Record<string, string>): void {
    const metadata = { resourceVersion: String(rv), ...(annotations === undefined ? {} : { annotations }) };
    this.send({
      type: 'BOOKMARK',
      object: { apiVersion: apiVersionOf(this.def), kind: this.def.kind, metadata },
    });
  }

  /** Send an ERROR event carrying `status` and end the stream (how the server ends an expired watch). */
  fail(status: ApiStatus): void {
    this.send({ type: 'ERROR', object: status });
    this.end();
  }

  /** End the stream (the client sees a clean close and normally re-watches from its last resource version). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.cleanups.splice(0)) fn();
    if (!this.res.writableEnded) this.res.end();
    this.onEnd(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

function toWire(def: ResourceDefinition, obj: KubeObject, rv?: number): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = cloneJson(obj);
  const out = { apiVersion: apiVersionOf(def), kind: def.kind, ...rest } as KubeObject;
  if (rv !== undefined) out.metadata.resourceVersion = String(rv);
  return out;
}

/** Translate a store event into what a watcher with predicate `match` sees (selector transitions included). */
export function filterEvent(
  def: ResourceDefinition,
  ev: StoreEvent,
  match: (o: KubeObject) => boolean,
): WatchEvent | undefined {
  const prevMatches = ev.prev !== undefined && match(ev.prev);
  if (ev.type === 'DELETED')
    return prevMatches ? { type: 'DELETED', object: toWire(def, ev.object) } : undefined;
  const curMatches = match(ev.object);
  if (curMatches && prevMatches) return { type: 'MODIFIED', object: toWire(def, ev.object) };
  if (curMatches) return { type: 'ADDED', object: toWire(def, ev.object) };
  if (prevMatches) return { type: 'DELETED', object: toWire(def, ev.prev!, ev.rv) };
  return undefined;
}

/** Validate the watch-only options (422 Invalid, as `ListOptions` validation does). */
function checkParams(p: WatchParams): void {
  if (p.sendInitialEvents) {
    const errs = [];
    if (p.resourceVersionMatch !== 'NotOlderThan') {
      errs.push({
        type: 'Forbidden' as const,
        field: 'resourceVersionMatch',
        detail: 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      });
    }
    if (!p.allowWatchBookmarks) {
      errs.push({
        type: 'Forbidden' as const,
        field: 'allowWatchBookmarks',
        detail: 'sendInitialEvents requires setting allowWatchBookmarks to true',
      });
    }
    if (errs.length > 0) throw invalid(LIST_OPTIONS, '', errs);
  } else if (p.resourceVersionMatch !== undefined && p.resourceVersionMatch !== '') {
    throw invalid(LIST_OPTIONS, '', [
      {
        type: 'Forbidden',
        field: 'resourceVersionMatch',
        detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
      },
    ]);
  }
}

/**
 * Resolve what a watch needs before any byte is written (so errors can still be plain HTTP errors):
 * the predicate, the start revision (waiting for a future one up to `tooLargeWaitMs`).
 */
export async function prepareWatch(
  registry: ResourceRegistry,
  def: ResourceDefinition,
  namespace: string | undefined,
  params: WatchParams,
  timings: WatchTimings,
): Promise<{ match: (o: KubeObject) => boolean; from: number | undefined }> {
  checkParams(params);
  const match = registry.matcher(def, namespace, params.labelSelector, params.fieldSelector);
  const rvText = params.resourceVersion ?? '';
  if (rvText === '' || rvText === '0') return { match, from: undefined };
  const from = parseResourceVersion(rvText);
  const store = registry.store;
  if (from > store.revision) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timings.tooLargeWaitMs);
      const off = store.onRevision(() => {
        if (store.revision >= from) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    if (from > store.revision) throw tooLargeResourceVersion(from, store.revision);
  }
  return { match, from: params.sendInitialEvents ? undefined : from };
}

/**
 * Start streaming on an already-200 response: initial state or backlog, then live events, bookmarks and
 * the timeout. Everything up to the subscription runs synchronously, so no event can fall in between.
 */
export function runWatch(
  session: WatchSession,
  registry: ResourceRegistry,
  def: ResourceDefinition,
  prepared: { match: (o: KubeObject) => boolean; from: number | undefined },
  params: WatchParams,
  timings: WatchTimings,
): void {
  const store = registry.store;
  const id = resourceId(def);
  const { match, from } = prepared;
  if (from === undefined) {
    for (const [, obj] of store.entries(id))
      if (match(obj)) session.send({ type: 'ADDED', object: toWire(def, obj) });
    if (params.sendInitialEvents) session.bookmark(store.revision, { 'k8s.io/initial-events-end': 'true' });
  } else {
    let backlog: StoreEvent[];
    try {
      backlog = store.eventsSince(id, from);
    } catch (err) {
      if (err instanceof RevisionTooOldError) {
        session.fail(expired(err.message).status);
        return;
      }
      throw err;
    }
    for (const ev of backlog) {
      const out = filterEvent(def, ev, match);
      if (out !== undefined) session.send(out);
    }
  }
  session.onClose(
    store.subscribe(id, (ev) => {
      const out = filterEvent(def, ev, match);
      if (out !== undefined) session.send(out);
    }),
  );
  if (params.allowWatchBookmarks) {
    const timer = setInterval(() => session.bookmark(store.revision), timings.bookmarkIntervalMs);
    session.onClose(() => clearInterval(timer));
  }
  const seconds = params.timeoutSeconds ?? timings.defaultTimeoutSeconds;
  if (seconds !== undefined && seconds > 0) {
    const timer = setTimeout(() => {
      if (params.allowWatchBookmarks) session.bookmark(store.revision);
      session.end();
    }, seconds * 1000);
    session.onClose(() => clearTimeout(timer));
  }
}
