/**
 * A stand-in speaker for the runner's self-test: it implements the surface the child uses (static start, set,
 * status, received, subscribe, close, routeRefresh) and reports where it runs, to prove the namespace and the
 * Cidr/IpAddress parsing of the IPC layer.
 */
import { networkInterfaces } from 'node:os';
import type { Advertisement, PeeringEvent } from '@edgeway/core';

export class StubSpeaker {
  private advs: readonly Advertisement[] = [];
  private readonly listeners = new Set<(e: PeeringEvent) => void>();
  refreshed: string[] = [];

  private constructor(readonly config: { peers: { name: string; address: string; asn: number }[] }) {}

  static async start(config: unknown, _deps: unknown): Promise<StubSpeaker> {
    const c = config as StubSpeaker['config'];
    if (!Array.isArray(c?.peers)) throw Object.assign(new Error('peers: required'), { code: 'ERR_BGP_CONFIG' });
    return new StubSpeaker(c);
  }

  async set(advs: readonly Advertisement[]): Promise<void> {
    this.advs = advs;
    for (const l of this.listeners) {
      l({
        type: 'routes',
        peer: 'self',
        announced: this.received(),
        withdrawn: [],
      } as PeeringEvent);
    }
  }

  status() {
    return this.config.peers.map((p) => ({
      name: p.name,
      address: p.address,
      asn: p.asn,
      state: 'established',
      received: this.advs.length,
      advertised: this.advs.length,
    }));
  }

  /** Echoes the advertisements back as "received", proving they arrived as Cidr/IpAddress objects. */
  received() {
    return this.advs.map((a) => ({
      peer: 'self',
      prefix: a.prefix, // a Cidr: the child turns it back into a string
      nextHop: a.nextHop ?? 'none',
      asPath: [a.prefix.constructor.name === 'Cidr' ? 1 : 0],
      communities: [...(a.communities ?? [])],
      largeCommunities: [...(a.largeCommunities ?? [])],
      ...(a.med === undefined ? {} : { med: a.med }),
    }));
  }

  subscribe(l: (e: PeeringEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  routeRefresh(peer: string): void {
    this.refreshed.push(peer);
  }

  refreshedPeers(): string[] {
    return this.refreshed;
  }

  /** Addresses of the namespace it runs in. */
  interfaces(): string[] {
    return Object.values(networkInterfaces())
      .flat()
      .map((i) => i?.address ?? '');
  }

  async close(): Promise<void> {}
}
