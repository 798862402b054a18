import { EdgewayError } from '@edgeway/core';

/** Stable codes of {@link RibError}. */
export const RibErrorCode = {
  /** A policy, community or prefix-list entry cannot be parsed; `details.input` holds it. */
  InvalidPolicy: 'ERR_BGP_POLICY_INVALID',
  /** A route has no usable next hop for its family (no explicit one and no next-hop-self address). */
  NoNextHop: 'ERR_BGP_NO_NEXT_HOP',
} as const;

/** An error of the RIB/policy layer: bad policy input or a route that cannot be exported. */
export class RibError extends EdgewayError {}
