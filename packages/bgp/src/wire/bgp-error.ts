import { EdgewayError } from '@edgeway/core';
import { CeaseSubcode, ErrorCode } from '../notification-codes.js';

export { CeaseSubcode, ErrorCode };

/** Message Header Error subcodes (RFC 4271 §4.5). */
export const HeaderSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

/** OPEN Message Error subcodes (RFC 4271 §4.5; 7 from RFC 5492 §5). */
export const OpenSubcode = {
  Unspecific: 0,
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 §4.5). */
export const UpdateSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** Error handling approach for a malformed UPDATE (RFC 7606 §2). */
export type ErrorAction = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

/** The NOTIFICATION that answers an error (RFC 4271 §4.5). */
export interface NotificationInfo {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

/** Stable error codes of {@link BgpError}. */
export const BgpErrorCode = {
  /** The input is malformed; `notification` is the reply. */
  Malformed: 'ERR_BGP_MALFORMED',
  /** A message exceeded the decoder's maximum size. */
  TooLong: 'ERR_BGP_MESSAGE_TOO_LONG',
  /** The stream ended inside a message. */
  Truncated: 'ERR_BGP_TRUNCATED',
  /** Encoding was asked for something the wire cannot carry. */
  Unencodable: 'ERR_BGP_UNENCODABLE',
} as const;

/**
 * A BGP wire error that knows its reply: the NOTIFICATION (RFC 4271 §4.5) and, for UPDATE errors,
 * the RFC 7606 §2 error-handling action.
 */
export class BgpError extends EdgewayError {
  readonly notification: NotificationInfo;
  readonly action: ErrorAction;

  constructor(
    message: string,
    notification: { code: number; subcode: number; data?: Uint8Array },
    options: { action?: ErrorAction; code?: string; details?: Record<string, unknown> } = {},
  ) {
    super(options.code ?? BgpErrorCode.Malformed, message, {
      details: { ...options.details, notificationCode: notification.code, subcode: notification.subcode },
    });
    this.notification = {
      code: notification.code,
      subcode: notification.subcode,
      data: notification.data ?? new Uint8Array(0),
    };
    this.action = options.action ?? 'session-reset';
  }
}

/** True when `err` is a {@link BgpError}. */
export function isBgpError(err: unknown): err is BgpError {
  return err instanceof BgpError;
}
