import { Cidr } from '@edgeway/core';
import { apiErrors } from '../api/api-error.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { newId } from '../state/ids.js';
import { ROUTE_DUPLICATE_CODES, vpcErrors } from './vpc-errors.js';
import type { RouteEntryRecord, RouteEntryType, RouteTableRecord } from './vpc-model.js';
import type { VpcRecords } from './vpc-records.js';
import { renderRouteEntry } from './vpc-render.js';

/** `NextHopType` values CreateRouteEntry accepts (the API reference's list). */
export const NEXT_HOP_TYPES = [
  'Instance',
  'HaVip',
  'RouterInterface',
  'NetworkInterface',
  'VpnGateway',
  'IPv6Gateway',
  'NatGateway',
  'Attachment',
  'VpcPeer',
  'Ipv4Gateway',
  'GatewayEndpoint',
  'Ecr',
  'GatewayLoadBalancerEndpoint',
] as const;

/** The cloud-service block: no route may point into it ("cannot be 100.64.0.0/10 or a subset of it"). */
export const CLOUD_SERVICE_CIDR = Cidr.parse('100.64.0.0/10');

/** What CreateRouteEntry asks for. */
export interface CreateRouteEntryInput {
  readonly routeTableId: string;
  readonly destination: Cidr;
  readonly nextHopType?: string | undefined;
  readonly nextHopId?: string | undefined;
  /** Whether `NextHopList` (ECMP) was given: refused on VBR tables, not emulated on vRouter tables. */
  readonly nextHopList?: boolean | undefined;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly dryRun?: boolean | undefined;
  /** Topology seeding: a given id, no busy check, Available at once. */
  readonly seed?: { readonly id?: string | undefined } | undefined;
}

/** What DeleteRouteEntry names: the entry's id, or its table, destination and (optionally) next hop. */
export type DeleteRouteEntryInput =
  | { readonly routeEntryId: string; readonly routeTableId?: string | undefined; readonly dryRun?: boolean }
  | {
      readonly routeEntryId?: undefined;
      readonly routeTableId: string;
      readonly destination: Cidr;
      readonly nextHopId?: string | undefined;
      readonly dryRun?: boolean;
    };

/**
 * Route entries of vRouter and VBR route tables, with the API's rules (CreateRouteEntry, DeleteRouteEntry):
 * asynchronous `Pending → Available` and `Deleting → gone` on the state's scheduler; one write at a time per
 * table (a write while any entry is not `Available` answers the busy code); the custom-entry quota; duplicates;
 * forbidden destinations; VBR state and next hops restricted to the VBR's own interfaces. Every change is emitted
 * on the state's feed as a `RouteEntry` event whose resource adds `RouterType` and `RouterId` to the entry.
 */
export class RouteEntries {
  readonly #state: EmulatorState;
  readonly #records: VpcRecords;
  readonly #busyCode: () => string;

  constructor(state: EmulatorState, records: VpcRecords, busyCode: () => string) {
    this.#state = state;
    this.#records = records;
    this.#busyCode = busyCode;
  }

  /** Adds a `System` entry (a vSwitch block → `local`, the cloud-service block → `service`), Available at once. */
  addSystem(table: RouteTableRecord, destination: Cidr, nextHopType: 'local' | 'service'): RouteEntryRecord {
    return this.#insert(table, destination, 'System', nextHopType, '', {}, 'Available');
  }

  /** Removes the `System` entry of `destination` (a deleted vSwitch). */
  removeSystem(table: RouteTableRecord, destination: Cidr): void {
    for (const e of table.entries.values()) {
      if (e.type === 'System' && e.destination.equals(destination)) this.#remove(table, e);
    }
  }

  /** Whether every entry of the table is `Available` (a write may proceed). */
  isStable(table: RouteTableRecord): boolean {
    for (const e of table.entries.values()) if (e.status !== 'Available') return false;
    return true;
  }

