import { createServer, type Server, type Socket } from 'node:net';
import { type Clock, type Logger, silentLogger, systemClock } from '@edgeway/core';
import { normaliseAddress } from './address.js';
import { SessionError, SessionErrorCode } from './errors.js';
import { rejectConnection } from './reject.js';
import type { BgpSession } from './session.js';

/** Where a {@link BgpListener} listens. */
export interface ListenerOptions {
  /** Local address (default `::`, every address, IPv4 included on dual-stack hosts). */
  readonly address?: string;
  /** TCP port (default 179; 0 picks a free one, reported by {@link BgpListener.listen}). */
  readonly port?: number;
}

/** Optional collaborators of a {@link BgpListener}. */
export interface ListenerDeps {
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const REJECT_BOUND_MS = 2000;

/**
 * The passive side of BGP transport (RFC 4271 §8: TcpConnection_Valid / Tcp_CR_Invalid): accepts TCP connections
 * and hands each to the session configured for its source address. A connection from any other address gets
 * NOTIFICATION Cease / Connection Rejected (RFC 4486 §4, subcode 5) and is closed.
 */
export class BgpListener {
  readonly #server: Server;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #rejected = new Set<() => void>();

  /** @param resolve finds the session of a remote address (already normalised: IPv4-mapped IPv6 → IPv4). */
  constructor(
    readonly options: ListenerOptions,
    readonly resolve: (remoteAddress: string) => BgpSession | undefined,
    deps: ListenerDeps = {},
  ) {
    this.#clock = deps.clock ?? systemClock;
    this.#log = (deps.logger ?? silentLogger).child({ component: 'bgp-listener' });
    this.#server = createServer((socket) => this.#onConnection(socket));
  }

  #onConnection(socket: Socket): void {
    const remote = normaliseAddress(socket.remoteAddress ?? '');
    let session: BgpSession | undefined;
    try {
      session = this.resolve(remote);
    } catch (err) {
      this.#log.error({ err, remote }, 'session lookup failed');
    }
    if (session) {
      session.acceptIncoming(socket);
      return;
    }
    this.#log.info({ remote, port: socket.remotePort }, 'connection from an unknown peer rejected');
    const destroy = rejectConnection(socket, this.#clock, REJECT_BOUND_MS);
    const tracked = () => {
      this.#rejected.delete(tracked);
      destroy();
    };
    this.#rejected.add(tracked);
    socket.once('close', () => this.#rejected.delete(tracked));
  }

  /**
   * Starts listening.
   * @returns the bound address and port.
   * @throws SessionError `ERR_BGP_LISTEN` (address in use, permission denied…), with the cause.
   */
  listen(): Promise<{ address: string; port: number }> {
    const { address = '::', port = 179 } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        reject(
          new SessionError(SessionErrorCode.Listen, `cannot listen on [${address}]:${port}: ${err.message}`, {
            cause: err,
            details: { address, port },
          }),
        );
      };
      this.#server.once('error', onError);
      this.#server.listen({ host: address, port }, () => {
        this.#server.off('error', onError);
        this.#server.on('error', (err) => this.#log.error({ err }, 'listener error'));
        const a = this.#server.address();
        if (a === null || typeof a === 'string') resolve({ address, port });
        else resolve({ address: a.address, port: a.port });
        this.#log.info({ address, port }, 'listening');
      });
    });
  }

  /** Stops accepting; connections already handed to sessions stay theirs, rejected ones are destroyed. */
  async close(): Promise<void> {
    for (const r of [...this.#rejected]) r();
    if (!this.#server.listening) return;
    // server.close() releases the port at once; its callback would wait for the sessions' sockets.
    this.#server.close();
  }
}
