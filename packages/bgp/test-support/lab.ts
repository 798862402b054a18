/**
 * A lab of network namespaces for the interop tests: N nodes `ew-bgp-<random>-<i>` on one link (a veth pair for
 * two nodes, a bridge in a hub namespace `ew-bgp-<random>-hub` for more), node i holding 198.51.100.(i+1)/24
 * (RFC 5737) and 2001:db8::(i+1)/64 (RFC 3849, `nodad`) on `eth0`. Nothing here touches the root namespace.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { ManagedProcess, run } from './process.js';

/** One namespace of a {@link Lab}. */
export interface LabNode {
  /** Namespace name. */
  ns: string;
  /** Index in the lab (0-based). */
  index: number;
  /** 198.51.100.(index+1) */
  ipv4: string;
  /** 2001:db8::(index+1) */
  ipv6: string;
  /** Interface name inside the namespace (`eth0`). */
  ifname: string;
  /** fe80::(index+1), only with `linkLocal: true`. */
  linkLocal?: string;
}

/** Options of {@link Lab.create}. */
export interface LabOptions {
  /** Number of nodes (default 2, at most 200). */
  nodes?: number;
  /** 'auto' (default): a veth pair for 2 nodes, a bridge in a hub namespace otherwise. */
  topology?: 'auto' | 'pair' | 'bridge';
  /**
   * Give `eth0` a link-local address fe80::(index+1)/64 (nodad), for RFC 2545 link-local next-hop tests.
   * Default false: the kernel's own link-local address is suppressed (`addrgenmode none`), because whether it has
   * finished DAD when a session comes up decides whether BIRD sends a link-local next hop, and FRR's bgpd without
   * zebra withdraws IPv6 routes with one ("no peer interface information").
   */
  linkLocal?: boolean;
}

/** Fails (does not skip) when the machine cannot run the lab, naming what is missing. */
export async function requireLabPrerequisites(
  commands: readonly string[] = ['ip', 'setpriv'],
): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('prerequisite missing: BGP interop tests must run as root (network namespaces)');
  }
  for (const cmd of commands) {
    try {
      await run('sh', ['-c', `command -v ${cmd}`]);
    } catch {
      throw new Error(`prerequisite missing: \`${cmd}\` (see scripts/install-system-deps.sh)`);
    }
  }
}

/** A set of namespaces joined by one layer-2 link; `destroy()` removes everything it and its daemons made. */
export class Lab {
  /** Every lab not yet destroyed (for a last-resort `afterAll`). */
  static readonly live = new Set<Lab>();
  private readonly cleanups: (() => Promise<void> | void)[] = [];
  private destroyed = false;

  private constructor(
    readonly id: string,
    readonly nodes: LabNode[],
    readonly hub: string | undefined,
  ) {
    Lab.live.add(this);
  }

