import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expired } from './api/status.js';
import { FakeStore } from './fake-store.js';
import { type KubeConfigOptions, kubeConfigOptions, kubeConfigYaml } from './kube-config.js';
import { ResourceRegistry } from './registry/resource-registry.js';
import { builtinResources } from './resources/builtin-resources.js';
import { namespacesResource } from './resources/namespaces.js';
import type { ResourceDefinition } from './resources/resource-definition.js';
import { FaultInjector } from './server/faults.js';
import { createRequestHandler } from './server/request-handler.js';
import type { WatchSession } from './server/watch-stream.js';
import { VersionedStore } from './store/versioned-store.js';

/** Options of {@link startKubeFake}. */
export interface KubeFakeOptions {
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  readonly port?: number;
  /** Loopback address to bind: `127.0.0.1` (default) or `::1`. Anything else is refused. */
  readonly host?: '127.0.0.1' | '::1';
  /** Extra kinds to serve besides nodes, leases, configmaps and namespaces. */
  readonly resources?: readonly ResourceDefinition[];
  /** Change events kept per resource, the watch window (default 1000). Older watches get 410 Gone. */
  readonly watchHistorySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 60 000 ms, about what the server does). */
  readonly bookmarkIntervalMs?: number;
  /** Close watches that set no `timeoutSeconds` after this many seconds (default: never). */
  readonly watchTimeoutSeconds?: number;
  /** How long a read at a future resource version waits before a 504 (default 3000 ms, as the watch cache). */
  readonly tooLargeResourceVersionWaitMs?: number;
  /** The resource version the store starts at (default 1). */
  readonly initialResourceVersion?: number;
  /** Namespaces that exist from the start (default `default`, `kube-system`, `kube-public`, `kube-node-lease`). */
  readonly namespaces?: readonly string[];
  /** Refuse namespaced creates in a missing namespace with 404, as `NamespaceLifecycle` does (default true). */
  readonly namespaceLifecycle?: boolean;
  /** Clock for timestamps (default `() => new Date()`). */
  readonly now?: () => Date;
}

/** A running fake API server. */
export interface KubeFake {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /**
   * Options for client-node: `kc.loadFromOptions(fake.kubeConfig())`. `namespace` sets the context's
   * default namespace.
   */
  kubeConfig(namespace?: string): KubeConfigOptions;
  /** The same as a kubeconfig YAML document. */
  kubeConfigYaml(namespace?: string): string;
  /** Direct storage access for tests. */
  readonly store: FakeStore;
  /** Fault injection. */
  readonly faults: FaultInjector;
  /** The API layer (for adding behaviour in tests; most callers use HTTP). */
  readonly registry: ResourceRegistry;
  /** Number of open watch streams. */
  openWatches(): number;
  /**
   * Expire every open watch as the server does when a watcher falls out of the window: send an `ERROR`
   * event with a 410 `Expired` Status and close the stream, and compact history so resuming from an older
   * resource version also gets 410. Informers relist. Returns the number of watches expired.
   */
  expireWatches(): number;
  /** Close every open watch cleanly (clients re-watch from their last resource version). Returns the count. */
  closeWatches(): number;
  /** Forget history up to `resourceVersion` (default: now): older watches and continue tokens get 410 Gone. */
  compact(resourceVersion?: string | number): void;
  /** Close all watches and connections and stop listening. */
  close(): Promise<void>;
}

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Start a faithful local fake of the Kubernetes API server on loopback, for tests and the lab: nodes (with
 * `/status`), leases, configmaps and namespaces over the real REST paths, one global `resourceVersion`,
 * list + watch with 410 Gone for expired versions, 409 on stale writes, JSON / merge / strategic-merge
 * patches. `@kubernetes/client-node` talks to it unchanged.
 *
 * @example
 * ```ts
 * const fake = await startKubeFake();
 * const kc = new KubeConfig();
 * kc.loadFromOptions(fake.kubeConfig());
 * const nodes = await kc.makeApiClient(CoreV1Api).listNode();
 * await fake.close();
 * ```
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/
 */
export async function startKubeFake(options: KubeFakeOptions = {}): Promise<KubeFake> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1')
    throw new Error(`kube-fake listens on loopback only, not ${String(host)}`);
  const now = options.now ?? (() => new Date());
  const store = new VersionedStore({
    historyLimit: options.watchHistorySize ?? 1000,
    initialRevision: options.initialResourceVersion ?? 1,
  });
  const registry = new ResourceRegistry(store, [...builtinResources, ...(options.resources ?? [])], {
    now,
    namespaceLifecycle: options.namespaceLifecycle ?? true,
  });
  for (const ns of options.namespaces ?? DEFAULT_NAMESPACES) {
    registry.create(namespacesResource, undefined, { metadata: { name: ns } });
  }
  const faults = new FaultInjector();
  const sessions = new Set<WatchSession>();
  let address = '';
  const server = createServer(
    createRequestHandler({
      registry,
      faults,
      sessions,
      serverAddress: () => address,
      maxBodyBytes: 3 * 1024 * 1024,
      timings: {
        bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
        tooLargeWaitMs: options.tooLargeResourceVersionWaitMs ?? 3000,
        defaultTimeoutSeconds: options.watchTimeoutSeconds,
      },
    }),
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host === '::1' ? '[::1]' : host;
  address = `${hostPart}:${port}`;
  const url = `http://${address}`;

  return {
    url,
    port,
    kubeConfig: (namespace) => kubeConfigOptions(url, 'kube-fake', namespace),
    kubeConfigYaml: (namespace) => kubeConfigYaml(url, 'kube-fake', namespace),
    store: new FakeStore(registry, now),
    faults,
    registry,
    openWatches: () => sessions.size,
    expireWatches() {
      const open = [...sessions];
      store.compact();
      for (const s of open) {
        const oldest = store.oldestAvailable(s.resource);
        s.fail(expired(`too old resource version: ${oldest - 1} (${oldest})`).status);
      }
      return open.length;
    },
    closeWatches() {
      const open = [...sessions];
      for (const s of open) s.end();
      return open.length;
    },
    compact: (rv) => store.compact(rv === undefined ? undefined : Number(rv)),
    async close() {
      faults.clear();
      for (const s of [...sessions]) s.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
