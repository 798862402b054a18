import type { Cidr } from '@edgeway/core';
import type { EmulatorState } from '../state/emulator-state.js';
import { newId } from '../state/ids.js';
import { Bgp, type BgpPeerCounts } from './bgp.js';
import { type CreateRouteEntryInput, type DeleteRouteEntryInput, RouteEntries } from './route-entries.js';
import { ROUTE_TABLE_BUSY_CODE, vpcErrors } from './vpc-errors.js';
import type {
  BgpSessionStatus,
  RouteEntryRecord,
  VpcRecord,
  VpcView,
  VSwitchRecord,
  VSwitchView,
} from './vpc-model.js';
import { VpcRecords } from './vpc-records.js';
import {
  type RenderContext,
  renderBgpGroup,
  renderBgpNetwork,
  renderBgpPeer,
  renderRouteEntry,
  renderRouterInterface,
  renderRouteTableListItem,
  renderVbr,
  renderVpc,
  renderVSwitch,
} from './vpc-render.js';
import { seedVpcTopology } from './vpc-seed.js';
import type { VpcTopologyInput } from './vpc-topology.js';
import { VSwitchAddresses } from './vswitch-addresses.js';

export type { VpcView, VSwitchView } from './vpc-model.js';

/** What CreateVSwitch asks for. */
export interface CreateVSwitchInput {
  readonly vpcId: string;
  readonly zoneId: string;
  readonly cidr: Cidr;
  readonly ipv6Cidr?: Cidr | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  /** Topology seeding: the id to use. */
  readonly id?: string | undefined;
}

/** Everything of the VPC domain as plain JSON, in the API's shapes. */
export interface VpcSnapshot {
  readonly vpcs: Record<string, unknown>[];
  /** DescribeVSwitches items plus `AllocatedIpAddresses` / `AllocatedIpv6Addresses`. */
  readonly vSwitches: Record<string, unknown>[];
  /** DescribeRouteTableList items plus `RouteEntrys` (DescribeRouteEntryList items). */
  readonly routeTables: Record<string, unknown>[];
  readonly vbrs: Record<string, unknown>[];
  readonly routerInterfaces: Record<string, unknown>[];
  readonly bgpGroups: Record<string, unknown>[];
  readonly bgpPeers: Record<string, unknown>[];
  readonly bgpNetworks: Record<string, unknown>[];
}

/**
 * The VPC side of the emulated account (Alibaba Cloud VPC API 2016-04-28): VPCs and vSwitches with their address
 * pools, vRouter and VBR route tables and route entries, router interfaces, VBRs, and VBR BGP groups, peers and
 * networks. Action handlers (`vpc-actions.ts`) parse requests and render answers; the rules live here and in
 * {@link RouteEntries} and {@link Bgp}, so the lab and tests can drive them directly. The ECS domain takes ENI
 * and instance addresses from here (`allocateIp` / `releaseIp`), which is what makes DescribeVSwitches'
 * `AvailableIpAddressCount` follow ENI changes.
 */
export class VpcDomain {
  readonly state: EmulatorState;
  readonly records = new VpcRecords();
  readonly routes: RouteEntries;
  readonly bgp: Bgp;
  /**
   * The code answered for a write to a route table with an unstable entry ({@link ROUTE_TABLE_BUSY_CODE} by
   * default; `TaskConflict` is the other reading). Set by the topology's `routeTableBusyCode`.
   */
  routeTableBusyCode: string = ROUTE_TABLE_BUSY_CODE;

  constructor(state: EmulatorState) {
    this.state = state;
    this.routes = new RouteEntries(state, this.records, () => this.routeTableBusyCode);
    this.bgp = new Bgp(state, this.records);
  }

  /** Adds the resources of a topology (see `vpc-topology.ts`). @throws EdgewayError `ERR_EMULATOR_TOPOLOGY`. */
  seed(topology: VpcTopologyInput): void {
    seedVpcTopology(
      {
        state: this.state,
        records: this.records,
        routes: this.routes,
        addVSwitch: (vpc, spec) => this.#addVSwitch(vpc, spec, true),
        setBusyCode: (code) => {
          this.routeTableBusyCode = code;
        },
      },
      topology,
    );
  }

  /** The renderers' view of the records. */
  get renderContext(): RenderContext {
    return { records: this.records, regionId: this.state.regionId };
  }

