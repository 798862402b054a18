import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLock } from './file-lock.js';
import { FileStore, type StoreCodec, tempPrefix } from './file-store.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/** A codec for `{ "n": <number> }`. */
const counter: StoreCodec<{ n: number }> = {
  empty: () => ({ n: 0 }),
  encode: (v) => ({ n: v.n }),
  decode: (json) => {
    const n = (json as { n?: unknown }).n;
    if (typeof n !== 'number') throw new Error('n is not a number');
    if (n < 0) throw new IpamError(IpamErrorCode.StoreMismatch, 'negative means another store');
    return { n };
  },
};

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-store-'));
  file = join(dir, 'sub', 'state.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const increment = (v: { n: number }) => ({ result: v.n + 1, next: { n: v.n + 1 } });

describe('FileStore', () => {
  it('starts empty, writes atomically and reads back', async () => {
    const store = await FileStore.open(file, counter);
    expect(await store.read()).toEqual({ n: 0 });
    expect(await store.update(increment)).toBe(1);
    expect(await store.update(increment)).toBe(2);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 2 });
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual([
      'state.json',
      'state.json.lock',
      'state.json.lock.wait',
    ]);
    expect(store.lockPath).toBe(`${file}.lock`);
    await store.close();
  });

  it('does not write when the callback returns no next value or throws', async () => {
    const store = await FileStore.open(file, counter);
    await store.update(increment);
    const before = await readFile(file, 'utf8');
    expect(await store.update(() => ({ result: 'nothing' }))).toBe('nothing');
    await expect(
      store.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await store.update(increment)).toBe(2); // the lock was released after the throw
    await store.close();
  });

  it.each([
    ['an empty file', ''],
    ['whitespace', '  \n'],
    ['truncated JSON', '{"n": 1'],
    ['a codec violation', '{"n": "one"}'],
    ['a JSON array', '[]'],
  ])('reports %s as ERR_STORE_CORRUPT naming the file, and never overwrites it', async (_, content) => {
    const store = await FileStore.open(file, counter);
    await writeFile(file, content);
    for (const op of [() => store.read(), () => store.update(increment)]) {
      const err = await op().then(
        () => undefined,
        (e: unknown) => e as IpamError,
      );
      expect(err).toBeInstanceOf(IpamError);
      expect(err?.code).toBe('ERR_STORE_CORRUPT');
      expect(err?.details.file).toBe(file);
      expect(err?.message).toContain(file);
      expect(err?.isRetryable).toBe(false);
    }
    expect(await readFile(file, 'utf8')).toBe(content);
    await store.close();
  });

  it('passes ERR_STORE_MISMATCH from the codec unchanged', async () => {
    const store = await FileStore.open(file, counter);
    await writeFile(file, '{"n": -1}');
    await expect(store.read()).rejects.toMatchObject({ code: 'ERR_STORE_MISMATCH' });
    await store.close();
  });

  it('removes temporary files left by a killed writer when opened', async () => {
    const first = await FileStore.open(file, counter);
    await first.update(increment);
    await first.close();
    const leftover = join(dir, 'sub', `${tempPrefix(file)}12345-abcdef`);
    await writeFile(leftover, '{"n": 99}');
    const store = await FileStore.open(file, counter);
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual([
      'state.json',
      'state.json.lock',
      'state.json.lock.wait',
    ]);
    expect(await store.read()).toEqual({ n: 1 });
    await store.close();
  });

  it('serialises concurrent updates in one process and across two handles', async () => {
    const a = await FileStore.open(file, counter);
    const b = await FileStore.open(file, counter);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).update(increment)),
    );
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await a.read()).toEqual({ n: 40 });
    await Promise.all([a.close(), b.close()]);
  });

  it('times out with a retryable error while another holder keeps the lock', async () => {
    const store = await FileStore.open(file, counter, { lockTimeoutMs: 60 });
    const other = await FileLock.open(`${file}.lock`);
    await other.acquire();
    const t0 = performance.now();
    const err = await store.update(increment).then(
      () => undefined,
      (e: unknown) => e as IpamError,
    );
    expect(err?.code).toBe('ERR_STORE_LOCK_TIMEOUT');
    expect(err?.isRetryable).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    other.release();
    expect(await store.update(increment)).toBe(1);
    // Closing a holder's descriptor drops its lock, as a process exit does.
    await other.acquire();
    await other.close();
    expect(await store.update(increment)).toBe(2);
    await store.close();
  });

  it('stops waiting for the lock when aborted', async () => {
    const store = await FileStore.open(file, counter);
    const other = await FileLock.open(`${file}.lock`);
    await other.acquire();
    const controller = new AbortController();
    const pending = store.update(increment, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 20);
    await expect(pending).rejects.toThrow('cancelled');
    await other.close();
    await store.close();
  });

  it('fails with ERR_STORE_CLOSED after close', async () => {
    const store = await FileStore.open(file, counter);
    await store.close();
    await expect(store.update(increment)).rejects.toMatchObject({ code: 'ERR_STORE_CLOSED' });
    await expect(store.read()).rejects.toMatchObject({ code: 'ERR_STORE_CLOSED' });
    await store.close();
  });

  it('reports an unreadable location as ERR_STORE_IO', async () => {
    await writeFile(join(dir, 'plain-file'), '');
    await expect(FileStore.open(join(dir, 'plain-file', 'state.json'), counter)).rejects.toMatchObject({
      code: 'ERR_STORE_IO',
    });
  });
});
