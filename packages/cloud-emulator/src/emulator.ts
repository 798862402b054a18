import { type Clock, EdgewayError, type Logger, silentLogger, systemClock } from '@edgeway/core';
import { type ActionTable, ApiVersion } from './api/action.js';
import { ecsActions } from './ecs/ecs-actions.js';
import { handleMetadata, type MetadataRequest, type MetadataResponse } from './metadata/metadata-service.js';
import { type ApiHandlerDeps, handleApiRequest } from './server/api-handler.js';
import { type FaultConfig, FaultInjector } from './server/faults.js';
import { EmulatorHttpServer } from './server/http-server.js';
import { IdempotencyCache } from './server/idempotency.js';
import { createRouter, type MetadataRoute, textAnswer } from './server/router.js';
import { CallStats, type EmulatorStats } from './server/stats.js';
import { type ThrottleConfig, Throttler } from './server/throttle.js';
import { type AccessKey, AccessKeyStore, generateAccessKey } from './signature/access-keys.js';
import { DEFAULT_TIMESTAMP_WINDOW_MS, NonceCache } from './signature/replay-guard.js';
import { EmulatorState } from './state/emulator-state.js';
import type { ChangeListener } from './state/events.js';
import type { Timings } from './state/timings.js';
import { loadTopologyFile, type ParsedTopology, parseTopology, type Topology } from './topology.js';
import { vpcActions } from './vpc/vpc-actions.js';

/** The metadata service entry point (`handleMetadata` of `metadata/metadata-service.ts`), replaceable in tests. */
export type MetadataHandler = (
  state: EmulatorState,
  instanceId: string,
  req: MetadataRequest,
) => MetadataResponse;

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind (default `127.0.0.1`). Only loopback addresses unless `allowNonLoopback`. */
  host?: string;
  /** Allow binding a non-loopback address (the emulator has no TLS and accepts any listed key). */
  allowNonLoopback?: boolean;
  /** The topology to seed: an object, or the path of a YAML/JSON file. */
  topology?: Topology | string;
  /** Overrides the topology's region. */
  regionId?: string;
  /** The clock of async transitions, throttling, timestamps, STS expiry and ClientToken expiry (default: real). */
  clock?: Clock;
  /** Overrides the topology's timings. */
  timings?: Partial<Timings>;
  /** Accepted access keys (default: the topology's, else one random pair generated). */
  accessKeys?: AccessKey[];
  /** Overrides the topology's throttling. */
  throttling?: ThrottleConfig;
  /** Overrides the topology's faults. */
  faults?: FaultConfig;
  /** Accepted distance of request timestamps from the clock (default 15 min; `Infinity` disables). */
  timestampWindowMs?: number;
  /** How long a ClientToken is remembered (default 24 h on the clock). */
  clientTokenTtlMs?: number;
  /** Largest request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** The instance `/latest/...` answers for (default: the topology's `metadata.defaultInstanceId`). */
  defaultInstanceId?: string;
  /** Replaces the action table of a product (for tests of the server itself). */
  actions?: { vpc?: ActionTable; ecs?: ActionTable };
  /** Replaces the metadata service (for tests of the server itself). */
  metadataHandler?: MetadataHandler;
  logger?: Logger;
}

