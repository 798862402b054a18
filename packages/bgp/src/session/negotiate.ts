import { isIP } from 'node:net';
import { bgpIdToNumber, type WireError } from '../fsm/index.js';
import { Afi, type Capability, ErrorCode, type OpenMessage, OpenSubcode, Safi } from '../wire/index.js';
import { SessionError, SessionErrorCode } from './errors.js';
import type { Family, Negotiated, PeerGracefulRestart, SessionConfig } from './types.js';

const FAMILY_AFI: Record<Family, number> = { ipv4: Afi.Ipv4, ipv6: Afi.Ipv6 };

/** The family of an AFI/SAFI pair, or undefined for one we do not support (RFC 4760). */
export function familyOf(afi: number, safi: number): Family | undefined {
  if (safi !== Safi.Unicast) return undefined;
  return afi === Afi.Ipv4 ? 'ipv4' : afi === Afi.Ipv6 ? 'ipv6' : undefined;
}

/** The AFI/SAFI pair of a family (RFC 4760). */
export function afiSafiOf(family: Family): { afi: number; safi: number } {
  return { afi: FAMILY_AFI[family], safi: Safi.Unicast };
}

function configError(field: string, message: string): SessionError {
  return new SessionError(SessionErrorCode.Config, `${field}: ${message}`, { details: { field } });
}

function isAsn(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 0xffffffff;
}

function isPort(n: number | undefined, allowZero: boolean): boolean {
  return n === undefined || (Number.isInteger(n) && n >= (allowZero ? 0 : 1) && n <= 0xffff);
}

/**
 * Checks the fields the session relies on (the full schema lives in config/).
 * @throws SessionError `ERR_BGP_SESSION_CONFIG` naming the field.
 */
export function validateSessionConfig(c: SessionConfig): void {
  if (isIP(c.peerAddress) === 0) throw configError('peerAddress', `not an IP address: ${c.peerAddress}`);
  if (!isAsn(c.peerAsn)) throw configError('peerAsn', `not an AS number in 1..4294967295: ${c.peerAsn}`);
  if (!isAsn(c.localAsn)) throw configError('localAsn', `not an AS number in 1..4294967295: ${c.localAsn}`);
  let id: number;
  try {
    id = bgpIdToNumber(c.routerId);
  } catch {
    throw configError('routerId', `not a dotted-quad IPv4 address: ${c.routerId}`);
  }
  if (id === 0) throw configError('routerId', 'must not be 0.0.0.0 (RFC 4271 §6.2)');
  const h = c.holdTime;
  if (!Number.isInteger(h) || h < 0 || h > 0xffff || h === 1 || h === 2) {
    throw configError('holdTime', `must be 0 or 3..65535 (RFC 4271 §4.2), got ${h}`);
  }
  if (!isPort(c.peerPort, false)) throw configError('peerPort', `not a port: ${c.peerPort}`);
  if (!isPort(c.localPort, true)) throw configError('localPort', `not a port: ${c.localPort}`);
  if (c.localAddress !== undefined && isIP(c.localAddress) === 0) {
    throw configError('localAddress', `not an IP address: ${c.localAddress}`);
  }
  if (c.connectRetry) {
    const { minMs, maxMs } = c.connectRetry;
    if (!(Number.isFinite(minMs) && minMs >= 0 && Number.isFinite(maxMs) && maxMs >= minMs)) {
      throw configError('connectRetry', `need 0 <= minMs <= maxMs, got ${minMs}..${maxMs}`);
    }
  }
  for (const f of c.families) {
    if (f !== 'ipv4' && f !== 'ipv6') throw configError('families', `unknown family ${String(f)}`);
  }
  const gr = c.gracefulRestart;
  if (gr && !(Number.isInteger(gr.restartTime) && gr.restartTime >= 0 && gr.restartTime <= 0xfff)) {
    throw configError(
      'gracefulRestart.restartTime',
      `must be 0..4095 s (RFC 4724 §3), got ${gr.restartTime}`,
    );
  }
}

