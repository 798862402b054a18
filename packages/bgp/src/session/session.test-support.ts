import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import type { Logger } from '@edgeway/core';
import {
  BgpDecoder,
  type BgpMessage,
  type Capability,
  type CodecOptions,
  encodeKeepalive,
  encodeOpen,
} from '../wire/index.js';
import type { SessionConfig } from './types.js';

/** A session configuration for tests (127.0.0.1 ↔ 127.0.0.2, short backoff). */
export function testConfig(overrides: Partial<SessionConfig> = {}): SessionConfig {
  return {
    name: 'peer',
    peerAddress: '127.0.0.1',
    peerAsn: 65002,
    localAsn: 65001,
    routerId: '10.0.0.1',
    holdTime: 90,
    families: ['ipv4', 'ipv6'],
    extendedMessages: false,
    connectRetry: { minMs: 10, maxMs: 50 },
    ...overrides,
  };
}

/** Polls `cond` every few ms until true. */
export async function waitUntil(cond: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  for (let i = 0; !cond(); i++) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    // Spin on the event loop first (loopback I/O completes within a few turns), then back off.
    await new Promise((r) => (i < 200 ? setImmediate(r) : setTimeout(r, 2)));
  }
}

/** An OPEN built by hand for a raw peer. */
export function rawOpen(o: {
  myAs: number;
  bgpId?: string;
  holdTime?: number;
  capabilities?: Capability[];
}): Uint8Array {
  return encodeOpen({
    myAs: o.myAs,
    holdTime: o.holdTime ?? 90,
    bgpId: o.bgpId ?? '10.0.0.2',
    capabilities: o.capabilities ?? [
      { type: 'multiprotocol', afi: 1, safi: 1 },
      { type: 'multiprotocol', afi: 2, safi: 1 },
      { type: 'route-refresh' },
      { type: 'four-octet-as', asn: o.myAs },
    ],
  });
}

/** A hand-driven BGP peer on a raw socket: decodes what the session sends, sends whatever bytes it is told. */
export class RawPeer {
  readonly messages: BgpMessage[] = [];
  readonly raw: Uint8Array[] = [];
  readonly decoder: BgpDecoder;
  closed = false;
  decodeError: unknown;
  #waiters: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    options: CodecOptions = { fourOctetAs: true, extendedMessages: true },
  ) {
    this.decoder = new BgpDecoder(options);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.raw.push(new Uint8Array(chunk));
      try {
        this.messages.push(...this.decoder.push(chunk));
      } catch (e) {
        this.decodeError = e;
      }
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(...messages: Uint8Array[]): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(messages));
  }

  /** Sends a valid OPEN + KEEPALIVE. */
  handshake(open: Uint8Array): void {
    this.send(open, encodeKeepalive());
  }

  async waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`raw peer: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for a message of `type` (counting from `from`), returns it. */
  async next<T extends BgpMessage['type']>(type: T, from = 0): Promise<Extract<BgpMessage, { type: T }>> {
    let found: BgpMessage | undefined;
    await this.waitFor(() => {
      found = this.messages.slice(from).find((m) => m.type === type);
      return found !== undefined;
    }, type);
    return found as Extract<BgpMessage, { type: T }>;
  }

  async whenClosed(timeoutMs = 5000): Promise<void> {
    await this.waitFor(() => this.closed, 'close', timeoutMs);
  }
}

/** A TCP server whose accepted connections become {@link RawPeer}s. */
export class RawServer {
  readonly peers: RawPeer[] = [];
  readonly server: Server;
  port = 0;

  constructor(readonly options?: CodecOptions) {
    this.server = createServer((s) => {
      this.peers.push(new RawPeer(s, options));
    });
  }

  async listen(host = '127.0.0.1'): Promise<number> {
    this.server.listen(0, host);
    await once(this.server, 'listening');
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    return this.port;
  }

  async accepted(n = 1): Promise<RawPeer> {
    await waitUntil(() => this.peers.length >= n, `accepted connection #${n}`);
    return this.peers[n - 1]!;
  }

  async close(): Promise<void> {
    for (const p of this.peers) p.socket.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Connects a raw client to `port` on `host` from `localAddress`. */
export async function rawConnect(
  port: number,
  host = '127.0.0.1',
  localAddress = '127.0.0.2',
  options?: CodecOptions,
): Promise<RawPeer> {
  const s = new Socket();
  const peer = new RawPeer(s, options);
  s.connect({ port, host, localAddress });
  await once(s, 'connect');
  return peer;
}

/** A logger that records every line (for asserting on warnings). */
export function recordingLogger(): Logger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const make = (bindings: object): Logger => ({
    debug: (obj, msg) => lines.push({ level: 'debug', obj: { ...bindings, ...obj }, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj: { ...bindings, ...obj }, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: { ...bindings, ...obj }, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj: { ...bindings, ...obj }, msg }),
    child: (b) => make({ ...bindings, ...b }),
  });
  return Object.assign(make({}), { lines });
}
