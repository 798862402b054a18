import { type Clock, type IpAddress, type Logger, silentLogger, systemClock } from '@edgeway/core';
import {
  CoreV1Api,
  type Informer,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
} from '@kubernetes/client-node';
import { annotationNames, type FlannelAnnotationNames } from '../annotations/annotation-names.js';
import { annotationPatchBody, ownNodeAnnotations, storedPublicIps } from '../annotations/node-annotations.js';
import { nodeToLease, type PodCidrs, podCidrsOf } from '../annotations/node-lease.js';
import type { FlannelNetConfig } from '../config/net-conf.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import {
  type AllocationLock,
  KubeAllocationLock,
  type KubeAllocationLockOptions,
} from './allocation-lock.js';
import { httpStatusOf, kubeApiError } from './kube-errors.js';
import { LeaseSet } from './lease-set.js';
import type { AcquireOptions, LeaseListener, LeaseSource, NodeLease, SkippedNode } from './lease-source.js';
import { checkPublicIps, planOwnBlocks } from './own-blocks.js';

/** Options of {@link KubeLeaseSource}. */
export interface KubeLeaseSourceOptions {
  /** Where the API server is and how to authenticate (`kc.loadFromDefault()`, `loadFromCluster()`…). */
  readonly kubeConfig: KubeConfig;
  /** The parsed `net-conf.json`: families, `Network`/`IPv6Network`, `SubnetLen`/`Min`/`Max`, edgeway options. */
  readonly config: FlannelNetConfig;
  /** Allocate blocks for nodes without `spec.podCIDR` (default `config.edgeway.allocateSubnets`). */
  readonly allocateSubnets?: boolean;
  /** Annotation prefix (default `config.edgeway.annotationPrefix`, flannel's `flannel.alpha.coreos.com`). */
  readonly annotationPrefix?: string;
  /** Set `NetworkUnavailable=False` in {@link KubeLeaseSource.complete} (default `config.edgeway.setNodeNetworkUnavailable`). */
  readonly setNodeNetworkUnavailable?: boolean;
  /** The lock that serialises allocation across nodes, or options of the default Lease lock. */
  readonly lock?: AllocationLock | KubeAllocationLockOptions;
  /** Attempts of a Node write that keeps meeting 409 Conflict before `ERR_LEASE_CONFLICT` (default 10). */
  readonly maxConflictRetries?: number;
  /** How long `list()` waits for the first full list of nodes (default 60 000 ms). */
  readonly syncTimeoutMs?: number;
  /** Delay before the node watch is restarted after an error (default 1000 ms, doubling to 30 s). */
  readonly restartDelayMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const STRATEGIC_MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

/**
 * A {@link LeaseSource} on the Kubernetes API through `@kubernetes/client-node`, behaving as flannel's kube subnet
 * manager (`pkg/subnet/kube/kube.go`) so flannel nodes and edgeway nodes see each other:
 *
 * - **Leases** come from every Node through an informer (list + watch). A node is a lease once it carries flannel's
 *   annotations (`kube-subnet-manager: "true"`, `public-ip`…) and a `spec.podCIDR(s)` inside `Network` /
 *   `IPv6Network`; other nodes are skipped and reported ({@link KubeLeaseSource.skipped}). A watch that expires
 *   (410 Gone) is relisted by client-node's `ListWatch`, and the lease set is diffed against the new list, so it
 *   converges; a watch that fails otherwise is restarted with backoff.
 * - **Our block** is the Node's `spec.podCIDR(s)` (set by kube-controller-manager's IPAM, as flannel expects). With
 *   `allocateSubnets` and no podCIDR, we pick one with core's `SubnetAllocator` (flannel's `SubnetLen/Min/Max`),
 *   restored from every node's blocks, and store it on our Node with a `resourceVersion` precondition (409 → re-read,
 *   retry); the pick-and-store runs under an {@link AllocationLock} (a coordination Lease), so two nodes joining at
 *   once never take one block.
 * - **Annotations** are written as flannel's `AcquireLease` does: only what changed, as a strategic merge patch on
 *   `nodes/<name>/status`, honouring `public-ip-overwrite`; {@link KubeLeaseSource.complete} sets the
 *   `NetworkUnavailable=False` condition (reason `FlannelIsUp`) as flannel's `CompleteLease` does.
 *
 * Needs RBAC on nodes: `get`, `list`, `watch`, `patch` (`patch` on `nodes/status`); with allocation also `patch` on
 * `nodes` and the Lease lock's rights.
 */
export class KubeLeaseSource implements LeaseSource {
  readonly #core: CoreV1Api;
  readonly #kc: KubeConfig;
  readonly #config: FlannelNetConfig;
  readonly #names: FlannelAnnotationNames;
  readonly #allocate: boolean;
  readonly #setCondition: boolean;
  readonly #lock: AllocationLock;
  readonly #maxRetries: number;
  readonly #syncTimeoutMs: number;
  readonly #restartDelayMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #set: LeaseSet;
  #informer: Informer<V1Node> | undefined;
  #started = false;
  #synced: { promise: Promise<void>; resolve: () => void };
  #restartTimer: ReturnType<Clock['setTimeout']> | undefined;
  #restartAttempts = 0;
  #errors = 0;
  #running: Promise<void> | undefined;
  #closed = false;

