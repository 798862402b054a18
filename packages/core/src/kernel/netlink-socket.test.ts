import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/clock.js';
import { KernelErrorCode, NetlinkDecodeError, NetlinkError } from './kernel-errors.js';
import {
  encodeMessage,
  MessageBuilder,
  type NetlinkMessage,
  NlmFlags,
  NlmsgType,
  splitMessages,
} from './netlink-message.js';
import { DUMP_RESERVE, RtnetlinkSocket, replyCost } from './netlink-socket.js';
import type { NetlinkTransport } from './netlink-transport.js';

type Verdict = 0 | number | NetlinkMessage[];

/**
 * A kernel stand-in with the semantics of net/netlink/af_netlink.c `netlink_rcv_skb`: the messages of a
 * datagram are handled in order during "sendmsg"; each gets an NLMSG_ERROR if it fails, or an ack (error 0)
 * if it asked with NLM_F_ACK. Replies are delivered one datagram each on a later turn, and the receive
 * buffer is charged the worst-case skb size, to check the socket's window.
 */
class FakeKernel implements NetlinkTransport {
  readonly datagrams: NetlinkMessage[][] = [];
  readonly #queue: Uint8Array[] = [];
  #onMessage: (d: Uint8Array) => void = () => {};
  #onError: (e: Error) => void = () => {};
  charged = 0;
  peakCharged = 0;
  referenced = true;
  closed = false;
  silent = false;
  sendError: (Error & { errno?: number }) | undefined;
  dumps = new Map<number, { pages: NetlinkMessage[][]; error?: number }>();
  /** The next this-many dumps are flagged NLM_F_DUMP_INTR (a change happened while dumping). */
  interruptNext = 0;

  constructor(
    readonly receiveBufferSize = 8 * 1024 * 1024,
    readonly sendBufferSize = 4 * 1024 * 1024,
    readonly verdict: (m: NetlinkMessage) => Verdict = () => 0,
  ) {}

  onMessage(fn: (d: Uint8Array) => void): void {
    this.#onMessage = fn;
  }

  onError(fn: (e: Error) => void): void {
    this.#onError = fn;
  }

  emitError(e: Error): void {
    this.#onError(e);
  }

  /** Delivers raw bytes as a datagram (as if from the kernel). */
  inject(datagram: Uint8Array): void {
    this.#onMessage(Buffer.from(datagram));
  }

  ref(): void {
    this.referenced = true;
  }

  unref(): void {
    this.referenced = false;
  }

  close(): void {
    this.closed = true;
  }

  send(buffers: Uint8Array[], cb: (e?: Error) => void): void {
    const bytes = Buffer.concat(buffers);
    const msgs = splitMessages(new Uint8Array(bytes));
    this.datagrams.push(msgs);
    if (this.sendError) {
      const e = this.sendError;
      setImmediate(() => cb(e));
      return;
    }
    if (!this.silent) {
      for (const m of msgs) {
        this.charge(replyCost(m.payload.length + 16));
        if ((m.flags & NlmFlags.DUMP) === NlmFlags.DUMP) {
          this.#dump(m);
          continue;
        }
        const v = this.verdict(m);
        if (Array.isArray(v)) {
          for (const r of v) this.#reply(encodeMessage(r.type, r.flags, m.seq, r.payload));
          if (m.flags & NlmFlags.ACK) this.#reply(ack(m, 0));
        } else if (v !== 0 || m.flags & NlmFlags.ACK) this.#reply(ack(m, v));
      }
    }
    setImmediate(() => cb());
  }

