/**
 * Route mode for one node, composed the way flanneld runs host-gw (`main.go`: `LookupExtIface` → backend
 * `RegisterNetwork` → `AcquireLease` → `WriteSubnetFile` → masquerade → `Network.Run` watching leases): find the
 * external interface, take our lease, write `subnet.env`, keep the host routes and the masquerade rules, and
 * follow lease changes. Unlike flannel the routes of departed nodes are removed, and on stop the routes stay by
 * default (as flannel leaves them) but can be removed.
 * @module
 */
import type { Advertisement, Cidr, Clock, KernelRoute, Logger, RouteTable } from '@edgeway/core';
import { silentLogger, systemClock } from '@edgeway/core';
import type { FlannelNetConfig } from '../config/net-conf.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import { readSubnetEnv, subnetEnvFor, writeSubnetEnv } from '../files/subnet-env.js';
import type { ExternalInterface } from '../interface/external-interface.js';
import { lookupExternalInterface } from '../interface/lookup-interface.js';
import type { LeaseSource, NodeLease } from '../leases/lease-source.js';
import {
  type CommandRunner,
  IptablesMasquerade,
  type MasqueradeConfig,
  type MasqueradeStatus,
} from '../masq/iptables-masquerade.js';
import { type AdvertisementOptions, advertisementsFor } from '../routes/host-gw-routes.js';
import { HostGwRouteManager, type LinkWatchMode, type RouteManagerStatus } from '../routes/route-manager.js';

/** Options of {@link FlannelAgent}. */
export interface FlannelAgentOptions {
  /** The parsed `net-conf.json` with edgeway's options (`parseNetConf`). */
  readonly config: FlannelNetConfig;
  /** Where leases come from (Kubernetes or a static list); the caller closes it. */
  readonly leases: LeaseSource;
  /** This node's name. */
  readonly nodeName: string;
  /** Named network namespace of the node (tests, labs); default the current one. */
  readonly netns?: string;
  /** Use this external interface instead of looking one up with `config.edgeway`'s selection. */
  readonly interface?: ExternalInterface;
  /** Write `subnet.env` (default true) to `config.edgeway.subnetFile`. */
  readonly writeSubnetFile?: boolean;
  /** Remove our routes on {@link FlannelAgent.stop} (default false: they stay, as flannel leaves them). */
  readonly removeRoutesOnStop?: boolean;
  /** How link-up events are seen (default `monitor`, see `HostGwRouteManager`). */
  readonly linkWatch?: LinkWatchMode;
  /** Masquerade drift-check period (default 5 000 ms, flannel's `--iptables-resync`). */
  readonly masqueradeResyncMs?: number;
  /** BGP attributes for {@link FlannelAgent.advertisements}. */
  readonly advertisement?: Omit<AdvertisementOptions, 'aggregate'>;
  /** Seams for tests: the route table, the iptables command runner. */
  readonly routeTable?: RouteTable<KernelRoute>;
  readonly commandRunner?: CommandRunner;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** Lifecycle of the agent. */
export type AgentState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** A snapshot for health endpoints. */
export interface FlannelAgentStatus {
  readonly state: AgentState;
  readonly node: string;
  readonly lease?: {
    readonly subnet?: string;
    readonly ipv6Subnet?: string;
    readonly publicIp?: string;
    readonly publicIpv6?: string;
  };
  readonly interface?: { readonly name: string; readonly index: number; readonly mtu: number };
  /** Leases seen (ours included). */
  readonly leases: number;
  readonly routes?: RouteManagerStatus;
  readonly masquerade?: MasqueradeStatus;
  /** Nodes the lease source skipped, with the reason. */
  readonly skippedNodes: readonly {
    readonly node: string;
    readonly code: string;
    readonly message: string;
  }[];
  readonly lastError?: string;
}

/** Route mode for one node (see the module). */
export class FlannelAgent {
  readonly #opts: FlannelAgentOptions;
  readonly #log: Logger;
  #state: AgentState = 'new';
  #iface: ExternalInterface | undefined;
  #lease: NodeLease | undefined;
  #leases: readonly NodeLease[] = [];
  #routes: HostGwRouteManager | undefined;
  #masq: IptablesMasquerade | undefined;
  #unwatch: (() => void) | undefined;
  #lastError: string | undefined;