  /** @throws FlannelError `ERR_ANNOTATION_PREFIX` for a bad prefix. */
  constructor(options: KubeLeaseSourceOptions) {
    this.#kc = options.kubeConfig;
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#config = options.config;
    this.#names = annotationNames(options.annotationPrefix ?? options.config.edgeway.annotationPrefix);
    this.#allocate = options.allocateSubnets ?? options.config.edgeway.allocateSubnets;
    this.#setCondition =
      options.setNodeNetworkUnavailable ?? options.config.edgeway.setNodeNetworkUnavailable;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    this.#lock =
      options.lock !== undefined && 'run' in options.lock
        ? options.lock
        : new KubeAllocationLock(options.kubeConfig, {
            clock: this.#clock,
            logger: this.#logger,
            ...options.lock,
          });
    this.#maxRetries = options.maxConflictRetries ?? 10;
    this.#syncTimeoutMs = options.syncTimeoutMs ?? 60_000;
    this.#restartDelayMs = options.restartDelayMs ?? 1000;
    this.#set = new LeaseSet(this.#logger);
    let resolve!: () => void;
    this.#synced = { promise: new Promise<void>((r) => (resolve = r)), resolve };
  }

  /** The annotation names in use. */
  get annotationNames(): FlannelAnnotationNames {
    return this.#names;
  }

  /** Starts the node informer (idempotent); resolves once the first list is in. */
  async start(): Promise<void> {
    this.#open();
    if (!this.#started) {
      this.#started = true;
      this.#startInformer().catch((err) => this.#onInformerError(err));
    }
    await this.#waitSynced();
  }

  async list(): Promise<NodeLease[]> {
    await this.start();
    return this.#set.list();
  }

