import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './write-file-atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ew-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole, with the mode asked for, and leaves no temporary file', async () => {
    const path = join(dir, 'subnet.env');
    await writeFile(path, 'old');
    await writeFileAtomic(path, 'new content\n', { mode: 0o600 });
    expect(await readFile(path, 'utf8')).toBe('new content\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['subnet.env']);
  });

  it('creates the directory when asked, and fails without it otherwise, cleaning up', async () => {
    const path = join(dir, 'run', 'flannel', 'subnet.env');
    await expect(writeFileAtomic(path, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFileAtomic(path, 'x', { createDir: true });
    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('never lets a concurrent reader see a partial file', async () => {
    const path = join(dir, 'store.json');
    const a = 'a'.repeat(256 * 1024);
    const b = 'b'.repeat(256 * 1024);
    await writeFileAtomic(path, a);
    let stop = false;
    const seen = new Set<string>();
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(path, 'utf8');
        seen.add(text === a ? 'a' : text === b ? 'b' : `partial:${text.length}`);
      }
    })();
    for (let i = 0; i < 20; i++) await writeFileAtomic(path, i % 2 ? a : b);
    stop = true;
    await reader;
    expect([...seen].filter((s) => s.startsWith('partial'))).toEqual([]);
  });
});
