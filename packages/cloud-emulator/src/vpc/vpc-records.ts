import type {
  BgpGroupRecord,
  BgpNetworkRecord,
  BgpPeerRecord,
  RouteEntryRecord,
  RouterInterfaceRecord,
  RouteTableRecord,
  VbrRecord,
  VpcRecord,
  VSwitchRecord,
} from './vpc-model.js';

/** Default custom route entries per route table (CreateRouteEntry: "A route table can contain up to 200"). */
export const DEFAULT_ROUTE_ENTRY_QUOTA = 200;

/** BGP peers per VBR ("at most 8"). */
export const DEFAULT_BGP_PEERS_PER_VBR = 8;

/**
 * Every VPC-domain resource of the emulated account, in maps keyed by id (insertion = creation order), and one
 * creation sequence shared by all (stable paging and `NextToken`s). Plain data: the services change it, the
 * renderers read it.
 */
export class VpcRecords {
  readonly vpcs = new Map<string, VpcRecord>();
  readonly vSwitches = new Map<string, VSwitchRecord>();
  readonly routeTables = new Map<string, RouteTableRecord>();
  readonly routerInterfaces = new Map<string, RouterInterfaceRecord>();
  readonly vbrs = new Map<string, VbrRecord>();
  readonly bgpGroups = new Map<string, BgpGroupRecord>();
  readonly bgpPeers = new Map<string, BgpPeerRecord>();
  /** Keyed by `routerId|destination`. */
  readonly bgpNetworks = new Map<string, BgpNetworkRecord>();
  /** Where each route entry lives. */
  readonly entryTable = new Map<string, string>();
  /** Default custom-entry quota of new tables. */
  routeEntryQuota = DEFAULT_ROUTE_ENTRY_QUOTA;
  bgpPeersPerVbr = DEFAULT_BGP_PEERS_PER_VBR;
  #seq = 0;

  nextSeq(): number {
    return ++this.#seq;
  }

  /** Whether any resource already uses `id` (topology ids must be unique). */
  idInUse(id: string): boolean {
    return (
      this.vpcs.has(id) ||
      this.vSwitches.has(id) ||
      this.routeTables.has(id) ||
      this.routerInterfaces.has(id) ||
      this.vbrs.has(id) ||
      this.bgpGroups.has(id) ||
      this.bgpPeers.has(id) ||
      this.entryTable.has(id) ||
      [...this.vpcs.values()].some((v) => v.vRouterId === id) ||
      [...this.vbrs.values()].some((v) => v.vlanInterfaceId === id)
    );
  }

  /** The VPC whose vRouter is `vRouterId`. */
  vpcByRouter(vRouterId: string): VpcRecord | undefined {
    for (const v of this.vpcs.values()) if (v.vRouterId === vRouterId) return v;
    return undefined;
  }

  /** The vSwitches of a VPC, in creation order. */
  vSwitchesOf(vpcId: string): VSwitchRecord[] {
    return [...this.vSwitches.values()].filter((s) => s.vpcId === vpcId);
  }

  /** A route entry by id, with its table. */
  entry(id: string): { table: RouteTableRecord; entry: RouteEntryRecord } | undefined {
    const table = this.routeTables.get(this.entryTable.get(id) ?? '');
    const entry = table?.entries.get(id);
    return table && entry ? { table, entry } : undefined;
  }

  /** Adds `entry` to its table. */
  addEntry(table: RouteTableRecord, entry: RouteEntryRecord): void {
    table.entries.set(entry.id, entry);
    this.entryTable.set(entry.id, table.id);
  }

  /** Removes `entry` from its table. */
  removeEntry(table: RouteTableRecord, id: string): void {
    table.entries.delete(id);
    this.entryTable.delete(id);
  }

  /** The router interfaces of a router (a vRouter or a VBR). */
  interfacesOf(routerId: string): RouterInterfaceRecord[] {
    return [...this.routerInterfaces.values()].filter((r) => r.routerId === routerId);
  }
}