/** The capabilities of our OPEN (RFC 5492): multiprotocol, route refresh, 4-octet AS, extended message, GR. */
export function localCapabilities(c: SessionConfig): Capability[] {
  const caps: Capability[] = c.families.map((f) => ({ type: 'multiprotocol', ...afiSafiOf(f) }));
  caps.push({ type: 'route-refresh' });
  caps.push({ type: 'four-octet-as', asn: c.localAsn });
  if (c.extendedMessages) caps.push({ type: 'extended-message' });
  const gr = c.gracefulRestart;
  if (gr) {
    caps.push({
      type: 'graceful-restart',
      restarting: gr.restarting,
      notification: false,
      restartTime: gr.restartTime,
      families: c.families.map((f) => ({ ...afiSafiOf(f), forwardingPreserved: gr.forwardingPreserved })),
    });
  }
  return caps;
}

/** Our OPEN (RFC 4271 §4.2): version 4, My AS (AS_TRANS above 65535, RFC 6793), hold time, router id. */
export function localOpen(c: SessionConfig): Omit<OpenMessage, 'type' | 'version'> {
  return { myAs: c.localAsn, holdTime: c.holdTime, bgpId: c.routerId, capabilities: localCapabilities(c) };
}

/**
 * Checks a decoded OPEN against the configuration (RFC 4271 §6.2 as updated by RFC 6286 §2.2): the peer AS
 * (2/2), the BGP Identifier (2/3: 0, or equal to ours on an internal session), the hold time (2/6).
 * Returns the error to send, or undefined when the OPEN is acceptable.
 */
export function checkPeerOpen(
  c: SessionConfig,
  open: OpenMessage,
): (WireError & { reason: string }) | undefined {
  if (open.myAs !== c.peerAsn) {
    return {
      code: ErrorCode.OpenMessage,
      subcode: OpenSubcode.BadPeerAs,
      reason: `peer AS ${open.myAs}, expected ${c.peerAsn}`,
    };
  }
  const id = bgpIdToNumber(open.bgpId);
  if (id === 0 || (c.peerAsn === c.localAsn && id === bgpIdToNumber(c.routerId))) {
    return {
      code: ErrorCode.OpenMessage,
      subcode: OpenSubcode.BadBgpIdentifier,
      reason: `bad BGP identifier ${open.bgpId}`,
    };
  }
  if (open.holdTime === 1 || open.holdTime === 2) {
    return {
      code: ErrorCode.OpenMessage,
      subcode: OpenSubcode.UnacceptableHoldTime,
      reason: `unacceptable hold time ${open.holdTime}`,
    };
  }
  return undefined;
}

/** The capability results of the OPEN exchange (the hold time comes from the FSM). */
export type CapabilityResult = Pick<
  Negotiated,
  'fourOctetAs' | 'extendedMessages' | 'families' | 'routeRefresh' | 'peerGracefulRestart'
>;

/**
 * Negotiates capabilities from our configuration and the peer's OPEN: families are the intersection (IPv4
 * unicast assumed when the peer sent no multiprotocol capability, RFC 4760 §8); 4-octet AS (RFC 6793), extended
 * messages (RFC 8654) and route refresh (RFC 2918) only when both announced them.
 */
export function negotiateCapabilities(c: SessionConfig, open: OpenMessage): CapabilityResult {
  const caps = open.capabilities;
  const mp = caps.filter((x) => x.type === 'multiprotocol');
  const theirs = new Set<Family>();
  if (mp.length === 0) theirs.add('ipv4');
  for (const m of mp) {
    const f = familyOf(m.afi, m.safi);
    if (f) theirs.add(f);
  }
  const families = c.families.filter((f) => theirs.has(f));
  const grCap = caps.find((x) => x.type === 'graceful-restart');
  let peerGracefulRestart: PeerGracefulRestart | undefined;
  if (grCap) {
    const grFamilies: { family: Family; forwardingPreserved: boolean }[] = [];
    for (const f of grCap.families) {
      const family = familyOf(f.afi, f.safi);
      if (family) grFamilies.push({ family, forwardingPreserved: f.forwardingPreserved });
    }
    peerGracefulRestart = {
      restartTime: grCap.restartTime,
      restarting: grCap.restarting,
      families: grFamilies,
    };
  }
  return {
    fourOctetAs: caps.some((x) => x.type === 'four-octet-as'),
    extendedMessages: c.extendedMessages && caps.some((x) => x.type === 'extended-message'),
    families,
    routeRefresh: caps.some((x) => x.type === 'route-refresh'),
    ...(peerGracefulRestart ? { peerGracefulRestart } : {}),
  };
}
