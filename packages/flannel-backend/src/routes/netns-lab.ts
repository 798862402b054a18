/**
 * Test support for the route-mode integration tests (not part of the public API): a cluster of network namespaces
 * the test creates and deletes — a "switch" namespace with a bridge joining node namespaces on one L2 segment
 * (RFC 5737 documentation addresses 198.51.100.0/24), each node with a pod bridge `cni0` and pod namespaces on
 * veths. Every command is `ip -n NS …` or `ip netns exec NS …`: nothing here touches the root namespace.
 * @module
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { AddressPool, type Cidr, createNetns, deleteNetns, type IpAddress } from '@edgeway/core';

const execFileAsync = promisify(execFile);
let labs = 0;

/** Fails (does not skip) when the machine cannot run these tests, naming what is missing. */
export function requireLabPrerequisites(options: { cni?: boolean; iptables?: boolean } = {}): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'prerequisite missing: route-mode integration tests must run as root (network namespaces)',
    );
  }
  const need = (file: string, args: string[], what: string) => {
    try {
      execFileSync(file, args, { stdio: 'ignore' });
    } catch (cause) {
      throw new Error(`prerequisite missing: ${what}`, { cause });
    }
  };
  need('ip', ['-V'], 'iproute2 `ip` command (apt-get install iproute2)');
  need('ping', ['-V'], '`ping` (apt-get install iputils-ping)');
  if (options.iptables) {
    need('iptables-restore', ['--version'], '`iptables-restore` (apt-get install iptables)');
    need('ip6tables-restore', ['--version'], '`ip6tables-restore` (apt-get install iptables)');
  }
  if (options.cni) {
    for (const plugin of ['bridge', 'host-local']) {
      if (!existsSync(`/usr/lib/cni/${plugin}`)) {
        throw new Error(
          `prerequisite missing: /usr/lib/cni/${plugin} (apt-get install containernetworking-plugins)`,
        );
      }
    }
  }
}

/** A pod namespace and its address. */
export interface LabPod {
  readonly ns: string;
  readonly node: string;
  readonly address: IpAddress;
  readonly address6?: IpAddress;
}

/** Namespaces of one test, all named `ew-fl-<pid>-<n>-<suffix>` and deleted by {@link NetnsLab.destroy}. */
export class NetnsLab {
  readonly id = `ew-fl-${process.pid}-${labs++}`;
  readonly namespaces: string[] = [];

  /** Creates `<id>-<suffix>` with `lo` up. */
  async add(suffix: string): Promise<string> {
    const name = `${this.id}-${suffix}`;
    try {
      await createNetns(name);
    } catch (cause) {
      throw new Error(`prerequisite missing: \`ip netns add ${name}\` failed (${(cause as Error).message})`, {
        cause,
      });
    }
    this.namespaces.push(name);
    return name;
  }

  /** `ip -n NS …` (sync). */
  ip(ns: string, ...args: string[]): string {
    return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  }

  /** `ip -n NS -j …` parsed. */
  ipJson<T = Record<string, unknown>>(ns: string, ...args: string[]): T[] {
    const out = this.ip(ns, '-j', ...args).trim();
    return out === '' ? [] : (JSON.parse(out) as T[]);
  }

  /** `ip netns exec NS FILE ARGS…` (async), with extra environment and stdin. */
  async exec(
    ns: string,
    file: string,
    args: string[],
    options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
  ): Promise<{ stdout: string; stderr: string }> {
    const child = execFileAsync('ip', ['netns', 'exec', ns, file, ...args], {
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 30_000,
      env: { ...process.env, ...(options.env ?? {}) },
    });
    // A command that exits without reading stdin makes a write fail with EPIPE: ignore it, write only input.
    child.child.stdin?.on('error', () => undefined);
    if (options.input === undefined) child.child.stdin?.end();
    else child.child.stdin?.end(options.input);
    return child;
  }

