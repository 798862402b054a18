import type { Advertisement } from '@edgeway/core';
import { BgpConfigError, BgpConfigErrorCode } from '../config/config-error.js';
import { communitySchema, largeCommunitySchema } from '../config/primitives.js';
import type { BgpPeerConfig } from '../config/speaker-config.js';

function bad(field: string, value: unknown, message: string): BgpConfigError {
  return new BgpConfigError(
    BgpConfigErrorCode.Advertisement,
    `bgp advertisement: ${field} ${JSON.stringify(value)}: ${message}`,
    { details: { field, value } },
  );
}

const familyName = (f: 4 | 6) => (f === 4 ? 'ipv4' : 'ipv6');
const U32 = 4294967295;

/**
 * Checks advertisements against the configured peers before anything is announced: every named peer exists, the
 * prefix's family is carried by at least one targeted peer (RFC 4760 — a family no session negotiates cannot be
 * announced), the next hop is of the prefix's family, communities parse, numbers fit their fields.
 * @throws BgpConfigError `ERR_BGP_ADVERTISEMENT` naming the field (`advertisements.2.prefix`).
 */
export function validateAdvertisements(
  advertisements: readonly Advertisement[],
  peers: readonly BgpPeerConfig[],
): void {
  const byName = new Map(peers.map((p) => [p.name, p]));
  advertisements.forEach((a, i) => {
    const at = `advertisements.${i}`;
    const family = familyName(a.prefix.family);
    const targets = a.peers ?? peers.map((p) => p.name);
    a.peers?.forEach((name, j) => {
      if (!byName.has(name)) throw bad(`${at}.peers.${j}`, name, 'is not a configured peer');
    });
    if (!targets.some((name) => byName.get(name)?.families.includes(family))) {
      const where = a.peers ? `peer(s) ${a.peers.join(', ')}` : 'any configured peer';
      throw bad(`${at}.prefix`, a.prefix.toString(), `is ${family}, a family not configured on ${where}`);
    }
    if (a.nextHop !== undefined && a.nextHop.family !== a.prefix.family) {
      throw bad(`${at}.nextHop`, a.nextHop.toString(), `is not ${family} like the prefix`);
    }
    a.communities?.forEach((c, j) => {
      const r = communitySchema.safeParse(c);
      if (!r.success) throw bad(`${at}.communities.${j}`, c, r.error.issues[0]?.message ?? 'invalid');
    });
    a.largeCommunities?.forEach((c, j) => {
      const r = largeCommunitySchema.safeParse(c);
      if (!r.success) throw bad(`${at}.largeCommunities.${j}`, c, r.error.issues[0]?.message ?? 'invalid');
    });
    for (const key of ['localPref', 'med'] as const) {
      const v = a[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= U32)) {
        throw bad(`${at}.${key}`, v, 'must be an integer 0–4294967295');
      }
    }
    if (
      a.asPathPrepend !== undefined &&
      !(Number.isInteger(a.asPathPrepend) && a.asPathPrepend >= 0 && a.asPathPrepend <= 32)
    ) {
      throw bad(`${at}.asPathPrepend`, a.asPathPrepend, 'must be an integer 0–32');
    }
  });
}
