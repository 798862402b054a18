import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicTempPrefix, writeFileAtomic } from '../fs/write-file-atomic.js';
import { FileLock } from './file-lock.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/** Converts a store's value to and from the JSON kept on disk. */
export interface StoreCodec<T> {
  /** The value of a store whose file does not exist yet. */
  empty(): T;
  /**
   * Validates parsed JSON and builds the value. Throw anything to reject the file: it is reported as
   * `ERR_STORE_CORRUPT` naming the file, with what was thrown as `cause` — except an {@link IpamError}
   * `ERR_STORE_MISMATCH`, which passes unchanged.
   */
  decode(json: unknown, file: string): T;
  /** The JSON form of the value (passed to `JSON.stringify`). */
  encode(value: T): unknown;
}

/** What an {@link FileStore.update} callback returns. */
export interface StoreUpdate<T, R> {
  /** What `update` resolves to. */
  readonly result: R;
  /** The new value to write, or `undefined` to leave the file untouched. */
  readonly next?: T;
}

/** Options of {@link FileStore.open}. */
export interface FileStoreOptions {
  /** How long an update waits for the cross-process lock (default 30 s). */
  readonly lockTimeoutMs?: number;
  /** File mode of the store file (default 0600). */
  readonly mode?: number;
}

/**
 * One JSON document on disk, shared safely by every process of a node (the CNI plugin binary runs once per pod,
 * concurrently with the daemon).
 *
 * - **Lock:** `flock(2)` on `<file>.lock` ({@link FileLock}, with `<file>.lock.wait` to queue waiters fairly);
 *   the kernel releases it when a holder dies, so there are no stale locks after `kill -9`. Within one process,
 *   calls on one store are queued as well.
 * - **Atomic, durable writes:** the new document goes to a temporary file in the same directory, which is
 *   fsync'ed, renamed over the store and followed by an fsync of the directory. A reader sees the old or the new
 *   document, never a mix; a crash at any point leaves one of the two. Leftover temporary files (a writer killed
 *   before its rename) are removed under the lock when a store is opened.
 * - **Write-ahead:** {@link FileStore.update} resolves only after the new document is durable, so what a caller
 *   hands out is on disk first.
 * - **Corruption is loud:** an empty, unparsable or invalid file is `ERR_STORE_CORRUPT` naming the file; it is
 *   never treated as empty (that would hand out addresses twice) and never overwritten.
 */
