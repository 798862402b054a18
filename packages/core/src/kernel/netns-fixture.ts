/**
 * Test support for the kernel integration tests (not part of the public API): throwaway network namespaces
 * named `ew-test-<pid>-<n>` with a veth pair and documentation addresses (RFC 5737 198.51.100.0/24,
 * RFC 3849 2001:db8::/32), and `ip -j` as the independent witness. Nothing here touches the root namespace.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { createNetns, deleteNetns } from './netns.js';

let counter = 0;

/** Fails (does not skip) when the machine cannot run namespace tests, naming what is missing. */
export function requireNetnsPrerequisites(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'prerequisite missing: kernel integration tests must run as root (network namespaces, rtnetlink)',
    );
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch (cause) {
    throw new Error('prerequisite missing: iproute2 `ip` command (apt-get install iproute2)', { cause });
  }
}

/** A namespace of a test, with `ip` helpers scoped to it. */
export class TestNetns {
  private constructor(readonly name: string) {}

  /** Creates `ew-test-<pid>-<n>` (with `lo` up). @throws Error naming the prerequisite if `ip netns add` fails. */
  static async create(): Promise<TestNetns> {
    requireNetnsPrerequisites();
    const name = `ew-test-${process.pid}-${counter++}`;
    try {
      await createNetns(name);
    } catch (cause) {
      throw new Error(`prerequisite missing: \`ip netns add ${name}\` failed (${(cause as Error).message})`, {
        cause,
      });
    }
    return new TestNetns(name);
  }

  /** `ip -n NAME …`, returning stdout. */
  ip(...args: string[]): string {
    return execFileSync('ip', ['-n', this.name, ...args], { encoding: 'utf8' });
  }

  /** `ip -n NAME -j …` parsed. */
  ipJson<T = Record<string, unknown>>(...args: string[]): T[] {
    const out = this.ip('-j', ...args).trim();
    return out === '' ? [] : (JSON.parse(out) as T[]);
  }

  /**
   * A veth pair `v0`/`v1`, both up, `v0` with 198.51.100.1/24 and 2001:db8:1::1/64 (nodad): gateways
   * 198.51.100.2-254 and 2001:db8:1::2… are on-link through `v0`.
   */
  withVeth(): this {
    this.ip('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    this.ip('address', 'add', '198.51.100.1/24', 'dev', 'v0');
    this.ip('address', 'add', '2001:db8:1::1/64', 'dev', 'v0', 'nodad');
    this.ip('link', 'set', 'v0', 'up');
    this.ip('link', 'set', 'v1', 'up');
    return this;
  }

  /** Deletes the namespace (idempotent). */
  async destroy(): Promise<void> {
    await deleteNetns(this.name);
  }
}

/** Routes as `ip -j route show` reports them. */
export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  metric?: number;
  table?: string;
  type?: string;
  scope?: string;
  flags?: string[];
  prefsrc?: string;
}
