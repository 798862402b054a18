/**
 * The I/O side of host-gw: keeps a node's kernel routing table at {@link hostGwRoutes} of the current leases,
 * through core's `RouteReconciler` on a `KernelRouteTable` (flannel's `RouteNetwork.Run` + `routeCheck`, made
 * declarative). Every lease change hands over the whole desired set; a periodic resync (default 10 s, flannel's
 * `routeCheckRetries`) repairs drift; the external interface coming back up triggers an immediate resync
 * (the kernel flushes IPv4 routes through a device that goes down); an address change on it recomputes which
 * peers are on-link. Unlike flannel, routes of departed nodes are removed: ownership is the route protocol, so
 * any route of ours that is not desired goes, and foreign routes (other protocols) are never touched.
 * @module
 */
import {
  CachedRouteTable,
  type Clock,
  type KernelRoute,
  KernelRouteTable,
  LinkManager,
  type Logger,
  type ReconcileResult,
  RouteReconciler,
  type RouteTable,
  reconcile,
  silentLogger,
  systemClock,
} from '@edgeway/core';
import {
  HostGwRouteMemo,
  type HostGwRouteOptions,
  type HostGwRoutes,
  hostGwRoutes,
  type RouteInterface,
  type RouteLease,
  type SkippedPeer,
} from './host-gw-routes.js';
import { IpMonitorWatcher, type LinkEvent, type LinkWatcher, PollingWatcher } from './link-watcher.js';

/** How the manager learns that the external interface came back up or changed its addresses. */
export type LinkWatchMode = 'monitor' | 'poll' | 'off';

/** Options of {@link HostGwRouteManager}. */
export interface HostGwRouteManagerOptions extends HostGwRouteOptions {
  /** Named network namespace (`/run/netns/NAME`) to program; default the current one. */
  readonly netns?: string;
  /** Drive this table instead of opening a `KernelRouteTable` (not closed by {@link HostGwRouteManager.close}). */
  readonly routeTable?: RouteTable<KernelRoute>;
  /** Route protocol that marks our routes (default core's `EDGEWAY_ROUTE_PROTOCOL`, 69). One owner per protocol and table. */
  readonly protocol?: number;
  /** Periodic resync (default 10 000 ms, as flannel's route check); 0 turns it off. */
  readonly resyncIntervalMs?: number;
  /** First retry after a run with failures (default 1 000 ms, doubling up to the resync interval). */
  readonly retryBaseMs?: number;
  /**
   * `monitor` (default): `ip -o monitor link address` as a child process; `poll`: read the interface every
   * {@link linkPollIntervalMs}; `off`: rely on the periodic resync. `monitor` falls back to `poll` when `ip`
   * cannot run. (No rtnetlink multicast subscription: the `netlink` package aborts the process on ENOBUFS.)
   */
  readonly linkWatch?: LinkWatchMode;
  /** Poll interval of `linkWatch: 'poll'` (default 1 000 ms). */
  readonly linkPollIntervalMs?: number;
  /**
   * Plan lease-driven runs against the routes the last listing showed plus what was done since, instead of
   * dumping the table on every lease event (default true; see `CachedRouteTable`). The periodic resync, link-up
   * triggers and retries always list the kernel.
   */
  readonly listCache?: boolean;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Called after every reconcile run with the new status. */
  readonly onStatus?: (status: RouteManagerStatus) => void;
}

/** A route operation that failed in the last run. */
export interface RouteFailureStatus {
  readonly op: 'add' | 'remove' | 'replace';
  /** The route in `ip route` syntax. */
  readonly route: string;
  readonly code?: string;
  readonly message: string;
}

/** A snapshot of what the manager is doing. */
export interface RouteManagerStatus {
  readonly device: string;
  readonly started: boolean;
  readonly desiredRoutes: number;
  readonly skipped: readonly SkippedPeer[];
  /** Failures of the last run. */
  readonly failures: readonly RouteFailureStatus[];
  readonly runs: number;
  readonly lastRun?: {
    readonly at: number;
    readonly durationMs: number;
    readonly applied: boolean;
    readonly added: number;
    readonly removed: number;
    readonly replaced: number;
  };
  /** The last run that failed as a whole (e.g. the route dump), if the latest did. */
  readonly lastError?: string;
  /** Runs planned from the cache, and from a real listing of the table. */
  readonly listings: { readonly cached: number; readonly listed: number };
  readonly linkWatch: LinkWatchMode;
  /** Whether the interface was last seen up with carrier (undefined until an event says). */
  readonly linkUp?: boolean;
}

function skipKey(s: SkippedPeer): string {
  return `${s.node}|${s.family}|${s.reason}|${s.gateway ?? ''}|${s.block ?? ''}`;
}

