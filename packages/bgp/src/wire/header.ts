import { BgpError, BgpErrorCode, ErrorCode, HeaderSubcode } from './bgp-error.js';

/** Length of the fixed message header (RFC 4271 §4.1). */
export const HEADER_LENGTH = 19;
/** Maximum message size without extended messages (RFC 4271 §4.1). */
export const MAX_MESSAGE_LENGTH = 4096;
/** Maximum message size with the extended message capability (RFC 8654 §4). */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;

/** Message type codes (RFC 4271 §4.1, RFC 2918 §3). */
export const MessageType = {
  Open: 1,
  Update: 2,
  Notification: 3,
  Keepalive: 4,
  RouteRefresh: 5,
} as const;

/** Minimum total length of each message type (RFC 4271 §4.2–4.5, RFC 2918 §3). */
const MIN_LENGTH: Record<number, number> = { 1: 29, 2: 23, 3: 21, 4: 19, 5: 23 };

/** A parsed message header (RFC 4271 §4.1). */
export interface MessageHeader {
  readonly length: number;
  readonly type: number;
}

function lengthData(len: number): Uint8Array {
  return Uint8Array.of((len >>> 8) & 0xff, len & 0xff);
}

/**
 * Validates the 19-byte header at `offset` (RFC 4271 §6.1): marker all ones, length within
 * 19..`maxLength` and at least the type's minimum, known type.
 * @throws BgpError 1/1, 1/2 (data: the length) or 1/3 (data: the type).
 */
export function parseHeader(buf: Uint8Array, offset: number, maxLength: number): MessageHeader {
  for (let i = 0; i < 16; i++) {
    if (buf[offset + i] !== 0xff) {
      throw new BgpError('message header marker is not all ones', {
        code: ErrorCode.MessageHeader,
        subcode: HeaderSubcode.ConnectionNotSynchronized,
      });
    }
  }
  const length = (buf[offset + 16]! << 8) | buf[offset + 17]!;
  const type = buf[offset + 18]!;
  if (length < HEADER_LENGTH || length > maxLength) {
    throw new BgpError(
      `bad message length ${length} (allowed ${HEADER_LENGTH}..${maxLength})`,
      { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.BadMessageLength, data: lengthData(length) },
      { code: length > maxLength ? BgpErrorCode.TooLong : BgpErrorCode.Malformed, details: { length } },
    );
  }
  const min = MIN_LENGTH[type];
  if (min === undefined) {
    throw new BgpError(`bad message type ${type}`, {
      code: ErrorCode.MessageHeader,
      subcode: HeaderSubcode.BadMessageType,
      data: Uint8Array.of(type),
    });
  }
  if (length < min || (type === MessageType.Keepalive && length !== HEADER_LENGTH)) {
    throw new BgpError(
      `bad length ${length} for message type ${type}`,
      { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.BadMessageLength, data: lengthData(length) },
      { details: { length, type } },
    );
  }
  return { length, type };
}

/**
 * Wraps a body in a header (RFC 4271 §4.1).
 * @throws BgpError `ERR_BGP_UNENCODABLE` when the result exceeds `maxLength`.
 */
export function frame(type: number, body: Uint8Array, maxLength = MAX_MESSAGE_LENGTH): Uint8Array {
  const length = HEADER_LENGTH + body.length;
  if (length > maxLength) {
    throw new BgpError(
      `message of ${length} bytes exceeds ${maxLength}`,
      { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.BadMessageLength, data: lengthData(length) },
      { code: BgpErrorCode.Unencodable, details: { length } },
    );
  }
  const out = new Uint8Array(length);
  out.fill(0xff, 0, 16);
  out[16] = length >>> 8;
  out[17] = length & 0xff;
  out[18] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}
