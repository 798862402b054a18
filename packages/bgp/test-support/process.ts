/**
 * Process plumbing of the interop harness: running commands, temp dirs readable by the unprivileged daemon user,
 * and daemons started in a namespace under their own process group so they are stopped by pid (never by name).
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The unprivileged account the daemons run as (`setpriv --reuid=… --regid=… --clear-groups`). */
export const DAEMON_USER = { user: 'nobody', group: 'nogroup', uid: 65534, gid: 65534 } as const;

/** Result of {@link run}. */
export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion. @throws Error with the command line, exit code and stderr when it fails.
 */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { encoding: 'utf8', timeout: opts.timeoutMs ?? 15_000, maxBuffer: 256 * 1024 * 1024, env: opts.env },
      (err, stdout, stderr) => {
        if (err) {
          const e = new Error(
            `\`${cmd} ${args.join(' ')}\` failed (${(err as NodeJS.ErrnoException).code ?? err.message}): ${stderr.trim() || stdout.trim()}`,
            { cause: err },
          );
          reject(Object.assign(e, { stdout, stderr }));
        } else resolve({ stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** A temp dir owned by the daemon user (mode 0755), removed by `remove()`. */
export function makeDaemonDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `ew-bgp-${prefix}-`));
  chmodSync(path, 0o755);
  if (process.getuid?.() === 0) chownSync(path, DAEMON_USER.uid, DAEMON_USER.gid);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Makes a file the harness wrote readable (and, if `writable`, writable) by the daemon user. */
export function giveToDaemon(path: string, mode = 0o644): void {
  chmodSync(path, mode);
  if (process.getuid?.() === 0) chownSync(path, DAEMON_USER.uid, DAEMON_USER.gid);
}

/** The argv prefix that runs `argv` inside namespace `ns` as the daemon user. */
export function inNamespaceAsDaemonUser(ns: string, argv: readonly string[]): string[] {
  return [
    'netns',
    'exec',
    ns,
    'setpriv',
    `--reuid=${DAEMON_USER.user}`,
    `--regid=${DAEMON_USER.group}`,
    '--clear-groups',
    ...argv,
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Options of {@link ManagedProcess.start}. */
export interface ManagedProcessOptions {
  /** Namespace to run in (`ip netns exec`). */
  ns: string;
  /** The command line (no shell). `ip netns exec` and `setpriv` exec in place, so the pid is the daemon's. */
  argv: readonly string[];
  /** Run as the unprivileged daemon user (default true). */
  unprivileged?: boolean;
  /** stdout and stderr of the process are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Extra stdio entries after stdin/stdout/stderr (e.g. 'ipc'). */
  extraStdio?: ('ipc' | 'ignore')[];
}

/**
 * One foreground process in a namespace, leader of its own process group: `signal()` signals the whole group by
 * its pid (children such as ExaBGP's API processes go too). Every started process is in `ManagedProcess.live`
 * until it exits, so a test's `afterAll` can kill what is left.
 */
export class ManagedProcess {
  /** Processes started by this module and not yet exited. */
  static readonly live = new Set<ManagedProcess>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly pid: number,
    readonly opts: ManagedProcessOptions,
  ) {
    ManagedProcess.live.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        ManagedProcess.live.delete(this);
        resolve(this.exitInfo);
      });
    });
  }

  /** Starts the process. @throws Error if it cannot be spawned. */
  static start(opts: ManagedProcessOptions): ManagedProcess {
    const argv =
      opts.unprivileged === false
        ? ['netns', 'exec', opts.ns, ...opts.argv]
        : inNamespaceAsDaemonUser(opts.ns, opts.argv);
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    const child = spawn('ip', argv, {
      detached: true, // own process group: signal(-pid) reaches the daemon's children too
      stdio: ['ignore', 'pipe', 'pipe', ...(opts.extraStdio ?? [])],
      env: opts.env ?? process.env,
    });
    if (child.pid === undefined) throw new Error(`could not spawn \`ip ${argv.join(' ')}\``);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => setTimeout(() => log.end(), 50));
    // Not unref'd on purpose: vitest waits for the test's own cleanup, which stops every process.
    return new ManagedProcess(child, child.pid, opts);
  }

  /** True until the process exited. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** Exit code/signal, once exited. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** Signals the process group (by pid). */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        /* already gone */
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs` (default 3 s); resolves once exited. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) await this.kill();
  }

  /** SIGKILL (no goodbye: graceful-restart tests); resolves once exited. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }
}
