import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLock } from './file-lock.js';

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-lock-'));
  path = join(dir, 'x.lock');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileLock', () => {
  it('excludes a second holder until released', async () => {
    const a = await FileLock.open(path);
    const b = await FileLock.open(path);
    await a.acquire();
    expect(a.held).toBe(true);
    await expect(b.acquire({ timeoutMs: 30 })).rejects.toMatchObject({ code: 'ERR_STORE_LOCK_TIMEOUT' });
    a.release();
    await b.acquire({ timeoutMs: 1_000 });
    expect(b.held).toBe(true);
    await expect(b.acquire()).rejects.toMatchObject({ code: 'ERR_STORE_IO' }); // not re-entrant
    await Promise.all([a.close(), b.close()]);
    await expect(a.acquire()).rejects.toMatchObject({ code: 'ERR_STORE_CLOSED' });
  });

  it('lets a waiter in even when the holder re-locks in a tight loop', async () => {
    const hog = await FileLock.open(path);
    const waiter = await FileLock.open(path);
    let stop = false;
    let rounds = 0;
    const loop = (async () => {
      while (!stop) {
        await hog.acquire();
        await sleep(1); // the critical section
        hog.release(); // ...and straight back to acquire: the lock is never free when a poller looks
        rounds++;
      }
    })();
    await sleep(20);
    const t0 = performance.now();
    await waiter.acquire({ timeoutMs: 3_000 });
    const waited = performance.now() - t0;
    waiter.release();
    stop = true;
    await loop;
    expect(rounds).toBeGreaterThan(3);
    expect(waited).toBeLessThan(1_000);
    await Promise.all([hog.close(), waiter.close()]);
  });
});