  constructor(options: FlannelAgentOptions) {
    this.#opts = options;
    this.#log = (options.logger ?? silentLogger).child({
      component: 'flannel-agent',
      node: options.nodeName,
    });
  }

  /** The state now. */
  get state(): AgentState {
    return this.#state;
  }

  /** Our lease, once started. */
  get lease(): NodeLease | undefined {
    return this.#lease;
  }

  /** The external interface, once started. */
  get externalInterface(): ExternalInterface | undefined {
    return this.#iface;
  }

  /** The route manager, once started. */
  get routes(): HostGwRouteManager | undefined {
    return this.#routes;
  }

  /**
   * Starts: interface → lease → `subnet.env` → routes (first reconcile done when this resolves) → masquerade →
   * lease watch → `complete` (the node's `NetworkUnavailable=False`, flannel's `CompleteLease`). On failure everything started is undone and the error rethrown.
   * @throws FlannelError from interface selection (`ERR_INTERFACE_NOT_FOUND`, `ERR_PUBLIC_IP_NOT_LOCAL`…), the
   * lease source (`ERR_NO_PODCIDR`, `ERR_PODCIDR_OUTSIDE_NETWORK`…), `ERR_SUBNET_FILE`, `ERR_IPTABLES`;
   * `ERR_AGENT_STATE` if not new.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') {
      throw new FlannelError(
        FlannelErrorCode.AgentState,
        `agent of ${this.#opts.nodeName} is ${this.#state}, not new`,
        {
          state: this.#state,
        },
      );
    }
    this.#state = 'starting';
    const { config, leases, nodeName, netns } = this.#opts;
    const e = config.edgeway;
    try {
      this.#iface =
        this.#opts.interface ??
        (await lookupExternalInterface({
          ...(netns ? { netns } : {}),
          iface: e.iface,
          ifaceRegex: e.ifaceRegex,
          ...(e.ifaceCanReach ? { ifaceCanReach: e.ifaceCanReach } : {}),
          ...(e.publicIp ? { publicIp: e.publicIp } : {}),
          ...(e.publicIpv6 ? { publicIpv6: e.publicIpv6 } : {}),
          ipv4: config.enableIPv4,
          ipv6: config.enableIPv6,
        }));
      const iface = this.#iface;
      this.#log.info(
        { interface: iface.name, ipv4: iface.ipv4?.toString(), ipv6: iface.ipv6?.toString() },
        'external interface',
      );
      const write = this.#opts.writeSubnetFile !== false;
      const previous = write ? await readSubnetEnv(e.subnetFile).catch(() => undefined) : undefined;
      this.#lease = await leases.acquire(nodeName, {
        ...(iface.publicIp ? { publicIp: iface.publicIp } : {}),
        ...(iface.publicIpv6 ? { publicIpv6: iface.publicIpv6 } : {}),
        ...(previous?.subnet ? { previousSubnet: previous.subnet.cidr } : {}),
        ...(previous?.ipv6Subnet ? { previousIpv6Subnet: previous.ipv6Subnet.cidr } : {}),
      });
      this.#log.info(
        { subnet: this.#lease.subnet?.toString(), ipv6Subnet: this.#lease.ipv6Subnet?.toString() },
        'lease acquired',
      );
      if (write) await writeSubnetEnv(subnetEnvFor(config, this.#lease, iface.mtu), e.subnetFile);

      this.#routes = await HostGwRouteManager.open(iface, {
        ...(netns ? { netns } : {}),
        ...(this.#opts.routeTable ? { routeTable: this.#opts.routeTable } : {}),
        table: e.routeTable,
        metric: e.metric,
        blackhole: e.blackhole,
        resyncIntervalMs: e.resyncPeriodMs,
        ...(this.#opts.linkWatch ? { linkWatch: this.#opts.linkWatch } : {}),
        ...(this.#opts.clock ? { clock: this.#opts.clock } : {}),
        logger: this.#log,
      });
      // Watch before listing so that no change between the two is lost; the list seeds the first reconcile.
      this.#unwatch = leases.watch((ev) => this.#onLeases(ev.leases));
      this.#leases = await leases.list();
      await this.#routes.update(this.#lease, this.#leases);
      await this.#routes.start();

      if (e.ipMasq) {
        if (config.enableNFTables) {
          this.#log.warn(
            {},
            'EnableNFTables: masquerade uses iptables-restore here (nft is not driven yet); the rules are the same',
          );
        }
        this.#masq = new IptablesMasquerade({
          ...this.#masqConfig(this.#lease),
          ...(netns ? { netns } : {}),
          randomFully: 'auto',
          ...(this.#opts.masqueradeResyncMs === undefined
            ? {}
            : { resyncIntervalMs: this.#opts.masqueradeResyncMs }),
          ...(this.#opts.commandRunner ? { run: this.#opts.commandRunner } : {}),
          clock: this.#opts.clock ?? systemClock,
          logger: this.#log,
        });
        await this.#masq.start();
      }
      // flannel's CompleteLease: tell the cluster our network is up (NetworkUnavailable=False).
      await leases.complete(nodeName);
      this.#state = 'running';
    } catch (err) {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#state = 'failed';
      await this.#teardown(false).catch((e2: unknown) =>
        this.#log.warn({ err: e2 }, 'clean-up after a failed start'),
      );
      throw err;
    }
  }

  /**
   * Stops following leases and resyncing, removes the masquerade rules, and leaves the routes (or removes them
   * with `removeRoutes`, default {@link FlannelAgentOptions.removeRoutesOnStop}). The lease source stays open.
   */
  async stop(options: { removeRoutes?: boolean } = {}): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    this.#state = 'stopping';
    try {
      await this.#teardown(options.removeRoutes ?? this.#opts.removeRoutesOnStop ?? false);
    } finally {
      this.#state = 'stopped';
    }
  }

  /**
   * What the node's BGP speaker should announce: our block(s) with next hop = our IP, and — with
   * `edgeway.advertiseAggregate` — the cluster network(s). Empty before the lease is known.
   */
  advertisements(): Advertisement[] {
    if (!this.#lease) return [];
    const { config } = this.#opts;
    const aggregate = config.edgeway.advertiseAggregate
      ? [config.network, config.ipv6Network].filter((c): c is NonNullable<typeof c> => c !== undefined)
      : [];
    return advertisementsFor(this.#lease, { ...this.#opts.advertisement, aggregate });
  }

  /** A snapshot of the agent and its parts. */
  status(): FlannelAgentStatus {
    const l = this.#lease;
    const i = this.#iface;
    return {
      state: this.#state,
      node: this.#opts.nodeName,
      ...(l
        ? {
            lease: {
              ...(l.subnet ? { subnet: l.subnet.toString() } : {}),
              ...(l.ipv6Subnet ? { ipv6Subnet: l.ipv6Subnet.toString() } : {}),
              ...(l.publicIp ? { publicIp: l.publicIp.toString() } : {}),
              ...(l.publicIpv6 ? { publicIpv6: l.publicIpv6.toString() } : {}),
            },
          }
        : {}),
      ...(i ? { interface: { name: i.name, index: i.index, mtu: i.mtu } } : {}),
      leases: this.#leases.length,
      ...(this.#routes ? { routes: this.#routes.status() } : {}),
      ...(this.#masq ? { masquerade: this.#masq.status() } : {}),
      skippedNodes: this.#opts.leases
        .skipped()
        .map((s) => ({ node: s.node, code: s.error.code, message: s.error.message })),
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  #masqConfig(lease: NodeLease): MasqueradeConfig {
    const { config } = this.#opts;
    return {
      ...(config.enableIPv4 && config.network && lease.subnet
        ? { ipv4: { network: config.network, block: lease.subnet } }
        : {}),
      ...(config.enableIPv6 && config.ipv6Network && lease.ipv6Subnet
        ? { ipv6: { network: config.ipv6Network, block: lease.ipv6Subnet } }
        : {}),
    };
  }

  #onLeases(leases: readonly NodeLease[]): void {
    if (this.#state !== 'running' && this.#state !== 'starting') return;
    this.#leases = leases;
    const lease = this.#lease;
    if (!lease || !this.#routes) return;
    const mine = leases.find((l) => l.node === this.#opts.nodeName);
    if (!mine) {
      this.#log.error(
        {},
        'our lease is gone from the lease source; keeping our routes and files as they are',
      );
    } else if (!sameBlocks(mine, lease)) {
      this.#log.warn(
        { subnet: mine.subnet?.toString(), previous: lease.subnet?.toString() },
        'our block changed',
      );
      this.#lease = mine;
      void this.#ownLeaseChanged(mine);
    } else {
      this.#lease = mine;
    }
    this.#routes.update(this.#lease as NodeLease, leases).catch((err: unknown) => {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#log.error({ err }, 'route update failed; the resync will retry');
    });
  }

  async #ownLeaseChanged(lease: NodeLease): Promise<void> {
    try {
      const e = this.#opts.config.edgeway;
      if (this.#opts.writeSubnetFile !== false && this.#iface) {
        await writeSubnetEnv(subnetEnvFor(this.#opts.config, lease, this.#iface.mtu), e.subnetFile);
      }
      await this.#masq?.update(this.#masqConfig(lease));
    } catch (err) {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#log.error({ err }, 'applying our new block failed');
    }
  }

  async #teardown(removeRoutes: boolean): Promise<void> {
    this.#unwatch?.();
    this.#unwatch = undefined;
    const errors: unknown[] = [];
    await this.#masq?.stop().catch((err: unknown) => errors.push(err));
    await this.#routes?.close({ removeRoutes }).catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw errors[0];
  }
}

function sameBlocks(a: NodeLease, b: NodeLease): boolean {
  const eq = (x?: Cidr, y?: Cidr) => (x === undefined ? y === undefined : y !== undefined && x.equals(y));
  return eq(a.subnet, b.subnet) && eq(a.ipv6Subnet, b.ipv6Subnet);
}