  /** Creates the namespaces and the link. On failure, removes what it made and rethrows. */
  static async create(opts: LabOptions = {}): Promise<Lab> {
    await requireLabPrerequisites();
    const count = opts.nodes ?? 2;
    if (count < 1 || count > 200) throw new Error(`Lab.create: nodes must be 1..200, got ${count}`);
    const topology = opts.topology ?? 'auto';
    const bridge = topology === 'bridge' || (topology === 'auto' && count !== 2);
    const id = randomBytes(3).toString('hex');
    const nodes: LabNode[] = Array.from({ length: count }, (_, i) => ({
      ns: `ew-bgp-${id}-${i}`,
      index: i,
      ipv4: `198.51.100.${i + 1}`,
      ipv6: `2001:db8::${(i + 1).toString(16)}`,
      ifname: 'eth0',
      ...(opts.linkLocal ? { linkLocal: `fe80::${(i + 1).toString(16)}` } : {}),
    }));
    const lab = new Lab(id, nodes, bridge ? `ew-bgp-${id}-hub` : undefined);
    try {
      for (const n of nodes) await lab.addNamespace(n.ns);
      if (lab.hub) {
        await lab.addNamespace(lab.hub);
        await ipn(lab.hub, 'link', 'add', 'br0', 'type', 'bridge');
        await ipn(lab.hub, 'link', 'set', 'br0', 'up');
        for (const n of nodes) {
          const port = `p${n.index}`;
          await ipn(lab.hub, 'link', 'add', port, 'type', 'veth', 'peer', 'name', n.ifname, 'netns', n.ns);
          await ipn(lab.hub, 'link', 'set', port, 'master', 'br0');
          await ipn(lab.hub, 'link', 'set', port, 'up');
        }
      } else if (count === 2) {
        const [a, b] = nodes as [LabNode, LabNode];
        await ipn(a.ns, 'link', 'add', a.ifname, 'type', 'veth', 'peer', 'name', b.ifname, 'netns', b.ns);
      } else if (count !== 1) {
        throw new Error(`Lab.create: topology 'pair' needs exactly 2 nodes, got ${count}`);
      }
      for (const n of nodes) {
        if (count > 1 || lab.hub) {
          await ipn(n.ns, 'address', 'add', `${n.ipv4}/24`, 'dev', n.ifname);
          await ipn(n.ns, 'link', 'set', n.ifname, 'addrgenmode', 'none');
          await ipn(n.ns, 'address', 'add', `${n.ipv6}/64`, 'dev', n.ifname, 'nodad');
          if (n.linkLocal) await ipn(n.ns, 'address', 'add', `${n.linkLocal}/64`, 'dev', n.ifname, 'nodad');
          await ipn(n.ns, 'link', 'set', n.ifname, 'up');
        }
      }
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async addNamespace(ns: string): Promise<void> {
    await run('ip', ['netns', 'add', ns]);
    this.cleanups.push(async () => {
      await killNamespacePids(ns);
      await run('ip', ['netns', 'delete', ns]).catch(() => undefined);
    });
    await ipn(ns, 'link', 'set', 'lo', 'up');
    // Unprivileged daemons bind port 179; the sysctl is per namespace.
    await run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_unprivileged_port_start=0']);
  }

  /** Node `i` (throws if out of range). */
  node(i: number): LabNode {
    const n = this.nodes[i];
    if (!n) throw new Error(`lab ${this.id} has no node ${i}`);
    return n;
  }

  /** `ip -n NS …` in a node's namespace, returning stdout. */
  async ip(i: number, ...args: string[]): Promise<string> {
    return (await ipn(this.node(i).ns, ...args)).stdout;
  }

  /** Runs a command in a node's namespace (as root). */
  exec(i: number, cmd: string, args: readonly string[] = []): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', this.node(i).ns, cmd, ...args]);
  }

  /** Registers a cleanup run by `destroy()` before the namespaces go (last registered runs first). */
  onDestroy(fn: () => Promise<void> | void): void {
    if (this.destroyed) throw new Error(`lab ${this.id} is already destroyed`);
    this.cleanups.push(fn);
  }

  /**
   * Stops everything registered (daemons, speakers), kills any process still in the namespaces by pid and
   * deletes the namespaces. Idempotent; never throws (errors are collected and rethrown at the end).
   */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const errors: unknown[] = [];
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    }
    Lab.live.delete(this);
    if (errors.length) throw new AggregateError(errors, `lab ${this.id}: cleanup failed`);
  }

  /** Destroys every lab still alive and kills every harness process still running (last-resort `afterAll`). */
  static async destroyAll(): Promise<void> {
    for (const lab of [...Lab.live]) await lab.destroy().catch(() => undefined);
    for (const p of [...ManagedProcess.live]) await p.kill();
  }
}

function ipn(ns: string, ...args: string[]) {
  return run('ip', ['-n', ns, ...args]);
}

/** SIGKILLs, by pid, every process still inside namespace `ns` (`ip netns pids`), and waits for them to go. */
async function killNamespacePids(ns: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const out = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }));
    const pids = out.stdout
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter((p) => Number.isInteger(p) && p > 1 && p !== process.pid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