  /** Listens to lease changes (starting the informer if needed; start errors are logged and retried). */
  watch(listener: LeaseListener): () => void {
    this.#open();
    const stop = this.#set.watch(listener);
    this.start().catch((err) => this.#logger.error({ err }, 'node informer did not start'));
    return stop;
  }

  skipped(): readonly SkippedNode[] {
    return this.#set.skipped();
  }

  /**
   * The addresses an admin pinned on the node with `node-public-ip` / `node-public-ipv6` (flannel's
   * `GetStoredPublicIP`), to choose the external interface before {@link KubeLeaseSource.acquire}.
   */
  async storedPublicIps(nodeName: string): Promise<{ publicIp?: IpAddress; publicIpv6?: IpAddress }> {
    this.#open();
    return storedPublicIps((await this.#readNode(nodeName)).metadata?.annotations, this.#names);
  }

  /**
   * Our node's lease (see the class description). A public address not given falls back to the node's
   * `node-public-ip` / `node-public-ipv6` annotation.
   */
  async acquire(nodeName: string, options: AcquireOptions): Promise<NodeLease> {
    this.#open();
    let node = await this.#readNode(nodeName);
    const pinned = storedPublicIps(node.metadata?.annotations, this.#names);
    const ips = {
      publicIp: options.publicIp ?? pinned.publicIp,
      publicIpv6: options.publicIpv6 ?? pinned.publicIpv6,
    };
    checkPublicIps(nodeName, this.#config, ips);
    const current = podCidrsOf(node);
    if (this.#allocate && current.v4 === undefined && current.v6 === undefined) {
      node = await this.#lock.run(nodeName, () => this.#allocateAndStore(nodeName, options));
    }
    planOwnBlocks({
      node: nodeName,
      current: podCidrsOf(node),
      others: () => [],
      config: this.#config,
      allocate: this.#allocate,
    });
    const own = ownNodeAnnotations(
      node.metadata?.annotations,
      { backendType: 'host-gw', ...ips },
      this.#names,
    );
    if (Object.keys(own.patch).length > 0) {
      node = await this.#call(`patching the annotations of node ${nodeName}`, nodeName, () =>
        this.#core.patchNodeStatus(
          { name: nodeName, body: annotationPatchBody(own.patch) },
          STRATEGIC_MERGE_PATCH,
        ),
      );
      this.#logger.info({ node: nodeName, annotations: own.patch }, 'node annotations written');
    }
    return nodeToLease(node, this.#config, this.#names);
  }

  /**
   * Sets our node's condition `NetworkUnavailable=False` (reason `FlannelIsUp`), as flannel's `CompleteLease` does
   * once its backend is up — a strategic merge patch on `nodes/<name>/status`, merged by condition type. Skipped when
   * `setNodeNetworkUnavailable` is false.
   */
  async complete(nodeName: string): Promise<void> {
    this.#open();
    if (!this.#setCondition) return;
    const now = new Date(this.#clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const condition = {
      type: 'NetworkUnavailable',
      status: 'False',
      reason: 'FlannelIsUp',
      message: 'Flannel is running on this node (edgeway route mode)',
      lastTransitionTime: now,
      lastHeartbeatTime: now,
    };
    await this.#call(`setting NetworkUnavailable=False on node ${nodeName}`, nodeName, () =>
      this.#core.patchNodeStatus(
        { name: nodeName, body: { status: { conditions: [condition] } } },
        STRATEGIC_MERGE_PATCH,
      ),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#restartTimer !== undefined) this.#clock.clearTimeout(this.#restartTimer);
    this.#set.clear();
    const informer = this.#informer;
    await informer?.stop();
    // A watch request still in flight is not aborted by stop() (client-node keeps no handle yet): stop again
    // once it is open.
    this.#running?.then(
      () => informer?.stop(),
      () => {},
    );
  }

  /** Inside the allocation lock: re-read, pick a block no node holds, store it with a resourceVersion precondition. */
  async #allocateAndStore(nodeName: string, options: AcquireOptions): Promise<V1Node> {
    for (let attempt = 1; ; attempt++) {
      const node = await this.#readNode(nodeName);
      const current = podCidrsOf(node);
      if (current.v4 !== undefined || current.v6 !== undefined) return node; // set meanwhile (by IPAM, or our retry)
      const all = await this.#call('listing nodes', nodeName, () => this.#core.listNode());
      const others = all.items.filter((n) => n.metadata?.name !== nodeName).flatMap(blocksOf);
      const blocks = planOwnBlocks({
        node: nodeName,
        current: {},
        others: () => others,
        config: this.#config,
        allocate: true,
        previous: options,
      });
      const cidrs = [blocks.v4, blocks.v6].flatMap((c) => (c === undefined ? [] : [c.toString()]));
      try {
        const stored = await this.#core.patchNode(
          {
            name: nodeName,
            body: {
              metadata: { resourceVersion: node.metadata?.resourceVersion },
              spec: { podCIDR: cidrs[0], podCIDRs: cidrs },
            },
          },
          MERGE_PATCH,
        );
        this.#logger.info({ node: nodeName, podCIDRs: cidrs }, 'node block allocated');
        return stored;
      } catch (err) {
        if (httpStatusOf(err) !== 409)
          throw kubeApiError(`storing pod CIDR ${cidrs.join(',')} on node ${nodeName}`, err);
        if (attempt >= this.#maxRetries) {
          throw new FlannelError(
            FlannelErrorCode.LeaseConflict,
            `node ${nodeName} kept changing while storing pod CIDR ${cidrs.join(',')} (${attempt} conflicts)`,
            { node: nodeName, subnet: cidrs.join(','), attempts: attempt },
            { cause: err, isRetryable: true },
          );
        }
        this.#logger.debug({ node: nodeName, attempt }, 'node changed while storing its block; retrying');
      }
    }
  }

  async #readNode(name: string): Promise<V1Node> {
    try {
      return await this.#core.readNode({ name });
    } catch (err) {
      if (httpStatusOf(err) === 404) {
        throw new FlannelError(
          FlannelErrorCode.NodeNotFound,
          `node ${name} does not exist`,
          { node: name },
          {
            cause: err,
            isRetryable: true,
          },
        );
      }
      throw kubeApiError(`reading node ${name}`, err, { node: name });
    }
  }

