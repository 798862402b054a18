import {
  type Advertisement,
  type Cidr,
  type Clock,
  IpAddress,
  type KernelRoute,
  KernelRouteTable,
  type Logger,
  type Peering,
  type PeeringEvent,
  type PeerState as PeerStateName,
  type PeerStatus,
  type ReceivedRoute,
  type RouteTable,
  silentLogger,
  systemClock,
} from '@edgeway/core';
import { BgpConfigError, BgpConfigErrorCode } from '../config/config-error.js';
import { type BgpSpeakerConfig, parseSpeakerConfig } from '../config/speaker-config.js';
import type { FsmStateName } from '../fsm/index.js';
import {
  AdjRibOut,
  type Family,
  LocRib,
  prefixFromKey,
  type RibInChanges,
  routesFromUpdate,
} from '../rib/index.js';
import { BgpListener, BgpSession, type Negotiated, type SessionDown } from '../session/index.js';
import {
  Afi,
  CeaseSubcode,
  encodeEndOfRib,
  maxMessageLength,
  Safi,
  type UpdateMessage,
} from '../wire/index.js';
import { validateAdvertisements } from './advertisements.js';
import { exportRoutesFor } from './export-routes.js';
import { familiesToSweepOnReturn, helperPlanOnDown } from './graceful-restart.js';
import { importRoutes } from './import-routes.js';
import { KernelInstaller } from './kernel-installer.js';
import { PeerState } from './peer-state.js';
import { toReceivedRoute } from './received-route.js';
import { sessionConfigFor } from './session-config.js';

/** Seams of {@link BgpSpeaker.start}. */
export interface BgpSpeakerDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The kernel table best routes go to when `kernel.install` is on (default: a {@link KernelRouteTable}). */
  readonly kernelTable?: RouteTable<KernelRoute>;
}

/** Options of {@link BgpSpeaker.close}. */
export interface CloseOptions {
  /**
   * Leave without NOTIFICATION and keep the kernel routes, so peers that support graceful restart keep our routes
   * and forwarding goes on while a new process starts with `gracefulRestart.restarting` (RFC 4724 §4.1).
   */
  readonly graceful?: boolean;
  /** Shutdown communication sent with Cease/2 (RFC 9003), when not graceful. */
  readonly message?: string;
}

const STATE_NAMES: Record<FsmStateName, PeerStateName> = {
  Idle: 'idle',
  Connect: 'connect',
  Active: 'active',
  OpenSent: 'opensent',
  OpenConfirm: 'openconfirm',
  Established: 'established',
};

/**
 * UPDATEs handed to the socket per event-loop turn (about 64 KB). Yielding between batches lets the first ones leave
 * while the rest are encoded, and keeps timers (keepalives of other sessions) running during a large dump.
 */
const SEND_BATCH = 16;

/**
 * A BGP-4 speaker implementing core's {@link Peering}: one session per configured peer (RFC 4271), Adj-RIB-In per
 * peer with import policy, best-path selection (§9.1) into a Loc-RIB, Adj-RIB-Out per peer with export policy and
 * update packing, graceful restart as restarting speaker and helper (RFC 4724), and optional installation of the
 * best routes into the kernel under their own protocol number.
 *
 * Only locally originated routes ({@link set}) are announced; learned routes are not passed on to other peers
 * (an edge speaker, not a transit router).
 */
export class BgpSpeaker implements Peering {
  readonly config: BgpSpeakerConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #peers = new Map<string, PeerState>();
  readonly #locRib = new LocRib();
  readonly #listeners = new Set<(event: PeeringEvent) => void>();
  #listener: BgpListener | undefined;
  #listenPort: number | undefined;
  #advertisements: readonly Advertisement[] = [];
  #installer: KernelInstaller | undefined;
  #restartTimer: ReturnType<Clock['setTimeout']> | undefined;
  #closed = false;
  /**
   * Whether our routes may be sent. A restarting speaker waits for the first {@link set}: sending an empty
   * Adj-RIB-Out and End-of-RIB first would make the helpers drop the routes they kept for us (RFC 4724 §4.1).
   */
  #ready = true;
  #readyTimer: ReturnType<Clock['setTimeout']> | undefined;

