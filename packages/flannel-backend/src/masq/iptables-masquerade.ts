/**
 * Applying flannel's masquerade (and forward) rules with `iptables-restore --noflush` / `ip6tables-restore`
 * (in a named namespace through `ip netns exec NS …`), re-checking them periodically from `iptables-save`
 * (flannel `setupAndEnsureIP4Tables`: every `--iptables-resync` seconds, default 5), repairing drift by
 * rewriting the chain atomically, and removing our chains and jumps on shutdown (flannel's clean-up on exit).
 * @module
 */
import { execFile } from 'node:child_process';
import {
  type Cidr,
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  type TimerHandle,
} from '@edgeway/core';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import { chainDrift, parseIptablesSave, renderApply, renderRemove } from './iptables-restore.js';
import { forwardChain, masqChain, type OwnedChain } from './masq-rules.js';

/** Runs a command with optional stdin; rejects with `stderr` on a non-zero exit. */
export type CommandRunner = (
  file: string,
  args: readonly string[],
  input?: string,
) => Promise<{ stdout: string; stderr: string }>;

/** {@link CommandRunner} on `child_process.execFile` (30 s timeout). */
export const execRunner: CommandRunner = (file, args, input) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(Object.assign(err, { stdout, stderr }));
        else resolve({ stdout, stderr });
      },
    );
    // A command that fails before reading stdin makes the write fail with EPIPE: the exit status reports it.
    child.stdin?.on('error', () => undefined);
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });

/** The network and this node's block of one family. */
export interface MasqueradeFamily {
  readonly network: Cidr;
  readonly block: Cidr;
}

/** What is masqueraded: per family, the cluster network and our block. */
export interface MasqueradeConfig {
  readonly ipv4?: MasqueradeFamily;
  readonly ipv6?: MasqueradeFamily;
}

/** Options of {@link IptablesMasquerade}. */
export interface IptablesMasqueradeOptions extends MasqueradeConfig {
  /** Named network namespace; commands run as `ip netns exec NAME …`. Default the current one. */
  readonly netns?: string;
  /** `--random-fully`: true, false, or `auto` (default: when `iptables --version` is ≥ 1.6.2, as flannel checks). */
  readonly randomFully?: boolean | 'auto';
  /** Also install flannel's `FLANNEL-FWD` filter chain (flannel `--iptables-forward-rules`, default true). */
  readonly forwardRules?: boolean;
  /** Drift check period (default 5 000 ms, flannel's `--iptables-resync`); 0 turns it off. */
  readonly resyncIntervalMs?: number;
  /** Arguments of `iptables-restore` (default `--noflush`; add `--wait` for the legacy backend's xtables lock). */
  readonly restoreArgs?: readonly string[];
  readonly run?: CommandRunner;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** A snapshot of the masquerade state. */
export interface MasqueradeStatus {
  readonly families: readonly (4 | 6)[];
  readonly applied: boolean;
  /** Times drift was found and repaired. */
  readonly repairs: number;
  readonly lastCheckAt?: number;
  /** When drift was last found and repaired. */
  readonly lastRepairAt?: number;
  /** What that repair found. */
  readonly lastDrift?: readonly string[];
  readonly lastError?: string;
}

const BINARIES = {
  4: { restore: 'iptables-restore', save: 'iptables-save', main: 'iptables' },
  6: { restore: 'ip6tables-restore', save: 'ip6tables-save', main: 'ip6tables' },
} as const;

/** `iptables v1.8.9 (nf_tables)` → whether ≥ 1.6.2 (`--random-fully` support). */
export function supportsRandomFully(versionText: string): boolean {
  const m = /v(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  if (!m) return false;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return a > 1 || (a === 1 && (b > 6 || (b === 6 && c >= 2)));
}

/** flannel's masquerade rules kept in place with iptables-restore (see the module). */
export class IptablesMasquerade {
  readonly #opts: IptablesMasqueradeOptions;
  readonly #run: CommandRunner;
  readonly #clock: Clock;
  readonly #log: Logger;
  #config: MasqueradeConfig;
  #randomFully: boolean | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: TimerHandle | undefined;
  #started = false;
  #applied = false;
  #repairs = 0;
  #lastCheckAt: number | undefined;
  #lastDrift: string[] | undefined;
  #lastRepairAt: number | undefined;
  #lastError: string | undefined;

  constructor(options: IptablesMasqueradeOptions) {
    this.#opts = options;
    this.#config = {
      ...(options.ipv4 ? { ipv4: options.ipv4 } : {}),
      ...(options.ipv6 ? { ipv6: options.ipv6 } : {}),
    };
    this.#run = options.run ?? execRunner;
    this.#clock = options.clock ?? systemClock;
    this.#log = (options.logger ?? silentLogger).child({ component: 'masquerade' });
    if (typeof options.randomFully === 'boolean') this.#randomFully = options.randomFully;
  }

  /** The families configured. */
  get families(): (4 | 6)[] {
    return [...(this.#config.ipv4 ? [4 as const] : []), ...(this.#config.ipv6 ? [6 as const] : [])];
  }

  /** The chains we own for a family (after {@link apply} resolved `randomFully: 'auto'`). */
  chains(family: 4 | 6): OwnedChain[] {
    const cfg = family === 4 ? this.#config.ipv4 : this.#config.ipv6;
    if (!cfg) return [];
    const out = [
      masqChain({ network: cfg.network, block: cfg.block, randomFully: this.#randomFully ?? true }),
    ];
    if (this.#opts.forwardRules !== false) out.push(forwardChain(cfg.network));
    return out;
  }

  /** Installs the rules of every configured family now (atomically per family). */
  apply(): Promise<void> {
    return this.#serial(async () => {
      await this.#resolveRandomFully();
      for (const family of this.families) await this.#applyFamily(family);
      this.#applied = true;
    });
  }

  /**
   * Compares what `iptables-save` shows with what we own; rewrites a family whose chains drifted. Resolves with
   * the differences found (empty when in sync).
   */
  check(): Promise<string[]> {
    return this.#serial(async () => {
      await this.#resolveRandomFully();
      const found: string[] = [];
      for (const family of this.families) {
        const saved = parseIptablesSave(await this.#save(family));
        const drift = this.chains(family).flatMap((c) =>
          chainDrift(c, saved).map((p) => `IPv${family}: ${p}`),
        );
        if (drift.length > 0) {
          this.#log.warn({ family, drift }, 'masquerade rules drifted; rewriting them');
          await this.#applyFamily(family, saved);
          this.#repairs++;
          found.push(...drift);
        }
      }
      this.#lastCheckAt = this.#clock.now();
      if (found.length > 0) {
        this.#lastDrift = found;
        this.#lastRepairAt = this.#lastCheckAt;
      }
      this.#applied = true;
      return found;
    });
  }

  /** Applies now and re-checks every `resyncIntervalMs`. */
  async start(): Promise<void> {
    this.#started = true;
    try {
      await this.apply();
    } finally {
      this.#schedule();
    }
  }

  /**
   * Changes the networks or blocks (a new lease) and re-applies; a family no longer configured is removed.
   * Each family's chain is rewritten whole, so the old block's rules go (flannel's "recycle" of old rules).
   */
  update(config: MasqueradeConfig): Promise<void> {
    const dropped = this.families.filter((f) => (f === 4 ? !config.ipv4 : !config.ipv6));
    const before = dropped.map((f) => ({ f, chains: this.chains(f) }));
    this.#config = {
      ...(config.ipv4 ? { ipv4: config.ipv4 } : {}),
      ...(config.ipv6 ? { ipv6: config.ipv6 } : {}),
    };
    return this.#serial(async () => {
      for (const { f, chains } of before) await this.#removeChains(f, chains);
      await this.#resolveRandomFully();
      for (const family of this.families) await this.#applyFamily(family);
    });
  }

