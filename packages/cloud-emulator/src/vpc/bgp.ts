import { type Cidr, IpAddress } from '@edgeway/core';
import type { EmulatorState } from '../state/emulator-state.js';
import { newId } from '../state/ids.js';
import { vpcErrors } from './vpc-errors.js';
import type {
  BgpGroupRecord,
  BgpNetworkRecord,
  BgpPeerRecord,
  BgpResourceStatus,
  BgpSessionStatus,
  VbrRecord,
} from './vpc-model.js';
import type { VpcRecords } from './vpc-records.js';
import { renderBgpGroup, renderBgpNetwork, renderBgpPeer } from './vpc-render.js';

/** Alibaba Cloud's own ASN, the default `LocalAsn` and never a valid `PeerAsn`. */
export const ALIBABA_ASN = 45104;

/** What CreateBgpGroup asks for. */
export interface CreateBgpGroupInput {
  readonly routerId: string;
  readonly peerAsn: number;
  readonly localAsn?: number | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly authKey?: string | undefined;
  readonly ipVersion?: 'IPv4' | 'IPv6' | undefined;
  readonly isFakeAsn?: boolean | undefined;
  readonly routeQuota?: number | undefined;
}

/** What CreateBgpPeer asks for. */
export interface CreateBgpPeerInput {
  readonly bgpGroupId: string;
  readonly peerIpAddress?: string | undefined;
  readonly enableBfd?: boolean | undefined;
  readonly bfdMultiHop?: number | undefined;
  readonly ipVersion?: 'IPv4' | 'IPv6' | undefined;
}

/** Route counts the lab reports with a peer's session state. */
export interface BgpPeerCounts {
  readonly received?: number;
  readonly advertised?: number;
}

type BgpKind = 'BgpGroup' | 'BgpPeer' | 'BgpNetwork';

/**
 * A VBR's BGP groups, peers and advertised networks (CreateBgpGroup, CreateBgpPeer, AddBgpNetwork and their
 * deletes): each is `Pending`, then `Available` after `timings.bgp`; a delete makes it `Deleting`, gone after
 * `timings.bgp`. One BGP change per VBR at a time: a write while any BGP object of the VBR is not `Available`
 * answers `OperationConflict` (the code public tooling retries on group create). At most
 * `records.bgpPeersPerVbr` peers per VBR (`QuotaExceeded.Bgp`); a group with peers cannot be deleted
 * (`DependencyViolation.BgpPeer`). A peer's session is `Idle` until {@link Bgp.setPeerStatus} says otherwise.
 */
export class Bgp {
  readonly #state: EmulatorState;
  readonly #records: VpcRecords;

  constructor(state: EmulatorState, records: VpcRecords) {
    this.#state = state;
    this.#records = records;
  }

  createGroup(input: CreateBgpGroupInput): BgpGroupRecord {
    const vbr = this.#vbr(input.routerId);
    if (input.peerAsn === ALIBABA_ASN) throw vpcErrors.peerAsnMalformed(input.peerAsn);
    this.#assertIdle(vbr.id);
    const group: BgpGroupRecord = {
      id: newId('bgpg'),
      seq: this.#records.nextSeq(),
      routerId: vbr.id,
      name: input.name ?? '',
      description: input.description ?? '',
      peerAsn: input.peerAsn,
      localAsn: input.localAsn ?? ALIBABA_ASN,
      authKey: input.authKey ?? '',
      ipVersion: input.ipVersion ?? 'IPv4',
      isFake: input.isFakeAsn ?? false,
      routeLimit: input.routeQuota ?? 110,
      hold: 30,
      keepalive: 10,
      createdAt: this.#state.clock.now(),
      status: 'Pending',
    };
    this.#records.bgpGroups.set(group.id, group);
    this.#emit('BgpGroup', group.id, 'created', group);
    this.#settle('BgpGroup', group.id, group);
    return group;
  }