  #dump(m: NetlinkMessage): void {
    const d = this.dumps.get(m.payload[0] ?? 0) ?? { pages: [] };
    const flags = NlmFlags.MULTI | (this.interruptNext > 0 ? NlmFlags.DUMP_INTR : 0);
    if (this.interruptNext > 0) this.interruptNext--;
    for (const page of d.pages) {
      this.#reply(Buffer.concat(page.map((r) => encodeMessage(r.type, flags, m.seq, r.payload))));
    }
    if (d.error) this.#reply(ack(m, d.error));
    else this.#reply(encodeMessage(NlmsgType.DONE, flags, m.seq, new Uint8Array(4)));
  }

  charge(n: number): void {
    this.charged += n;
    this.peakCharged = Math.max(this.peakCharged, this.charged);
  }

  #reply(datagram: Uint8Array): void {
    this.#queue.push(datagram);
    if (this.#queue.length === 1) setImmediate(() => this.#deliver());
  }

  #deliver(): void {
    while (this.#queue.length > 0 && !this.closed) {
      const d = this.#queue.shift() as Uint8Array;
      this.#onMessage(Buffer.from(d));
    }
    this.charged = 0;
  }
}

function ack(req: NetlinkMessage, error: number): Uint8Array {
  const b = new MessageBuilder(NlmsgType.ERROR, error === 0 ? NlmFlags.CAPPED : 0, req.seq);
  b.s32(error)
    .u32(req.payload.length + 16)
    .u16(req.type)
    .u16(req.flags)
    .u32(req.seq)
    .u32(req.pid);
  if (error !== 0) b.raw(req.payload);
  return b.finish();
}

/** A request: RTM_NEWROUTE-typed with a 4-byte tag payload (the fake kernel does not care). */
function req(tag: number): Uint8Array {
  const p = new Uint8Array(4);
  new DataView(p.buffer).setUint32(0, tag, true);
  return encodeMessage(24, NlmFlags.REQUEST | NlmFlags.ACK, 0, p);
}

function tagOf(m: NetlinkMessage): number {
  return new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0, true);
}

function dumpReq(family: number): Uint8Array {
  return encodeMessage(26, NlmFlags.REQUEST | NlmFlags.DUMP, 0, Uint8Array.of(family, 0, 0, 0));
}

const item = (n: number): NetlinkMessage => ({
  type: 24,
  flags: 0,
  seq: 0,
  pid: 0,
  payload: Uint8Array.of(n, 0, 0, 0),
});

