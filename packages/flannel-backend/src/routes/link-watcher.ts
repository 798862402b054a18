/**
 * Link and address change notifications without subscribing a `netlink` npm socket to rtnetlink multicast
 * groups (that package aborts the process on `ENOBUFS` when a burst overflows the socket buffer). Two safe
 * mechanisms:
 * - {@link IpMonitorWatcher}: `ip [-n NS] -o monitor link address` (ip-monitor(8)) as a child process, its
 *   one-line records parsed with {@link parseIpMonitorLine}; an overflow there only costs `ip` a message, and
 *   the watcher restarts the child (with backoff) if it exits;
 * - {@link PollingWatcher}: reads the device's state and addresses every interval over a request/response
 *   rtnetlink socket and reports changes.
 * Either way a missed event is repaired by the periodic resync; the watchers only make repair faster.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  type Clock,
  LinkManager,
  type Logger,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@edgeway/core';

/** A link or address change as `ip monitor` reports it. */
export type LinkEvent =
  | {
      readonly kind: 'link';
      readonly deleted: boolean;
      readonly index: number;
      readonly name: string;
      /** `IFF_UP`. */
      readonly up: boolean;
      /** `IFF_LOWER_UP` (carrier). */
      readonly lowerUp: boolean;
      readonly mtu?: number;
    }
  | {
      readonly kind: 'address';
      readonly deleted: boolean;
      readonly index: number;
      readonly name: string;
      readonly family: 4 | 6;
      /** `ADDRESS/PREFIX`. */
      readonly address: string;
    };

const LINK_RE = /^(Deleted\s+)?(?:\[[A-Z]+\]\s*)?(\d+):\s+([^\s:@]+)(?:@[^\s:]+)?:\s+<([^>]*)>(.*)$/;
const ADDR_RE = /^(Deleted\s+)?(?:\[[A-Z]+\]\s*)?(\d+):\s+(\S+)\s+(inet6?)\s+(\S+)/;

/**
 * Parses one record of `ip -o monitor link address` (iproute2 `print_linkinfo` / `print_addrinfo`):
 * `3: v0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 …`, `Deleted 3: v0    inet 192.0.2.1/24 scope …`.
 * Other records give undefined.
 */
export function parseIpMonitorLine(line: string): LinkEvent | undefined {
  const l = LINK_RE.exec(line);
  if (l) {
    const flags = (l[4] as string).split(',');
    const mtu = /\bmtu (\d+)/.exec(l[5] as string);
    return {
      kind: 'link',
      deleted: l[1] !== undefined,
      index: Number(l[2]),
      name: l[3] as string,
      up: flags.includes('UP'),
      lowerUp: flags.includes('LOWER_UP'),
      ...(mtu ? { mtu: Number(mtu[1]) } : {}),
    };
  }
  const a = ADDR_RE.exec(line);
  if (a) {
    return {
      kind: 'address',
      deleted: a[1] !== undefined,
      index: Number(a[2]),
      name: a[3] as string,
      family: a[4] === 'inet6' ? 6 : 4,
      address: a[5] as string,
    };
  }
  return undefined;
}

/** A running watcher. */
export interface LinkWatcher {
  /** `monitor` or `poll`. */
  readonly mechanism: 'monitor' | 'poll';
  close(): void;
}

/** Options of {@link IpMonitorWatcher}. */
export interface IpMonitorWatcherOptions {
  /** Named namespace (`ip -n NAME`); default the current one. */
  readonly netns?: string;
  readonly onEvent: (event: LinkEvent) => void;
  /** Called once after each (re)start of the child, when events may have been missed. */
  readonly onRestart?: () => void;
  /** Called when `ip` cannot be run at all (ENOENT, EACCES): switch to polling. */
  readonly onUnavailable?: (error: Error) => void;
  /** Delay before restarting a child that exited; doubles up to 30 s. Default 500 ms. */
  readonly restartDelayMs?: number;
  /** The `ip` binary (default `ip`). */
  readonly command?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** `ip -o monitor link address` as a child process, restarted if it exits (see the module). */
export class IpMonitorWatcher implements LinkWatcher {
  readonly mechanism = 'monitor' as const;
  readonly #opts: IpMonitorWatcherOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  #child: ChildProcess | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;
  #delay: number;

  constructor(options: IpMonitorWatcherOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#delay = options.restartDelayMs ?? 500;
    this.#spawn();
  }

