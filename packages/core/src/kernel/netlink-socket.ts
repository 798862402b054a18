/**
 * The I/O edge of the kernel layer: one `NETLINK_ROUTE` socket (netlink(7), rtnetlink(7)) that pipelines
 * requests.
 *
 * - **Batching.** Requests made in the same event-loop turn are packed into one datagram (one `sendmsg(2)`).
 *   The kernel handles the messages of a datagram in order, synchronously inside `sendmsg`
 *   (net/netlink/af_netlink.c `netlink_rcv_skb`).
 * - **Implicit acks.** `NLM_F_ACK` is set only on the last message of a datagram (and on requests that expect
 *   a reply). A failing request always gets its own `NLMSG_ERROR`, ACK flag or not (`netlink_rcv_skb` acks
 *   when `NLM_F_ACK || err`), and it is queued before the final ack; so when the final ack arrives, every
 *   earlier message of the datagram that got no error has succeeded. This saves one receive per request.
 * - **Bounded window.** Each in-flight request reserves the receive-buffer space its worst-case reply (an
 *   error echoing the request) would take, so the socket's buffer cannot overflow: an overflow (`ENOBUFS`)
 *   loses replies — and netlink@0.3 aborts the process on it (POLLERR path of its native poll handler).
 * - **Dumps** (`NLM_F_DUMP`) run one at a time, in a datagram of their own, collected until `NLMSG_DONE`;
 *   an interrupted dump (`NLM_F_DUMP_INTR`) is restarted.
 * @module
 */
import { type Clock, systemClock, type TimerHandle } from '../clock/clock.js';
import { describe, Errno, KernelErrorCode, NetlinkError } from './kernel-errors.js';
import {
  decodeAck,
  messageFlags,
  messageType,
  type NetlinkMessage,
  NlmFlags,
  NlmsgType,
  readS32,
  setSequence,
  splitMessages,
} from './netlink-message.js';
import { type NetlinkTransport, openRawTransport } from './netlink-transport.js';
import { type NetnsTarget, netnsLabel } from './netns.js';
import { messageTypeName } from './rtnetlink-constants.js';

/** Options of {@link RtnetlinkSocket}. */
export interface RtnetlinkSocketOptions {
  /** Network namespace to bind the socket to (default: the current one). */
  netns?: NetnsTarget;
  /** Requested `SO_RCVBUF` (default 8 MiB; the kernel caps it at `net.core.rmem_max` and doubles it). */
  receiveBufferSize?: number;
  /** Requested `SO_SNDBUF` (default 4 MiB; a datagram must fit in it). */
  sendBufferSize?: number;
  /** Largest datagram assembled from queued requests (default 128 KiB, at most `SO_SNDBUF` - 32). */
  maxDatagramBytes?: number;
  /** Cap on requests in flight, whatever the buffer allows (default 4096). */
  maxInFlight?: number;
  /** A request with no answer in this time fails with `ERR_NETLINK_TIMEOUT` (default 60 s). */
  timeoutMs?: number;
  /** Timer seam (default: the system clock). */
  clock?: Clock;
}

/** Options of one request. */
export interface RequestOptions {
  /** The request answers with data (e.g. `RTM_GETLINK` for one link): force its own `NLM_F_ACK`. */
  expectReply?: boolean;
}

/** Options of a dump. */
export interface DumpOptions<T> {
  /** Maps each reply message; `undefined` drops it. Default: keep the message. */
  decode?: (message: NetlinkMessage) => T | undefined;
  /** Aborts waiting (the socket still drains the dump). */
  signal?: AbortSignal;
}

/** Counters for tests and benchmarks. */
export interface RtnetlinkSocketStats {
  datagramsSent: number;
  messagesSent: number;
  datagramsReceived: number;
  messagesReceived: number;
  /** Largest number of requests in flight at once. */
  peakInFlight: number;
}

/** Worst-case receive-buffer charge (skb truesize) of an error reply echoing a request of `len` bytes. */
export function replyCost(len: number): number {
  // Measured on Linux 6.x: 44-byte request → ~830 bytes, 244 → ~1290, 1044 → ~2340. Bound: 1024 + 2·len,
  // plus room for extended-ack attributes.
  return 1280 + 2 * len;
}

