// Test support: builds the OFFICIAL SDK clients against a running emulator (never imported by the package).

import type EcsClient from '@alicloud/ecs20140526';
import type VpcClient from '@alicloud/vpc20160428';

process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';

type VpcModule = typeof import('@alicloud/vpc20160428');
type EcsModule = typeof import('@alicloud/ecs20140526');

/**
 * The SDK modules, loaded as ESM code loads these CommonJS packages. Under Node the class is `.default.default`;
 * under vitest's module interop it may already be `.default`: accept both.
 */
export function loadSdk(): Promise<Sdk> {
  // The SDK packages are large (~27 MB each): import them once per test file, ideally in a beforeAll with a
  // generous timeout, so the first test does not pay for it.
  sdk ??= importSdk();
  return sdk;
}

interface Sdk {
  Vpc: typeof VpcClient;
  Ecs: typeof EcsClient;
  vpcModels: VpcModule;
  ecsModels: EcsModule;
  Config: typeof import('@alicloud/openapi-client').Config;
}

let sdk: Promise<Sdk> | undefined;

async function importSdk(): Promise<Sdk> {
  const vpc = unwrap<VpcModule, typeof VpcClient>(await import('@alicloud/vpc20160428'));
  const ecs = unwrap<EcsModule, typeof EcsClient>(await import('@alicloud/ecs20140526'));
  const oc = (await import('@alicloud/openapi-client')) as unknown as Record<string, unknown>;
  const Config = (oc.Config ??
    (oc.default as Record<string, unknown>).Config) as typeof import('@alicloud/openapi-client').Config;
  return { Vpc: vpc.client, Ecs: ecs.client, vpcModels: vpc.models, ecsModels: ecs.models, Config };
}

function unwrap<M, C>(mod: unknown): { models: M; client: C } {
  const m = mod as { default?: { default?: unknown } };
  if (typeof m.default === 'function') return { models: mod as M, client: m.default as C };
  return { models: m.default as M, client: m.default?.default as C };
}

/** What a test reads of an SDK error. */
export interface SdkFailure {
  readonly name: string;
  readonly code: string | undefined;
  readonly statusCode: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfter: number | undefined;
  readonly message: string;
  readonly data: Record<string, unknown> | undefined;
}

/** Awaits a call that must fail and returns its error's fields. */
export async function failure(call: Promise<unknown>): Promise<SdkFailure> {
  try {
    await call;
  } catch (e) {
    const err = e as Record<string, unknown>;
    return {
      name: String(err.name),
      code: err.code as string | undefined,
      statusCode: (err.statusCode ?? (err.data as Record<string, unknown> | undefined)?.statusCode) as
        | number
        | undefined,
      requestId: err.requestId as string | undefined,
      retryAfter: err.retryAfter as number | undefined,
      message: String(err.message),
      data: err.data as Record<string, unknown> | undefined,
    };
  }
  throw new Error('expected the call to fail');
}

/** The endpoint and keys of a running emulator. */
export interface EmulatorTarget {
  readonly endpoint: string;
  readonly credentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string };
}

/** The SDK `Config` options that point a client at an emulator (`extra` merged last). */
function configFor(emu: EmulatorTarget, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...emu.credentials, endpoint: emu.endpoint, protocol: 'http', regionId: 'cn-hangzhou', ...extra };
}

/** An official VPC client for an emulator (`extra` is merged into the SDK `Config`). */
export async function vpcClient(
  emu: EmulatorTarget,
  extra: Record<string, unknown> = {},
): Promise<VpcClient> {
  const { Vpc, Config } = await loadSdk();
  return new Vpc(new Config(configFor(emu, extra)));
}

/** An official ECS client for an emulator. */
export async function ecsClient(
  emu: EmulatorTarget,
  extra: Record<string, unknown> = {},
): Promise<EcsClient> {
  const { Ecs, Config } = await loadSdk();
  return new Ecs(new Config(configFor(emu, extra)));
}

/**
 * Calls any RPC action through the SDK's generic `callApi` (the same signing path the typed methods take), for
 * actions the typed client has no method for.
 */
export async function callAction(
  client: VpcClient | EcsClient,
  action: string,
  options: { version?: string; query?: Record<string, string>; body?: Record<string, string> } = {},
): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const oc = (await import('@alicloud/openapi-client')) as unknown as Record<string, unknown>;
  const ns = (oc.Params ? oc : oc.default) as typeof import('@alicloud/openapi-client');
  const params = new ns.Params({
    action,
    version: options.version ?? '2016-04-28',
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const req = new ns.OpenApiRequest({
    query: options.query ?? {},
    ...(options.body ? { body: options.body } : {}),
  });
  const callApi = (
    client as unknown as { callApi: (p: unknown, r: unknown, rt: unknown) => Promise<unknown> }
  ).callApi;
  return (await callApi.call(client, params, req, {})) as {
    statusCode: number;
    body: Record<string, unknown>;
  };
}
