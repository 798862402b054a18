import { type Advertisement, type Cidr, IpAddress, type Logger } from '@edgeway/core';
import type { BgpSpeakerConfig } from '../config/speaker-config.js';
import { compilePolicy, exportAttributes, type Family, type PathAttributes } from '../rib/index.js';
import type { PeerState } from './peer-state.js';

/** The session's own address of `family`, or the configured next hop for it (next-hop-self, RFC 4271 §5.1.3). */
function nextHopSelf(peer: PeerState, family: Family): string | undefined {
  const configured = peer.config.nextHop?.[family];
  if (configured) return configured;
  const local = peer.negotiated?.localAddress;
  if (local === undefined || !IpAddress.isValid(local)) return undefined;
  return (IpAddress.parse(local).family === 4 ? 'ipv4' : 'ipv6') === family
    ? IpAddress.parse(local).toString()
    : undefined;
}

/**
 * What one peer should hold from us: the advertisements aimed at it, in families the session negotiated, turned into
 * path attributes (next hop self unless given, our AS prepended on eBGP, LOCAL_PREF on iBGP), through the peer's
 * export policy. Prefixes sharing attributes share one attributes object, so they are packed into one UPDATE.
 */
export function exportRoutesFor(
  peer: PeerState,
  advertisements: readonly Advertisement[],
  config: BgpSpeakerConfig,
  log: Logger,
): { prefix: Cidr; attrs: PathAttributes }[] {
  const n = peer.negotiated;
  if (!n) return [];
  const out: { prefix: Cidr; attrs: PathAttributes }[] = [];
  const policy = peer.config.export;
  const simplePolicy = !policy || (policy.rules.length === 0 && policy.default === 'accept');
  const selfV4 = nextHopSelf(peer, 'ipv4');
  const selfV6 = nextHopSelf(peer, 'ipv6');
  const compiled = simplePolicy ? undefined : compilePolicy(policy);
  // exportAttributes memoizes per context object: prefixes sharing attributes share one object, hence one UPDATE.
  const exportCtx = {
    localAsn: config.asn,
    peerAsn: peer.config.asn,
    ebgp: peer.config.ebgp,
    nextHopSelf: { ...(selfV4 ? { ipv4: selfV4 } : {}), ...(selfV6 ? { ipv6: selfV6 } : {}) },
  };
  const ctx = {
    localAsn: config.asn,
    nextHopSelf: { ...(selfV4 ? { ipv4: selfV4 } : {}), ...(selfV6 ? { ipv6: selfV6 } : {}) },
  };
  for (const adv of advertisements) {
    if (adv.peers && !adv.peers.includes(peer.config.name)) continue;
    const family: Family = adv.prefix.family === 4 ? 'ipv4' : 'ipv6';
    if (!n.families.includes(family)) continue;
    const self = family === 'ipv4' ? selfV4 : selfV6;
    const nextHop = adv.nextHop?.toString() ?? self;
    if (nextHop === undefined) {
      if (!peer.warnedNoNextHop.has(family)) {
        peer.warnedNoNextHop.add(family);
        log.warn(
          { peer: peer.config.name, family },
          `no ${family} next hop for this session: set peers[].nextHop.${family}; ${family} routes are not announced`,
        );
      }
      continue;
    }
    const attrs = exportAttributes(adv, exportCtx);
    if (simplePolicy) {
      out.push({ prefix: adv.prefix, attrs });
      continue;
    }
    const final = compiled!.apply(adv.prefix, attrs, ctx);
    if (final) out.push({ prefix: adv.prefix, attrs: final });
  }
  return out;
}
