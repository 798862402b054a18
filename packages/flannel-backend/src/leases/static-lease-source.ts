import { Cidr, IpAddress, type IpFamily, type Logger, silentLogger } from '@edgeway/core';
import { checkPodCidrInNetwork, type PodCidrs } from '../annotations/node-lease.js';
import type { FlannelNetConfig } from '../config/net-conf.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import { LeaseSet } from './lease-set.js';
import type { AcquireOptions, LeaseListener, LeaseSource, NodeLease, SkippedNode } from './lease-source.js';
import { checkPublicIps, planOwnBlocks } from './own-blocks.js';

/** A node of a {@link StaticLeaseSource}; text is parsed (strictly). */
export interface StaticNode {
  readonly node: string;
  readonly subnet?: Cidr | string;
  readonly ipv6Subnet?: Cidr | string;
  readonly publicIp?: IpAddress | string;
  readonly publicIpv6?: IpAddress | string;
  /** Default `host-gw`. */
  readonly backendType?: string;
  /** Default `null` (host-gw). */
  readonly backendData?: unknown;
}

/** Options of {@link StaticLeaseSource}. */
export interface StaticLeaseSourceOptions {
  readonly nodes?: Iterable<StaticNode>;
  /**
   * The parsed `net-conf.json`. With it, only enabled families count, blocks must lie in `Network`/`IPv6Network`
   * (else the node is skipped with `ERR_PODCIDR_OUTSIDE_NETWORK`) and `acquire` can allocate. Without it, a lease
   * has the families its node has blocks for.
   */
  readonly config?: FlannelNetConfig;
  /** Allocate a block for a node that has none in `acquire`. Default `config.edgeway.allocateSubnets`. */
  readonly allocateSubnets?: boolean;
  readonly logger?: Logger;
}

interface Entry {
  readonly node: string;
  readonly subnet?: Cidr;
  readonly ipv6Subnet?: Cidr;
  readonly publicIp?: IpAddress;
  readonly publicIpv6?: IpAddress;
  readonly backendType: string;
  readonly backendData: unknown;
}

/**
 * A {@link LeaseSource} over a list of nodes held in memory and changed at run time (`set`, `upsert`, `remove`) —
 * for tests, for clusters without Kubernetes, and for custom tooling that learns the nodes elsewhere. Each change
 * reaches the watchers at once. Nodes that lack a block or an address for an enabled family are skipped (and
 * reported by {@link StaticLeaseSource.skipped}), as the Kubernetes source skips nodes flannel has not set up.
 */
export class StaticLeaseSource implements LeaseSource {
  readonly #entries = new Map<string, Entry>();
  readonly #set: LeaseSet;
  readonly #config: FlannelNetConfig | undefined;
  readonly #allocate: boolean;
  #closed = false;

  constructor(options: StaticLeaseSourceOptions = {}) {
    this.#config = options.config;
    this.#allocate = options.allocateSubnets ?? options.config?.edgeway.allocateSubnets ?? false;
    this.#set = new LeaseSet(options.logger ?? silentLogger);
    if (options.nodes !== undefined) this.set(options.nodes);
  }

