/**
 * The IPC protocol between {@link startSpeakerInNamespace} (parent, the test) and speaker-child.ts (our speaker in
 * a namespace). Everything is JSON: prefixes and addresses travel as strings and the child parses them with
 * core's `Cidr.parse` / `IpAddress.parse`.
 * @module
 */

/** An advertisement as the test writes it (core's `Advertisement` with strings). */
export interface AdvertisementJson {
  prefix: string;
  nextHop?: string;
  communities?: string[];
  largeCommunities?: string[];
  localPref?: number;
  med?: number;
  asPathPrepend?: number;
  peers?: string[];
}

/** core's `ReceivedRoute` with strings. */
export interface ReceivedRouteJson {
  peer: string;
  prefix: string;
  nextHop: string;
  asPath: number[];
  communities: string[];
  largeCommunities: string[];
  localPref?: number;
  med?: number;
  stale?: boolean;
}

/** core's `PeerStatus` with strings. */
export interface PeerStatusJson {
  name: string;
  address: string;
  asn: number;
  state: string;
  establishedForMs?: number;
  received: number;
  advertised: number;
  lastError?: { code: string; message: string };
}

/** core's `PeeringEvent` with strings, stamped with the child's time. */
export type PeeringEventJson = { at: number } & (
  | { type: 'peer-state'; peer: string; state: string; previous: string }
  | { type: 'routes'; peer: string; announced: ReceivedRouteJson[]; withdrawn: string[] }
);

/** Parent → child. */
export type SpeakerRequest = { id: number } & (
  | {
      op: 'start';
      modulePath: string;
      exportName: string;
      config: unknown;
      /** Which speaker events the child forwards (default 'all'); see SpeakerRunnerOptions.events. */
      events?: 'all' | 'state' | 'none';
    }
  | { op: 'set'; advertisements: AdvertisementJson[] }
  | { op: 'status' }
  | { op: 'received' }
  | { op: 'routeRefresh'; peer: string }
  | { op: 'close' }
  | { op: 'eval'; method: string; args: unknown[] }
);

/** Child → parent. */
export type SpeakerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; stack?: string } }
  | { event: PeeringEventJson };
