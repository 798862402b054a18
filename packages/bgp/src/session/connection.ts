import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '@edgeway/core';
import type { ConnectionSide, FsmState, FsmTimer } from '../fsm/index.js';
import {
  BgpDecoder,
  type BgpMessage,
  HEADER_LENGTH,
  MAX_MESSAGE_LENGTH,
  type OpenMessage,
} from '../wire/index.js';
import type { DownNotification, Negotiated } from './types.js';

const EMPTY = new Uint8Array(0);
/** Largest single socket write when concatenating messages. */
const WRITE_CHUNK = 64 * 1024;

/** Callbacks from a {@link Connection} to its session. */
export interface ConnectionHandlers {
  messages(conn: Connection, messages: BgpMessage[]): void;
  decodeError(conn: Connection, error: unknown): void;
  failed(conn: Connection, error?: Error): void;
  drain(conn: Connection): void;
}

/**
 * One TCP connection to the peer with its own decoder, FSM state and timers (RFC 4271 §8: one FSM per
 * connection; two may exist during a collision, §6.8). The session drives the FSM; this class owns the bytes.
 */
export class Connection {
  readonly decoder = new BgpDecoder();
  /** Timers by name: the FSM's hold/keepalive, and `connect` (connect timeout). */
  readonly timers = new Map<FsmTimer | 'connect' | 'close', TimerHandle>();
  fsm: FsmState;
  /** The peer's OPEN, once received and accepted. */
  peerOpen: OpenMessage | undefined;
  negotiated: Negotiated | undefined;
  /** The NOTIFICATION sent or received on this connection, if any. */
  notification: DownNotification | undefined;
  /** Set when the connection is going away: no more input is processed. */
  closing = false;
  /** Set once the socket is fully closed. */
  closed = false;
  /**
   * Until the peer's OPEN is processed, input is fed to the decoder one message at a time, so that what follows
   * the OPEN is decoded with the negotiated options (4-octet AS, extended messages).
   */
  #framing = true;
  #pre: Uint8Array = EMPTY;
  #closeWaiters: (() => void)[] = [];

  constructor(
    readonly side: ConnectionSide,
    readonly socket: Socket,
    fsm: FsmState,
    readonly clock: Clock,
    readonly handlers: ConnectionHandlers,
  ) {
    this.fsm = fsm;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => handlers.drain(this));
    socket.on('error', (err) => {
      if (!this.closing) handlers.failed(this, err);
    });
    socket.on('end', () => {
      if (!this.closing) handlers.failed(this);
    });
    socket.on('close', () => {
      this.closed = true;
      this.clearTimer('close');
      if (!this.closing) handlers.failed(this);
      for (const w of this.#closeWaiters.splice(0)) w();
    });
  }

  /** Input is no longer framed one message at a time (the OPEN has been processed). */
  endFraming(): void {
    // Always called while a framed message is processed: #onData pushes the rest of its chunk afterwards.
    this.#framing = false;
  }

  #onData(chunk: Uint8Array): void {
    if (this.closing) return;
    if (!this.#framing) {
      this.#push(chunk);
      return;
    }
    let pre = this.#pre.length === 0 ? chunk : concat(this.#pre, chunk);
    this.#pre = EMPTY;
    while (this.#framing && !this.closing && pre.length >= HEADER_LENGTH) {
      const len = (pre[16]! << 8) | pre[17]!;
      if (len < HEADER_LENGTH || len > MAX_MESSAGE_LENGTH) break; // the decoder reports it
      if (pre.length < len) {
        this.#pre = pre;
        return;
      }
      const one = pre.subarray(0, len);
      pre = pre.subarray(len);
      this.#push(one);
    }
    this.#pre = EMPTY;
    if (pre.length > 0 && !this.closing) {
      if (this.#framing && pre.length < HEADER_LENGTH) this.#pre = pre.slice();
      else this.#push(pre);
    }
  }

  #push(bytes: Uint8Array): void {
    if (this.closing) return;
    let messages: BgpMessage[];
    try {
      messages = this.decoder.push(bytes);
    } catch (e) {
      this.handlers.decodeError(this, e);
      return;
    }
    if (messages.length > 0) this.handlers.messages(this, messages);
    if (!this.closing && this.decoder.error) this.handlers.decodeError(this, this.decoder.error);
  }

  /** Writes messages, concatenated into few writes. Returns false when the socket buffer is full. */
  write(messages: readonly Uint8Array[]): boolean {
    if (this.closing || this.socket.destroyed || !this.socket.writable) return false;
    let ok = true;
    let batch: Uint8Array[] = [];
    let size = 0;
    const flush = () => {
      if (batch.length === 0) return;
      ok = this.socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch, size));
      batch = [];
      size = 0;
    };
    for (const m of messages) {
      if (size + m.length > WRITE_CHUNK) flush();
      batch.push(m);
      size += m.length;
    }
    flush();
    return ok;
  }

  startTimer(name: FsmTimer | 'connect' | 'close', ms: number, fn: () => void): void {
    this.clearTimer(name);
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(name);
      fn();
    }, ms);
    this.timers.set(name, handle);
  }

  clearTimer(name: FsmTimer | 'connect' | 'close'): void {
    const h = this.timers.get(name);
    if (h !== undefined) {
      this.clock.clearTimeout(h);
      this.timers.delete(name);
    }
  }

  clearTimers(): void {
    for (const name of [...this.timers.keys()]) this.clearTimer(name);
  }

  /**
   * Closes gracefully: what was written is flushed, then FIN; the socket is destroyed when the peer closes too,
   * or after `boundMs` at the latest (so unread input cannot turn the close into a reset that drops a
   * NOTIFICATION still in flight).
   */
  close(boundMs: number): void {
    if (this.closing) return;
    this.closing = true;
    this.clearTimers();
    if (this.closed) return;
    if (this.socket.connecting || this.socket.destroyed) {
      this.socket.destroy();
      return;
    }
    this.socket.end();
    this.startTimer('close', boundMs, () => this.socket.destroy());
  }

  /** Destroys the socket at once (no flush). */
  destroy(): void {
    this.closing = true;
    this.clearTimers();
    this.socket.destroy();
  }

  /** Resolves once the socket is closed. */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
