/**
 * Fixtures shared by the FRR and GoBGP interop suites: the ASNs, the routes each side announces, the speaker config
 * for node 0 of a two-node lab (one IPv4 and one IPv6 session to node 1), and the wait budget.
 * @module
 */
import type { AdvertisementJson, ReceivedRouteJson } from '../../test-support/index.js';

/** Our AS: 4-octet, so every peer sees AS_TRANS in My AS and the real one in the capability (RFC 6793). */
export const OUR_AS = 4200000001;
/** The peer daemon's AS. */
export const PEER_AS = 65002;
/** Generous: two cores shared with other suites. */
export const WAIT = { timeoutMs: 20_000, intervalMs: 100 };

export const OURS_V4: AdvertisementJson = {
  prefix: '10.244.0.0/24',
  communities: ['65001:100', '65001:200'],
  largeCommunities: ['4200000001:1:1'],
  med: 7,
};
export const OURS_V6: AdvertisementJson = {
  prefix: '2001:db8:244::/64',
  communities: ['65001:600'],
  largeCommunities: ['4200000001:6:6'],
};
/** What the peer daemon announces. */
export const PEER_V4 = {
  prefix: '10.55.0.0/24',
  communities: ['65002:7'],
  largeCommunities: ['65002:1:2'],
  med: 9,
};
export const PEER_V6 = {
  prefix: '2001:db8:55::/64',
  communities: ['65002:8'],
  largeCommunities: ['65002:6:6'],
};

/** Our Adj-RIB-In routes from one peer, sorted by prefix. */
export const rxFrom = (routes: readonly ReceivedRouteJson[], peer: string) =>
  routes.filter((r) => r.peer === peer).sort((x, y) => x.prefix.localeCompare(y.prefix));

/**
 * Our speaker's config in node 0: peers `<name>4` (IPv4) and `<name>6` (IPv6, unless `ipv6: false`) at node 1, hold
 * time 9 s, fast reconnects; other keys of `extra` go to the top level.
 */
export function interopSpeakerConfig(
  s: { a: { ipv4: string }; b: { ipv4: string; ipv6: string } },
  name: string,
  extra: { passive?: boolean; ipv6?: boolean; [k: string]: unknown } = {},
) {
  const { passive = false, ipv6 = true, ...rest } = extra;
  return {
    asn: OUR_AS,
    routerId: s.a.ipv4,
    holdTime: 9,
    connectRetry: { minSeconds: 0.5, maxSeconds: 2 },
    peers: [
      { name: `${name}4`, address: s.b.ipv4, asn: PEER_AS, passive },
      ...(ipv6 ? [{ name: `${name}6`, address: s.b.ipv6, asn: PEER_AS, passive }] : []),
    ],
    ...rest,
  };
}