describe('RtnetlinkSocket (fake kernel)', () => {
  it('packs the requests of one turn into one datagram, ACK only on the last', async () => {
    const kernel = new FakeKernel();
    const s = new RtnetlinkSocket(kernel);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => s.request(req(i))));
    expect(results.every((r) => r.length === 0)).toBe(true);
    expect(kernel.datagrams).toHaveLength(1);
    const sent = kernel.datagrams[0]!;
    expect(sent.map(tagOf)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sent.slice(0, -1).every((m) => (m.flags & NlmFlags.ACK) === 0)).toBe(true);
    expect(sent.at(-1)!.flags & NlmFlags.ACK).toBe(NlmFlags.ACK);
    expect(new Set(sent.map((m) => m.seq)).size).toBe(100);
    expect(s.stats).toMatchObject({ datagramsSent: 1, messagesSent: 100, datagramsReceived: 1 });
  });

  it('attributes each kernel error to its own request; the others succeed (implicit acks)', async () => {
    const failing = new Set([3, 7, 99]); // 99 is the last of the datagram
    const kernel = new FakeKernel(undefined, undefined, (m) => (failing.has(tagOf(m)) ? -17 : 0));
    const s = new RtnetlinkSocket(kernel);
    const settled = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => s.request(req(i))));
    settled.forEach((r, i) => {
      if (failing.has(i)) {
        expect(r.status).toBe('rejected');
        const err = (r as PromiseRejectedResult).reason as NetlinkError;
        expect(err).toBeInstanceOf(NetlinkError);
        expect(err).toMatchObject({ code: KernelErrorCode.Netlink, errno: 17, errnoName: 'EEXIST' });
        expect(err.message).toContain('RTM_NEWROUTE');
      } else expect(r.status).toBe('fulfilled');
    });
    expect(s.pending).toBe(0);
  });

  it('gives a request that expects a reply its own ACK and its reply messages', async () => {
    const kernel = new FakeKernel(undefined, undefined, (m) => (tagOf(m) === 5 ? [item(42), item(43)] : 0));
    const s = new RtnetlinkSocket(kernel);
    const [a, b, c] = await Promise.all([
      s.request(req(4)),
      s.request(req(5), { expectReply: true }),
      s.request(req(6)),
    ]);
    expect(a).toEqual([]);
    expect(b.map((m) => m.payload[0])).toEqual([42, 43]);
    expect(c).toEqual([]);
    const sent = kernel.datagrams[0]!;
    expect(sent.map((m) => (m.flags & NlmFlags.ACK) !== 0)).toEqual([false, true, true]);
  });

  it('bounds the requests in flight by the receive buffer, even when every request fails', async () => {
    const rcvbuf = 512 * 1024;
    const kernel = new FakeKernel(rcvbuf, undefined, () => -101);
    const s = new RtnetlinkSocket(kernel);
    expect(s.budget).toBe(rcvbuf - DUMP_RESERVE - 16 * 1024);
    const n = 3000;
    const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => s.request(req(i))));
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
    expect(kernel.peakCharged).toBeLessThanOrEqual(s.budget);
    expect(kernel.datagrams.length).toBeGreaterThan(1);
    expect(s.stats.peakInFlight).toBeLessThanOrEqual(Math.floor(s.budget / replyCost(20)));
  });

  it('honours maxInFlight and maxDatagramBytes', async () => {
    const kernel = new FakeKernel();
    const s = new RtnetlinkSocket(kernel, { maxInFlight: 10, maxDatagramBytes: 20 * 4 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => s.request(req(i))));
    expect(kernel.datagrams.map((d) => d.length)).toContain(4); // 20-byte messages, 4 per datagram
    expect(Math.max(...kernel.datagrams.map((d) => d.length))).toBe(4);
    expect(s.stats.peakInFlight).toBeLessThanOrEqual(10);
    expect(kernel.datagrams.flat().map(tagOf)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('collects a multipart dump to NLMSG_DONE through decode, alone in its datagram', async () => {
    const kernel = new FakeKernel();
    kernel.dumps.set(2, { pages: [[item(1), item(2)], [item(3)], [item(4), item(5)]] });
    const s = new RtnetlinkSocket(kernel);
    const [rows] = await Promise.all([
      s.dump(dumpReq(2), { decode: (m) => (m.payload[0]! % 2 ? m.payload[0] : undefined) }),
      s.request(req(1)),
    ]);
    expect(rows).toEqual([1, 3, 5]);
    expect(kernel.datagrams.map((d) => d.length)).toEqual([1, 1]);
  });

  it('runs dumps one at a time', async () => {
    const kernel = new FakeKernel();
    kernel.dumps.set(2, { pages: [[item(1)]] });
    kernel.dumps.set(10, { pages: [[item(2)]] });
    const s = new RtnetlinkSocket(kernel);
    const order: number[] = [];
    const a = s.dump(dumpReq(2)).then((r) => order.push(r.length));
    const b = s.dump(dumpReq(10)).then((r) => order.push(r.length + 10));
    await Promise.all([a, b]);
    expect(order).toEqual([1, 11]);
    expect(kernel.datagrams).toHaveLength(2);
  });

  it('restarts a dump flagged NLM_F_DUMP_INTR, then gives up', async () => {
    const kernel = new FakeKernel();
    kernel.dumps.set(2, { pages: [[item(1)], [item(2)]] });
    const s = new RtnetlinkSocket(kernel);
    kernel.interruptNext = 2;
    await expect(s.dump(dumpReq(2))).resolves.toHaveLength(2); // third attempt, no duplicates
    expect(kernel.datagrams).toHaveLength(3);
    kernel.interruptNext = 100;
    await expect(s.dump(dumpReq(2))).rejects.toMatchObject({
      code: KernelErrorCode.Netlink,
      isRetryable: true,
    });
    expect(kernel.datagrams).toHaveLength(3 + 6); // first try + 5 restarts
  });

  it('rejects a dump the kernel refuses, and an aborted one without blocking the next', async () => {
    const kernel = new FakeKernel();
    kernel.dumps.set(7, { pages: [], error: -95 });
    kernel.dumps.set(2, { pages: [[item(1)]] });
    const s = new RtnetlinkSocket(kernel);
    await expect(s.dump(dumpReq(7))).rejects.toMatchObject({ errno: 95, errnoName: 'EOPNOTSUPP' });
    const ac = new AbortController();
    const aborted = s.dump(dumpReq(2), { signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toMatchObject({ code: KernelErrorCode.Aborted });
    await expect(s.dump(dumpReq(2))).resolves.toHaveLength(1);
    const pre = new AbortController();
    pre.abort();
    await expect(s.dump(dumpReq(2), { signal: pre.signal })).rejects.toMatchObject({
      code: KernelErrorCode.Aborted,
    });
  });

  it('fails a batch whose sendmsg fails', async () => {
    const kernel = new FakeKernel();
    kernel.sendError = Object.assign(new Error('sendmsg: EMSGSIZE'), { errno: 90 });
    const s = new RtnetlinkSocket(kernel);
    const settled = await Promise.allSettled([s.request(req(1)), s.request(req(2))]);
    for (const r of settled) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: KernelErrorCode.Send, errno: 90 });
    }
    kernel.sendError = undefined;
    await expect(s.request(req(3))).resolves.toEqual([]);
  });

  it('fails in-flight requests on ENOBUFS as retryable overruns', async () => {
    const kernel = new FakeKernel();
    kernel.silent = true;
    const s = new RtnetlinkSocket(kernel);
    const p = s.request(req(1));
    await new Promise((r) => setImmediate(r));
    kernel.emitError(Object.assign(new Error('recvmsg ENOBUFS'), { errno: 105 }));
    await expect(p).rejects.toMatchObject({ code: KernelErrorCode.Overrun, isRetryable: true });
  });

  it('never throws into the transport on a malformed datagram; pending requests fail typed', async () => {
    const kernel = new FakeKernel();
    kernel.silent = true;
    const s = new RtnetlinkSocket(kernel);
    const p = s.request(req(1));
    await new Promise((r) => setImmediate(r));
    expect(() =>
      kernel.inject(Uint8Array.of(0x40, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff)),
    ).not.toThrow();
    await expect(p).rejects.toBeInstanceOf(NetlinkDecodeError);
    expect(() => kernel.inject(Uint8Array.of(1, 2, 3))).not.toThrow(); // nothing pending: ignored safely
  });

  it('times out through the injected clock, after letting queued replies in', async () => {
    const clock = new FakeClock();
    const kernel = new FakeKernel();
    kernel.silent = true;
    const s = new RtnetlinkSocket(kernel, { clock, timeoutMs: 1000 });
    const p = s.request(req(1));
    await new Promise((r) => setImmediate(r));
    clock.advance(999);
    clock.advance(1);
    await expect(p).rejects.toMatchObject({ code: KernelErrorCode.Timeout, isRetryable: true });
    expect(s.pending).toBe(0);
  });

  it('close() rejects queued and in-flight requests; later calls fail', async () => {
    const kernel = new FakeKernel();
    kernel.silent = true;
    const s = new RtnetlinkSocket(kernel);
    const inflight = s.request(req(1));
    await new Promise((r) => setImmediate(r));
    const queued = s.request(req(2));
    const dump = s.dump(dumpReq(2));
    s.close();
    for (const p of [inflight, queued, dump])
      await expect(p).rejects.toMatchObject({ code: KernelErrorCode.Closed });
    await expect(s.request(req(3))).rejects.toMatchObject({ code: KernelErrorCode.Closed });
    expect(kernel.closed).toBe(true);
    s.close(); // idempotent
  });

  it('keeps the event loop alive only while busy', async () => {
    const kernel = new FakeKernel();
    const s = new RtnetlinkSocket(kernel);
    expect(kernel.referenced).toBe(false);
    const p = s.request(req(1));
    expect(kernel.referenced).toBe(true);
    await p;
    await new Promise((r) => setImmediate(r));
    expect(kernel.referenced).toBe(false);
  });
});
