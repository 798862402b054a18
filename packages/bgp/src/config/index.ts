/**
 * Speaker configuration: a zod schema with RFC-derived limits, and typed errors naming the bad field.
 * @module
 */
export { BgpConfigError, BgpConfigErrorCode } from './config-error.js';
export { type PolicyInput, policySchema } from './policy-schema.js';
export {
  type BgpPeerConfig,
  type BgpSpeakerConfig,
  type BgpSpeakerConfigInput,
  configError,
  parseSpeakerConfig,
  speakerConfigSchema,
} from './speaker-config.js';
