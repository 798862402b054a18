import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { IpamError, IpamErrorCode } from './ipam-error.js';

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EINTR = 4;
const EWOULDBLOCK = 11;

interface Libc {
  flock(fd: number, operation: number): number;
  errno(): number;
}

let libc: Promise<Libc> | undefined;

/** Binds `flock(2)` from the C library through koffi, once per process. */
function loadLibc(): Promise<Libc> {
  libc ??= (async () => {
    const koffi = (await import('koffi')).default;
    let lib: ReturnType<typeof koffi.load>;
    try {
      lib = koffi.load('libc.so.6');
    } catch {
      lib = koffi.load(null); // musl, or a libc under another name: the process's own symbols
    }
    const flock = lib.func('int flock(int fd, int operation)') as (fd: number, op: number) => number;
    return { flock, errno: () => koffi.errno() };
  })();
  return libc;
}

/** Options of {@link FileLock.acquire}. */
export interface LockOptions {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Give up when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * An exclusive lock between processes on one host: `flock(2)` on a lock file, the scheme CNI host-local uses
 * (`backend/disk/lock.go`, through go-filemutex). The kernel drops the lock when the holder's file descriptor
 * closes, so a holder killed with SIGKILL never leaves a stale lock behind, no pid is trusted and no lock file is
 * ever deleted (deleting a flock'ed file lets two processes lock two different inodes). `flock` locks belong to
 * the open file description, so two `FileLock`s on one path in one process exclude each other too.
 *
 * The lock is polled with `LOCK_NB` (so the event loop never blocks, and a timeout or an abort is possible; a
 * blocking `flock` would pin a libuv thread-pool thread and could starve the holder's own file I/O). Polling
 * alone starves newcomers when one process re-locks in a tight loop, so waiting is made visible: a waiter holds a
 * shared `flock` on `<path>.wait` while it polls, and an acquirer that finds that file share-locked does not take
 * the lock straight away but queues behind the waiters (sleeps before its first try). Waiters that have waited
 * longer poll faster. Dead waiters drop their shared lock with their descriptors, like holders.
 *
 * One `FileLock` is not re-entrant; callers serialise their own use of it.
 */
export class FileLock {
  /** The lock file. */
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #wait: FileHandle;
  readonly #libc: Libc;
  #held = false;
  #closed = false;

  private constructor(path: string, handle: FileHandle, wait: FileHandle, lib: Libc) {
    this.path = path;
    this.#handle = handle;
    this.#wait = wait;
    this.#libc = lib;
  }

  /**
   * Opens (creating, mode 0600) the lock file and its `.wait` companion.
   * @throws IpamError `ERR_STORE_IO` if they cannot be opened or `flock` cannot be bound.
   */
  static async open(path: string): Promise<FileLock> {
    let lib: Libc;
    try {
      lib = await loadLibc();
    } catch (cause) {
      throw new IpamError(
        IpamErrorCode.StoreIo,
        `cannot bind flock(2) for ${path}`,
        { file: path },
        { cause },
      );
    }
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
      const wait = await open(`${path}.wait`, constants.O_RDWR | constants.O_CREAT, 0o600);
      return new FileLock(path, handle, wait, lib);
    } catch (cause) {
      await handle?.close();
      throw new IpamError(IpamErrorCode.StoreIo, `cannot open lock file ${path}`, { file: path }, { cause });
    }
  }

  /** Whether this object holds the lock. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Takes the lock, waiting up to `timeoutMs`.
   * @throws IpamError `ERR_STORE_LOCK_TIMEOUT` (retryable), `ERR_STORE_IO`, `ERR_STORE_CLOSED`; the signal's
   * reason when aborted.
   */
  async acquire(options: LockOptions = {}): Promise<void> {
    if (this.#closed) throw closed(this.path);
    if (this.#held)
      throw new IpamError(IpamErrorCode.StoreIo, `${this.path} is already locked by this holder`);
    options.signal?.throwIfAborted();
    if (!this.#othersWaiting() && this.#try(this.#handle.fd, LOCK_EX)) {
      this.#held = true;
      return;
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    const started = performance.now();
    let waiting = false;
    try {
      for (;;) {
        if (!waiting) waiting = this.#try(this.#wait.fd, LOCK_SH);
        const waited = performance.now() - started;
        const left = timeoutMs - waited;
        if (left <= 0) {
          throw new IpamError(
            IpamErrorCode.StoreLockTimeout,
            `timed out after ${timeoutMs} ms waiting for the lock ${this.path}`,
            { file: this.path, timeoutMs },
            { isRetryable: true },
          );
        }
        // Queue behind earlier waiters: sleep first; poll faster the longer we have waited.
        const cap = waited < 100 ? 4 : 1;
        try {
          await sleep(
            Math.min(left, 0.25 + Math.random() * cap),
            undefined,
            options.signal ? { signal: options.signal } : undefined,
          );
        } catch (error) {
          options.signal?.throwIfAborted(); // the signal's own reason, not a generic AbortError
          throw error;
        }
        if (this.#closed) throw closed(this.path);
        if (this.#try(this.#handle.fd, LOCK_EX)) {
          this.#held = true;
          return;
        }
      }
    } finally {
      if (waiting && !this.#closed) this.#libc.flock(this.#wait.fd, LOCK_UN);
    }
  }

  /** Drops the lock (no-op if not held). */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#libc.flock(this.#handle.fd, LOCK_UN) !== 0) {
      // Closing the descriptor drops the lock whatever happened.
      void this.close();
      throw new IpamError(IpamErrorCode.StoreIo, `flock(LOCK_UN) failed on ${this.path}`, {
        file: this.path,
        errno: this.#libc.errno(),
      });
    }
  }

  /** Closes the lock files, which drops the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = false;
    await Promise.all([this.#handle.close(), this.#wait.close()]);
  }

  /** Whether another process is queued for the lock (holds a shared lock on the `.wait` file). */
  #othersWaiting(): boolean {
    if (!this.#try(this.#wait.fd, LOCK_EX)) return true;
    this.#libc.flock(this.#wait.fd, LOCK_UN);
    return false;
  }

  /** One non-blocking `flock`; false if it would block. */
  #try(fd: number, operation: number): boolean {
    for (;;) {
      if (this.#libc.flock(fd, operation | LOCK_NB) === 0) return true;
      const errno = this.#libc.errno();
      if (errno === EWOULDBLOCK) return false;
      if (errno !== EINTR) {
        throw new IpamError(IpamErrorCode.StoreIo, `flock failed on ${this.path} (errno ${errno})`, {
          file: this.path,
          errno,
        });
      }
    }
  }
}

function closed(path: string): IpamError {
  return new IpamError(IpamErrorCode.StoreClosed, `the store ${path} is closed`, { file: path });
}
