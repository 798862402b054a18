/**
 * Cross-process tests of FileIpam/FileStore: real node processes (tsx) share one store file. Needs no root.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileIpam } from './file-ipam.js';
import { tempPrefix } from './file-store.js';

const WORKER = fileURLToPath(new URL('./__fixtures__/ipam-worker.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a line satisfying `pred` has been printed. */
  waitFor(pred: (line: string) => boolean): Promise<void>;
}

function startWorker(args: Record<string, unknown>): Worker {
  const child = spawn(process.execPath, ['--import', TSX, WORKER, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: () => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.pred(line)) waiters.splice(i, 1)[0]!.resolve();
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      // A line cut by SIGKILL never ended in '\n': the worker did not finish writing it, ignore it.
      if (stderr && code !== 0 && signal === null) lines.push(`STDERR ${stderr}`);
      for (const w of waiters) w.resolve();
      resolve({ code, signal });
    });
  });
  const waitFor = (pred: (line: string) => boolean): Promise<void> =>
    lines.some(pred) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pred, resolve }));
  return { child, lines, exited, waitFor };
}

/** What one worker's output says about each owner. */
interface Reported {
  /** Owner -> address, for allocations reported and not (even partly) released. */
  held: Map<string, string>;
  /** Owners whose release was reported done. */
  released: Set<string>;
  /** Owners whose allocation or release was in flight when the worker died: either state is fine. */
  uncertain: Set<string>;
  /** Every owner the worker started on. */
  known: Set<string>;
  /** Every address reported allocated, with its owner, in order. */
  oks: [string, string][];
}

function parse(lines: readonly string[]): Reported {
  const r: Reported = {
    held: new Map(),
    released: new Set(),
    uncertain: new Set(),
    known: new Set(),
    oks: [],
  };
  for (const line of lines) {
    const [kind, id, address] = line.split(' ');
    if (kind === 'BEGIN') {
      r.known.add(id!);
      r.uncertain.add(id!);
    } else if (kind === 'OK') {
      r.uncertain.delete(id!);
      r.held.set(id!, address!);
      r.oks.push([id!, address!]);
    } else if (kind === 'RBEGIN') {
      r.uncertain.add(id!);
    } else if (kind === 'ROK') {
      r.uncertain.delete(id!);
      r.held.delete(id!);
      r.released.add(id!);
    }
  }
  for (const id of r.uncertain) r.held.delete(id);
  return r;
}

interface StoredAllocation {
  address: string;
  containerId: string;
  ifName: string;
}

/** Reads the store file raw (not through our decoder, which would hide duplicates behind an error). */
async function readRaw(path: string): Promise<StoredAllocation[]> {
  const doc = JSON.parse(await readFile(path, 'utf8')) as { format: string; allocations: StoredAllocation[] };
  expect(doc.format).toBe('edgeway-ipam-pool');
  return doc.allocations;
}

function expectUnique(values: readonly string[], what: string): void {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  const dups = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
  expect(dups, `duplicate ${what}`).toEqual([]);
}