  /**
   * Sets kernel parameters inside namespace `ns` only, as `ip netns exec NS sysctl -w KEY=VALUE` would, by writing
   * `/proc/sys/KEY` from a shell in the namespace (no dependency on procps' `sysctl`).
   */
  async sysctl(ns: string, values: Record<string, string>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      if (!/^[a-z0-9_.-]+$/i.test(key) || !/^[0-9a-z_ -]*$/i.test(value))
        throw new Error(`bad sysctl ${key}=${value}`);
      await this.exec(ns, 'sh', ['-c', `echo ${value} > /proc/sys/${key.replaceAll('.', '/')}`]);
    }
  }

  /** The switch: a namespace with bridge `br0` (up) holding `address` (e.g. `198.51.100.254/24`). */
  async switch(address: string): Promise<string> {
    const sw = await this.add('sw');
    this.ip(sw, 'link', 'add', 'br0', 'type', 'bridge');
    this.ip(sw, 'address', 'add', address, 'dev', 'br0');
    // no multicast snooping: IPv6 neighbour discovery must flood before the bridge learns MLD joins
    this.ip(sw, 'link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    this.ip(sw, 'link', 'set', 'br0', 'up');
    return sw;
  }

  /**
   * A node namespace plugged into the switch: `eth0` (with `address`, e.g. `198.51.100.11/24`, and optionally an
   * IPv6 `address6`, without DAD) ↔ `s<index>` on `br0`; forwarding on (inside the node namespace only).
   */
  async node(sw: string, index: number, address: string, address6?: string): Promise<string> {
    const ns = await this.add(`n${index}`);
    this.ip(sw, 'link', 'add', `s${index}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    this.ip(sw, 'link', 'set', `s${index}`, 'master', 'br0');
    this.ip(sw, 'link', 'set', `s${index}`, 'up');
    this.ip(ns, 'address', 'add', address, 'dev', 'eth0');
    if (address6) this.ip(ns, 'address', 'add', address6, 'dev', 'eth0', 'nodad');
    this.ip(ns, 'link', 'set', 'eth0', 'up');
    // keep_addr_on_down: IPv6 addresses survive a link down/up, as a node's static configuration would put back
    await this.sysctl(ns, {
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '1',
      'net.ipv6.conf.eth0.keep_addr_on_down': '1',
    });
    return ns;
  }

  /**
   * `count` pods on node `ns`: a bridge `cni0` with the block's first usable address (the pods' gateway), and per
   * pod a namespace with `eth0` ↔ `vp<j>` on `cni0`, an address from core's `AddressPool` over the block, and a
   * default route via the gateway — and the same for IPv6 when `block6` is given.
   */
  async pods(ns: string, block: Cidr, count: number, block6?: Cidr): Promise<LabPod[]> {
    const pool = new AddressPool(block);
    const gateway = pool.gateway as IpAddress;
    const pool6 = block6 && new AddressPool(block6);
    this.ip(ns, 'link', 'add', 'cni0', 'type', 'bridge');
    this.ip(ns, 'link', 'set', 'cni0', 'type', 'bridge', 'mcast_snooping', '0');
    this.ip(ns, 'address', 'add', `${gateway}/${block.prefixLength}`, 'dev', 'cni0');
    if (pool6)
      this.ip(ns, 'address', 'add', `${pool6.gateway}/${block6.prefixLength}`, 'dev', 'cni0', 'nodad');
    this.ip(ns, 'link', 'set', 'cni0', 'up');
    const out: LabPod[] = [];
    for (let j = 0; j < count; j++) {
      const pod = await this.add(`${ns.slice(this.id.length + 1)}-p${j}`);
      const { address } = pool.allocate({ containerId: pod, ifName: 'eth0' });
      this.ip(ns, 'link', 'add', `vp${j}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod);
      this.ip(ns, 'link', 'set', `vp${j}`, 'master', 'cni0');
      this.ip(ns, 'link', 'set', `vp${j}`, 'up');
      this.ip(pod, 'address', 'add', `${address}/${block.prefixLength}`, 'dev', 'eth0');
      this.ip(pod, 'link', 'set', 'eth0', 'up');
      this.ip(pod, 'route', 'add', 'default', 'via', gateway.toString());
      let address6: IpAddress | undefined;
      if (pool6 && block6) {
        address6 = pool6.allocate({ containerId: pod, ifName: 'eth0' }).address;
        this.ip(pod, 'address', 'add', `${address6}/${block6.prefixLength}`, 'dev', 'eth0', 'nodad');
        this.ip(pod, '-6', 'route', 'add', 'default', 'via', String(pool6.gateway));
      }
      out.push({ ns: pod, node: ns, address, ...(address6 ? { address6 } : {}) });
    }
    return out;
  }

  /** Whether `from` gets an echo reply from `to` (`ping -c1 -W1`, three tries: the first may wait for ARP). */
  async ping(from: string, to: string, tries = 3): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      try {
        await this.exec(from, 'ping', ['-n', '-q', '-c1', '-W1', to]);
        return true;
      } catch {
        // try again
      }
    }
    return false;
  }

  /** Every pod pings every other pod (at its IPv6 address with `family: 6`); the pairs that failed. */
  async pingMatrix(pods: readonly LabPod[], family: 4 | 6 = 4): Promise<string[]> {
    const pairs = pods.flatMap((a) => pods.filter((b) => b !== a).map((b) => [a, b] as const));
    if (family === 6) {
      const results = await Promise.all(
        pairs.map(async ([a, b]) =>
          (await this.ping(a.ns, String(b.address6))) ? undefined : `${a.ns} → ${b.ns} (${b.address6})`,
        ),
      );
      return results.filter((r): r is string => r !== undefined);
    }
    const results = await Promise.all(
      pairs.map(async ([a, b]) =>
        (await this.ping(a.ns, b.address.toString()))
          ? undefined
          : `${a.ns} (${a.address}) → ${b.ns} (${b.address})`,
      ),
    );
    return results.filter((r): r is string => r !== undefined);
  }

  /** Deletes every namespace of the lab (idempotent, never throws). */
  async destroy(): Promise<void> {
    for (const ns of [...this.namespaces].reverse()) {
      await deleteNetns(ns).catch(() => undefined);
    }
    this.namespaces.length = 0;
  }
}

/** Routes of protocol 69 as `ip -j route show proto 69` reports them. */
export interface ShownRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  type?: string;
  protocol?: string;
  metric?: number;
}

/** `ip -n NS [-6] -j route show proto 69`, sorted by destination. */
export function ownRoutes(lab: NetnsLab, ns: string, family: 4 | 6 = 4, protocol = 69): ShownRoute[] {
  return lab
    .ipJson<ShownRoute>(ns, `-${family}`, 'route', 'show', 'proto', String(protocol))
    .sort((a, b) => (a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}
