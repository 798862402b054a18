import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { type Clock, type Logger, silentLogger, systemClock, type TimerHandle } from '@edgeway/core';
import {
  createFsmState,
  type FsmAction,
  type FsmEvent,
  type FsmStateName,
  type FsmTimer,
  resolveCollision,
  transition,
} from '../fsm/index.js';
import {
  type BgpMessage,
  CeaseSubcode,
  ErrorCode,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  encodeRouteRefresh,
  isBgpError,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  type NotificationMessage,
  OpenSubcode,
  RouteRefreshSubtype,
  type UpdateMessage,
} from '../wire/index.js';
import { normaliseAddress } from './address.js';
import { Backoff, DEFAULT_BACKOFF } from './backoff.js';
import { Connection, type ConnectionHandlers } from './connection.js';
import { SessionError, SessionErrorCode } from './errors.js';
import {
  afiSafiOf,
  type CapabilityResult,
  checkPeerOpen,
  familyOf,
  localOpen,
  negotiateCapabilities,
  validateSessionConfig,
} from './negotiate.js';
import { rejectConnection } from './reject.js';
import { shutdownData, shutdownText } from './shutdown.js';
import type { Family, Negotiated, SessionConfig, SessionDown, SessionEvents } from './types.js';

/** Optional collaborators of a {@link BgpSession}. */
export interface SessionDeps {
  /** Runs the hold, keepalive, reconnect and close timers (default: the system clock). */
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Jitter source of the reconnect backoff, in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** Options of {@link BgpSession.stop}. */
export interface StopOptions {
  /** Cease subcode (RFC 4486; default 2, Administrative Shutdown). */
  readonly subcode?: number;
  /** Shutdown communication (RFC 8203 / RFC 9003), sent with subcodes 2 and 4; cut to 255 UTF-8 bytes. */
  readonly message?: string;
}

const RANK: Record<FsmStateName, number> = {
  Idle: 0,
  Active: 1,
  Connect: 2,
  OpenSent: 3,
  OpenConfirm: 4,
  Established: 5,
};
/** How long a closing connection may take to flush its last bytes before it is destroyed. */
const CLOSE_BOUND_MS = 2000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const KEEPALIVE = encodeKeepalive();

interface ConnState {
  caps?: CapabilityResult;
  update?: UpdateMessage;
  downReason?: string;
}

/**
 * One BGP session with one configured peer (RFC 4271): owns the TCP connections, drives the pure FSM of each
 * (§8) with events from the socket, the decoder and timers run on the injected clock, negotiates capabilities,
 * resolves connection collisions (§6.8), and reconnects active peers with exponential backoff.
 *
 * Events: `state` (state, previous) · `established` (Negotiated) · `update` (UpdateMessage, RFC 7606 repairs
 * already applied) · `route-refresh` (RouteRefreshMessage) · `drain` · `down` (SessionDown).
 */
export class BgpSession {
  readonly config: SessionConfig;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #events = new EventEmitter();
  readonly #openBytes: Uint8Array;
  readonly #handlers: ConnectionHandlers;
  #conns: Connection[] = [];
  readonly #closing = new Set<Connection>();
  readonly #extra = new WeakMap<Connection, ConnState>();
  readonly #rejects = new Set<() => void>();
  #running = false;
  #aborting = false;
  #state: FsmStateName = 'Idle';
  #established: Connection | undefined;
  #reconnect: TimerHandle | undefined;
  #lastError: Error | undefined;
  #pendingEvents: (() => void)[] = [];

  /** @throws SessionError `ERR_BGP_SESSION_CONFIG` naming the invalid field. */
  constructor(config: SessionConfig, deps: SessionDeps = {}) {
    validateSessionConfig(config);
    this.config = config;
    this.#clock = deps.clock ?? systemClock;
    this.#log = (deps.logger ?? silentLogger).child({ peer: config.name });
    this.#backoff = new Backoff(config.connectRetry ?? DEFAULT_BACKOFF, deps.random);
    this.#openBytes = encodeOpen(localOpen(config));
    this.#events.setMaxListeners(0);
    this.#handlers = {
      messages: (conn, msgs) => this.#onMessages(conn, msgs),
      decodeError: (conn, err) => this.#onDecodeError(conn, err),
      failed: (conn, err) => this.#onFailed(conn, err),
      drain: (conn) => {
        if (conn === this.#established) this.#events.emit('drain');
      },
    };
  }

