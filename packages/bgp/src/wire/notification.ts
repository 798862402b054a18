import { BgpError, CeaseSubcode, ErrorCode } from './bgp-error.js';
import { frame, MessageType } from './header.js';

/** A NOTIFICATION message (RFC 4271 §4.5). */
export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
  /** The shutdown communication of Cease/2 and Cease/4, when the data holds a valid one (RFC 9003 §2). */
  readonly shutdownCommunication?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function isShutdown(code: number, subcode: number): boolean {
  return (
    code === ErrorCode.Cease &&
    (subcode === CeaseSubcode.AdministrativeShutdown || subcode === CeaseSubcode.AdministrativeReset)
  );
}

/** Decodes a NOTIFICATION body (RFC 4271 §4.5; RFC 9003 §2 shutdown communication). Never fails. */
export function decodeNotification(body: Uint8Array): NotificationMessage {
  const code = body[0] ?? 0;
  const subcode = body[1] ?? 0;
  const data = body.slice(2);
  if (isShutdown(code, subcode) && data.length >= 1) {
    const len = data[0]!;
    if (len + 1 <= data.length) {
      try {
        const text = utf8.decode(data.subarray(1, 1 + len));
        return { type: 'notification', code, subcode, data, shutdownCommunication: text };
      } catch {
        // not UTF-8: keep the raw data only (RFC 9003 §5)
      }
    }
  }
  return { type: 'notification', code, subcode, data };
}

/**
 * Builds a NOTIFICATION, encoding `shutdownCommunication` for Cease/2 and Cease/4 as a length byte and
 * UTF-8 (RFC 9003 §2) when `data` is empty.
 */
export function notification(
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
  shutdownCommunication?: string,
): NotificationMessage {
  if (shutdownCommunication === undefined) return { type: 'notification', code, subcode, data };
  if (!isShutdown(code, subcode)) {
    throw new BgpError(
      'a shutdown communication goes only with Cease/2 or Cease/4',
      { code, subcode },
      { code: 'ERR_BGP_UNENCODABLE' },
    );
  }
  const text = utf8Encoder.encode(shutdownCommunication);
  if (text.length > 255) {
    throw new BgpError(
      `shutdown communication of ${text.length} bytes exceeds 255`,
      { code, subcode },
      { code: 'ERR_BGP_UNENCODABLE' },
    );
  }
  const out = new Uint8Array(1 + text.length);
  out[0] = text.length;
  out.set(text, 1);
  return { type: 'notification', code, subcode, data: out, shutdownCommunication };
}

/** Encodes a NOTIFICATION (RFC 4271 §4.5). */
export function encodeNotification(msg: Omit<NotificationMessage, 'type'>, maxLength?: number): Uint8Array {
  const body = new Uint8Array(2 + msg.data.length);
  body[0] = msg.code;
  body[1] = msg.subcode;
  body.set(msg.data, 2);
  return frame(MessageType.Notification, body, maxLength);
}