  private constructor(config: BgpSpeakerConfig, deps: BgpSpeakerDeps) {
    this.config = config;
    this.#clock = deps.clock ?? systemClock;
    this.#log = (deps.logger ?? silentLogger).child({ component: 'bgp', asn: config.asn });
  }

  /**
   * Validates `config`, opens the listening socket (when `listen` is not `false`) and starts every session.
   * @throws BgpConfigError `ERR_BGP_CONFIG` naming the bad field, before any socket is opened.
   */
  static async start(config: unknown, deps: BgpSpeakerDeps = {}): Promise<BgpSpeaker> {
    const parsed = parseSpeakerConfig(config);
    const speaker = new BgpSpeaker(parsed, deps);
    await speaker.#start(deps);
    return speaker;
  }

  async #start(deps: BgpSpeakerDeps): Promise<void> {
    const c = this.config;
    if (c.kernel.install) {
      const table =
        deps.kernelTable ??
        (await KernelRouteTable.open({
          protocol: c.kernel.protocol,
          table: c.kernel.table,
          name: `bgp:${c.kernel.table}`,
        }));
      this.#installer = new KernelInstaller(table, {
        table: c.kernel.table,
        ...(c.kernel.metric === undefined ? {} : { metric: c.kernel.metric }),
        clock: this.#clock,
        logger: this.#log,
      });
      this.#installer.setSource(() => this.#bestForKernel());
      if (c.gracefulRestart.enabled && c.gracefulRestart.restarting) {
        // RFC 4724 §4.1: keep the forwarding state; defer route selection until every peer's End-of-RIB, or at
        // the latest the restart time.
        this.#installer.hold();
        this.#restartTimer = this.#clock.setTimeout(() => {
          this.#restartTimer = undefined;
          this.#log.warn(
            {},
            'graceful restart: restart time over before every End-of-RIB; selecting routes now',
          );
          this.#installer?.release();
        }, c.gracefulRestart.restartTime * 1000);
      } else this.#installer.changed();
    }
    if (c.gracefulRestart.enabled && c.gracefulRestart.restarting) {
      this.#ready = false;
      this.#readyTimer = this.#clock.setTimeout(() => {
        this.#readyTimer = undefined;
        this.#log.warn(
          {},
          'graceful restart: no set() within the restart time; sending End-of-RIB with no routes',
        );
        this.#markReady();
        for (const p of this.#peers.values()) this.#flush(p);
      }, c.gracefulRestart.restartTime * 1000);
    }
    for (const p of c.peers) {
      const session = new BgpSession(sessionConfigFor(p, c), { clock: this.#clock, logger: this.#log });
      const peer = new PeerState(p, session);
      this.#peers.set(p.name, peer);
      this.#wire(peer);
    }
    if (c.listen !== false) {
      const byAddress = new Map(
        [...this.#peers.values()].map((p) => [IpAddress.parse(p.config.address).toString(), p]),
      );
      this.#listener = new BgpListener(
        { address: c.listen.address, port: c.listen.port },
        (remote) => byAddress.get(remote)?.session,
        { logger: this.#log },
      );
      this.#listenPort = (await this.#listener.listen()).port;
    }
    for (const peer of this.#peers.values()) peer.session.start();
  }

  /** The TCP port the listener is bound to (useful with `listen.port: 0`); undefined when not listening. */
  get listenPort(): number | undefined {
    return this.#listenPort;
  }

  #wire(peer: PeerState): void {
    const s = peer.session;
    s.on('state', (state, previous) => {
      this.#emit({
        type: 'peer-state',
        peer: peer.config.name,
        state: STATE_NAMES[state],
        previous: STATE_NAMES[previous],
      });
    });
    s.on('established', (n) => this.#onEstablished(peer, n));
    s.on('update', (m) => this.#onUpdate(peer, m));
    s.on('route-refresh', () => {
      peer.ribOut?.refresh();
      peer.endOfRibSent = false;
      this.#flush(peer);
    });
    s.on('drain', () => {
      peer.blocked = false;
      this.#flush(peer);
    });
    s.on('down', (info) => this.#onDown(peer, info));
  }

  #onEstablished(peer: PeerState, n: Negotiated): void {
    peer.negotiated = n;
    peer.establishedAt = this.#clock.now();
    peer.endOfRibSent = false;
    peer.endOfRibReceived.clear();
    peer.blocked = false;
    this.#log.info(
      { peer: peer.config.name, families: n.families, holdTime: n.holdTime },
      'session established',
    );
    // RFC 4724 §4.2: stale routes of a family the restarted peer no longer preserves (no capability, family
    // missing, F bit clear) go at once; the others wait for End-of-RIB, at most staleRoutesSeconds.
    peer.clearGrTimer(this.#clock);
    if (peer.staleFamilies.size > 0) {
      for (const f of familiesToSweepOnReturn(peer.staleFamilies, n.peerGracefulRestart))
        this.#sweepStale(peer, f);
      if (peer.staleFamilies.size > 0) {
        peer.grTimer = this.#clock.setTimeout(() => {
          peer.grTimer = undefined;
          for (const f of [...peer.staleFamilies]) this.#sweepStale(peer, f);
        }, this.config.gracefulRestart.staleRoutesSeconds * 1000);
      }
    }
    peer.ribOut = new AdjRibOut({
      families: [...n.families],
      fourOctetAs: n.fourOctetAs,
      maxLength: maxMessageLength({ extendedMessages: n.extendedMessages }),
      ebgp: peer.config.ebgp,
    });
    peer.ribOut.set(exportRoutesFor(peer, this.#advertisements, this.config, this.#log));
    this.#flush(peer);
  }

  #onUpdate(peer: PeerState, msg: UpdateMessage): void {
    const n = peer.negotiated;
    if (!n) return;
    const parsed = routesFromUpdate(msg, { fourOctetAs: n.fourOctetAs });
    const info = peer.info();
    const { announced, withdrawn } = importRoutes(parsed, {
      localAsn: this.config.asn,
      ...(peer.config.import ? { policy: peer.config.import } : {}),
    });
    // The Loc-RIB keeps every peer's candidates, so it is the (post-policy) Adj-RIB-In too: one Map operation per
    // prefix. Real changes are collected only when someone listens.
    const changes: RibInChanges | undefined =
      this.#listeners.size > 0 ? { announced: [], withdrawn: { keys: [], prefixes: [] } } : undefined;
    const best = this.#locRib.applyPeer(info, announced, withdrawn, changes);
    if (parsed.endOfRib) this.#onEndOfRib(peer, parsed.endOfRib);
    if (best > 0) this.#installer?.changed();
    if (changes && (changes.announced.length > 0 || changes.withdrawn.prefixes.length > 0)) {
      const name = peer.config.name;
      this.#emit({
        type: 'routes',
        peer: name,
        announced: changes.announced.flatMap((b) =>
          b.prefixes.map((p) => toReceivedRoute(name, p, b.attrs, false)),
        ),
        withdrawn: changes.withdrawn.prefixes,
      });
    }
  }

  #onEndOfRib(peer: PeerState, family: Family): void {
    peer.endOfRibReceived.add(family);
    if (peer.staleFamilies.has(family)) this.#sweepStale(peer, family);
    if (peer.staleFamilies.size === 0) peer.clearGrTimer(this.#clock);
    this.#maybeReleaseKernel();
  }

  /** A restarting speaker selects routes once every graceful-restart peer has sent End-of-RIB (RFC 4724 §4.1). */
  #maybeReleaseKernel(): void {
    if (!this.#installer?.held) return;
    for (const p of this.#peers.values()) {
      if (!p.config.gracefulRestart) continue;
      const n = p.negotiated;
      if (!n || p.session.state !== 'Established') return;
      if (!n.peerGracefulRestart) continue;
      if (!n.families.every((f) => p.endOfRibReceived.has(f))) return;
    }
    if (this.#restartTimer) this.#clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#installer.release();
  }

  #sweepStale(peer: PeerState, family: Family): void {
    peer.staleFamilies.delete(family);
    const gone = this.#locRib.sweepStale(peer.config.name, family);
    if (gone.keys.length === 0) return;
    this.#log.info(
      { peer: peer.config.name, family, routes: gone.keys.length },
      'graceful restart: stale routes removed',
    );
    this.#installer?.changed();
    this.#emit({ type: 'routes', peer: peer.config.name, announced: [], withdrawn: gone.prefixes });
  }

  #onDown(peer: PeerState, info: SessionDown): void {
    const n = peer.negotiated;
    peer.negotiated = undefined;
    peer.establishedAt = undefined;
    peer.ribOut = undefined;
    peer.blocked = false;
    peer.cancelFlush();
    if (info.notification) {
      const d = info.notification;
      peer.lastError = {
        code: `BGP_NOTIFICATION_${d.direction.toUpperCase()}_${d.code}_${d.subcode}`,
        message: `${d.direction} NOTIFICATION ${d.code}/${d.subcode}${d.message ? ` "${d.message}"` : ''} (${info.reason})`,
      };
    } else peer.lastError = { code: 'BGP_SESSION_LOST', message: info.reason };
    this.#log.warn({ peer: peer.config.name, reason: info.reason, graceful: info.graceful }, 'session down');
    const plan = this.#closed
      ? undefined
      : helperPlanOnDown({ negotiated: n, graceful: info.graceful, enabled: peer.config.gracefulRestart });
    if (plan) {
      for (const f of plan.keep) {
        // Stale routes lose to fresh ones in best-path selection.
        this.#locRib.markStale(peer.config.name, f);
        peer.staleFamilies.add(f);
      }
      for (const f of plan.drop) this.#dropFamily(peer, f);
      peer.clearGrTimer(this.#clock);
      peer.grTimer = this.#clock.setTimeout(() => {
        peer.grTimer = undefined;
        for (const f of [...peer.staleFamilies]) this.#sweepStale(peer, f);
      }, plan.restartTime * 1000);
      this.#log.info(
        { peer: peer.config.name, restartTime: plan.restartTime, families: plan.keep },
        'graceful restart: helper, routes kept as stale',
      );
      if (peer.staleFamilies.size > 0) this.#installer?.changed();
      return;
    }
    peer.clearGrTimer(this.#clock);
    peer.staleFamilies.clear();
    const gone = this.#locRib.removePeer(peer.config.name);
    if (gone.keys.length > 0) {
      this.#installer?.changed();
      this.#emit({ type: 'routes', peer: peer.config.name, announced: [], withdrawn: gone.prefixes });
    }
  }

  #dropFamily(peer: PeerState, family: Family): void {
    this.#locRib.markStale(peer.config.name, family);
    peer.staleFamilies.add(family);
    this.#sweepStale(peer, family);
  }

  #markReady(): void {
    if (this.#readyTimer) this.#clock.clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    this.#ready = true;
  }

  #flush(peer: PeerState): void {
    if (!this.#ready || peer.flushQueued) return;
    const out = peer.ribOut;
    const n = peer.negotiated;
    if (!out || !n || peer.blocked || peer.session.state !== 'Established') return;
    if (out.pending > 0) {
      const batch = out.takeUpdates(SEND_BATCH);
      if (batch.length > 0 && !peer.session.send(batch)) {
        peer.blocked = true; // resumed by 'drain'
        return;
      }
      if (out.pending > 0) {
        peer.flushQueued = setImmediate(() => {
          peer.flushQueued = undefined;
          this.#flush(peer);
        });
        return;
      }
    }
    if (!peer.endOfRibSent) {
      peer.endOfRibSent = true;
      // RFC 4724 §2: End-of-RIB after the initial update, per family.
      const ok = peer.session.send(
        n.families.map((f) => encodeEndOfRib(f === 'ipv4' ? Afi.Ipv4 : Afi.Ipv6, Safi.Unicast)),
      );
      if (!ok) peer.blocked = true;
    }
  }

  *#bestForKernel(): Iterable<{ prefix: Cidr; nextHop: string }> {
    for (const [key, path] of this.#locRib.entries())
      yield { prefix: prefixFromKey(key), nextHop: path.attrs.nextHop };
  }

  #emit(event: PeeringEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (err) {
        this.#log.error({ err }, 'peering event listener threw');
      }
    }
  }

  /**
   * Replaces every advertisement (declarative, like MetalLB's `Session.Set`): peers receive only the difference,
   * packed into as few UPDATEs as the attributes allow.
   * @throws BgpConfigError `ERR_BGP_ADVERTISEMENT` naming the bad field; nothing changes then.
   */
  async set(advertisements: readonly Advertisement[]): Promise<void> {
    if (this.#closed)
      throw new BgpConfigError(BgpConfigErrorCode.Config, 'bgp speaker is closed', { details: {} });
    validateAdvertisements(advertisements, this.config.peers);
    this.#advertisements = [...advertisements];
    this.#markReady();
    for (const peer of this.#peers.values()) {
      if (!peer.ribOut) continue;
      peer.ribOut.set(exportRoutesFor(peer, this.#advertisements, this.config, this.#log));
      this.#flush(peer);
    }
  }

  /** Asks a peer to send its Adj-RIB-Out again (ROUTE-REFRESH, RFC 2918), e.g. after an import policy change. */
  routeRefresh(peerName: string, family?: Family): void {
    const peer = this.#peer(peerName);
    const n = peer.negotiated;
    if (!n) return;
    for (const f of family ? [family] : n.families) peer.session.routeRefresh(f);
  }

  #peer(name: string): PeerState {
    const peer = this.#peers.get(name);
    if (!peer) {
      throw new BgpConfigError(
        BgpConfigErrorCode.UnknownPeer,
        `bgp: no configured peer named ${JSON.stringify(name)}`,
        {
          details: { peer: name },
        },
      );
    }
    return peer;
  }

  status(): readonly PeerStatus[] {
    return [...this.#peers.values()].map((p) => ({
      name: p.config.name,
      address: IpAddress.parse(p.config.address),
      asn: p.config.asn,
      state: STATE_NAMES[p.session.state],
      ...(p.establishedAt === undefined ? {} : { establishedForMs: this.#clock.now() - p.establishedAt }),
      received: this.#locRib.count(p.config.name),
      advertised: p.ribOut?.advertised ?? 0,
      ...(p.lastError ? { lastError: p.lastError } : {}),
    }));
  }

  /** The negotiated capabilities of a peer's session, while Established. */
  negotiated(peerName: string): Negotiated | undefined {
    return this.#peer(peerName).negotiated;
  }

  received(): readonly ReceivedRoute[] {
    const out: ReceivedRoute[] = [];
    for (const p of this.#peers.values()) {
      for (const [key, path] of this.#locRib.routesOf(p.config.name)) {
        out.push(toReceivedRoute(p.config.name, prefixFromKey(key), path.attrs, path.stale === true));
      }
    }
    return out;
  }

  /** Number of routes in a peer's Adj-RIB-In (cheap; `received()` builds objects). */
  receivedCount(peerName?: string): number {
    if (peerName !== undefined) return this.#locRib.count(this.#peer(peerName).config.name);
    let n = 0;
    for (const p of this.#peers.values()) n += this.#locRib.count(p.config.name);
    return n;
  }

  subscribe(listener: (event: PeeringEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Closes every session — with Cease/2 Administrative Shutdown (RFC 4486, RFC 9003 text), or without NOTIFICATION
   * when `graceful` (peers keep our routes, RFC 4724) — stops the listener and timers, and removes the kernel routes
   * unless `graceful`.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#restartTimer) this.#clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    if (this.#readyTimer) this.#clock.clearTimeout(this.#readyTimer);
    this.#readyTimer = undefined;
    await this.#listener?.close();
    await Promise.all(
      [...this.#peers.values()].map(async (p) => {
        p.clearGrTimer(this.#clock);
        p.cancelFlush();
        if (options.graceful) p.session.abort();
        else
          await p.session.stop({
            subcode: CeaseSubcode.AdministrativeShutdown,
            ...(options.message === undefined ? {} : { message: options.message }),
          });
      }),
    );
    if (this.#installer) {
      if (!options.graceful)
        await this.#installer.withdrawAll().catch((err) => this.#log.error({ err }, 'kernel cleanup failed'));
      await this.#installer.close();
    }
    this.#listeners.clear();
  }
}
