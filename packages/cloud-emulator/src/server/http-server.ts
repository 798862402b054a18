import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Logger, silentLogger } from '@edgeway/core';
import { apiErrors } from '../api/api-error.js';
import { newRequestId } from '../state/ids.js';
import type { ApiOutcome } from './api-handler.js';
import { headerLists, type RawHttpRequest } from './request-parser.js';
import { errorAnswer, type HttpAnswer } from './responses.js';

/** Options of {@link EmulatorHttpServer}. */
export interface EmulatorHttpServerOptions {
  readonly host: string;
  /** 0 = an ephemeral port. */
  readonly port: number;
  /** Largest body accepted; larger ones are answered 413 (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined;
  readonly logger?: Logger | undefined;
  /** Answers one request (API or metadata); `drop` destroys the connection without an answer. */
  readonly route: (req: RawHttpRequest) => Promise<ApiOutcome> | ApiOutcome;
}

/** Default body limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

type BodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * The emulator's `node:http` server. It owns the sockets (keep-alive ones included, all destroyed on
 * {@link close}) and the real-time timers of injected latency, reads bodies up to a limit, and never lets a request
 * crash it: malformed requests get an answer or a closed connection, and a failing route is answered
 * `InternalError`.
 */
export class EmulatorHttpServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  readonly #options: EmulatorHttpServerOptions;
  readonly #logger: Logger;
  readonly #maxBody: number;
  #closed = false;

  private constructor(options: EmulatorHttpServerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#server = createServer((req, res) => {
      this.#onRequest(req, res).catch((err: unknown) => this.#logger.error({ err }, 'request failed'));
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
    });
    this.#server.on('clientError', (_err: Error, socket: Socket) => {
      if (socket.writable && !socket.destroyed) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        socket.destroy();
      }
    });
  }

  /** Starts listening; resolves once bound. */
  static async listen(options: EmulatorHttpServerOptions): Promise<EmulatorHttpServer> {
    const s = new EmulatorHttpServer(options);
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(options.port, options.host, () => {
        s.#server.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  /** The bound port. */
  get port(): number {
    const a = this.#server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Open connections (for tests). */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Waits `ms` of real time; resolves at once when the server closes. */
  delay(ms: number): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#delays.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.#delays.add(entry);
    });
  }

  /** Stops listening, destroys every connection (keep-alive ones too) and cancels latency timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const d of this.#delays) {
      clearTimeout(d.timer);
      d.resolve();
    }
    this.#delays.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    this.#server.closeAllConnections();
    await closed;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on('error', () => {});
    res.on('error', () => {});
    const read = await this.#readBody(req);
    if (read.kind === 'aborted') return;
    if (read.kind === 'too-large') {
      const err = apiErrors.requestTooLarge(this.#maxBody);
      this.#write(res, errorAnswer(newRequestId(), err, req.headers.host ?? 'emulator'), true);
      return;
    }
    let outcome: ApiOutcome;
    try {
      outcome = await this.#options.route({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: headerLists(req.rawHeaders),
        body: read.body,
      });
    } catch (err) {
      this.#logger.error({ err, url: req.url }, 'route failed');
      outcome = errorAnswer(newRequestId(), apiErrors.internalError(), req.headers.host ?? 'emulator');
    }
    if (outcome === 'drop') {
      req.socket.destroy();
      return;
    }
    this.#write(res, outcome, false);
  }

  #readBody(req: IncomingMessage): Promise<BodyResult> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > this.#maxBody) tooLarge = true;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.#maxBody) tooLarge = true;
        if (!tooLarge) chunks.push(chunk);
        else if (size > this.#maxBody * 16) {
          // A client that keeps streaming far past the limit: answer and hang up rather than drain forever.
          req.pause();
          resolve({ kind: 'too-large' });
        }
      });
      req.on('end', () =>
        resolve(tooLarge ? { kind: 'too-large' } : { kind: 'ok', body: Buffer.concat(chunks) }),
      );
      req.on('aborted', () => resolve({ kind: 'aborted' }));
      req.on('error', () => resolve({ kind: 'aborted' }));
      req.on('close', () => {
        if (!req.complete) resolve({ kind: 'aborted' });
      });
    });
  }

  #write(res: ServerResponse, answer: HttpAnswer, closeAfter: boolean): void {
    if (res.headersSent || res.destroyed || res.socket?.destroyed) return;
    const headers: Record<string, string | number> = {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
    };
    if (closeAfter) headers.connection = 'close';
    res.writeHead(answer.status, headers);
    res.end(answer.body, () => {
      if (closeAfter) res.socket?.destroy();
    });
  }
}