  async #call<T>(operation: string, node: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw kubeApiError(operation, err, { node });
    }
  }

  async #startInformer(): Promise<void> {
    const informer = makeInformer<V1Node>(this.#kc, '/api/v1/nodes', async () => {
      const list = await this.#core.listNode();
      // ListWatch applies the list synchronously once this promise settles, before it opens the watch: the
      // lease set is complete by the next macrotask, whatever the watch request then does.
      setImmediate(() => {
        this.#restartAttempts = 0;
        this.#synced.resolve();
      });
      return list;
    });
    this.#informer = informer;
    informer.on('add', (n) => this.#onNode(n));
    informer.on('update', (n) => this.#onNode(n));
    informer.on('delete', (n) => this.#set.remove(n.metadata?.name ?? ''));
    informer.on('error', (err) => this.#onInformerError(err));
    await this.#runInformer();
  }

  async #runInformer(): Promise<void> {
    if (this.#closed || this.#informer === undefined) return;
    // Resolves once the watch is open, or after an error was reported to #onInformerError.
    const errors = this.#errors;
    this.#running = this.#informer.start();
    await this.#running;
    if (this.#errors === errors) this.#restartAttempts = 0;
  }

  #onInformerError(err: unknown): void {
    if (this.#closed) return;
    this.#errors++;
    const delay = Math.min(this.#restartDelayMs * 2 ** this.#restartAttempts, 30_000);
    this.#restartAttempts++;
    this.#logger.warn({ err, delayMs: delay }, 'node watch failed; restarting');
    if (this.#restartTimer !== undefined) this.#clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = this.#clock.setTimeout(() => {
      this.#restartTimer = undefined;
      this.#runInformer().catch((e) => this.#onInformerError(e));
    }, delay);
  }

  #onNode(node: V1Node): void {
    const name = node.metadata?.name ?? '';
    try {
      this.#set.upsert(nodeToLease(node, this.#config, this.#names));
    } catch (err) {
      if (!(err instanceof FlannelError)) throw err;
      this.#set.skip(name, err);
    }
  }

  async #waitSynced(): Promise<void> {
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(
        () =>
          reject(
            new FlannelError(
              FlannelErrorCode.KubeApi,
              `the node list did not arrive within ${this.#syncTimeoutMs} ms`,
              { operation: 'listing nodes' },
              { isRetryable: true },
            ),
          ),
        this.#syncTimeoutMs,
      );
    });
    try {
      await Promise.race([this.#synced.promise, timeout]);
    } finally {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
    }
  }

  #open(): void {
    if (this.#closed)
      throw new FlannelError(FlannelErrorCode.Closed, 'the Kubernetes lease source is closed');
  }
}

/** A node's blocks for allocation; a node whose podCIDRs do not parse is left out (its addresses cannot be known). */
function blocksOf(n: V1Node): { node: string; cidrs: PodCidrs }[] {
  try {
    return [{ node: n.metadata?.name ?? '', cidrs: podCidrsOf(n) }];
  } catch {
    return [];
  }
}