  /** The child's pid, while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #spawn(): void {
    if (this.#closed) return;
    const args = [...(this.#opts.netns ? ['-n', this.#opts.netns] : []), '-o', 'monitor', 'link', 'address'];
    const child = spawn(this.#opts.command ?? 'ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let stderr = '';
    let failedToStart = false;
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-2000);
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let seen = false;
    lines.on('line', (line) => {
      if (!seen) this.#delay = this.#opts.restartDelayMs ?? 500; // healthy again
      seen = true;
      const event = parseIpMonitorLine(line);
      if (event) this.#opts.onEvent(event);
    });
    child.once('spawn', () => this.#opts.onRestart?.());
    child.once('error', (err: NodeJS.ErrnoException) => {
      failedToStart = true;
      if (this.#closed) return;
      if (err.code === 'ENOENT' || err.code === 'EACCES') {
        this.#closed = true;
        this.#log.error({ err }, 'cannot run ip monitor; link events unavailable');
        this.#opts.onUnavailable?.(err);
        return;
      }
      this.#restartLater(`ip monitor failed: ${err.message}`);
    });
    child.once('exit', (code, signal) => {
      lines.close();
      if (this.#child === child) this.#child = undefined;
      if (this.#closed || failedToStart) return;
      this.#restartLater(
        `ip monitor exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`,
      );
    });
  }

  #restartLater(why: string): void {
    if (this.#closed || this.#timer) return;
    this.#log.warn({ delayMs: this.#delay }, `${why}; restarting`);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#spawn();
    }, this.#delay);
    this.#delay = Math.min(30_000, this.#delay * 2);
  }

  /** Stops the child (SIGTERM) and any restart. */
  close(): void {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** Options of {@link PollingWatcher}. */
export interface PollingWatcherOptions {
  readonly netns?: string;
  /** The device to watch. */
  readonly device: string;
  readonly onEvent: (event: LinkEvent) => void;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Use this link manager (not closed). */
  readonly links?: LinkManager;
}

/**
 * Polls one device's state and addresses (`RTM_GETLINK` by name, `RTM_GETADDR` dump) every interval and reports
 * what changed as {@link LinkEvent}s: the fallback when `ip monitor` cannot run.
 */
export class PollingWatcher implements LinkWatcher {
  readonly mechanism = 'poll' as const;
  readonly #opts: PollingWatcherOptions;
  readonly #clock: Clock;
  #links: LinkManager | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;
  #last: { up: boolean; lowerUp: boolean; index: number; addrs: Set<string> } | undefined;

  constructor(options: PollingWatcherOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? systemClock;
    this.#links = options.links;
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#poll()
        .catch((err: unknown) => (this.#opts.logger ?? silentLogger).warn({ err }, 'link poll failed'))
        .finally(() => this.#schedule(this.#opts.intervalMs ?? 1000));
    }, ms);
  }

  async #poll(): Promise<void> {
    if (!this.#links) {
      const opened = await LinkManager.open(this.#opts.netns ? { netns: this.#opts.netns } : {});
      if (this.#closed) return opened.close();
      this.#links = opened;
    }
    const device = this.#opts.device;
    const link = await this.#links.get(device);
    const addrs = link ? await this.#links.listAddresses(device) : [];
    if (this.#closed) return;
    const now = {
      up: link?.up ?? false,
      lowerUp: link?.lowerUp ?? false,
      index: link?.index ?? 0,
      addrs: new Set(addrs.map((a) => `${a.address.toString()}/${a.prefixLength}`)),
    };
    const before = this.#last;
    this.#last = now;
    if (!before) return;
    if (before.up !== now.up || before.lowerUp !== now.lowerUp || before.index !== now.index) {
      this.#opts.onEvent({
        kind: 'link',
        deleted: !link,
        index: now.index || before.index,
        name: device,
        up: now.up,
        lowerUp: now.lowerUp,
      });
    }
    const changed = [...now.addrs].filter((a) => !before.addrs.has(a)).map((a) => ({ a, deleted: false }));
    changed.push(...[...before.addrs].filter((a) => !now.addrs.has(a)).map((a) => ({ a, deleted: true })));
    for (const { a, deleted } of changed) {
      this.#opts.onEvent({
        kind: 'address',
        deleted,
        index: now.index || before.index,
        name: device,
        family: a.includes(':') ? 6 : 4,
        address: a,
      });
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#opts.links) this.#links?.close();
    this.#links = undefined;
  }
}