/** A running emulator. */
export interface Emulator {
  /** `127.0.0.1:PORT`: the SDK's `endpoint` (with `protocol: 'http'`). */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT/<instanceId>` (or without the instance, the default instance's base). */
  metadataEndpoint(instanceId?: string): string;
  /** The first access key (what clients should sign with). */
  readonly credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
  /** Every accepted key; keys can be added or revoked while running. */
  readonly accessKeys: AccessKeyStore;
  /** The emulated resources (`state.snapshot()` reads them all). */
  readonly state: EmulatorState;
  /** Fault injection, changeable at runtime: `faults.set({ serviceUnavailableRate: 0.5 })`. */
  readonly faults: FaultInjector;
  /** Throttling, reconfigurable at runtime: `throttling.configure({...})`. */
  readonly throttling: Throttler;
  /** Calls per action, successes and errors by code. */
  stats(): EmulatorStats;
  resetStats(): void;
  /** Listens to state changes (route entry created, ENI attached…); returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  /** Closes every connection, cancels timers and pending transitions. */
  close(): Promise<void>;
}

/** Whether `host` is a loopback address (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Starts the emulator: seeds the state from the topology and serves the Alibaba Cloud VPC (`2016-04-28`) and ECS
 * (`2014-05-26`) RPC APIs and the instance metadata service on one loopback port, for the official SDKs unchanged
 * (`new Vpc(new Config({ endpoint: emulator.endpoint, protocol: 'http', ...emulator.credentials }))`).
 *
 * @see https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !options.allowNonLoopback) {
    throw new EdgewayError(
      'ERR_EMULATOR_NON_LOOPBACK',
      `refusing to bind ${host}: the emulator listens on loopback only (set allowNonLoopback, or --allow-non-loopback, to override)`,
      { details: { host } },
    );
  }
  const topology: ParsedTopology =
    typeof options.topology === 'string'
      ? await loadTopologyFile(options.topology)
      : parseTopology(options.topology ?? {});
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const state = new EmulatorState({
    regionId: options.regionId ?? topology.regionId,
    clock,
    timings: { ...topology.timings, ...options.timings },
  });
  // VPC first: instances take their addresses from vSwitches.
  seed('vpc', () => topology.vpc && state.vpc.seed(topology.vpc));
  seed('ecs', () => topology.ecs && state.ecs.seed(topology.ecs));

  const keyList = options.accessKeys ?? topology.accessKeys ?? [generateAccessKey()];
  if (keyList.length === 0)
    throw new EdgewayError('ERR_EMULATOR_NO_KEYS', 'the emulator needs at least one access key');
  const keys = new AccessKeyStore(keyList);
  const tables = new Map<string, ActionTable>([
    [ApiVersion.vpc, options.actions?.vpc ?? vpcActions],
    [ApiVersion.ecs, options.actions?.ecs ?? ecsActions],
  ]);
  const faults = new FaultInjector(options.faults ?? topology.faults ?? {});
  const throttler = new Throttler(clock, options.throttling ?? topology.throttling ?? {});
  const stats = new CallStats();
  const metadataHandler: MetadataHandler = options.metadataHandler ?? handleMetadata;
  const defaultInstanceId = options.defaultInstanceId ?? topology.metadata?.defaultInstanceId;

  let server: EmulatorHttpServer | undefined;
  const deps: ApiHandlerDeps = {
    state,
    clock,
    keys,
    nonces: new NonceCache(),
    timestampWindowMs: options.timestampWindowMs ?? DEFAULT_TIMESTAMP_WINDOW_MS,
    throttler,
    faults,
    idempotency: new IdempotencyCache(clock, { ttlMs: options.clientTokenTtlMs }),
    stats,
    tables,
    logger,
    delay: (ms) => server?.delay(ms) ?? Promise.resolve(),
  };
  const metadata: MetadataRoute = (instanceId, req) => {
    const id = instanceId ?? defaultInstanceId;
    if (id === undefined) return textAnswer(404, 'Not Found');
    try {
      return metadataHandler(state, id, req);
    } catch (err) {
      logger.error({ err, path: req.path }, 'metadata handler failed');
      return textAnswer(500, 'Internal Server Error');
    }
  };
  server = await EmulatorHttpServer.listen({
    host,
    port: options.port ?? 0,
    maxBodyBytes: options.maxBodyBytes,
    logger,
    route: createRouter({ api: (raw) => handleApiRequest(raw, deps), metadata }),
  });
  const port = server.port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const first = keyList[0]!;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `${hostPart}:${port}`,
    host,
    port,
    metadataEndpoint: (instanceId) =>
      `http://${hostPart}:${port}${instanceId === undefined ? '' : `/${encodeURIComponent(instanceId)}`}`,
    credentials: {
      accessKeyId: first.accessKeyId,
      accessKeySecret: first.accessKeySecret,
      ...(first.securityToken === undefined ? {} : { securityToken: first.securityToken }),
    },
    accessKeys: keys,
    state,
    faults,
    throttling: throttler,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    subscribe: (listener) => state.feed.subscribe(listener),
    close: () => {
      closing ??= (async () => {
        state.close();
        await server?.close();
      })();
      return closing;
    },
  };
}

function seed(part: string, run: () => void): void {
  try {
    run();
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new EdgewayError('ERR_EMULATOR_TOPOLOGY', `cannot seed the ${part} topology: ${why}`, {
      cause,
      details: { part },
    });
  }
}
