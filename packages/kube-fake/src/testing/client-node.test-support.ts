import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import type { ApiStatus } from '../api/status.js';
import type { KubeFake } from '../kube-fake.js';

/** The real client-node clients, pointed at a fake. */
export interface Clients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly watch: Watch;
}

/** Load the fake's kubeconfig into client-node and build the API clients the tests use. */
export function connect(fake: KubeFake): Clients {
  const kc = new KubeConfig();
  kc.loadFromOptions(fake.kubeConfig());
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    watch: new Watch(kc),
  };
}

/**
 * client-node 1.4 picks the first JSON-like media type the OpenAPI spec lists for PATCH, which is
 * `application/json-patch+json`; any other patch type needs this per-call option.
 */
export function patchAs(type: PatchStrategy) {
  return setHeaderOptions('Content-Type', type);
}

export { PatchStrategy };

/** The HTTP code and parsed `Status` of a rejected client-node call (fails the test if the call succeeded). */
export async function apiError(call: Promise<unknown>): Promise<{ code: number; status: ApiStatus }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = typeof err.body === 'string' ? (JSON.parse(err.body) as ApiStatus) : (err.body as ApiStatus);
    return { code: err.code, status: body };
  }
  throw new Error('expected the API call to fail');
}

/** Poll `check` until it returns true (or fail after `ms`). */
export async function eventually(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