  /** Everything as plain JSON. */
  snapshot(): VpcSnapshot {
    const ctx = this.renderContext;
    const r = this.records;
    return {
      vpcs: [...r.vpcs.values()].map((v) => renderVpc(ctx, v)),
      vSwitches: [...r.vSwitches.values()].map((s) => ({
        ...renderVSwitch(ctx, s),
        AllocatedIpAddresses: s.addresses.list(),
        AllocatedIpv6Addresses: s.addresses6?.list() ?? [],
      })),
      routeTables: [...r.routeTables.values()].map((t) => ({
        ...renderRouteTableListItem(ctx, t),
        RouteEntrys: [...t.entries.values()].map((e) => renderRouteEntry(ctx, e)),
      })),
      vbrs: [...r.vbrs.values()].map((v) => renderVbr(ctx, v)),
      routerInterfaces: [...r.routerInterfaces.values()].map((i) => renderRouterInterface(ctx, i)),
      bgpGroups: [...r.bgpGroups.values()].map((g) => renderBgpGroup(ctx, g)),
      bgpPeers: [...r.bgpPeers.values()].map((p) => renderBgpPeer(ctx, p)),
      bgpNetworks: [...r.bgpNetworks.values()].map((n) => renderBgpNetwork(ctx, n)),
    };
  }

  /** A VPC, or `undefined`. */
  vpc(id: string): VpcView | undefined {
    const v = this.records.vpcs.get(id);
    if (!v) return undefined;
    return {
      id: v.id,
      cidr: v.cidr,
      ipv6Cidr: v.ipv6Cidr,
      vRouterId: v.vRouterId,
      routeTableId: v.routeTableId,
      name: v.name,
      vSwitchIds: this.records.vSwitchesOf(v.id).map((s) => s.id),
    };
  }

  /** A vSwitch, or `undefined`. */
  vswitch(id: string): VSwitchView | undefined {
    const s = this.records.vSwitches.get(id);
    if (!s) return undefined;
    return {
      id: s.id,
      vpcId: s.vpcId,
      zoneId: s.zoneId,
      cidr: s.cidr,
      ipv6Cidr: s.ipv6Cidr,
      name: s.name,
      gateway: s.addresses.gateway.toString(),
    };
  }

  /**
   * Takes a private IPv4 address of the vSwitch: `requested`, or the next free one (the first address and the
   * last three of the block are never handed out).
   * @throws ApiError `InvalidVSwitchId.NotFound`, `InvalidVSwitchId.IpNotEnough`, `InvalidVSwitchId.IpInvalid`
   * (malformed, other family, outside the block, reserved), `InvalidIp.IpAssigned`.
   */
  allocateIp(vSwitchId: string, requested?: string): string {
    return this.#vSwitch(vSwitchId).addresses.allocate(requested);
  }

  /** Gives an address back to its vSwitch (an address not held is ignored). @throws `InvalidVSwitchId.NotFound`. */
  releaseIp(vSwitchId: string, ip: string): void {
    this.#vSwitch(vSwitchId).addresses.release(ip);
  }

  /**
   * Takes an IPv6 address of the vSwitch's IPv6 block (the first and the last nine are never handed out).
   * @throws ApiError as {@link allocateIp}, and `InvalidVSwitch.Ipv6NotTurnOn` for a vSwitch without IPv6.
   */
  allocateIpv6(vSwitchId: string, requested?: string): string {
    const s = this.#vSwitch(vSwitchId);
    if (!s.addresses6) throw vpcErrors.ipv6NotTurnedOn(vSwitchId);
    return s.addresses6.allocate(requested);
  }

  /** Gives an IPv6 address back (ignored when not held or without IPv6). @throws `InvalidVSwitchId.NotFound`. */
  releaseIpv6(vSwitchId: string, ip: string): void {
    this.#vSwitch(vSwitchId).addresses6?.release(ip);
  }

  /**
   * CreateVSwitch: a /16–/29 block inside the VPC's, overlapping no other vSwitch and holding no custom route's
   * destination; Available at once, with its `System` route entry.
   */
  createVSwitch(input: CreateVSwitchInput): VSwitchRecord {
    const vpc = this.records.vpcs.get(input.vpcId);
    if (!vpc) throw vpcErrors.vpcNotFound(input.vpcId);
    return this.#addVSwitch(vpc, input, false);
  }