export class FileStore<T> {
  /** The store file. */
  readonly path: string;
  readonly #codec: StoreCodec<T>;
  readonly #lock: FileLock;
  readonly #timeoutMs: number;
  readonly #mode: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(path: string, codec: StoreCodec<T>, lock: FileLock, options: FileStoreOptions) {
    this.path = path;
    this.#codec = codec;
    this.#lock = lock;
    this.#timeoutMs = options.lockTimeoutMs ?? 30_000;
    this.#mode = options.mode ?? 0o600;
  }

  /**
   * Opens the store at `path` (creating its directory; the file itself appears on the first write) and removes
   * temporary files left by killed writers.
   * @throws IpamError `ERR_STORE_IO`, `ERR_STORE_LOCK_TIMEOUT`.
   */
  static async open<T>(
    path: string,
    codec: StoreCodec<T>,
    options: FileStoreOptions = {},
  ): Promise<FileStore<T>> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (cause) {
      throw ioError(`cannot create the directory of ${path}`, path, cause);
    }
    const lock = await FileLock.open(`${path}.lock`);
    const store = new FileStore(path, codec, lock, options);
    try {
      await store.#locked(undefined, () => store.#removeTemporaries());
    } catch (error) {
      await lock.close();
      throw error;
    }
    return store;
  }

  /** The lock file next to the store. */
  get lockPath(): string {
    return this.#lock.path;
  }

  /**
   * The current value. Takes no lock: writes replace the file atomically, so this reads one whole document.
   * @throws IpamError `ERR_STORE_CORRUPT`, `ERR_STORE_MISMATCH`, `ERR_STORE_IO`, `ERR_STORE_CLOSED`.
   */
  async read(): Promise<T> {
    if (this.#closed) throw closedError(this.path);
    return this.#load();
  }

  /**
   * Read-modify-write under the lock: reads the current value, passes it to `fn`, writes `next` if `fn` returns
   * one, and resolves to `result` once that write is durable. If `fn` throws, nothing is written.
   * @throws IpamError `ERR_STORE_CORRUPT`, `ERR_STORE_MISMATCH`, `ERR_STORE_LOCK_TIMEOUT`, `ERR_STORE_IO`,
   * `ERR_STORE_CLOSED`; whatever `fn` throws.
   */
  update<R>(
    fn: (current: T) => StoreUpdate<T, R> | Promise<StoreUpdate<T, R>>,
    options: { signal?: AbortSignal } = {},
  ): Promise<R> {
    return this.#locked(options.signal, async () => {
      const current = await this.#load();
      const { result, next } = await fn(current);
      if (next !== undefined) await this.#write(next);
      return result;
    });
  }

  /** Waits for queued calls, then closes the lock file. Further calls fail with `ERR_STORE_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    await this.#lock.close();
  }

  /** Runs `fn` holding both the in-process queue and the cross-process lock. */
  #locked<R>(signal: AbortSignal | undefined, fn: () => Promise<R>): Promise<R> {
    if (this.#closed) return Promise.reject(closedError(this.path));
    const run = async (): Promise<R> => {
      if (this.#lock.held) throw ioError(`internal: ${this.lockPath} held twice`, this.path);
      await this.#lock.acquire({ timeoutMs: this.#timeoutMs, ...(signal ? { signal } : {}) });
      try {
        return await fn();
      } finally {
        this.#lock.release();
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #load(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return this.#codec.empty();
      throw ioError(`cannot read ${this.path}`, this.path, cause);
    }
    let json: unknown;
    try {
      if (text.trim().length === 0) throw new Error('the file is empty');
      json = JSON.parse(text);
    } catch (cause) {
      throw corrupt(this.path, cause instanceof Error ? cause.message : String(cause), cause);
    }
    try {
      return this.#codec.decode(json, this.path);
    } catch (cause) {
      if (cause instanceof IpamError && cause.code === IpamErrorCode.StoreMismatch) throw cause;
      throw corrupt(this.path, cause instanceof Error ? cause.message : String(cause), cause);
    }
  }

  async #write(value: T): Promise<void> {
    const data = `${JSON.stringify(this.#codec.encode(value), null, 1)}\n`;
    try {
      await writeFileAtomic(this.path, data, { mode: this.#mode, tempPrefix: tempPrefix(this.path) });
    } catch (cause) {
      throw ioError(`cannot write ${this.path}`, this.path, cause);
    }
  }

  /** Under the lock: any temporary file belongs to a writer that died before its rename. */
  async #removeTemporaries(): Promise<void> {
    const prefix = tempPrefix(this.path);
    let names: string[];
    try {
      names = await readdir(dirname(this.path));
    } catch (cause) {
      throw ioError(`cannot list the directory of ${this.path}`, this.path, cause);
    }
    for (const name of names) {
      if (name.startsWith(prefix)) await unlink(join(dirname(this.path), name)).catch(() => undefined);
    }
  }
}

/** Name prefix of a store's temporary files: hidden, in the same directory (so `rename` is atomic). */
export const tempPrefix = atomicTempPrefix;

function corrupt(file: string, reason: string, cause: unknown): IpamError {
  return new IpamError(
    IpamErrorCode.StoreCorrupt,
    `the store ${file} is corrupt: ${reason}`,
    { file },
    { cause },
  );
}

function ioError(message: string, file: string, cause?: unknown): IpamError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new IpamError(
    IpamErrorCode.StoreIo,
    code === undefined ? message : `${message}: ${code}`,
    { file, ...(code === undefined ? {} : { errno: code }) },
    { cause, isRetryable: code === 'EAGAIN' || code === 'EBUSY' || code === 'EINTR' },
  );
}

function closedError(file: string): IpamError {
  return new IpamError(IpamErrorCode.StoreClosed, `the store ${file} is closed`, { file });
}
