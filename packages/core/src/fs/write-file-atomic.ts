import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Mode of the file (default 0o644; applied explicitly, so the umask does not narrow it). */
  mode?: number;
  /**
   * Name prefix of the temporary file, in the same directory (default `.<name>.tmp-`). A caller that cleans up
   * after writers killed mid-write removes files with this prefix.
   */
  tempPrefix?: string;
  /** Create the directory (mode 0o755) if missing. Default false. */
  createDir?: boolean;
}

/** The default temporary-file prefix of {@link writeFileAtomic} for `path`. */
export function atomicTempPrefix(path: string): string {
  return `.${basename(path)}.tmp-`;
}

/**
 * Replaces `path` with `data` so that a reader sees the old or the new content, never a mix, and the new content
 * survives a crash once this resolves: write a temporary file in the same directory, fsync it, rename it over
 * `path` (rename(2) is atomic within a file system), then fsync the directory so the rename itself is durable.
 * On failure the temporary file is removed and the error (with its errno `code`) is rethrown as is; callers wrap
 * it in their own typed error.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const mode = options.mode ?? 0o644;
  const tmp = join(
    dir,
    `${options.tempPrefix ?? atomicTempPrefix(path)}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  if (options.createDir) await mkdir(dir, { recursive: true, mode: 0o755 });
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
