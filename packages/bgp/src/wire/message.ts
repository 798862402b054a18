import type { AttributeCodecOptions } from './attributes/types.js';
import { BgpError } from './bgp-error.js';
import {
  HEADER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  parseHeader,
} from './header.js';
import { encodeKeepalive, type KeepaliveMessage } from './keepalive.js';
import { decodeNotification, encodeNotification, type NotificationMessage } from './notification.js';
import { decodeOpen, encodeOpen, type OpenMessage } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh, type RouteRefreshMessage } from './route-refresh.js';
import { decodeUpdate, encodeUpdate, type UpdateMessage } from './update.js';

/** Any BGP message (RFC 4271 §4, RFC 2918). */
export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage;

/** Options of the message codec, set from what the session negotiated. */
export interface CodecOptions extends AttributeCodecOptions {
  /** Extended messages negotiated: messages up to 65535 bytes (RFC 8654 §4). */
  readonly extendedMessages?: boolean;
  /** An explicit maximum message length, overriding the one implied by `extendedMessages`. */
  readonly maxLength?: number;
}

/** The maximum message length for the options (RFC 4271 §4.1, RFC 8654 §4). */
export function maxMessageLength(options: CodecOptions = {}): number {
  return options.maxLength ?? (options.extendedMessages ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH);
}

/**
 * Decodes exactly one whole message (header included; RFC 4271 §4).
 * @throws BgpError with the NOTIFICATION to send.
 */
export function decodeMessage(message: Uint8Array, options: CodecOptions = {}): BgpMessage {
  if (message.length < HEADER_LENGTH) {
    throw new BgpError(
      `truncated message: ${message.length} bytes`,
      { code: 1, subcode: 2, data: Uint8Array.of(0, message.length) },
      { details: { length: message.length } },
    );
  }
  const h = parseHeader(message, 0, maxMessageLength(options));
  if (h.length !== message.length) {
    throw new BgpError(
      `header length ${h.length} but ${message.length} bytes`,
      { code: 1, subcode: 2, data: Uint8Array.of(h.length >>> 8, h.length & 0xff) },
      { details: { length: h.length } },
    );
  }
  switch (h.type) {
    case MessageType.Open:
      // RFC 8654 §4: extended messages never apply to OPEN.
      if (h.length > MAX_MESSAGE_LENGTH) {
        throw new BgpError(
          `OPEN of ${h.length} bytes exceeds ${MAX_MESSAGE_LENGTH}`,
          { code: 1, subcode: 2, data: Uint8Array.of(h.length >>> 8, h.length & 0xff) },
          { details: { length: h.length } },
        );
      }
      return decodeOpen(message);
    case MessageType.Update:
      return decodeUpdate(message, options);
    case MessageType.Notification:
      return decodeNotification(message.subarray(HEADER_LENGTH));
    case MessageType.Keepalive:
      return { type: 'keepalive' };
    default:
      return decodeRouteRefresh(message);
  }
}

/** Encodes any message (RFC 4271 §4). */
export function encodeMessage(msg: BgpMessage, options: CodecOptions = {}): Uint8Array {
  const maxLength = maxMessageLength(options);
  switch (msg.type) {
    case 'open':
      return encodeOpen(msg);
    case 'update':
      return encodeUpdate(msg, { ...options, maxLength });
    case 'notification':
      return encodeNotification(msg, maxLength);
    case 'keepalive':
      return encodeKeepalive();
    case 'route-refresh':
      return encodeRouteRefresh(msg);
  }
}
