import type { Advertisement } from '@edgeway/core';
import { parseCommunity, parseLargeCommunity } from './communities.js';
import { RibError, RibErrorCode } from './rib-error.js';
import type { PathAttributes } from './types.js';

/** The session a locally originated route is exported to. */
export interface ExportContext {
  readonly localAsn: number;
  readonly peerAsn: number;
  /** Whether the peer is external (RFC 4271 §5.1.2, §5.1.5). */
  readonly ebgp: boolean;
  /** This speaker's addresses on the session, used when the advertisement names no next hop (RFC 4271 §5.1.3). */
  readonly nextHopSelf: { readonly ipv4?: string; readonly ipv6?: string; readonly linkLocal?: string };
}

const EMPTY: readonly never[] = Object.freeze([]);
/** The memo key of an advertisement with no settings (see {@link exportAttributes}). */
const PLAIN_SIG_V4 = '4||||||0';
const PLAIN_SIG_V6 = '6||||||0';
const memo = new WeakMap<ExportContext, Map<string, PathAttributes>>();

function unique<T>(list: readonly T[]): T[] {
  return [...new Set(list)];
}

/**
 * The path attributes of a locally originated route sent on one session (RFC 4271 §5.1, §9.2): ORIGIN IGP;
 * AS_PATH of the local AS `1 + asPathPrepend` times to an eBGP peer, or `asPathPrepend` times (usually empty)
 * to an iBGP peer (§5.1.2); NEXT_HOP the advertisement's, else the session's own address of the prefix's
 * family, with the IPv6 link-local one added when known (RFC 2545 §3); LOCAL_PREF (default 100) on iBGP only
 * (§5.1.5); MED when given; communities (RFC 1997, `asn:value` or well-known names) and large communities
 * (RFC 8092, `g:l1:l2`) parsed. Results are memoized per context object, so advertisements with the same
 * settings share one attributes object (and one UPDATE in {@link AdjRibOut}).
 * Well-known communities are sent as given: a local route tagged `no-export` is meant to reach the eBGP
 * neighbour, which must then not export it (RFC 1997).
 * @throws RibError `ERR_BGP_POLICY_INVALID` for a bad community, `ERR_BGP_NO_NEXT_HOP` when there is no next hop.
 */
export function exportAttributes(adv: Advertisement, ctx: ExportContext): PathAttributes {
  const v4 = adv.prefix.network.family === 4;
  const prepend = adv.asPathPrepend ?? 0;
  // One template string, no array per call (a full table exports 100k+ advertisements); the plain case is constant.
  const sig =
    adv.nextHop === undefined &&
    adv.communities === undefined &&
    adv.largeCommunities === undefined &&
    adv.localPref === undefined &&
    adv.med === undefined &&
    adv.asPathPrepend === undefined
      ? v4
        ? PLAIN_SIG_V4
        : PLAIN_SIG_V6
      : `${v4 ? 4 : 6}|${adv.nextHop?.toString() ?? ''}|${adv.communities?.join(',') ?? ''}|${
          adv.largeCommunities?.join(',') ?? ''
        }|${adv.localPref ?? ''}|${adv.med ?? ''}|${prepend}`;
  let byCtx = memo.get(ctx);
  if (byCtx === undefined) {
    byCtx = new Map();
    memo.set(ctx, byCtx);
  }
  const hit = byCtx.get(sig);
  if (hit !== undefined) return hit;

  if (!Number.isInteger(prepend) || prepend < 0 || prepend > 64) {
    throw new RibError(RibErrorCode.InvalidPolicy, `asPathPrepend ${prepend} is outside 0..64`, {
      details: { input: prepend },
    });
  }
  const count = (ctx.ebgp ? 1 : 0) + prepend;
  const asns: number[] = new Array(count).fill(ctx.localAsn);
  const asPath = [];
  for (let i = 0; i < asns.length; i += 255)
    asPath.push({ type: 'sequence' as const, asns: asns.slice(i, i + 255) });

  let nextHop: string | undefined;
  let linkLocalNextHop: string | undefined;
  if (adv.nextHop !== undefined) {
    if ((adv.nextHop.family === 4) !== v4) {
      throw new RibError(
        RibErrorCode.NoNextHop,
        `next hop ${adv.nextHop.toString()} is not of the family of ${adv.prefix.toString()}`,
        { details: { prefix: adv.prefix.toString(), nextHop: adv.nextHop.toString() } },
      );
    }
    nextHop = adv.nextHop.toString();
  } else if (v4) nextHop = ctx.nextHopSelf.ipv4;
  else {
    nextHop = ctx.nextHopSelf.ipv6;
    linkLocalNextHop = ctx.nextHopSelf.linkLocal;
  }
  if (nextHop === undefined) {
    throw new RibError(
      RibErrorCode.NoNextHop,
      `no next hop for ${adv.prefix.toString()}: no local IPv${v4 ? 4 : 6} address on the session`,
      { details: { prefix: adv.prefix.toString() } },
    );
  }
  const large = unique(adv.largeCommunities ?? []).map(parseLargeCommunity);
  const attrs: PathAttributes = {
    origin: 0,
    asPath,
    nextHop,
    ...(linkLocalNextHop === undefined ? {} : { linkLocalNextHop }),
    ...(adv.med === undefined ? {} : { med: adv.med }),
    ...(ctx.ebgp ? {} : { localPref: adv.localPref ?? 100 }),
    communities: adv.communities === undefined ? EMPTY : unique(adv.communities.map(parseCommunity)),
    largeCommunities: large.length === 0 ? EMPTY : large,
    unknown: EMPTY,
  };
  byCtx.set(sig, attrs);
  return attrs;
}