/** Receive-buffer room kept for the skb of a running dump (the kernel fills one at a time, ≤ 32 KiB data). */
export const DUMP_RESERVE = 128 * 1024;
const REPLY_RESERVE = 16 * 1024;

interface Pending {
  seq: number;
  message: Uint8Array;
  cost: number;
  expectReply: boolean;
  replies: NetlinkMessage[];
  resolve(replies: NetlinkMessage[]): void;
  reject(error: Error): void;
  batch?: Batch;
}

interface Batch {
  lastSeq: number;
  members: Pending[];
  /** Members not settled yet. */
  open: number;
  timer?: TimerHandle;
}

interface Dump {
  seq: number;
  message: Uint8Array;
  decode: (message: NetlinkMessage) => unknown;
  results: unknown[];
  interrupted: boolean;
  restarts: number;
  abandoned: boolean;
  resolve(results: unknown[]): void;
  reject(error: Error): void;
  timer?: TimerHandle;
}

const MAX_DUMP_RESTARTS = 5;

/**
 * A pipelining `NETLINK_ROUTE` socket. Create with {@link RtnetlinkSocket.open}; the socket takes ownership
 * of the request buffers it is given (it rewrites their `nlmsg_seq` and `NLM_F_ACK`).
 */
export class RtnetlinkSocket {
  readonly #transport: NetlinkTransport;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #maxDatagram: number;
  readonly #maxInFlight: number;
  readonly #budget: number;
  readonly #netns: string;
  #queue: Pending[] = [];
  #queueHead = 0;
  readonly #inFlight = new Map<number, Pending>();
  #used = 0;
  #seq = 0;
  #flushScheduled = false;
  #dumps: Dump[] = [];
  #dump: Dump | undefined;
  #closed = false;
  #referenced = true;
  readonly stats: RtnetlinkSocketStats = {
    datagramsSent: 0,
    messagesSent: 0,
    datagramsReceived: 0,
    messagesReceived: 0,
    peakInFlight: 0,
  };

