import type { LargeCommunity } from '../wire/index.js';
import { RibError, RibErrorCode } from './rib-error.js';
import type { PathAttributes } from './types.js';

/** Well-known communities (RFC 1997 §"Well-known Communities", RFC 7999 §5, RFC 8326 §5). */
export const WellKnownCommunity = {
  /** Not advertised outside a BGP confederation boundary (RFC 1997). */
  NoExport: 0xffffff01,
  /** Not advertised to any other BGP peer (RFC 1997). */
  NoAdvertise: 0xffffff02,
  /** Not advertised to external peers, even within a confederation (RFC 1997). */
  NoExportSubconfed: 0xffffff03,
  /** Remotely triggered blackhole (RFC 7999 §5). */
  Blackhole: 0xffff029a,
  /** Graceful shutdown (RFC 8326 §5). */
  GracefulShutdown: 0xffff0000,
} as const;

const NAMES: ReadonlyMap<string, number> = new Map([
  ['no-export', WellKnownCommunity.NoExport],
  ['no-advertise', WellKnownCommunity.NoAdvertise],
  ['no-export-subconfed', WellKnownCommunity.NoExportSubconfed],
  ['blackhole', WellKnownCommunity.Blackhole],
  ['graceful-shutdown', WellKnownCommunity.GracefulShutdown],
]);
const BY_VALUE: ReadonlyMap<number, string> = new Map([...NAMES].map(([n, v]) => [v, n]));

function invalid(what: string, text: string): RibError {
  return new RibError(RibErrorCode.InvalidPolicy, `invalid ${what} ${JSON.stringify(text)}`, {
    details: { input: text },
  });
}

function uint(text: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/**
 * Parses a community (RFC 1997) written `asn:value` (two 16-bit numbers) or as a well-known name
 * (`no-export`, `no-advertise`, `no-export-subconfed`, `blackhole`, `graceful-shutdown`).
 * @throws RibError `ERR_BGP_POLICY_INVALID`.
 */
export function parseCommunity(text: string): number {
  const named = NAMES.get(text.toLowerCase());
  if (named !== undefined) return named;
  const parts = text.split(':');
  const hi = parts.length === 2 ? uint(parts[0]!, 0xffff) : undefined;
  const lo = parts.length === 2 ? uint(parts[1]!, 0xffff) : undefined;
  if (hi === undefined || lo === undefined) throw invalid('community', text);
  return hi * 0x10000 + lo;
}

/** Formats a community as its well-known name or `asn:value` (RFC 1997). */
export function formatCommunity(value: number): string {
  return BY_VALUE.get(value) ?? `${Math.floor(value / 0x10000)}:${value & 0xffff}`;
}

/**
 * Parses a large community (RFC 8092 §3) written `global:local1:local2` (three 32-bit numbers).
 * @throws RibError `ERR_BGP_POLICY_INVALID`.
 */
export function parseLargeCommunity(text: string): LargeCommunity {
  const parts = text.split(':');
  const n = parts.map((p) => uint(p, 0xffffffff));
  if (n.length !== 3 || n.some((v) => v === undefined)) throw invalid('large community', text);
  return { globalAdmin: n[0]!, local1: n[1]!, local2: n[2]! };
}

/** Formats a large community as `global:local1:local2` (RFC 8092 §3). */
export function formatLargeCommunity(c: LargeCommunity): string {
  return `${c.globalAdmin}:${c.local1}:${c.local2}`;
}

/** Whether two large communities are equal. */
export function sameLargeCommunity(a: LargeCommunity, b: LargeCommunity): boolean {
  return a.globalAdmin === b.globalAdmin && a.local1 === b.local1 && a.local2 === b.local2;
}

/**
 * Whether a route LEARNED from a peer may be re-advertised to a peer, by its well-known communities
 * (RFC 1997): never with NO_ADVERTISE; not to an eBGP peer with NO_EXPORT or NO_EXPORT_SUBCONFED (no
 * confederations here, so the two are the same). {@link AdjRibOut} does not apply this: a locally originated
 * route tagged `no-export` is meant to reach the eBGP neighbour (which must then keep it), so the caller
 * applies this filter to learned routes only.
 */
export function mayReadvertise(attrs: PathAttributes, ebgp: boolean): boolean {
  for (const c of attrs.communities) {
    if (c === WellKnownCommunity.NoAdvertise) return false;
    if (ebgp && (c === WellKnownCommunity.NoExport || c === WellKnownCommunity.NoExportSubconfed))
      return false;
  }
  return true;
}