  /** DeleteVSwitch: only without addresses in use and while the VPC's route table is stable. */
  deleteVSwitch(id: string): void {
    const s = this.#vSwitch(id);
    const used = s.addresses.allocated + (s.addresses6?.allocated ?? 0);
    if (used > 0) throw vpcErrors.vSwitchInUse(id, used);
    const table = this.records.routeTables.get(this.records.vpcs.get(s.vpcId)?.routeTableId ?? '');
    if (table) this.routes.assertStable(table);
    const resource = renderVSwitch(this.renderContext, s);
    this.records.vSwitches.delete(id);
    if (table) {
      this.routes.removeSystem(table, s.cidr);
      if (s.ipv6Cidr) this.routes.removeSystem(table, s.ipv6Cidr);
    }
    this.state.feed.emit({ kind: 'VSwitch', id, change: 'deleted', status: 'Available', resource });
  }

  /** CreateRouteEntry (see {@link RouteEntries.create}). */
  createRouteEntry(input: CreateRouteEntryInput): RouteEntryRecord {
    return this.routes.create(input);
  }

  /** DeleteRouteEntry (see {@link RouteEntries.delete}). */
  deleteRouteEntry(input: DeleteRouteEntryInput): RouteEntryRecord {
    return this.routes.delete(input);
  }

  /**
   * Sets a BGP peer's session state (`BgpStatus`: `Idle` by default, `Established` once the lab's data-centre
   * router is up) and its received/advertised route counts; emits a `BgpPeer` `updated` event.
   */
  setBgpPeerStatus(peerId: string, status: BgpSessionStatus, counts?: BgpPeerCounts): void {
    this.bgp.setPeerStatus(peerId, status, counts);
  }

  #vSwitch(id: string): VSwitchRecord {
    const s = this.records.vSwitches.get(id);
    if (!s) throw vpcErrors.vSwitchNotFound(id);
    return s;
  }

  #addVSwitch(vpc: VpcRecord, spec: Omit<CreateVSwitchInput, 'vpcId'>, seeding: boolean): VSwitchRecord {
    const { cidr, ipv6Cidr } = spec;
    const text = cidr.toString();
    if (cidr.family !== 4) throw vpcErrors.cidrMalformed('CidrBlock', text);
    if (cidr.prefixLength < 16 || cidr.prefixLength > 29) throw vpcErrors.cidrMaskLength(text);
    if (!vpc.cidr.contains(cidr)) throw vpcErrors.cidrNotInVpc(text, vpc.cidr.toString());
    if (ipv6Cidr !== undefined) {
      const v6 = ipv6Cidr.toString();
      if (ipv6Cidr.family !== 6 || ipv6Cidr.prefixLength > 120)
        throw vpcErrors.cidrMalformed('Ipv6CidrBlock', v6);
      if (!vpc.ipv6Cidr?.contains(ipv6Cidr))
        throw vpcErrors.cidrNotInVpc(v6, vpc.ipv6Cidr?.toString() ?? 'no IPv6');
    }
    for (const other of this.records.vSwitchesOf(vpc.id)) {
      for (const [mine, theirs] of [
        [cidr, other.cidr],
        [ipv6Cidr, other.ipv6Cidr],
      ] as const) {
        if (mine && theirs?.overlaps(mine))
          throw vpcErrors.cidrOverlapped(mine.toString(), `vSwitch ${other.id}`);
      }
    }
    const table = this.records.routeTables.get(vpc.routeTableId)!;
    for (const e of table.entries.values()) {
      if (e.type === 'Custom' && (cidr.contains(e.destination) || ipv6Cidr?.contains(e.destination))) {
        throw vpcErrors.cidrOverlapped(text, `route entry ${e.id}`);
      }
    }
    if (!seeding) this.routes.assertStable(table);
    const id = spec.id ?? newId('vsw');
    const s: VSwitchRecord = {
      id,
      seq: this.records.nextSeq(),
      vpcId: vpc.id,
      zoneId: spec.zoneId,
      cidr,
      ipv6Cidr,
      name: spec.name ?? '',
      description: spec.description ?? '',
      createdAt: this.state.clock.now(),
      addresses: new VSwitchAddresses(id, cidr),
      addresses6: ipv6Cidr ? new VSwitchAddresses(id, ipv6Cidr) : undefined,
    };
    this.records.vSwitches.set(id, s);
    this.routes.addSystem(table, cidr, 'local');
    if (ipv6Cidr) this.routes.addSystem(table, ipv6Cidr, 'local');
    this.state.feed.emit({
      kind: 'VSwitch',
      id,
      change: 'created',
      status: 'Available',
      resource: renderVSwitch(this.renderContext, s),
    });
    return s;
  }
}
