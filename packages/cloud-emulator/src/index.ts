/**
 * `@edgeway/cloud-emulator`: a local emulator of the Alibaba Cloud VPC and ECS APIs and the instance metadata
 * service that the official SDKs (`@alicloud/vpc20160428`, `@alicloud/ecs20140526`) talk to unchanged.
 *
 * @packageDocumentation
 */

export {
  type ActionContext,
  type ActionHandler,
  type ActionTable,
  ApiVersion,
  isWriteAction,
} from './api/action.js';
export { ApiError, apiErrors } from './api/api-error.js';
export { Params } from './api/params.js';
export { ecsActions } from './ecs/ecs-actions.js';
export { EcsDomain } from './ecs/ecs-domain.js';
export { ecsErrors } from './ecs/ecs-errors.js';
export {
  type EcsTopology,
  ecsTopologySchema,
  type MetadataHttpTokens,
  type ParsedEcsTopology,
} from './ecs/ecs-topology.js';
export { builtinInstanceTypes, type InstanceTypeSpec } from './ecs/instance-types.js';
export {
  type Emulator,
  type EmulatorOptions,
  isLoopbackHost,
  type MetadataHandler,
  startEmulator,
} from './emulator.js';
export {
  handleMetadata,
  type MetadataRequest,
  type MetadataResponse,
  TOKEN_HEADER,
  TOKEN_TTL_HEADER,
} from './metadata/metadata-service.js';
export { type FaultConfig, type FaultDecision, FaultInjector, seededRandom } from './server/faults.js';
export {
  DEFAULT_CLIENT_TOKEN_TTL_MS,
  IdempotencyCache,
  type IdempotencyKey,
  type IdempotencyOptions,
  paramsFingerprint,
} from './server/idempotency.js';
export { type ActionStats, type CallOutcome, CallStats, type EmulatorStats } from './server/stats.js';
export { type BucketSpec, defaultThrottle, type ThrottleConfig, Throttler } from './server/throttle.js';
export {
  type AccessKey,
  AccessKeyStore,
  checkSecurityToken,
  generateAccessKey,
} from './signature/access-keys.js';
export {
  ACS3_ALGORITHM,
  type Acs3Authorization,
  type Acs3Request,
  acs3CanonicalQuery,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  parseAcs3Authorization,
  type SignatureCheck,
  sha256Hex,
  verifyAcs3,
} from './signature/acs3.js';
export {
  type Authenticated,
  type AuthOptions,
  type AuthRequest,
  authenticate,
  type SignatureScheme,
} from './signature/authenticate.js';
export { percentEncode } from './signature/percent-encode.js';
export {
  checkTimestamp,
  DEFAULT_TIMESTAMP_WINDOW_MS,
  NonceCache,
  parseApiTimestamp,
} from './signature/replay-guard.js';
export { RPC_V1_METHOD, rpcV1Signature, rpcV1StringToSign, verifyRpcV1 } from './signature/rpc-v1.js';
export { signatureErrors } from './signature/signature-errors.js';
export { EmulatorState, type EmulatorStateOptions } from './state/emulator-state.js';
export type { ChangeEvent, ChangeListener } from './state/events.js';
export { defaultTimings, type Timings } from './state/timings.js';
export {
  accessKeySchema,
  loadTopologyFile,
  type ParsedTopology,
  parseTopology,
  type Topology,
  topologySchema,
} from './topology.js';
export { vpcActions } from './vpc/vpc-actions.js';
export {
  type CreateVSwitchInput,
  VpcDomain,
  type VpcSnapshot,
  type VpcView,
  type VSwitchView,
} from './vpc/vpc-domain.js';
export { ROUTE_DUPLICATE_CODES, ROUTE_TABLE_BUSY_CODE, vpcErrors } from './vpc/vpc-errors.js';
export type { BgpSessionStatus, RouteEntryStatus, RouterType } from './vpc/vpc-model.js';
export { type VpcTopology, type VpcTopologyInput, vpcTopologySchema } from './vpc/vpc-topology.js';
export { VSWITCH_RESERVED } from './vpc/vswitch-addresses.js';