  /** Throws the busy code when the table has an unstable entry. */
  assertStable(table: RouteTableRecord): void {
    if (!this.isStable(table)) throw vpcErrors.routeTableBusy(this.#busyCode(), table.routerType);
  }

  /**
   * CreateRouteEntry: validates, then adds a `Custom` entry in `Pending` that becomes `Available` after
   * `timings.routeEntryCreate`.
   * @throws ApiError (see the class description and {@link vpcErrors}); `DryRunOperation` when everything passed
   * with `dryRun`.
   */
  create(input: CreateRouteEntryInput): RouteEntryRecord {
    const table = this.#records.routeTables.get(input.routeTableId);
    if (!table) throw vpcErrors.routeTableNotFound(input.routeTableId);
    if (input.nextHopList) {
      if (table.routerType === 'VBR') throw vpcErrors.nextHopListOnVbr();
      if (input.nextHopType !== undefined) throw vpcErrors.nextHopBothNotNull();
      throw apiErrors.invalidParameter(
        'NextHopList',
        'is not supported by the emulator (ECMP routes are not emulated)',
      );
    }
    const nextHopType = input.nextHopType;
    if (nextHopType === undefined) throw vpcErrors.nextHopBothNull();
    if (!(NEXT_HOP_TYPES as readonly string[]).includes(nextHopType))
      throw vpcErrors.invalidNextHopType(nextHopType);
    const nextHopId = input.nextHopId;
    if (nextHopId === undefined) throw apiErrors.missingParameter('NextHopId');
    this.#checkRouter(table);
    this.#checkDestination(table, input.destination);
    this.#checkNextHop(table, nextHopType, nextHopId);
    if (!input.seed) this.assertStable(table);
    this.#checkDuplicate(table, input.destination, nextHopType, nextHopId);
    const custom = [...table.entries.values()].filter((e) => e.type === 'Custom').length;
    if (custom >= table.quota) throw vpcErrors.routeQuotaExceeded(table.quota);
    if (input.dryRun) throw vpcErrors.dryRun();

    const names = { id: input.seed?.id, name: input.name, description: input.description };
    if (input.seed)
      return this.#insert(table, input.destination, 'Custom', nextHopType, nextHopId, names, 'Available');
    const entry = this.#insert(table, input.destination, 'Custom', nextHopType, nextHopId, names, 'Pending');
    this.#state.scheduler.after(this.#state.timings.routeEntryCreate, () => {
      if (table.entries.get(entry.id) !== entry || entry.status !== 'Pending') return;
      this.#setStatus(table, entry, 'Available');
    });
    return entry;
  }

  /**
   * DeleteRouteEntry: only an `Available` custom entry, and only while the rest of the table is stable; it turns
   * `Deleting` and is gone after `timings.routeEntryDelete`.
   */
  delete(input: DeleteRouteEntryInput): RouteEntryRecord {
    const { table, entry } = this.#find(input);
    if (entry.type === 'System') throw vpcErrors.systemRouteEntry();
    if (entry.status !== 'Available') throw vpcErrors.routeEntryStatus(entry.id, entry.status);
    this.assertStable(table);
    if (input.dryRun) throw vpcErrors.dryRun();
    this.#setStatus(table, entry, 'Deleting');
    this.#state.scheduler.after(this.#state.timings.routeEntryDelete, () => {
      if (table.entries.get(entry.id) === entry) this.#remove(table, entry);
    });
    return entry;
  }

  /** The event resource: the DescribeRouteEntryList item plus the table's router. */
  resource(table: RouteTableRecord, entry: RouteEntryRecord): Record<string, unknown> {
    return {
      ...renderRouteEntry({ records: this.#records, regionId: this.#state.regionId }, entry),
      RouterType: table.routerType,
      RouterId: table.routerId,
    };
  }

  #find(input: DeleteRouteEntryInput): { table: RouteTableRecord; entry: RouteEntryRecord } {
    if (input.routeEntryId !== undefined) {
      const found = this.#records.entry(input.routeEntryId);
      if (!found || (input.routeTableId !== undefined && found.table.id !== input.routeTableId)) {
        throw vpcErrors.routeEntryIdNotFound(input.routeEntryId);
      }
      return found;
    }
    const table = this.#records.routeTables.get(input.routeTableId);
    if (!table) throw vpcErrors.routeTableNotFound(input.routeTableId);
    for (const entry of table.entries.values()) {
      if (!entry.destination.equals(input.destination)) continue;
      if (input.nextHopId !== undefined && entry.nextHopId !== input.nextHopId) continue;
      return { table, entry };
    }
    const hop = input.nextHopId === undefined ? '' : ` via ${input.nextHopId}`;
    throw vpcErrors.routeEntryNotFound(`${input.destination.toString()}${hop} in ${table.id}`);
  }

  /** A VBR table takes entries only while the VBR is active and its circuit enabled and not locked. */
  #checkRouter(table: RouteTableRecord): void {
    if (table.routerType !== 'VBR') return;
    const vbr = this.#records.vbrs.get(table.routerId);
    if (!vbr) throw vpcErrors.vbrNotFound(table.routerId);
    if (vbr.status !== 'active') throw vpcErrors.vbrStatus(vbr.id, vbr.status);
    if (vbr.physicalConnectionStatus !== 'Enabled') {
      throw vpcErrors.physicalConnectionStatus(vbr.physicalConnectionId, vbr.physicalConnectionStatus);
    }
    if (vbr.businessStatus !== 'Normal') {
      throw vpcErrors.physicalConnectionStatus(vbr.physicalConnectionId, vbr.businessStatus);
    }
  }

  #checkDestination(table: RouteTableRecord, destination: Cidr): void {
    const text = destination.toString();
    if (CLOUD_SERVICE_CIDR.contains(destination)) {
      throw vpcErrors.cidrForbidden(
        'DestinationCidrBlock',
        text,
        'is inside the cloud-service block 100.64.0.0/10',
      );
    }
    if (table.vpcId === undefined) return;
    for (const s of this.#records.vSwitchesOf(table.vpcId)) {
      for (const block of [s.cidr, s.ipv6Cidr]) {
        if (block?.contains(destination)) {
          throw vpcErrors.cidrForbidden(
            'DestinationCidrBlock',
            text,
            `is inside the CIDR block of vSwitch ${s.id}`,
          );
        }
      }
    }
  }

  #checkNextHop(table: RouteTableRecord, type: string, id: string): void {
    if (table.routerType === 'VBR') {
      if (type !== 'RouterInterface') {
        throw vpcErrors.invalidNextHopType(
          type,
          "is not valid in a VBR's route table (only RouterInterface)",
        );
      }
      const vbr = this.#records.vbrs.get(table.routerId)!;
      const own = id === vbr.vlanInterfaceId || this.#records.routerInterfaces.get(id)?.routerId === vbr.id;
      if (!own) throw vpcErrors.nextHopNotFound(id);
      return;
    }
    const vpc = this.#records.vpcs.get(table.vpcId ?? '');
    if (type === 'RouterInterface') {
      if (this.#records.routerInterfaces.get(id)?.routerId !== table.routerId)
        throw vpcErrors.nextHopNotFound(id);
      return;
    }
    if (type === 'Instance') {
      const instance = this.#state.ecs.instance(id);
      if (!instance) throw vpcErrors.instanceNotFound(id);
      if (instance.vpcId !== vpc?.id) throw vpcErrors.instanceInOtherVpc(id);
      return;
    }
    if (type === 'NetworkInterface') {
      const eni = this.#state.ecs.networkInterface(id);
      if (!eni) throw vpcErrors.networkInterfaceNotFound(id);
      if (eni.vpcId !== vpc?.id) throw vpcErrors.networkInterfaceInOtherVpc(id);
      return;
    }
    // HaVip, gateways, attachments… are not emulated: nothing of theirs exists.
    throw vpcErrors.nextHopNotFound(id);
  }

  #checkDuplicate(table: RouteTableRecord, destination: Cidr, type: string, id: string): void {
    for (const e of table.entries.values()) {
      if (!e.destination.equals(destination)) continue;
      const same = e.nextHopType === type && e.nextHopId === id;
      const code = !same
        ? ROUTE_DUPLICATE_CODES.sameDestination
        : table.routerType === 'VBR'
          ? ROUTE_DUPLICATE_CODES.sameRouteVbr
          : ROUTE_DUPLICATE_CODES.sameRoute;
      throw vpcErrors.routeDuplicate(code, destination.toString());
    }
  }

  #insert(
    table: RouteTableRecord,
    destination: Cidr,
    type: RouteEntryType,
    nextHopType: string,
    nextHopId: string,
    names: { id?: string | undefined; name?: string | undefined; description?: string | undefined },
    status: 'Pending' | 'Available',
  ): RouteEntryRecord {
    const now = this.#state.clock.now();
    const entry: RouteEntryRecord = {
      id: names.id ?? newId('rte'),
      seq: this.#records.nextSeq(),
      routeTableId: table.id,
      destination,
      type,
      nextHopType,
      nextHopId,
      name: names.name ?? '',
      description: names.description ?? '',
      createdAt: now,
      status,
      modifiedAt: now,
    };
    this.#records.addEntry(table, entry);
    this.#state.feed.emit({
      kind: 'RouteEntry',
      id: entry.id,
      change: 'created',
      status,
      resource: this.resource(table, entry),
    });
    return entry;
  }

  #setStatus(table: RouteTableRecord, entry: RouteEntryRecord, status: RouteEntryRecord['status']): void {
    entry.status = status;
    entry.modifiedAt = this.#state.clock.now();
    this.#state.feed.emit({
      kind: 'RouteEntry',
      id: entry.id,
      change: 'updated',
      status,
      resource: this.resource(table, entry),
    });
  }

  #remove(table: RouteTableRecord, entry: RouteEntryRecord): void {
    const resource = this.resource(table, entry);
    this.#records.removeEntry(table, entry.id);
    this.#state.feed.emit({
      kind: 'RouteEntry',
      id: entry.id,
      change: 'deleted',
      status: entry.status,
      resource,
    });
  }
}