  /** The session state: the most advanced of its connections' FSM states; Active while waiting, Idle stopped. */
  get state(): FsmStateName {
    return this.#state;
  }

  /** What the OPEN exchange agreed on, while Established. */
  get negotiated(): Negotiated | undefined {
    return this.#established?.fsm.name === 'Established' ? this.#established.negotiated : undefined;
  }

  /** The last error seen (decode error, NOTIFICATION received, socket error, hold timer expiry…). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** True between {@link BgpSession.start} and {@link BgpSession.stop} / {@link BgpSession.abort}. */
  get running(): boolean {
    return this.#running;
  }

  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  once<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): this {
    this.#events.once(event, listener);
    return this;
  }

  off<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  #emit<E extends keyof SessionEvents>(event: E, ...args: Parameters<SessionEvents[E]>): void {
    this.#events.emit(event, ...args);
  }

  /** Starts the session (ManualStart): an active peer connects at once; a passive one waits for the listener. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#backoff.reset();
    if (!this.config.passive) this.#connect();
    this.#flush();
  }

  /**
   * Stops the session (ManualStop): every connection that has sent its OPEN gets NOTIFICATION Cease (subcode 2,
   * Administrative Shutdown, unless told otherwise) with the RFC 8203 shutdown communication; resolves once the
   * NOTIFICATION is flushed and the sockets are closed (bounded).
   */
  async stop(opts: StopOptions = {}): Promise<void> {
    this.#running = false;
    this.#cancelReconnect();
    const subcode = opts.subcode ?? CeaseSubcode.AdministrativeShutdown;
    const data = shutdownData(subcode, opts.message);
    for (const conn of [...this.#conns]) {
      this.#x(conn).downReason = 'stop';
      const event: FsmEvent =
        subcode === CeaseSubcode.AdministrativeShutdown
          ? { type: 'ManualStop' }
          : { type: 'AutomaticStop', subcode };
      this.#feed(conn, event, data);
    }
    for (const r of [...this.#rejects]) r();
    this.#flush();
    await Promise.all([...this.#closing].map((c) => c.whenClosed()));
  }

  /** Destroys every connection at once, without NOTIFICATION (tests; graceful restart of the local speaker). */
  abort(): void {
    this.#running = false;
    this.#cancelReconnect();
    this.#aborting = true;
    try {
      for (const conn of [...this.#conns]) {
        this.#x(conn).downReason = 'abort';
        this.#feed(conn, { type: 'TcpConnectionFails' });
      }
      for (const conn of [...this.#closing]) conn.destroy();
      for (const r of [...this.#rejects]) r();
    } finally {
      this.#aborting = false;
    }
    this.#flush();
  }

  /**
   * Takes a connection the peer initiated (from {@link BgpListener}). Both connections are kept until an OPEN
   * tells the peer's BGP Identifier, then the collision is resolved (RFC 4271 §6.8). When the session is not
   * running the connection is refused with Cease / Connection Rejected (RFC 4486).
   */
  acceptIncoming(socket: Socket): void {
    if (!this.#running) {
      this.#log.info({ remote: socket.remoteAddress }, 'session not running: connection rejected');
      const destroy = rejectConnection(socket, this.#clock, CLOSE_BOUND_MS);
      const tracked = () => {
        this.#rejects.delete(tracked);
        destroy();
      };
      this.#rejects.add(tracked);
      socket.once('close', () => this.#rejects.delete(tracked));
      return;
    }
    this.#cancelReconnect();
    const conn = new Connection(
      'theirs',
      socket,
      createFsmState({ holdTime: this.config.holdTime, passive: true }),
      this.#clock,
      this.#handlers,
    );
    this.#log.debug({ remote: socket.remoteAddress, port: socket.remotePort }, 'incoming connection');
    // An older incoming connection that never got Established is stale: the newer one replaces it.
    for (const old of this.#conns) {
      if (old.side === 'theirs' && old.fsm.name !== 'Established') {
        this.#feed(old, { type: 'OpenCollisionDump' });
      }
    }
    this.#conns.push(conn);
    this.#feed(conn, { type: 'ManualStart' });
    this.#feed(conn, { type: 'TcpConnectionConfirmed' });
    this.#flush();
  }

  /**
   * Sends already encoded messages (UPDATEs from the Adj-RIB-Out, End-of-RIB…), concatenated into few writes.
   * @returns false when the socket buffer is full: wait for `drain`.
   * @throws SessionError `ERR_BGP_SESSION_NOT_ESTABLISHED`.
   */
  send(messages: readonly Uint8Array[]): boolean {
    const conn = this.#requireEstablished();
    return conn.write(messages);
  }

  /**
   * Asks the peer to resend its routes of `family` (ROUTE-REFRESH, RFC 2918).
   * @throws SessionError `ERR_BGP_SESSION_NOT_ESTABLISHED`, or `ERR_BGP_SESSION_NOT_NEGOTIATED` when route refresh
   *   or the family was not negotiated.
   */
  routeRefresh(family: Family): void {
    const conn = this.#requireEstablished();
    const n = conn.negotiated!;
    if (!n.routeRefresh || !n.families.includes(family)) {
      throw new SessionError(
        SessionErrorCode.NotNegotiated,
        `route refresh for ${family} was not negotiated with ${this.config.name}`,
        { details: { family, routeRefresh: n.routeRefresh, families: n.families } },
      );
    }
    conn.write([encodeRouteRefresh({ ...afiSafiOf(family), subtype: RouteRefreshSubtype.Request })]);
  }

  #requireEstablished(): Connection {
    const conn = this.#established;
    if (conn?.fsm.name !== 'Established' || conn.closing) {
      throw new SessionError(
        SessionErrorCode.NotEstablished,
        `session ${this.config.name} is ${this.#state}, not Established`,
        { details: { state: this.#state }, isRetryable: true },
      );
    }
    return conn;
  }

  #x(conn: Connection): ConnState {
    let s = this.#extra.get(conn);
    if (!s) {
      s = {};
      this.#extra.set(conn, s);
    }
    return s;
  }

  // ---- connections -------------------------------------------------------------------------------------------

  #connect(): void {
    const socket = new Socket();
    const conn = new Connection(
      'ours',
      socket,
      createFsmState({ holdTime: this.config.holdTime, passive: false }),
      this.#clock,
      this.#handlers,
    );
    socket.once('connect', () => {
      if (conn.closing) return;
      conn.clearTimer('connect');
      this.#log.debug({ local: socket.localAddress, port: socket.localPort }, 'connected');
      this.#feed(conn, { type: 'Tcp_CR_Acked' });
      this.#flush();
    });
    this.#conns.push(conn);
    this.#feed(conn, { type: 'ManualStart' });
  }

  #cancelReconnect(): void {
    if (this.#reconnect !== undefined) this.#clock.clearTimeout(this.#reconnect);
    this.#reconnect = undefined;
  }

  #scheduleReconnect(): void {
    if (!this.#running || this.config.passive || this.#conns.length > 0 || this.#reconnect !== undefined)
      return;
    const delay = this.#backoff.next();
    this.#log.debug({ delay, attempt: this.#backoff.attempt }, 'reconnect scheduled');
    this.#reconnect = this.#clock.setTimeout(() => {
      this.#reconnect = undefined;
      if (!this.#running || this.#conns.length > 0) return;
      this.#connect();
      this.#flush();
    }, delay);
  }

  #drop(conn: Connection): void {
    this.#conns = this.#conns.filter((c) => c !== conn);
    if (this.#aborting) conn.destroy();
    else conn.close(CLOSE_BOUND_MS);
    if (!conn.closed) {
      this.#closing.add(conn);
      void conn.whenClosed().then(() => this.#closing.delete(conn));
    }
    this.#scheduleReconnect();
  }

  // ---- FSM driver ----------------------------------------------------------------------------------------------

  /** Feeds one event to a connection's FSM and carries out its actions; `data` goes with a NOTIFICATION sent. */
  #feed(conn: Connection, event: FsmEvent, data?: Uint8Array): void {
    const { state, actions } = transition(conn.fsm, event);
    conn.fsm = state;
    for (const action of actions) this.#run(conn, action, event, data);
  }

  #run(conn: Connection, a: FsmAction, event: FsmEvent, data: Uint8Array | undefined): void {
    switch (a.type) {
      case 'connect': {
        const c = this.config;
        conn.startTimer('connect', c.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, () => {
          this.#lastError = new SessionError(
            SessionErrorCode.ConnectTimeout,
            `connect to ${c.peerAddress} timed out`,
            { isRetryable: true },
          );
          this.#feed(conn, { type: 'TcpConnectionFails' });
          this.#flush();
        });
        conn.socket.connect({
          host: c.peerAddress,
          port: c.peerPort ?? 179,
          ...(c.localAddress === undefined ? {} : { localAddress: c.localAddress }),
          ...(c.localPort === undefined ? {} : { localPort: c.localPort }),
        });
        return;
      }
      case 'drop-connection':
        this.#drop(conn);
        return;
      case 'release-resources':
        return;
      case 'send-open':
        conn.write([this.#openBytes]);
        return;
      case 'send-keepalive':
        conn.write([KEEPALIVE]);
        return;
      case 'send-notification':
        this.#sendNotification(conn, a.code, a.subcode, data);
        return;
      case 'start-timer':
        if (a.timer !== 'connect-retry') {
          const timer = a.timer;
          conn.startTimer(timer, a.seconds * 1000, () => this.#onTimer(conn, timer));
        }
        return;
      case 'stop-timer':
        if (a.timer !== 'connect-retry') conn.clearTimer(a.timer);
        return;
      case 'process-update': {
        const msg = this.#x(conn).update;
        if (!msg) return;
        // An UPDATE read together with the KEEPALIVE that completed the session must follow 'established'
        // (queued until #flush), or listeners would see routes of a session they do not know is up.
        if (this.#pendingEvents.length > 0) this.#pendingEvents.push(() => this.#emit('update', msg));
        else this.#emit('update', msg);
        return;
      }
      case 'session-established':
        this.#onEstablished(conn, a.holdTime, a.keepaliveTime);
        return;
      case 'session-down':
        this.#onDown(conn, event);
        return;
    }
  }

  #sendNotification(conn: Connection, code: number, subcode: number, data: Uint8Array | undefined): void {
    const max = (conn.negotiated?.extendedMessages ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH) - 21;
    const body = data && data.length > max ? data.subarray(0, max) : (data ?? new Uint8Array(0));
    const msg: NotificationMessage = { type: 'notification', code, subcode, data: body };
    conn.write([encodeNotification(msg)]);
    const text = shutdownText(code, subcode, body);
    conn.notification = {
      direction: 'sent',
      code,
      subcode,
      ...(text === undefined ? {} : { message: text }),
    };
    this.#log.info({ code, subcode, ...(text === undefined ? {} : { text }) }, 'NOTIFICATION sent');
  }

  #onTimer(conn: Connection, timer: Exclude<FsmTimer, 'connect-retry'>): void {
    if (conn.closing) return;
    if (timer === 'hold') {
      this.#lastError = new SessionError(
        SessionErrorCode.HoldTimerExpired,
        `hold timer expired (${conn.fsm.negotiatedHoldTime || conn.fsm.config.largeHoldTime} s)`,
        { isRetryable: true },
      );
      this.#log.warn({ state: conn.fsm.name }, 'hold timer expired');
      this.#feed(conn, { type: 'HoldTimer_Expires' });
    } else {
      this.#feed(conn, { type: 'KeepaliveTimer_Expires' });
    }
    this.#flush();
  }

  #onEstablished(conn: Connection, holdTime: number, keepaliveTime: number): void {
    const open = conn.peerOpen!;
    const caps = this.#x(conn).caps!;
    const s = conn.socket;
    conn.negotiated = {
      peerAsn: open.myAs,
      peerBgpId: open.bgpId,
      holdTime,
      keepaliveTime,
      ...caps,
      localAddress: normaliseAddress(s.localAddress ?? ''),
      localPort: s.localPort ?? 0,
      remoteAddress: normaliseAddress(s.remoteAddress ?? ''),
      remotePort: s.remotePort ?? 0,
    };
    this.#established = conn;
    this.#backoff.reset();
    // A connect still in progress is no longer needed: the Established connection would win anyway (§6.8).
    for (const other of [...this.#conns]) {
      if (other !== conn && (other.fsm.name === 'Connect' || other.fsm.name === 'Active')) {
        this.#feed(other, { type: 'ManualStop' });
      }
    }
    const negotiated = conn.negotiated;
    if (negotiated.families.length === 0) {
      this.#log.warn({ families: this.config.families }, 'no address family in common with the peer');
    }
    this.#log.info({ negotiated }, 'session established');
    this.#pendingEvents.push(() => this.#emit('established', negotiated));
  }

  #onDown(conn: Connection, event: FsmEvent): void {
    if (this.#established === conn) this.#established = undefined;
    const info: SessionDown = {
      reason: this.#x(conn).downReason ?? event.type,
      ...(conn.notification ? { notification: conn.notification } : {}),
      graceful: conn.notification === undefined,
    };
    this.#log.info({ ...info }, 'session down');
    this.#pendingEvents.push(() => this.#emit('down', info));
  }

  /** Emits the state change and the events collected while actions ran (so `state` comes first). */
  #flush(): void {
    let next: FsmStateName = this.#running ? 'Active' : 'Idle';
    for (const c of this.#conns) if (RANK[c.fsm.name] > RANK[next]) next = c.fsm.name;
    const prev = this.#state;
    if (next !== prev) {
      this.#state = next;
      this.#emit('state', next, prev);
    }
    const events = this.#pendingEvents;
    this.#pendingEvents = [];
    for (const e of events) e();
  }

  // ---- input ---------------------------------------------------------------------------------------------------

  #onMessages(conn: Connection, messages: BgpMessage[]): void {
    for (const m of messages) {
      if (conn.closing) break;
      this.#onMessage(conn, m);
    }
    this.#flush();
  }

  #onMessage(conn: Connection, m: BgpMessage): void {
    switch (m.type) {
      case 'open':
        this.#onOpen(conn, m);
        return;
      case 'keepalive':
        this.#feed(conn, { type: 'KeepAliveMsg' });
        return;
      case 'update': {
        if (m.errors) {
          this.#log.warn(
            { action: m.action, errors: m.errors.map((e) => e.message) },
            'malformed UPDATE handled per RFC 7606',
          );
        }
        const x = this.#x(conn);
        x.update = m;
        this.#feed(conn, { type: 'UpdateMsg' });
        x.update = undefined;
        return;
      }
      case 'notification': {
        const text = m.shutdownCommunication;
        conn.notification = {
          direction: 'received',
          code: m.code,
          subcode: m.subcode,
          ...(text === undefined ? {} : { message: text }),
        };
        this.#lastError = new SessionError(
          SessionErrorCode.NotificationReceived,
          `peer sent NOTIFICATION ${m.code}/${m.subcode}${text ? `: ${text}` : ''}`,
          { details: { code: m.code, subcode: m.subcode }, isRetryable: true },
        );
        this.#log.info({ code: m.code, subcode: m.subcode, text }, 'NOTIFICATION received');
        const versionError =
          m.code === ErrorCode.OpenMessage && m.subcode === OpenSubcode.UnsupportedVersionNumber;
        this.#feed(conn, { type: versionError ? 'NotifMsgVerErr' : 'NotifMsg' });
        return;
      }
      case 'route-refresh': {
        const n = conn.negotiated;
        const family = familyOf(m.afi, m.safi);
        if (conn.fsm.name !== 'Established' || !n?.routeRefresh || !family || !n.families.includes(family)) {
          // RFC 2918 §4: a refresh for a family not advertised is ignored.
          this.#log.debug({ afi: m.afi, safi: m.safi }, 'ROUTE-REFRESH ignored');
          return;
        }
        if (this.#pendingEvents.length > 0) this.#pendingEvents.push(() => this.#emit('route-refresh', m));
        else this.#emit('route-refresh', m);
        return;
      }
    }
  }

  #onOpen(conn: Connection, open: Extract<BgpMessage, { type: 'open' }>): void {
    if (conn.fsm.name !== 'OpenSent') {
      // A second OPEN on one connection: the FSM answers with an FSM Error (RFC 6608).
      this.#feed(conn, {
        type: 'BGPOpen',
        open: { holdTime: open.holdTime, bgpId: open.bgpId, asn: open.myAs },
      });
      return;
    }
    const bad = checkPeerOpen(this.config, open);
    if (bad) {
      this.#lastError = new SessionError(SessionErrorCode.OpenRejected, bad.reason, {
        details: { code: bad.code, subcode: bad.subcode },
      });
      this.#log.warn({ reason: bad.reason }, 'OPEN rejected');
      this.#feed(conn, { type: 'BGPOpenMsgErr', error: { code: bad.code, subcode: bad.subcode } });
      return;
    }
    const caps = negotiateCapabilities(this.config, open);
    conn.peerOpen = open;
    this.#x(conn).caps = caps;
    conn.decoder.setOptions({ fourOctetAs: caps.fourOctetAs, extendedMessages: caps.extendedMessages });
    conn.endFraming();
    this.#feed(conn, {
      type: 'BGPOpen',
      open: { holdTime: open.holdTime, bgpId: open.bgpId, asn: open.myAs },
    });
    if ((conn.fsm.name as FsmStateName) === 'OpenConfirm') this.#resolveCollisions(conn);
  }

  /** RFC 4271 §6.8, on receipt of an OPEN on `x`; RFC 4724 §4.2 when the peer restarted. */
  #resolveCollisions(x: Connection): void {
    const open = x.peerOpen!;
    const restarted = open.capabilities.some((c) => c.type === 'graceful-restart');
    for (const y of [...this.#conns]) {
      if (y === x || y.closing) continue;
      if (y.fsm.name === 'Established' && y.negotiated?.peerGracefulRestart && restarted) {
        // RFC 4724 §4.2: a new connection while the old session is Established means the peer restarted:
        // the old connection is closed as a TCP failure (no NOTIFICATION; its routes become stale).
        this.#log.info({}, 'peer restarted (graceful restart): replacing the Established connection');
        this.#x(y).downReason = 'peer-restarted';
        this.#feed(y, { type: 'TcpConnectionFails' });
        continue;
      }
      if (y.side === x.side) {
        // Two connections the peer initiated: an Established one wins, else the older goes.
        if (y.fsm.name === 'Established') {
          this.#feed(x, { type: 'OpenCollisionDump' });
          return;
        }
        this.#feed(y, { type: 'OpenCollisionDump' });
        continue;
      }
      const ours = x.side === 'ours' ? x : y;
      const theirs = x.side === 'ours' ? y : x;
      const d = resolveCollision({
        localBgpId: this.config.routerId,
        remoteBgpId: open.bgpId,
        localAsn: this.config.localAsn,
        remoteAsn: open.myAs,
        ours: ours.fsm.name,
        theirs: theirs.fsm.name,
      });
      if (!d.collision) continue;
      const loser = d.close === 'ours' ? ours : theirs;
      this.#log.info({ closed: d.close }, 'connection collision resolved (RFC 4271 §6.8)');
      this.#feed(loser, { type: 'OpenCollisionDump' });
      if (loser === x) return;
    }
  }

  #onDecodeError(conn: Connection, err: unknown): void {
    if (conn.closing) return;
    if (!isBgpError(err)) {
      this.#lastError = err instanceof Error ? err : new Error(String(err));
      this.#log.error({ err }, 'unexpected error while decoding: connection dropped');
      this.#feed(conn, { type: 'TcpConnectionFails' });
      this.#flush();
      return;
    }
    this.#lastError = err;
    const error = { code: err.notification.code, subcode: err.notification.subcode };
    this.#log.warn({ code: error.code, subcode: error.subcode, reason: err.message }, 'malformed message');
    const event: FsmEvent =
      error.code === ErrorCode.OpenMessage
        ? { type: 'BGPOpenMsgErr', error }
        : error.code === ErrorCode.UpdateMessage
          ? { type: 'UpdateMsgErr', error }
          : { type: 'BGPHeaderErr', error };
    this.#feed(conn, event, err.notification.data);
    this.#flush();
  }

  #onFailed(conn: Connection, err?: Error): void {
    if (conn.closing) return;
    this.#lastError = new SessionError(
      SessionErrorCode.Socket,
      err ? `connection failed: ${err.message}` : 'connection closed by the peer',
      { ...(err ? { cause: err } : {}), isRetryable: true },
    );
    this.#log.debug({ err: err?.message, state: conn.fsm.name }, 'connection failed');
    this.#feed(conn, { type: 'TcpConnectionFails' });
    this.#flush();
  }
}