  deleteGroup(id: string): BgpGroupRecord {
    const group = this.#records.bgpGroups.get(id);
    if (!group) throw vpcErrors.bgpGroupNotFound(id);
    if ([...this.#records.bgpPeers.values()].some((p) => p.groupId === id))
      throw vpcErrors.bgpGroupHasPeers(id);
    this.#assertIdle(group.routerId);
    this.#remove('BgpGroup', id, group, () => this.#records.bgpGroups.delete(id));
    return group;
  }

  createPeer(input: CreateBgpPeerInput): BgpPeerRecord {
    const group = this.#records.bgpGroups.get(input.bgpGroupId);
    if (!group) throw vpcErrors.bgpGroupNotFound(input.bgpGroupId);
    const peerIp = input.peerIpAddress;
    if (peerIp !== undefined && !IpAddress.isValid(peerIp))
      throw vpcErrors.ipMalformed('PeerIpAddress', peerIp);
    const peers = [...this.#records.bgpPeers.values()].filter((p) => p.routerId === group.routerId);
    if (peerIp !== undefined && peers.some((p) => p.peerIpAddress === peerIp)) {
      throw vpcErrors.bgpAlreadyExists(`bgp peer ${peerIp} on ${group.routerId}`);
    }
    if (peers.length >= this.#records.bgpPeersPerVbr) {
      throw vpcErrors.bgpPeerQuota(group.routerId, this.#records.bgpPeersPerVbr);
    }
    this.#assertIdle(group.routerId);
    const peer: BgpPeerRecord = {
      id: newId('bgp'),
      seq: this.#records.nextSeq(),
      groupId: group.id,
      routerId: group.routerId,
      peerIpAddress: peerIp ?? '',
      enableBfd: input.enableBfd ?? false,
      bfdMultiHop: input.bfdMultiHop ?? 255,
      ipVersion: input.ipVersion ?? group.ipVersion,
      status: 'Pending',
      bgpStatus: 'Idle',
      receivedRouteCount: 0,
      advertisedRouteCount: 0,
      modifiedAt: this.#state.clock.now(),
    };
    this.#records.bgpPeers.set(peer.id, peer);
    this.#emit('BgpPeer', peer.id, 'created', peer);
    this.#settle('BgpPeer', peer.id, peer);
    return peer;
  }

  deletePeer(id: string): BgpPeerRecord {
    const peer = this.#records.bgpPeers.get(id);
    if (!peer) throw vpcErrors.bgpInstanceNotFound(`bgp peer ${id}`);
    this.#assertIdle(peer.routerId);
    this.#remove('BgpPeer', id, peer, () => this.#records.bgpPeers.delete(id));
    return peer;
  }

  addNetwork(routerId: string, destination: Cidr, vpcId: string | undefined): BgpNetworkRecord {
    const vbr = this.#vbr(routerId);
    if (vpcId !== undefined && !this.#records.vpcs.has(vpcId)) throw vpcErrors.bgpVpcNotFound(vpcId);
    const key = networkKey(vbr.id, destination);
    if (this.#records.bgpNetworks.has(key)) {
      throw vpcErrors.bgpAlreadyExists(`bgp network ${destination.toString()} on ${vbr.id}`);
    }
    this.#assertIdle(vbr.id);
    const network: BgpNetworkRecord = {
      seq: this.#records.nextSeq(),
      routerId: vbr.id,
      vpcId: vpcId ?? '',
      destination,
      status: 'Pending',
    };
    this.#records.bgpNetworks.set(key, network);
    this.#emit('BgpNetwork', key, 'created', network);
    this.#settle('BgpNetwork', key, network);
    return network;
  }

  deleteNetwork(routerId: string, destination: Cidr): BgpNetworkRecord {
    const vbr = this.#vbr(routerId);
    const key = networkKey(vbr.id, destination);
    const network = this.#records.bgpNetworks.get(key);
    if (!network) throw vpcErrors.bgpInstanceNotFound(`bgp network ${destination.toString()} on ${vbr.id}`);
    this.#assertIdle(vbr.id);
    this.#remove('BgpNetwork', key, network, () => this.#records.bgpNetworks.delete(key));
    return network;
  }

  /**
   * Sets a peer's session state (`BgpStatus`) and route counts, as the lab does when its data-centre router's
   * session comes up or goes down. Emits a `BgpPeer` `updated` event.
   * @throws ApiError `InvalidParams.NotFound` for an unknown peer.
   */
  setPeerStatus(id: string, status: BgpSessionStatus, counts: BgpPeerCounts = {}): void {
    const peer = this.#records.bgpPeers.get(id);
    if (!peer) throw vpcErrors.bgpInstanceNotFound(`bgp peer ${id}`);
    peer.bgpStatus = status;
    if (counts.received !== undefined) peer.receivedRouteCount = counts.received;
    if (counts.advertised !== undefined) peer.advertisedRouteCount = counts.advertised;
    if (status !== 'Established') {
      peer.receivedRouteCount = counts.received ?? 0;
      peer.advertisedRouteCount = counts.advertised ?? 0;
    }
    peer.modifiedAt = this.#state.clock.now();
    this.#emit('BgpPeer', id, 'updated', peer);
  }

  #vbr(id: string): VbrRecord {
    const vbr = this.#records.vbrs.get(id);
    if (!vbr) throw vpcErrors.vbrNotFound(id);
    return vbr;
  }

  /** `OperationConflict` while any BGP object of the VBR is changing. */
  #assertIdle(routerId: string): void {
    const busy = (x: { routerId: string; status: BgpResourceStatus }) =>
      x.routerId === routerId && x.status !== 'Available';
    const r = this.#records;
    if ([...r.bgpGroups.values(), ...r.bgpPeers.values(), ...r.bgpNetworks.values()].some(busy)) {
      throw vpcErrors.bgpConflict(routerId);
    }
  }

  #settle(kind: BgpKind, id: string, rec: { status: BgpResourceStatus }): void {
    this.#state.scheduler.after(this.#state.timings.bgp, () => {
      if (rec.status !== 'Pending' || !this.#exists(kind, id, rec)) return;
      rec.status = 'Available';
      this.#emit(kind, id, 'updated', rec);
    });
  }

  #remove(kind: BgpKind, id: string, rec: { status: BgpResourceStatus }, drop: () => void): void {
    rec.status = 'Deleting';
    this.#emit(kind, id, 'updated', rec);
    this.#state.scheduler.after(this.#state.timings.bgp, () => {
      if (!this.#exists(kind, id, rec)) return;
      drop();
      this.#emit(kind, id, 'deleted', rec);
    });
  }

  #exists(kind: BgpKind, id: string, rec: object): boolean {
    const map: Map<string, object> =
      kind === 'BgpGroup'
        ? this.#records.bgpGroups
        : kind === 'BgpPeer'
          ? this.#records.bgpPeers
          : this.#records.bgpNetworks;
    return map.get(id) === rec;
  }

  #emit(kind: BgpKind, id: string, change: 'created' | 'updated' | 'deleted', rec: object): void {
    const ctx = { records: this.#records, regionId: this.#state.regionId };
    const resource =
      kind === 'BgpGroup'
        ? renderBgpGroup(ctx, rec as BgpGroupRecord)
        : kind === 'BgpPeer'
          ? renderBgpPeer(ctx, rec as BgpPeerRecord)
          : renderBgpNetwork(ctx, rec as BgpNetworkRecord);
    this.#state.feed.emit({ kind, id, change, status: (rec as { status: string }).status, resource });
  }
}

/** The key of a BGP network: its VBR and destination. */
export function networkKey(routerId: string, destination: Cidr): string {
  return `${routerId}|${destination.toString()}`;
}
