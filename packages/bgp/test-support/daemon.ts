/**
 * Common shape of the real-daemon launchers (BIRD, FRR, GoBGP, ExaBGP): a temp dir owned by the unprivileged
 * daemon user holding config, sockets, pid and log; one foreground process in a lab namespace; stop/kill/restart by
 * pid. Registered with the lab so `lab.destroy()` stops it even when a test fails.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import { ManagedProcess, makeDaemonDir } from './process.js';

/** What every daemon handle offers. */
export interface DaemonHandle {
  /** Namespace the daemon runs in. */
  readonly ns: string;
  /** Its temp dir (config, sockets, pid, log). */
  readonly dir: string;
  /** Pid of the running process (undefined while stopped). */
  readonly pid: number | undefined;
  /** True while the process runs. */
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL: the daemon says no goodbye (graceful-restart tests). */
  kill(): Promise<void>;
  /** Starts it again with the same config (stops it first if it runs). */
  restart(): Promise<void>;
  /** The daemon's log so far (stdout/stderr plus its own log file). */
  log(): string;
}

/** Base of the launchers: subclasses provide argv, env and a readiness probe. */
export abstract class BaseDaemon implements DaemonHandle {
  protected proc: ManagedProcess | undefined;
  readonly dir: string;
  private readonly removeDir: () => void;

  protected constructor(
    readonly kind: string,
    readonly ns: string,
  ) {
    const d = makeDaemonDir(kind);
    this.dir = d.path;
    this.removeDir = d.remove;
  }

  /** Path of a file in the daemon's dir. */
  path(name: string): string {
    return join(this.dir, name);
  }

  protected abstract argv(): string[];
  protected env(): NodeJS.ProcessEnv | undefined {
    return undefined;
  }
  /** Resolves once the daemon answers on its control socket. */
  protected abstract ready(): Promise<void>;
  /** Files whose content `log()` shows besides stdout/stderr. */
  protected extraLogFiles(): string[] {
    return [];
  }

  get pid(): number | undefined {
    return this.proc?.running ? this.proc.pid : undefined;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** Starts the process and waits until it is ready; on failure the error carries the log. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.kind} in ${this.ns} already runs`);
    this.proc = ManagedProcess.start({
      ns: this.ns,
      argv: this.argv(),
      logFile: this.path('stdout.log'),
      env: this.env(),
    });
    try {
      await Promise.race([
        this.ready(),
        this.proc.exited.then((e) => {
          throw new Error(`exited during start (code ${e.code}, signal ${e.signal})`);
        }),
      ]);
    } catch (err) {
      await this.proc.kill();
      throw new Error(`${this.kind} in ${this.ns} did not start: ${(err as Error).message}\n${this.log()}`, {
        cause: err,
      });
    }
  }

  /** Registers cleanup with the lab: stop the process, then remove the temp dir (kept if KEEP_BGP_LAB is set). */
  protected register(lab: Lab): void {
    lab.onDestroy(async () => {
      await this.stop();
      if (!process.env.KEEP_BGP_LAB) this.removeDir();
    });
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  async kill(): Promise<void> {
    await this.proc?.kill();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  log(): string {
    const read = (f: string) => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return '';
      }
    };
    const parts = [`--- ${this.kind} ${this.ns} output ---`, read(this.path('stdout.log'))];
    for (const f of this.extraLogFiles()) parts.push(`--- ${f} ---`, read(f));
    return parts.join('\n');
  }
}
