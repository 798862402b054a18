import type { Clock, Logger } from '@edgeway/core';
import { type ActionTable, ApiVersion, isWriteAction } from '../api/action.js';
import { ApiError, apiErrors } from '../api/api-error.js';
import { Params } from '../api/params.js';
import type { AccessKeyStore } from '../signature/access-keys.js';
import { authenticate, RPC_PROTOCOL_PARAMS } from '../signature/authenticate.js';
import type { NonceCache } from '../signature/replay-guard.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { newRequestId } from '../state/ids.js';
import type { FaultInjector } from './faults.js';
import { type IdempotencyCache, paramsFingerprint } from './idempotency.js';
import { parseApiRequest, type RawHttpRequest } from './request-parser.js';
import { errorAnswer, type HttpAnswer, successAnswer } from './responses.js';
import type { CallStats } from './stats.js';
import type { Throttler } from './throttle.js';

/** Everything the API pipeline uses. */
export interface ApiHandlerDeps {
  readonly state: EmulatorState;
  readonly clock: Clock;
  readonly keys: AccessKeyStore;
  readonly nonces: NonceCache;
  readonly timestampWindowMs: number;
  readonly throttler: Throttler;
  readonly faults: FaultInjector;
  readonly idempotency: IdempotencyCache;
  readonly stats: CallStats;
  /** Action tables by API version (`2016-04-28` → VPC actions, `2014-05-26` → ECS actions). */
  readonly tables: ReadonlyMap<string, ActionTable>;
  readonly logger: Logger;
  /** Waits real time (fault latency); resolves early when the server closes. */
  readonly delay: (ms: number) => Promise<void>;
}

/** The answer to one API request, or `drop` to destroy the connection without one. */
export type ApiOutcome = HttpAnswer | 'drop';

const HOSTS: Record<string, string> = {
  [ApiVersion.vpc]: 'vpc.aliyuncs.com',
  [ApiVersion.ecs]: 'ecs.aliyuncs.com',
};

/**
 * Handles one RPC-style API call: parse → authenticate (signature, STS, timestamp, nonce) → resolve version and
 * action → injected faults → throttling → `ClientToken` replay → the action handler, run synchronously so each call
 * changes state atomically. Every answer carries a fresh `RequestId`; a handler that throws anything but an
 * {@link ApiError} is logged and answered `InternalError` (500). Never throws.
 */
export async function handleApiRequest(raw: RawHttpRequest, deps: ApiHandlerDeps): Promise<ApiOutcome> {
  const requestId = newRequestId();
  let action: string | undefined;
  let hostId = raw.headers.host?.[0] ?? 'emulator';
  try {
    const req = parseApiRequest(raw);
    action = req.action;
    if (req.version && HOSTS[req.version]) hostId = HOSTS[req.version]!;
    const caller = authenticate(req, {
      keys: deps.keys,
      now: deps.clock.now(),
      timestampWindowMs: deps.timestampWindowMs,
      nonces: deps.nonces,
    });
    if (!req.version) throw apiErrors.missingParameter('Version');
    if (!req.action) throw apiErrors.missingParameter('Action');
    const table = deps.tables.get(req.version);
    if (!table) throw apiErrors.invalidVersion(req.version);
    if (!Object.hasOwn(table, req.action)) throw apiErrors.invalidAction(req.action);
    const handler = table[req.action]!;

    const fault = deps.faults.decide(req.action);
    if (fault.latencyMs > 0) await deps.delay(fault.latencyMs);
    if (fault.drop) {
      deps.stats.record(action, { dropped: true });
      return 'drop';
    }
    if (fault.error) throw fault.error;
    deps.throttler.take(req.action);

    const params = new Params(req.params.filter(([k]) => !RPC_PROTOCOL_PARAMS.has(k)));
    const clientToken = isWriteAction(req.action) ? params.string('ClientToken') : undefined;
    const idemKey = clientToken && {
      accessKeyId: caller.accessKeyId,
      version: req.version,
      action: req.action,
      clientToken,
    };
    const fingerprint = idemKey ? paramsFingerprint(params) : '';
    const replay = idemKey ? deps.idempotency.lookup(idemKey, fingerprint) : undefined;
    let body = replay;
    if (!body) {
      body = runHandler(handler, {
        action: req.action,
        params,
        state: deps.state,
        clock: deps.clock,
        accessKeyId: caller.accessKeyId,
        requestId,
      });
      if (idemKey) deps.idempotency.store(idemKey, fingerprint, body);
    }
    const answer = successAnswer(requestId, body);
    deps.stats.record(action, { ok: true });
    return answer;
  } catch (err) {
    const apiError = toApiError(err, deps.logger, action, requestId);
    deps.stats.record(action, { code: apiError.code });
    return errorAnswer(requestId, apiError, hostId);
  }
}

function runHandler(
  handler: ActionTable[string],
  ctx: Parameters<ActionTable[string]>[0],
): Readonly<Record<string, unknown>> {
  const body = handler(ctx) as unknown;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new TypeError(
      `handler of ${ctx.action} returned ${body === null ? 'null' : typeof body}, not an object`,
    );
  }
  return body as Record<string, unknown>;
}

function toApiError(err: unknown, logger: Logger, action: string | undefined, requestId: string): ApiError {
  if (err instanceof ApiError) return err;
  logger.error({ err, action, requestId }, 'action handler failed');
  return apiErrors.internalError();
}
