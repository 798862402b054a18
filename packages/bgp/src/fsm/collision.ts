import { CeaseSubcode, ErrorCode } from '../notification-codes.js';
import type { FsmStateName } from './fsm-types.js';

/** Which of the two connections to one peer: the one we initiated, or the one the peer initiated. */
export type ConnectionSide = 'ours' | 'theirs';

/** The input of {@link resolveCollision}. */
export interface CollisionInput {
  /** Our BGP Identifier (a 32-bit number or a dotted quad). */
  readonly localBgpId: number | string;
  /** The peer's BGP Identifier, from the OPEN just received. */
  readonly remoteBgpId: number | string;
  /** Our AS number; used only when the identifiers are equal (RFC 6286 §2.3). */
  readonly localAsn?: number;
  /** The peer's AS number; used only when the identifiers are equal (RFC 6286 §2.3). */
  readonly remoteAsn?: number;
  /** The FSM state of the connection we initiated, or undefined when there is none. */
  readonly ours: FsmStateName | undefined;
  /** The FSM state of the connection the peer initiated, or undefined when there is none. */
  readonly theirs: FsmStateName | undefined;
  /**
   * CollisionDetectEstablishedState (RFC 4271 §8.1.1): when FALSE (the default) an Established connection always
   * wins and the other one is closed; when TRUE the identifiers decide as for the other states.
   */
  readonly collisionDetectEstablished?: boolean;
  /**
   * Also examine a connection in OpenSent (allowed by §6.8 when the peer's identifier is known, as it is from
   * the OPEN received on the other connection). Default true.
   */
  readonly examineOpenSent?: boolean;
}

/** The outcome of {@link resolveCollision}. */
export type CollisionDecision =
  | { readonly collision: false }
  | {
      readonly collision: true;
      /** The connection to close, with a NOTIFICATION Cease / Connection Collision Resolution. */
      readonly close: ConnectionSide;
      readonly code: typeof ErrorCode.Cease;
      readonly subcode: typeof CeaseSubcode.ConnectionCollisionResolution;
    };

/** Parse a BGP Identifier into an unsigned 32-bit number. @throws RangeError when it is not one. */
export function bgpIdToNumber(id: number | string): number {
  if (typeof id === 'number') {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new RangeError(`bad BGP identifier ${id}`);
    return id;
  }
  const parts = id.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new RangeError(`bad BGP identifier ${JSON.stringify(id)}`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function close(side: ConnectionSide): CollisionDecision {
  return {
    collision: true,
    close: side,
    code: ErrorCode.Cease,
    subcode: CeaseSubcode.ConnectionCollisionResolution,
  };
}

/**
 * Connection collision detection (RFC 4271 §6.8) as a pure decision, made when an OPEN arrives on one of two
 * connections to the same peer.
 *
 * - A collision exists when both connections are in OpenConfirm or Established (or OpenSent, see
 *   {@link CollisionInput.examineOpenSent}); otherwise there is none.
 * - With an Established connection and CollisionDetectEstablishedState FALSE, the other (newer) one is closed.
 * - Otherwise the identifiers are compared as unsigned 32-bit integers: if ours is lower, the connection we
 *   initiated is closed; if higher, the one the peer initiated is closed.
 * - Equal identifiers (RFC 6286 §2.3): the connection initiated by the speaker with the larger AS number is
 *   kept; with equal AS numbers too (an invalid configuration) the peer's connection is closed.
 *
 * The loser is closed with NOTIFICATION Cease, subcode 7 "Connection Collision Resolution" (RFC 4486): the
 * session feeds `OpenCollisionDump` to that connection's FSM.
 *
 * @throws RangeError for a malformed BGP identifier.
 */
export function resolveCollision(input: CollisionInput): CollisionDecision {
  const { ours, theirs } = input;
  const examined: FsmStateName[] = ['OpenConfirm', 'Established'];
  if (input.examineOpenSent ?? true) examined.push('OpenSent');
  if (ours === undefined || theirs === undefined || !examined.includes(ours) || !examined.includes(theirs)) {
    return { collision: false };
  }
  if (!input.collisionDetectEstablished) {
    if (ours === 'Established' && theirs !== 'Established') return close('theirs');
    if (theirs === 'Established' && ours !== 'Established') return close('ours');
  }
  const local = bgpIdToNumber(input.localBgpId);
  const remote = bgpIdToNumber(input.remoteBgpId);
  if (local < remote) return close('ours');
  if (local > remote) return close('theirs');
  const localAsn = input.localAsn ?? 0;
  const remoteAsn = input.remoteAsn ?? 0;
  return localAsn > remoteAsn ? close('theirs') : localAsn < remoteAsn ? close('ours') : close('theirs');
}
