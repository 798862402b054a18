/**
 * The pure RIB layer (RFC 4271 §3.2, §9): UPDATE ↔ routes, Adj-RIB-In with graceful-restart stale marking,
 * best-path selection, Loc-RIB, import/export policy, export attributes and Adj-RIB-Out with UPDATE packing.
 * No sockets, no timers.
 * @module
 */
export { AdjRibIn, type KeyedRoute, type RibInChanges } from './adj-rib-in.js';
export { AdjRibOut, type AdjRibOutOptions } from './adj-rib-out.js';
export { prependAs } from './as-path.js';
export { attrsEqual } from './attrs-equal.js';
export {
  BEST_PATH_STEPS,
  type BestPathStep,
  type Candidate,
  compareCandidates,
  DEFAULT_LOCAL_PREF,
  decidingStep,
  type PeerInfo,
} from './best-path.js';
export {
  formatCommunity,
  formatLargeCommunity,
  mayReadvertise,
  parseCommunity,
  parseLargeCommunity,
  WellKnownCommunity,
} from './communities.js';
export { type ExportContext, exportAttributes } from './export.js';
export { routesFromUpdate, type UpdateRoutes } from './from-update.js';
export { type BestChange, LocRib } from './loc-rib.js';
export {
  applyPolicy,
  CompiledPolicy,
  compilePolicy,
  type Policy,
  type PolicyContext,
  type PolicyMatch,
  type PolicyRule,
  type PolicySet,
} from './policy.js';
export { keyFamily, prefixFromKey, prefixKey } from './prefix-key.js';
export { compilePrefixEntry, type PrefixListEntry, type PrefixMatcher } from './prefix-list.js';
export { RibError, RibErrorCode } from './rib-error.js';
export { toWireAttributes, type WireAttributeOptions } from './to-wire.js';
export { type Family, familyOf, type PathAttributes, type Route, type UnknownAttribute } from './types.js';