/** Keeps one node's host-gw routes (see the module). */
export class HostGwRouteManager {
  readonly #table: RouteTable<KernelRoute>;
  readonly #cached: CachedRouteTable<KernelRoute>;
  readonly #ownsTable: boolean;
  readonly #opts: HostGwRouteManagerOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #reconciler: RouteReconciler<KernelRoute>;
  #iface: RouteInterface;
  #self: RouteLease | undefined;
  #peers: readonly RouteLease[] = [];
  #computed: HostGwRoutes = { routes: [], skipped: [] };
  readonly #memo = new HostGwRouteMemo();
  #skippedKeys = new Set<string>();
  #started = false;
  #reconcilerStarted = false;
  #watcher: LinkWatcher | undefined;
  #watchMode: LinkWatchMode;
  #linkUp: boolean | undefined;
  #links: LinkManager | undefined;
  #runs = 0;
  #lastRun: RouteManagerStatus['lastRun'];
  #failures: RouteFailureStatus[] = [];
  #lastError: string | undefined;

  /** Use {@link HostGwRouteManager.open} unless you pass `routeTable`. */
  constructor(
    iface: RouteInterface,
    options: HostGwRouteManagerOptions & { routeTable: RouteTable<KernelRoute> },
    ownsTable = false,
  ) {
    this.#iface = iface;
    this.#opts = options;
    this.#table = options.routeTable;
    this.#ownsTable = ownsTable;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ component: 'host-gw-routes', device: iface.name });
    this.#watchMode = options.linkWatch ?? 'monitor';
    this.#cached = new CachedRouteTable(this.#table);
    this.#reconciler = new RouteReconciler(this.#cached, {
      clock: this.#clock,
      logger: this.#log,
      resyncIntervalMs: options.resyncIntervalMs ?? 10_000,
      ...(options.retryBaseMs === undefined ? {} : { retryBaseMs: options.retryBaseMs }),
      onResult: (r) => this.#onResult(r as ReconcileResult<KernelRoute>),
    });
  }

  /**
   * Opens the manager: a `KernelRouteTable` in `options.netns` owned by `options.protocol` in `options.table`
   * (unless `options.routeTable` is given). Nothing is changed until {@link update}.
   */
  static async open(
    iface: RouteInterface,
    options: HostGwRouteManagerOptions = {},
  ): Promise<HostGwRouteManager> {
    if (options.routeTable)
      return new HostGwRouteManager(iface, { ...options, routeTable: options.routeTable });
    const table = await KernelRouteTable.open({
      ...(options.netns ? { netns: options.netns } : {}),
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
      ...(options.table === undefined ? {} : { table: options.table }),
    });
    return new HostGwRouteManager(iface, { ...options, routeTable: table }, true);
  }

  /** The table driven. */
  get table(): RouteTable<KernelRoute> {
    return this.#table;
  }

  /** The routes now desired. */
  get desired(): readonly KernelRoute[] {
    return this.#computed.routes;
  }

  /** The peers now skipped, with reasons. */
  get skipped(): readonly SkippedPeer[] {
    return this.#computed.skipped;
  }

  /** The external interface the routes use. */
  get interface(): RouteInterface {
    return this.#iface;
  }

  /**
   * Hands over our lease and every peer lease (ours among them is ignored) and reconciles to the routes they
   * give. Resolves with the run's result; per-route failures are in it, in the status and in the log.
   */
  update(self: RouteLease, peers: readonly RouteLease[]): Promise<ReconcileResult<KernelRoute>> {
    this.#self = self;
    this.#peers = [...peers];
    return this.#apply(this.#opts.listCache !== false);
  }

  /** Changes the external interface (a new name or new addresses) and reconciles. */
  setInterface(iface: RouteInterface): Promise<ReconcileResult<KernelRoute>> | undefined {
    this.#iface = iface;
    this.#cached.invalidate(); // an address change may have made the kernel drop routes
    return this.#self ? this.#apply(false) : undefined;
  }

  /**
   * Starts the periodic resync and the link watch. Reconciles now if a lease was handed over, else at the first
   * {@link update} (so a restart never removes routes before it knows the cluster).
   */
  async start(): Promise<ReconcileResult<KernelRoute> | undefined> {
    if (this.#started) return undefined;
    this.#started = true;
    this.#startWatch(this.#watchMode);
    if (!this.#self) return undefined;
    this.#reconcilerStarted = true;
    return this.#reconciler.start();
  }

  /** Reconciles now (e.g. on an external event), or right after the run in progress. */
  trigger(): Promise<ReconcileResult<KernelRoute>> {
    this.#cached.invalidate();
    return this.#reconciler.trigger();
  }

  /**
   * Stops the resync and the link watch. Routes stay, as flannel leaves them (pods keep working through a
   * restart); with `removeRoutes` every route of ours in the table is removed.
   */
  async stop(options: { removeRoutes?: boolean } = {}): Promise<void> {
    this.#started = false;
    this.#reconcilerStarted = false;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#reconciler.stop();
    if (options.removeRoutes) {
      this.#cached.invalidate();
      const result = await reconcile(this.#table, [], { logger: this.#log });
      this.#log.info(
        { removed: result.plan.remove.length, failures: result.failures.length },
        'removed host-gw routes',
      );
    }
  }

  /** Stops and releases the table (if opened here) and sockets. */
  async close(options: { removeRoutes?: boolean } = {}): Promise<void> {
    await this.stop(options);
    this.#links?.close();
    this.#links = undefined;
    if (this.#ownsTable) (this.#table as KernelRouteTable).close();
  }

  /** A snapshot for health endpoints and tests. */
  status(): RouteManagerStatus {
    return {
      device: this.#iface.name,
      started: this.#started,
      desiredRoutes: this.#computed.routes.length,
      skipped: this.#computed.skipped,
      failures: this.#failures,
      runs: this.#runs,
      ...(this.#lastRun ? { lastRun: this.#lastRun } : {}),
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      listings: this.#cached.stats,
      linkWatch: this.#watchMode,
      ...(this.#linkUp === undefined ? {} : { linkUp: this.#linkUp }),
    };
  }

  #apply(useCache: boolean): Promise<ReconcileResult<KernelRoute>> {
    const self = this.#self as RouteLease;
    this.#computed = hostGwRoutes(self, this.#peers, this.#iface, this.#opts, this.#memo);
    const keys = new Set(this.#computed.skipped.map(skipKey));
    for (const s of this.#computed.skipped) {
      if (!this.#skippedKeys.has(skipKey(s))) {
        this.#log.info({ node: s.node, family: s.family, reason: s.reason }, `no host route: ${s.message}`);
      }
    }
    this.#skippedKeys = keys;
    if (useCache) this.#cached.useCacheOnce();
    const run = this.#reconciler.set(this.#computed.routes);
    if (this.#started && !this.#reconcilerStarted) {
      this.#reconcilerStarted = true;
      void this.#reconciler.start().catch(() => undefined);
    }
    return run.catch((err: unknown) => {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#emit();
      throw err;
    });
  }

  #onResult(result: ReconcileResult<KernelRoute>): void {
    this.#runs++;
    this.#lastError = undefined;
    this.#lastRun = {
      at: this.#clock.now(),
      durationMs: result.durationMs,
      applied: result.applied,
      added: result.plan.add.length,
      removed: result.plan.remove.length,
      replaced: result.plan.replace.length,
    };
    this.#failures = result.failures.map((f) => ({
      op: f.op,
      route: this.#table.format(f.route),
      ...((f.error as { code?: unknown }).code === undefined
        ? {}
        : { code: String((f.error as { code?: unknown }).code) }),
      message: f.error.message,
    }));
    if (result.applied) this.#log.info(this.#lastRun, 'host-gw routes reconciled');
    this.#emit();
  }

  #emit(): void {
    this.#opts.onStatus?.(this.status());
  }

  #startWatch(mode: LinkWatchMode): void {
    this.#watchMode = mode;
    const onEvent = (e: LinkEvent) => this.#onLinkEvent(e);
    const base = {
      ...(this.#opts.netns ? { netns: this.#opts.netns } : {}),
      clock: this.#clock,
      logger: this.#log,
      onEvent,
    };
    if (mode === 'monitor') {
      this.#watcher = new IpMonitorWatcher({
        ...base,
        onRestart: () => {
          // Events may have been missed while no monitor ran: look once.
          if (this.#reconcilerStarted) void this.#refreshInterface().catch(() => undefined);
        },
        onUnavailable: () => {
          if (this.#started) this.#startWatch('poll');
        },
      });
    } else if (mode === 'poll') {
      this.#watcher = new PollingWatcher({
        ...base,
        device: this.#iface.name,
        ...(this.#opts.linkPollIntervalMs === undefined ? {} : { intervalMs: this.#opts.linkPollIntervalMs }),
      });
    }
  }

  #onLinkEvent(e: LinkEvent): void {
    if (!this.#started || e.name !== this.#iface.name) return;
    if (e.kind === 'link') {
      const up = !e.deleted && e.up && e.lowerUp;
      const was = this.#linkUp;
      this.#linkUp = up;
      if (up && was !== true && this.#reconcilerStarted) {
        this.#log.info({}, 'external interface is up: resyncing routes now');
        void this.#refreshInterface().catch((err: unknown) =>
          this.#log.warn({ err }, 'resync after link up failed'),
        );
      }
      return;
    }
    if (this.#reconcilerStarted) {
      this.#log.info({ address: e.address, deleted: e.deleted }, 'external interface addresses changed');
      void this.#refreshInterface().catch((err: unknown) =>
        this.#log.warn({ err }, 'address refresh failed'),
      );
    }
  }

  /** Re-reads the interface's addresses; reconciles with the new on-link prefixes (or just resyncs). */
  async #refreshInterface(): Promise<void> {
    if (!this.#started) return;
    if (!this.#links) {
      this.#links = await LinkManager.open(this.#opts.netns ? { netns: this.#opts.netns } : {});
    }
    const name = this.#iface.name;
    const addrs = await this.#links.listAddresses(name);
    if (!this.#started || this.#iface.name !== name) return;
    const addresses = addrs.map((a) => ({ address: a.address, prefixLength: a.prefixLength }));
    const same =
      addresses.length === this.#iface.addresses.length &&
      addresses.every((a, i) => {
        const b = this.#iface.addresses[i];
        return b !== undefined && a.address.equals(b.address) && a.prefixLength === b.prefixLength;
      });
    if (same) await this.trigger();
    else await this.setInterface({ ...this.#iface, addresses });
  }
}