  /** Replaces every node. @throws NetError for unparsable text (naming it). */
  set(nodes: Iterable<StaticNode>): void {
    this.#open();
    const next = new Map<string, Entry>();
    for (const n of nodes) next.set(n.node, toEntry(n));
    for (const name of [...this.#entries.keys()]) {
      if (!next.has(name)) {
        this.#entries.delete(name);
        this.#set.remove(name);
      }
    }
    for (const entry of next.values()) this.#apply(entry);
  }

  /** Adds or changes one node. @throws NetError for unparsable text. */
  upsert(node: StaticNode): void {
    this.#open();
    this.#apply(toEntry(node));
  }

  /** Removes a node (its lease goes, with a `removed` event). */
  remove(node: string): void {
    this.#open();
    this.#entries.delete(node);
    this.#set.remove(node);
  }

  async list(): Promise<NodeLease[]> {
    this.#open();
    return this.#set.list();
  }

  watch(listener: LeaseListener): () => void {
    this.#open();
    return this.#set.watch(listener);
  }

  /**
   * Our node's lease: the block it has in the list or, when allocating, a free one (never one another node holds);
   * our address(es) recorded; backend `host-gw`.
   */
  async acquire(nodeName: string, options: AcquireOptions): Promise<NodeLease> {
    this.#open();
    const entry = this.#entries.get(nodeName);
    const families = this.#families(entry, options);
    checkPublicIps(nodeName, { enableIPv4: families.includes(4), enableIPv6: families.includes(6) }, options);
    let blocks: PodCidrs = { v4: entry?.subnet, v6: entry?.ipv6Subnet };
    if (this.#config !== undefined) {
      blocks = planOwnBlocks({
        node: nodeName,
        current: {
          ...(entry?.subnet ? { v4: entry.subnet } : {}),
          ...(entry?.ipv6Subnet ? { v6: entry.ipv6Subnet } : {}),
        },
        others: () =>
          [...this.#entries.values()]
            .filter((e) => e.node !== nodeName)
            .map((e) => ({ node: e.node, cidrs: { v4: e.subnet, v6: e.ipv6Subnet } })),
        config: this.#config,
        allocate: this.#allocate,
        previous: options,
      });
    } else {
      for (const family of families) {
        if ((family === 4 ? blocks.v4 : blocks.v6) === undefined) {
          throw new FlannelError(
            FlannelErrorCode.NoPodCidr,
            `node ${nodeName} has no IPv${family} block in the list`,
            {
              node: nodeName,
              family,
            },
          );
        }
      }
    }
    const own: Entry = {
      node: nodeName,
      ...(blocks.v4 ? { subnet: blocks.v4 } : {}),
      ...(blocks.v6 ? { ipv6Subnet: blocks.v6 } : {}),
      ...(options.publicIp ? { publicIp: options.publicIp } : {}),
      ...(options.publicIpv6 ? { publicIpv6: options.publicIpv6 } : {}),
      backendType: 'host-gw',
      backendData: null,
    };
    this.#apply(own);
    const lease = this.#set.get(nodeName);
    if (lease === undefined) {
      // Cannot happen: the entry was validated above; report the skip reason if it does.
      throw (
        this.#set.skipped().find((s) => s.node === nodeName)?.error ??
        new FlannelError(FlannelErrorCode.LeaseConflict, `node ${nodeName} got no lease`, { node: nodeName })
      );
    }
    return lease;
  }

  /** Nothing to tell: there is no cluster. */
  async complete(_nodeName: string): Promise<void> {
    this.#open();
  }

  skipped(): readonly SkippedNode[] {
    return this.#set.skipped();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#set.clear();
  }

  #families(entry: Entry | undefined, options: AcquireOptions): IpFamily[] {
    if (this.#config !== undefined) {
      return [
        ...(this.#config.enableIPv4 ? [4 as const] : []),
        ...(this.#config.enableIPv6 ? [6 as const] : []),
      ];
    }
    const out: IpFamily[] = [];
    if (entry?.subnet !== undefined || options.publicIp !== undefined) out.push(4);
    if (entry?.ipv6Subnet !== undefined || options.publicIpv6 !== undefined) out.push(6);
    return out;
  }

  #apply(entry: Entry): void {
    this.#entries.set(entry.node, entry);
    try {
      this.#set.upsert(this.#toLease(entry));
    } catch (err) {
      if (!(err instanceof FlannelError)) throw err;
      this.#set.skip(entry.node, err);
    }
  }

  #toLease(e: Entry): NodeLease {
    const config = this.#config;
    const v4 = config ? config.enableIPv4 : e.subnet !== undefined;
    const v6 = config ? config.enableIPv6 : e.ipv6Subnet !== undefined;
    const need = <T>(value: T | undefined, family: IpFamily, what: 'block' | 'address'): T => {
      if (value !== undefined) return value;
      const code = what === 'block' ? FlannelErrorCode.NoPodCidr : FlannelErrorCode.LeaseNotReady;
      throw new FlannelError(code, `node ${e.node} has no IPv${family} ${what}`, { node: e.node, family });
    };
    const lease: { -readonly [K in keyof NodeLease]: NodeLease[K] } = {
      node: e.node,
      backendType: e.backendType,
      backendData: e.backendData,
    };
    if (v4) {
      lease.subnet = need(e.subnet, 4, 'block');
      if (config) checkPodCidrInNetwork(e.node, lease.subnet, config.network);
      lease.publicIp = need(e.publicIp, 4, 'address');
    }
    if (v6) {
      lease.ipv6Subnet = need(e.ipv6Subnet, 6, 'block');
      if (config) checkPodCidrInNetwork(e.node, lease.ipv6Subnet, config.ipv6Network);
      lease.publicIpv6 = need(e.publicIpv6, 6, 'address');
    }
    return Object.freeze(lease);
  }

  #open(): void {
    if (this.#closed) {
      throw new FlannelError(FlannelErrorCode.Closed, 'the static lease source is closed');
    }
  }
}

function toEntry(n: StaticNode): Entry {
  const cidr = (v: Cidr | string | undefined) => (typeof v === 'string' ? Cidr.parse(v) : v);
  const ip = (v: IpAddress | string | undefined) => (typeof v === 'string' ? IpAddress.parse(v) : v);
  const subnet = cidr(n.subnet);
  const ipv6Subnet = cidr(n.ipv6Subnet);
  const publicIp = ip(n.publicIp);
  const publicIpv6 = ip(n.publicIpv6);
  const fields = {
    subnet: [subnet, 4],
    ipv6Subnet: [ipv6Subnet, 6],
    publicIp: [publicIp, 4],
    publicIpv6: [publicIpv6, 6],
  };
  for (const [field, [value, family]] of Object.entries(fields) as [
    string,
    [Cidr | IpAddress | undefined, number],
  ][]) {
    if (value !== undefined && value.family !== family) {
      throw new FlannelError(
        FlannelErrorCode.Config,
        `node ${n.node}: ${field} ${value.toString()} is not an IPv${family} value`,
        { node: n.node, field, value: value.toString() },
      );
    }
  }
  return {
    node: n.node,
    ...(subnet ? { subnet } : {}),
    ...(ipv6Subnet ? { ipv6Subnet } : {}),
    ...(publicIp ? { publicIp } : {}),
    ...(publicIpv6 ? { publicIpv6 } : {}),
    backendType: n.backendType ?? 'host-gw',
    backendData: n.backendData ?? null,
  };
}
