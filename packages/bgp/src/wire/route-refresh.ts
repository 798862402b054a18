import { BgpError, ErrorCode } from './bgp-error.js';
import { frame, HEADER_LENGTH, MessageType } from './header.js';

/** ROUTE-REFRESH subtypes (RFC 7313 §3): 0 normal request, 1 BoRR, 2 EoRR. */
export const RouteRefreshSubtype = { Request: 0, BeginningOfRouteRefresh: 1, EndOfRouteRefresh: 2 } as const;

/** A ROUTE-REFRESH message (RFC 2918 §3, RFC 7313 §3). */
export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly safi: number;
  /** The "reserved" byte, a subtype under RFC 7313. */
  readonly subtype: number;
}

/**
 * Decodes a ROUTE-REFRESH body.
 * @throws BgpError 7/1 Invalid Message Length, data: the whole message (RFC 7313 §5).
 */
export function decodeRouteRefresh(message: Uint8Array): RouteRefreshMessage {
  if (message.length !== HEADER_LENGTH + 4) {
    throw new BgpError(`ROUTE-REFRESH of ${message.length} bytes`, {
      code: ErrorCode.RouteRefresh,
      subcode: 1,
      data: message.slice(),
    });
  }
  const b = message.subarray(HEADER_LENGTH);
  return { type: 'route-refresh', afi: (b[0]! << 8) | b[1]!, subtype: b[2]!, safi: b[3]! };
}

/** Encodes a ROUTE-REFRESH (RFC 2918 §3). */
export function encodeRouteRefresh(msg: Omit<RouteRefreshMessage, 'type'>): Uint8Array {
  return frame(
    MessageType.RouteRefresh,
    Uint8Array.of(msg.afi >>> 8, msg.afi & 0xff, msg.subtype & 0xff, msg.safi & 0xff),
  );
}
