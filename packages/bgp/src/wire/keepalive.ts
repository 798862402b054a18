import { frame, MessageType } from './header.js';

/** A KEEPALIVE message: the header alone (RFC 4271 §4.4). */
export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

/** Encodes a KEEPALIVE (RFC 4271 §4.4). */
export function encodeKeepalive(): Uint8Array {
  return frame(MessageType.Keepalive, new Uint8Array(0));
}