  /** Stops the periodic check and (by default) removes our chains and jumps. */
  async stop(options: { remove?: boolean } = {}): Promise<void> {
    this.#started = false;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (options.remove === false) {
      await this.#queue.catch(() => undefined);
      return;
    }
    await this.#serial(async () => {
      for (const family of this.families) await this.#removeChains(family, this.chains(family));
      this.#applied = false;
    });
  }

  /** A snapshot for health endpoints and tests. */
  status(): MasqueradeStatus {
    return {
      families: this.families,
      applied: this.#applied,
      repairs: this.#repairs,
      ...(this.#lastCheckAt === undefined ? {} : { lastCheckAt: this.#lastCheckAt }),
      ...(this.#lastRepairAt === undefined ? {} : { lastRepairAt: this.#lastRepairAt }),
      ...(this.#lastDrift === undefined ? {} : { lastDrift: this.#lastDrift }),
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  #schedule(): void {
    const every = this.#opts.resyncIntervalMs ?? 5_000;
    if (!this.#started || every <= 0) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.check()
        .catch((err: unknown) => this.#log.error({ err }, 'masquerade check failed'))
        .finally(() => this.#schedule());
    }, every);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.catch(() => undefined).then(fn);
    this.#queue = next;
    return next.then(
      (v) => {
        this.#lastError = undefined;
        return v;
      },
      (err: unknown) => {
        this.#lastError = err instanceof Error ? err.message : String(err);
        throw err;
      },
    );
  }

  async #resolveRandomFully(): Promise<void> {
    if (this.#randomFully !== undefined) return;
    try {
      const { stdout, stderr } = await this.#exec(BINARIES[4].main, ['--version']);
      this.#randomFully = supportsRandomFully(stdout || stderr);
    } catch {
      this.#randomFully = false;
    }
  }

  async #applyFamily(family: 4 | 6, saved?: ReturnType<typeof parseIptablesSave>): Promise<void> {
    const chains = this.chains(family);
    const state = saved ?? parseIptablesSave(await this.#save(family));
    const input = renderApply(chains, state);
    this.#log.debug({ family, input }, 'iptables-restore');
    await this.#exec(BINARIES[family].restore, this.#opts.restoreArgs ?? ['--noflush'], input);
  }

  async #removeChains(family: 4 | 6, chains: OwnedChain[]): Promise<void> {
    const input = renderRemove(chains, parseIptablesSave(await this.#save(family)));
    if (input) await this.#exec(BINARIES[family].restore, this.#opts.restoreArgs ?? ['--noflush'], input);
  }

  async #save(family: 4 | 6): Promise<string> {
    return (await this.#exec(BINARIES[family].save, [])).stdout;
  }

  async #exec(
    bin: string,
    args: readonly string[],
    input?: string,
  ): Promise<{ stdout: string; stderr: string }> {
    const ns = this.#opts.netns;
    const [file, full] = ns ? ['ip', ['netns', 'exec', ns, bin, ...args]] : [bin, [...args]];
    try {
      return await this.#run(file, full, input);
    } catch (cause) {
      const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim();
      const command = [file, ...full].join(' ');
      throw new FlannelError(
        FlannelErrorCode.Iptables,
        `${command} failed${stderr ? `: ${stderr}` : ''}`,
        { command, stderr, ...(input ? { input } : {}) },
        { cause, isRetryable: /lock|Resource temporarily unavailable/i.test(stderr) },
      );
    }
  }
}
