import type { Clock, TimerHandle } from '@edgeway/core';
import type { BgpPeerConfig } from '../config/speaker-config.js';
import type { AdjRibOut, Family, PeerInfo } from '../rib/index.js';
import type { BgpSession, Negotiated } from '../session/index.js';

/** Everything the speaker keeps about one configured peer. Plain state; {@link BgpSpeaker} drives it. */
export class PeerState {
  readonly config: BgpPeerConfig;
  readonly session: BgpSession;
  ribOut: AdjRibOut | undefined;
  negotiated: Negotiated | undefined;
  establishedAt: number | undefined;
  lastError: { code: string; message: string } | undefined;
  /** End-of-RIB sent for this session (RFC 4724 §2) — after the first full Adj-RIB-Out. */
  endOfRibSent = false;
  /** Waiting for 'drain' before more UPDATEs. */
  blocked = false;
  /** The next batch of UPDATEs is queued for the next event-loop turn. */
  flushQueued: NodeJS.Immediate | undefined;
  /** Families whose routes are stale, waiting for the peer's End-of-RIB (RFC 4724 §4.2). */
  readonly staleFamilies = new Set<Family>();
  /** Families whose End-of-RIB arrived on the current session. */
  readonly endOfRibReceived = new Set<Family>();
  /** Restart Time running after a graceful session loss, or the stale-routes timer after re-establishment. */
  grTimer: TimerHandle | undefined;
  /** Warned once about a family we cannot announce for lack of a next hop. */
  readonly warnedNoNextHop = new Set<Family>();

  constructor(config: BgpPeerConfig, session: BgpSession) {
    this.config = config;
    this.session = session;
  }

  #info: PeerInfo | undefined;

  /**
   * The peer as best-path selection sees it (RFC 4271 §9.1.2.2 tie-breaks need its BGP id and address). One object
   * per session: the Loc-RIB interns paths per peer object, so it must not be rebuilt per UPDATE.
   */
  info(): PeerInfo {
    const bgpId = this.negotiated?.peerBgpId ?? this.#info?.bgpId ?? '255.255.255.255';
    if (this.#info?.bgpId !== bgpId) {
      this.#info = {
        name: this.config.name,
        asn: this.config.asn,
        bgpId,
        address: this.config.address,
        ebgp: this.config.ebgp,
      };
    }
    return this.#info;
  }

  cancelFlush(): void {
    if (this.flushQueued) clearImmediate(this.flushQueued);
    this.flushQueued = undefined;
  }

  clearGrTimer(clock: Clock): void {
    if (this.grTimer) clock.clearTimeout(this.grTimer);
    this.grTimer = undefined;
  }
}
