/**
 * The pure BGP-4 wire codec: bytes in, plain data out, no sockets (RFC 4271 §4 and extensions).
 * @module
 */
export { asPathLength, effectiveAsPath, mergeAs4Path } from './attributes/as4.js';
export { ATTRIBUTE_SPECS, decodeAttribute, encodeAttribute } from './attributes/codec.js';
export { Afi, decodePrefixes, encodePrefixes, Safi } from './attributes/prefix.js';
export {
  type AsPathSegment,
  AttrCode,
  AttrFlag,
  type AttributeCodecOptions,
  type LargeCommunity,
  Origin,
  type PathAttribute,
} from './attributes/types.js';
export {
  BgpError,
  BgpErrorCode,
  CeaseSubcode,
  type ErrorAction,
  ErrorCode,
  HeaderSubcode,
  isBgpError,
  type NotificationInfo,
  OpenSubcode,
  UpdateSubcode,
} from './bgp-error.js';
export { BgpDecoder } from './decoder.js';
export {
  frame,
  HEADER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  type MessageHeader,
  MessageType,
  parseHeader,
} from './header.js';
export { encodeKeepalive, type KeepaliveMessage } from './keepalive.js';
export {
  type BgpMessage,
  type CodecOptions,
  decodeMessage,
  encodeMessage,
  maxMessageLength,
} from './message.js';
export {
  decodeNotification,
  encodeNotification,
  type NotificationMessage,
  notification,
} from './notification.js';
export {
  AS_TRANS,
  type Capability,
  CapabilityCode,
  decodeOpen,
  encodeOpen,
  type GracefulRestartFamily,
  type OpenMessage,
} from './open.js';
export {
  decodeRouteRefresh,
  encodeRouteRefresh,
  type RouteRefreshMessage,
  RouteRefreshSubtype,
} from './route-refresh.js';
export {
  decodeUpdate,
  encodeEndOfRib,
  encodeUpdate,
  endOfRib,
  type UpdateCodecOptions,
  type UpdateError,
  type UpdateMessage,
} from './update.js';
