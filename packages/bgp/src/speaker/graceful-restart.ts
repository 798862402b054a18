import type { Family } from '../rib/index.js';
import type { Negotiated, PeerGracefulRestart } from '../session/index.js';

/** What a helper keeps when a session goes down (RFC 4724 §4.2). */
export interface HelperPlan {
  /** Families whose routes are kept, marked stale. */
  readonly keep: readonly Family[];
  /** Families the peer does not preserve: their routes go now. */
  readonly drop: readonly Family[];
  /** Seconds to keep the stale routes if the peer does not come back (its Restart Time). */
  readonly restartTime: number;
}

/**
 * RFC 4724 §4.2, Receiving Speaker: when a session ends without a NOTIFICATION and the peer announced graceful
 * restart with a non-zero Restart Time, keep its routes of the families in its capability as stale; drop the rest.
 * `undefined`: no graceful restart — every route of the peer goes now.
 */
export function helperPlanOnDown(input: {
  readonly negotiated: Negotiated | undefined;
  /** The session ended without a NOTIFICATION sent or received. */
  readonly graceful: boolean;
  /** Graceful restart is enabled with this peer in our configuration. */
  readonly enabled: boolean;
}): HelperPlan | undefined {
  const n = input.negotiated;
  const gr = n?.peerGracefulRestart;
  if (!n || !gr || !input.graceful || !input.enabled || gr.restartTime === 0) return undefined;
  const preserved = new Set(gr.families.map((f) => f.family));
  return {
    keep: n.families.filter((f) => preserved.has(f)),
    drop: n.families.filter((f) => !preserved.has(f)),
    restartTime: gr.restartTime,
  };
}

/**
 * RFC 4724 §4.2, when the restarted peer's session is up again: stale routes of a family go at once when its new OPEN
 * has no graceful restart capability, does not list the family, or lists it with the Forwarding State bit clear;
 * the other families wait for End-of-RIB.
 */
export function familiesToSweepOnReturn(
  stale: Iterable<Family>,
  gr: PeerGracefulRestart | undefined,
): Family[] {
  const out: Family[] = [];
  for (const f of stale) {
    if (!gr?.families.find((x) => x.family === f)?.forwardingPreserved) out.push(f);
  }
  return out;
}