  /** Wraps a transport (tests pass a fake kernel; {@link open} passes netlink's `RawNetlinkSocket`). */
  constructor(transport: NetlinkTransport, options: RtnetlinkSocketOptions = {}) {
    this.#transport = transport;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#netns = netnsLabel(options.netns);
    // A message larger than this still goes, alone in its datagram.
    this.#maxDatagram = Math.max(
      16,
      Math.min(options.maxDatagramBytes ?? 128 * 1024, transport.sendBufferSize - 32),
    );
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 4096);
    // Replies of requests + one dump skb must fit in SO_RCVBUF (see replyCost, DUMP_RESERVE).
    this.#budget = Math.max(
      replyCost(512) + REPLY_RESERVE,
      transport.receiveBufferSize - DUMP_RESERVE - 16 * 1024,
    );
    transport.onMessage((d) => this.#onDatagram(d));
    transport.onError((e) => {
      try {
        this.#onError(e);
      } catch {
        // never let an exception into the native callback
      }
    });
    this.#updateRef();
  }

  /**
   * Opens a socket in the given namespace (default: current) through netlink's `RawNetlinkSocket`.
   * @throws NetnsError if the namespace cannot be entered; NetlinkError `ERR_NETLINK` if `socket(2)` fails.
   */
  static async open(options: RtnetlinkSocketOptions = {}): Promise<RtnetlinkSocket> {
    return new RtnetlinkSocket(await openRawTransport(options), options);
  }

  /** The namespace the socket is bound to, for messages (`current` or the name). */
  get netns(): string {
    return this.#netns;
  }

  /** Requests queued or in flight. */
  get pending(): number {
    return this.#queue.length - this.#queueHead + this.#inFlight.size;
  }

  /** Receive-buffer bytes the window may reserve for replies. */
  get budget(): number {
    return this.#budget;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one request (a complete netlink message, e.g. from `encodeRouteRequest`) and resolves when the
   * kernel has accepted it — with the reply messages when `expectReply` — or rejects with a
   * {@link NetlinkError} carrying the kernel's errno.
   */
  request(message: Uint8Array, options: RequestOptions = {}): Promise<NetlinkMessage[]> {
    if (this.#closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const expectReply = options.expectReply === true;
      this.#queue.push({
        seq: 0,
        message,
        cost: replyCost(message.length) + (expectReply ? REPLY_RESERVE : 0),
        expectReply,
        replies: [],
        resolve,
        reject,
      });
      this.#schedule();
    });
  }

  /**
   * Runs a dump request (`NLM_F_DUMP`) and resolves with every reply message up to `NLMSG_DONE`, mapped
   * through `decode`. Restarts the dump when the kernel flags it inconsistent (`NLM_F_DUMP_INTR`).
   */
  dump<T = NetlinkMessage>(message: Uint8Array, options: DumpOptions<T> = {}): Promise<T[]> {
    if (this.#closed) return Promise.reject(closedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    return new Promise<T[]>((resolve, reject) => {
      const dump: Dump = {
        seq: 0,
        message,
        decode: options.decode ?? ((m) => m),
        results: [],
        interrupted: false,
        restarts: 0,
        abandoned: false,
        resolve: resolve as (r: unknown[]) => void,
        reject,
      };
      if (signal) {
        const onAbort = () => {
          if (dump.abandoned) return;
          dump.abandoned = true;
          reject(abortedError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const done = () => signal.removeEventListener('abort', onAbort);
        dump.resolve = (r) => {
          done();
          resolve(r as T[]);
        };
        dump.reject = (e) => {
          done();
          reject(e);
        };
      }
      this.#dumps.push(dump);
      this.#schedule();
    });
  }

  /** Closes the socket; pending requests and dumps fail with `ERR_NETLINK_CLOSED`. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(closedError());
    this.#transport.close();
  }

  #schedule(): void {
    this.#updateRef();
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // After the current turn's I/O callbacks: gathers everything callers queued in reaction to acks.
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  #nextSeq(): number {
    this.#seq = this.#seq >= 0xffffffff ? 1 : this.#seq + 1;
    return this.#seq;
  }

  #flush(): void {
    if (this.#closed) return;
    while (this.#queueHead < this.#queue.length) {
      const members: Pending[] = [];
      const buffers: Uint8Array[] = [];
      let bytes = 0;
      while (this.#queueHead < this.#queue.length) {
        const p = this.#queue[this.#queueHead] as Pending;
        const fitsWindow =
          this.#inFlight.size + members.length < this.#maxInFlight && this.#used + p.cost <= this.#budget;
        const nothingOut = this.#inFlight.size === 0 && members.length === 0;
        if (!fitsWindow && !nothingOut) break;
        if (members.length > 0 && bytes + p.message.length > this.#maxDatagram) break;
        this.#queueHead++;
        this.#used += p.cost;
        bytes += p.message.length;
        members.push(p);
        buffers.push(p.message);
      }
      if (members.length === 0) break;
      this.#sendBatch(members, buffers, bytes);
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    if (this.#dump === undefined) this.#startNextDump();
    this.#updateRef();
  }

  #sendBatch(members: Pending[], buffers: Uint8Array[], bytes: number): void {
    const batch: Batch = { lastSeq: 0, members, open: members.length };
    const last = members.length - 1;
    members.forEach((p, i) => {
      p.seq = this.#nextSeq();
      p.batch = batch;
      const flags = messageFlags(p.message) | NlmFlags.REQUEST;
      const ack = i === last || p.expectReply;
      setSequence(p.message, p.seq, ack ? flags | NlmFlags.ACK : flags & ~NlmFlags.ACK);
      this.#inFlight.set(p.seq, p);
    });
    batch.lastSeq = (members[last] as Pending).seq;
    batch.timer = this.#clock.setTimeout(() => this.#onBatchTimeout(batch), this.#timeoutMs);
    this.stats.datagramsSent++;
    this.stats.messagesSent += members.length;
    this.stats.peakInFlight = Math.max(this.stats.peakInFlight, this.#inFlight.size);
    this.#transport.send([concat(buffers, bytes)], (error) => {
      if (!error) return;
      const errno = (error as { errno?: number }).errno;
      const err = new NetlinkError(KernelErrorCode.Send, describe('netlink sendmsg failed', errno), {
        cause: error,
        ...(errno === undefined ? {} : { errno }),
        isRetryable: errno === Errno.ENOBUFS,
      });
      for (const p of members) this.#settle(p, err);
      this.#schedule();
    });
  }

  #startNextDump(): void {
    while (this.#dumps.length > 0) {
      const dump = this.#dumps.shift() as Dump;
      if (dump.abandoned) continue;
      this.#sendDump(dump);
      return;
    }
  }

  #sendDump(dump: Dump): void {
    this.#dump = dump;
    dump.seq = this.#nextSeq();
    dump.results = [];
    dump.interrupted = false;
    setSequence(dump.message, dump.seq, messageFlags(dump.message) | NlmFlags.REQUEST);
    dump.timer = this.#clock.setTimeout(() => this.#onDumpTimeout(dump), this.#timeoutMs);
    this.stats.datagramsSent++;
    this.stats.messagesSent++;
    this.#transport.send([dump.message], (error) => {
      if (!error || this.#dump !== dump) return;
      const errno = (error as { errno?: number }).errno;
      this.#finishDump(
        dump,
        new NetlinkError(KernelErrorCode.Send, describe('netlink sendmsg failed', errno), {
          cause: error,
          ...(errno === undefined ? {} : { errno }),
        }),
      );
    });
  }

  #onDatagram(received: Uint8Array): void {
    // This runs inside netlink@0.3's native callback: an exception escaping it would abort the process.
    try {
      this.#processDatagram(received);
    } catch (err) {
      this.#failAll(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #processDatagram(received: Uint8Array): void {
    this.stats.datagramsReceived++;
    // A plain Uint8Array view of a Node Buffer: its subarrays are cheap builtins, not FastBuffer instances.
    const datagram = new Uint8Array(received.buffer, received.byteOffset, received.byteLength);
    // A malformed datagram (never sent by the kernel) throws: every pending request fails, state unknown.
    const messages = splitMessages(datagram);
    this.stats.messagesReceived += messages.length;
    for (const msg of messages) {
      const dump = this.#dump;
      if (dump !== undefined && msg.seq === dump.seq) this.#onDumpMessage(dump, msg);
      else this.#onReply(msg);
    }
    this.#schedule();
  }

  #onReply(msg: NetlinkMessage): void {
    const p = this.#inFlight.get(msg.seq);
    if (p === undefined) return; // late reply of a timed-out or failed request
    if (msg.type !== NlmsgType.ERROR) {
      if (msg.type !== NlmsgType.DONE && msg.type !== NlmsgType.NOOP) p.replies.push(msg);
      return;
    }
    const ack = decodeAck(msg);
    const batch = p.batch;
    if (ack.error === 0) this.#settle(p);
    else
      this.#settle(
        p,
        NetlinkError.fromErrno(-ack.error, messageTypeName(messageType(p.message)), ack.extackMessage),
      );
    if (batch !== undefined && msg.seq === batch.lastSeq) {
      // Everything before the final ack of the datagram was processed without error (see module doc).
      for (const m of batch.members) if (this.#inFlight.get(m.seq) === m) this.#settle(m);
    }
  }

  #settle(p: Pending, error?: Error): void {
    if (this.#inFlight.get(p.seq) !== p) return;
    this.#inFlight.delete(p.seq);
    this.#used -= p.cost;
    const batch = p.batch;
    if (batch !== undefined && --batch.open === 0 && batch.timer !== undefined) {
      this.#clock.clearTimeout(batch.timer);
      batch.timer = undefined;
    }
    if (error) p.reject(error);
    else p.resolve(p.replies);
  }

  #onDumpMessage(dump: Dump, msg: NetlinkMessage): void {
    if ((msg.flags & NlmFlags.DUMP_INTR) !== 0) dump.interrupted = true;
    if (msg.type === NlmsgType.DONE) {
      const error = msg.payload.length >= 4 ? readS32(msg.payload.subarray(0, 4)) : 0;
      if (error < 0)
        this.#finishDump(dump, NetlinkError.fromErrno(-error, messageTypeName(messageType(dump.message))));
      else if (dump.interrupted && !dump.abandoned && dump.restarts < MAX_DUMP_RESTARTS) {
        dump.restarts++;
        this.#clearDumpTimer(dump);
        this.#sendDump(dump);
      } else if (dump.interrupted && !dump.abandoned) {
        this.#finishDump(
          dump,
          new NetlinkError(
            KernelErrorCode.Netlink,
            `${messageTypeName(messageType(dump.message))} stayed inconsistent (NLM_F_DUMP_INTR) after ${MAX_DUMP_RESTARTS} restarts`,
            { isRetryable: true },
          ),
        );
      } else this.#finishDump(dump);
      return;
    }
    if (msg.type === NlmsgType.ERROR) {
      const ack = decodeAck(msg);
      const err =
        ack.error === 0
          ? undefined
          : NetlinkError.fromErrno(-ack.error, messageTypeName(messageType(dump.message)), ack.extackMessage);
      this.#finishDump(dump, err);
      return;
    }
    if (dump.abandoned || dump.interrupted) return;
    try {
      const v = dump.decode(msg);
      if (v !== undefined) dump.results.push(v);
    } catch (err) {
      // Keep draining to NLMSG_DONE, then report the decode error.
      dump.abandoned = true;
      dump.reject(err as Error);
    }
  }

  #clearDumpTimer(dump: Dump): void {
    if (dump.timer !== undefined) this.#clock.clearTimeout(dump.timer);
    dump.timer = undefined;
  }

  #finishDump(dump: Dump, error?: Error): void {
    this.#clearDumpTimer(dump);
    if (this.#dump === dump) this.#dump = undefined;
    if (!dump.abandoned) {
      dump.abandoned = true;
      if (error) dump.reject(error);
      else dump.resolve(dump.results);
    }
    this.#schedule();
  }

  #onBatchTimeout(batch: Batch): void {
    // Let the poll phase deliver replies that are already queued (e.g. after a long event-loop stall).
    setImmediate(() => {
      const err = new NetlinkError(KernelErrorCode.Timeout, `no netlink reply within ${this.#timeoutMs} ms`, {
        isRetryable: true,
        details: { netns: this.#netns },
      });
      for (const m of batch.members) if (this.#inFlight.get(m.seq) === m) this.#settle(m, err);
    });
  }

  #onDumpTimeout(dump: Dump): void {
    setImmediate(() => {
      if (this.#dump !== dump) return;
      this.#finishDump(
        dump,
        new NetlinkError(
          KernelErrorCode.Timeout,
          `no end of ${messageTypeName(messageType(dump.message))} within ${this.#timeoutMs} ms`,
          {
            isRetryable: true,
            details: { netns: this.#netns },
          },
        ),
      );
    });
  }

  #onError(error: Error): void {
    const errno = (error as { errno?: number }).errno;
    const overrun = errno === Errno.ENOBUFS;
    this.#failAll(
      new NetlinkError(
        overrun ? KernelErrorCode.Overrun : KernelErrorCode.Netlink,
        overrun
          ? 'netlink receive buffer overrun (ENOBUFS): replies were lost, outcome of in-flight requests unknown'
          : describe('netlink socket error', errno),
        { cause: error, ...(errno === undefined ? {} : { errno }), isRetryable: overrun },
      ),
      false,
    );
  }

  #failAll(error: Error, includeQueued = true): void {
    for (const p of [...this.#inFlight.values()]) this.#settle(p, error);
    if (includeQueued) {
      const queued = this.#queue.slice(this.#queueHead);
      this.#queue = [];
      this.#queueHead = 0;
      for (const p of queued) p.reject(error);
      const dumps = this.#dumps;
      this.#dumps = [];
      for (const d of dumps) if (!d.abandoned) d.reject(error);
    }
    const dump = this.#dump;
    if (dump) {
      this.#clearDumpTimer(dump);
      this.#dump = undefined;
      if (!dump.abandoned) {
        dump.abandoned = true;
        dump.reject(error);
      }
    }
    this.#updateRef();
  }

  /** Keeps the event loop alive only while work is pending. */
  #updateRef(): void {
    if (this.#closed) return;
    const busy = this.pending > 0 || this.#dump !== undefined || this.#dumps.length > 0;
    if (busy && !this.#referenced) this.#transport.ref();
    else if (!busy && this.#referenced) this.#transport.unref();
    this.#referenced = busy;
  }
}

/** One buffer for the datagram: a single iovec (sendmsg caps an iovec list at UIO_MAXIOV = 1024). */
function concat(buffers: Uint8Array[], bytes: number): Uint8Array {
  if (buffers.length === 1) return buffers[0] as Uint8Array;
  const out = new Uint8Array(bytes);
  let off = 0;
  for (const b of buffers) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

function closedError(): NetlinkError {
  return new NetlinkError(KernelErrorCode.Closed, 'the netlink socket is closed');
}

function abortedError(signal: AbortSignal): NetlinkError {
  return new NetlinkError(KernelErrorCode.Aborted, 'netlink dump aborted', { cause: signal.reason });
}