let dir: string;
let store: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-ipam-procs-'));
  store = join(dir, 'pool.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileIpam across processes', () => {
  it('never hands out one address to two processes, nor shows a reader a half-written file', {
    timeout: 120_000,
  }, async () => {
    // Readers list the store without the lock the whole time: atomic renames must never show them a partial file.
    const readers = Array.from({ length: 2 }, () =>
      startWorker({ path: store, block: '10.96.7.0/24', prefix: 'r', count: 0, reader: true }),
    );
    await Promise.all(readers.map((r) => r.waitFor((l) => l === 'READY' || l.startsWith('ERR'))));
    const workers = Array.from({ length: 6 }, (_, w) =>
      startWorker({ path: store, block: '10.96.7.0/24', prefix: `w${w}`, count: 40 }),
    );
    const exits = await Promise.all(workers.map((w) => w.exited));
    for (const r of readers) r.child.kill('SIGKILL');
    await Promise.all(readers.map((r) => r.exited));
    for (const r of readers) {
      expect(r.lines.filter((l) => l.startsWith('ERR'))).toEqual([]);
      expect(r.lines.some((l) => l.startsWith('READS'))).toBe(true);
    }
    for (const [i, e] of exits.entries()) {
      expect(e, `worker ${i}: ${workers[i]!.lines.slice(-3).join(' | ')}`).toEqual({ code: 0, signal: null });
    }
    const oks = workers.flatMap((w) => parse(w.lines).oks);
    expect(oks).toHaveLength(240);
    expectUnique(
      oks.map(([, a]) => a),
      'addresses reported by the workers',
    );
    const stored = await readRaw(store);
    expectUnique(
      stored.map((a) => a.address),
      'addresses in the store',
    );
    expect(new Map(stored.map((a) => [a.containerId, a.address]))).toEqual(new Map(oks));
    // 240 of the 253 usable addresses, never .0, .1 (gateway) or .255.
    for (const [, a] of oks) expect(['10.96.7.0', '10.96.7.1', '10.96.7.255']).not.toContain(a);
  });

  it('loses and duplicates nothing when writers are killed with SIGKILL at random moments', {
    timeout: 180_000,
  }, async () => {
    const block = '10.250.0.0/16';
    const runs: Worker[] = [];
    // A steady writer that competes for the lock the whole time (and is killed at the end, too).
    const steady = startWorker({ path: store, block, prefix: 'steady', count: 0, releaseEvery: 3 });
    runs.push(steady);
    let killedMidWrite = 0;
    for (let r = 0; r < 36; r++) {
      const w = startWorker({ path: store, block, prefix: `run${r}`, count: 0, releaseEvery: 4 });
      runs.push(w);
      if (r % 6 === 5) {
        // Sometimes kill during start-up (module loading, open, temp-file clean-up).
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      } else {
        await w.waitFor((l) => l === 'READY' || l.startsWith('ERR'));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
      }
      w.child.kill('SIGKILL');
      const exit = await w.exited;
      expect(
        exit.signal,
        w.lines.filter((l) => l.startsWith('ERR') || l.startsWith('STDERR')).join('\n'),
      ).toBe('SIGKILL');
      const names = await readdir(dir);
      if (names.some((n) => n.startsWith(tempPrefix(store)))) killedMidWrite++;
    }
    steady.child.kill('SIGKILL');
    await steady.exited;

    const reports = runs.map((w) => parse(w.lines));
    for (const w of runs) expect(w.lines.filter((l) => l.startsWith('ERR'))).toEqual([]);
    const reportedOks = reports.flatMap((r) => r.oks).length;
    expect(reportedOks).toBeGreaterThan(36); // the workers did get work done between kills

    // The file parses, and holds no address or owner twice.
    const stored = await readRaw(store);
    expectUnique(
      stored.map((a) => a.address),
      'addresses in the store',
    );
    expectUnique(
      stored.map((a) => a.containerId),
      'owners in the store',
    );
    const byOwner = new Map(stored.map((a) => [a.containerId, a.address]));

    for (const r of reports) {
      // Every allocation a worker reported (and did not start releasing) is on disk, with that address.
      for (const [id, address] of r.held) expect(byOwner.get(id), id).toBe(address);
      // Every release a worker reported is on disk.
      for (const id of r.released) expect(byOwner.has(id), id).toBe(false);
    }
    // Nothing on disk that no worker asked for.
    const known = new Set(reports.flatMap((r) => [...r.known]));
    for (const a of stored) expect(known.has(a.containerId), a.containerId).toBe(true);
    // Uncertain owners (killed mid-operation) hold at most their own address: covered by uniqueness above.

    // The store is still usable, the lock is free, and opening it clears leftover temporary files.
    const ipam = await FileIpam.open({ path: store, block, lockTimeoutMs: 5_000 });
    const next = await ipam.allocate({ containerId: 'after', ifName: 'eth0' });
    expect(stored.map((a) => a.address)).not.toContain(next.address.toString());
    await ipam.close();
    expect((await readdir(dir)).filter((n) => n.startsWith(tempPrefix(store)))).toEqual([]);
    console.log(
      `SIGKILL test: ${runs.length} writers killed, ${reportedOks} allocations reported, ` +
        `${stored.length} on disk, ${killedMidWrite} kills left a temporary file behind`,
    );
  });
});
