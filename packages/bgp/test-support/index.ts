/**
 * Interop test harness of @edgeway/bgp (not published; imported by the package's `*.integration.test.ts`):
 * a network-namespace lab, launchers and readers for BIRD, FRR bgpd, GoBGP and ExaBGP, and a runner for our own
 * speaker in a namespace.
 * @module
 */
export {
  type BirdConfig,
  BirdDaemon,
  type BirdPeer,
  type BirdProtocolStatus,
  type BirdRoute,
  type BirdStaticRoute,
  birdConfig,
  parseBirdCount,
  parseBirdProtocol,
  parseBirdRoutes,
  startBird,
} from './bird.js';
export { BaseDaemon, type DaemonHandle } from './daemon.js';
export {
  type ExabgpConfig,
  ExabgpDaemon,
  type ExabgpNeighbor,
  type ExabgpReceived,
  type ExabgpRoute,
  type ExabgpStateChange,
  exabgpConfig,
  parseExabgpRecord,
  startExabgp,
} from './exabgp.js';
export {
  type FrrConfig,
  FrrDaemon,
  type FrrNeighbor,
  type FrrNeighborStatus,
  type FrrNetwork,
  type FrrRoute,
  frrConfig,
  parseFrrNeighbor,
  parseFrrRoutes,
  startFrr,
} from './frr.js';
export {
  type GobgpConfig,
  GobgpDaemon,
  type GobgpNeighbor,
  type GobgpNeighborStatus,
  type GobgpRoute,
  type GobgpRouteSpec,
  gobgpConfig,
  parseGobgpNeighbor,
  parseGobgpRib,
  startGobgp,
} from './gobgp.js';
export { GOBGP_PROTO_DIR, GobgpApi } from './gobgp-grpc.js';
export { Lab, type LabNode, type LabOptions, requireLabPrerequisites } from './lab.js';
export { DAEMON_USER, ManagedProcess, type ManagedProcessOptions, run } from './process.js';
export { findRoute, type PeerRoute, sortRoutes } from './routes.js';
export {
  type AdvertisementJson,
  DEFAULT_SPEAKER_MODULE,
  type PeeringEventJson,
  type PeerStatusJson,
  type ReceivedRouteJson,
  type SpeakerHandle,
  type SpeakerRunnerOptions,
  startSpeakerInNamespace,
} from './speaker-runner.js';
export { type WaitForOptions, WaitForTimeoutError, waitFor, waitForValue } from './wait-for.js';
