import { Cidr, EdgewayError } from '@edgeway/core';
import { ApiError } from '../api/api-error.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { newId } from '../state/ids.js';
import { CLOUD_SERVICE_CIDR, type RouteEntries } from './route-entries.js';
import type { RouterInterfaceRecord, RouterType, RouteTableRecord, VpcRecord } from './vpc-model.js';
import type { VpcRecords } from './vpc-records.js';
import { type VpcTopology, type VpcTopologyInput, vpcTopologySchema } from './vpc-topology.js';

/** What seeding needs of the domain. */
export interface SeedTarget {
  readonly state: EmulatorState;
  readonly records: VpcRecords;
  readonly routes: RouteEntries;
  /** Adds a vSwitch with the CreateVSwitch rules (throws ApiError). */
  addVSwitch(
    vpc: VpcRecord,
    spec: { id?: string; zoneId: string; cidr: Cidr; ipv6Cidr?: Cidr; name?: string; description?: string },
  ): unknown;
  setBusyCode(code: string): void;
}

type RouterInterfaceSpec = VpcTopology['vpcs'][number]['routerInterfaces'][number];

/** A topology mistake, named by its path (`vpcs.0.vSwitches.1.cidr: …`). */
function topologyError(path: string, message: string, cause?: unknown): EdgewayError {
  return new EdgewayError('ERR_EMULATOR_TOPOLOGY', `invalid vpc topology: ${path}: ${message}`, {
    details: { path },
    cause,
  });
}

/**
 * Creates the resources of a VPC topology: VPCs (each with its vRouter, system route table, the `System` entries
 * of its vSwitch blocks and of 100.64.0.0/10), vSwitches, VBRs (each with its route table), router interfaces —
 * the missing end of a VPC↔VBR pair is created and both ends linked — and route entries, Available at once.
 * @throws EdgewayError `ERR_EMULATOR_TOPOLOGY` naming the offending path (schema errors, duplicate ids, a vSwitch
 * outside its VPC or overlapping another, an unknown router, a route entry the API would refuse).
 */
export function seedVpcTopology(target: SeedTarget, input: VpcTopologyInput): void {
  const parsed = vpcTopologySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw topologyError(issue.path.join('.') || '(root)', issue.message, parsed.error);
  }
  const topo = parsed.data;
  const { records } = target;
  if (topo.quotas.routeEntriesPerTable !== undefined)
    records.routeEntryQuota = topo.quotas.routeEntriesPerTable;
  if (topo.quotas.bgpPeersPerVbr !== undefined) records.bgpPeersPerVbr = topo.quotas.bgpPeersPerVbr;
  if (topo.routeTableBusyCode !== undefined) target.setBusyCode(topo.routeTableBusyCode);

  const claim = (path: string, id: string | undefined, prefix: string): string => {
    const value = id ?? newId(prefix);
    if (records.idInUse(value)) throw topologyError(path, `id ${value} is already in use`);
    return value;
  };
  const now = target.state.clock.now();
  const pending: { path: string; ri: RouterInterfaceRecord; spec: RouterInterfaceSpec }[] = [];
  const addInterface = (
    path: string,
    spec: RouterInterfaceSpec,
    routerType: RouterType,
    routerId: string,
    vpcId?: string,
  ) => {
    const ri: RouterInterfaceRecord = {
      id: claim(`${path}.id`, spec.id, 'ri'),
      seq: records.nextSeq(),
      routerType,
      routerId,
      vpcId,
      name: spec.name ?? '',
      description: spec.description ?? '',
      role: routerType === 'VBR' ? 'InitiatingSide' : 'AcceptingSide',
      spec: 'Large.2',
      createdAt: now,
      status: spec.status,
      oppositeRouterType: undefined,
      oppositeRouterId: undefined,
      oppositeInterfaceId: undefined,
      oppositeVpcId: undefined,
    };
    records.routerInterfaces.set(ri.id, ri);
    if (spec.oppositeRouterId !== undefined || spec.oppositeInterfaceId !== undefined)
      pending.push({ path, ri, spec });
    return ri;
  };
  const addTable = (
    id: string,
    routerType: RouterType,
    routerId: string,
    vpcId: string | undefined,
    spec: { routeEntryQuota?: number | undefined; routeTableName?: string | undefined },
  ) => {
    const table: RouteTableRecord = {
      id,
      seq: records.nextSeq(),
      routerType,
      routerId,
      vpcId,
      name: spec.routeTableName ?? '',
      description: '',
      createdAt: now,
      quota: spec.routeEntryQuota ?? records.routeEntryQuota,
      entries: new Map(),
    };
    records.routeTables.set(id, table);
    return table;
  };

  topo.vpcs.forEach((v, i) => {
    const path = `vpcs.${i}`;
    const cidr = Cidr.parse(v.cidr);
    const vpc: VpcRecord = {
      id: claim(`${path}.id`, v.id, 'vpc'),
      seq: records.nextSeq(),
      cidr,
      ipv6Cidr: v.ipv6Cidr === undefined ? undefined : Cidr.parse(v.ipv6Cidr),
      vRouterId: claim(`${path}.vRouterId`, v.vRouterId, 'vrt'),
      routeTableId: claim(`${path}.routeTableId`, v.routeTableId, 'vtb'),
      name: v.name ?? '',
      description: v.description ?? '',
      isDefault: v.isDefault ?? false,
      createdAt: now,
    };
    records.vpcs.set(vpc.id, vpc);
    const table = addTable(vpc.routeTableId, 'VRouter', vpc.vRouterId, vpc.id, v);
    target.routes.addSystem(table, CLOUD_SERVICE_CIDR, 'service');
    v.vSwitches.forEach((s, j) => {
      const at = `${path}.vSwitches.${j}`;
      if (s.id !== undefined && records.idInUse(s.id))
        throw topologyError(`${at}.id`, `id ${s.id} is already in use`);
      try {
        target.addVSwitch(vpc, {
          ...s,
          cidr: Cidr.parse(s.cidr),
          ipv6Cidr: s.ipv6Cidr === undefined ? undefined : Cidr.parse(s.ipv6Cidr),
        });
      } catch (err) {
        if (err instanceof ApiError) throw topologyError(at, `${err.code}: ${err.message}`, err);
        throw err;
      }
    });
    v.routerInterfaces.forEach((r, j) => {
      addInterface(`${path}.routerInterfaces.${j}`, r, 'VRouter', vpc.vRouterId, vpc.id);
    });
  });

  topo.vbrs.forEach((b, i) => {
    const path = `vbrs.${i}`;
    const id = claim(`${path}.id`, b.id, 'vbr');
    const routeTableId = claim(`${path}.routeTableId`, b.routeTableId, 'vtb');
    const vlanInterfaceId = claim(`${path}.vlanInterfaceId`, b.vlanInterfaceId, 'ri');
    records.vbrs.set(id, {
      id,
      seq: records.nextSeq(),
      name: b.name ?? '',
      description: b.description ?? '',
      routeTableId,
      vlanInterfaceId,
      vlanId: b.vlanId ?? 100 + records.vbrs.size,
      physicalConnectionId: b.physicalConnectionId ?? newId('pc'),
      accessPointId: b.accessPointId ?? `ap-${target.state.regionId}-emulated`,
      circuitCode: b.circuitCode ?? '',
      localGatewayIp: b.localGatewayIp ?? '10.0.0.1',
      peerGatewayIp: b.peerGatewayIp ?? '10.0.0.2',
      peeringSubnetMask: b.peeringSubnetMask ?? '255.255.255.252',
      createdAt: now,
      status: b.status,
      physicalConnectionStatus: b.physicalConnectionStatus,
      businessStatus: b.businessStatus,
    });
    addTable(routeTableId, 'VBR', id, undefined, b);
    b.routerInterfaces.forEach((r, j) => {
      addInterface(`${path}.routerInterfaces.${j}`, r, 'VBR', id);
    });
  });

  // Explicit pairs first, so an interface named as another's opposite is not paired implicitly elsewhere.
  pending.sort(
    (a, b) =>
      Number(b.spec.oppositeInterfaceId !== undefined) - Number(a.spec.oppositeInterfaceId !== undefined),
  );
  const wants = new Map<string, string>();
  for (const { ri, spec } of pending) {
    const ref =
      spec.oppositeRouterId ?? records.routerInterfaces.get(spec.oppositeInterfaceId ?? '')?.routerId;
    const router = ref === undefined ? undefined : resolveRouter(records, ref);
    if (router) wants.set(ri.id, router.routerId);
  }
  for (const { path, ri, spec } of pending) linkInterface(records, path, ri, spec, wants, addInterface);

  topo.routeEntries.forEach((e, i) => {
    try {
      target.routes.create({
        routeTableId: e.routeTableId,
        destination: Cidr.parse(e.destinationCidrBlock),
        nextHopType: e.nextHopType,
        nextHopId: e.nextHopId,
        name: e.name,
        description: e.description,
        seed: { id: e.id === undefined ? undefined : claimEntryId(records, `routeEntries.${i}.id`, e.id) },
      });
    } catch (err) {
      if (err instanceof ApiError)
        throw topologyError(`routeEntries.${i}`, `${err.code}: ${err.message}`, err);
      throw err;
    }
  });
}

function claimEntryId(records: VpcRecords, path: string, id: string): string {
  if (records.idInUse(id)) throw topologyError(path, `id ${id} is already in use`);
  return id;
}

/** The router `ref` names: a VPC id or vRouter id (→ the vRouter), or a VBR id. */
function resolveRouter(
  records: VpcRecords,
  ref: string,
): { type: RouterType; routerId: string; vpcId: string | undefined } | undefined {
  const vpc = records.vpcs.get(ref) ?? records.vpcByRouter(ref);
  if (vpc) return { type: 'VRouter', routerId: vpc.vRouterId, vpcId: vpc.id };
  if (records.vbrs.has(ref)) return { type: 'VBR', routerId: ref, vpcId: undefined };
  return undefined;
}

function linkInterface(
  records: VpcRecords,
  path: string,
  ri: RouterInterfaceRecord,
  spec: RouterInterfaceSpec,
  wants: ReadonlyMap<string, string>,
  addInterface: (
    path: string,
    spec: RouterInterfaceSpec,
    type: RouterType,
    routerId: string,
    vpcId?: string,
  ) => RouterInterfaceRecord,
): void {
  if (ri.oppositeInterfaceId !== undefined) return; // linked from the other end already
  let opposite: RouterInterfaceRecord | undefined;
  if (spec.oppositeInterfaceId !== undefined) {
    opposite = records.routerInterfaces.get(spec.oppositeInterfaceId);
    if (!opposite)
      throw topologyError(`${path}.oppositeInterfaceId`, `no router interface ${spec.oppositeInterfaceId}`);
  }
  const routerRef = spec.oppositeRouterId ?? opposite?.routerId;
  const router = routerRef === undefined ? undefined : resolveRouter(records, routerRef);
  if (!router) throw topologyError(`${path}.oppositeRouterId`, `no VPC, vRouter or VBR ${routerRef}`);
  if (router.type === ri.routerType) {
    throw topologyError(`${path}.oppositeRouterId`, 'an interface pair links a VPC with a VBR');
  }
  if (opposite && opposite.routerId !== router.routerId) {
    throw topologyError(`${path}.oppositeInterfaceId`, `${opposite.id} is not an interface of ${routerRef}`);
  }
  if (opposite?.oppositeInterfaceId !== undefined && opposite.oppositeInterfaceId !== ri.id) {
    throw topologyError(
      `${path}.oppositeInterfaceId`,
      `${opposite.id} is already paired with ${opposite.oppositeInterfaceId}`,
    );
  }
  // Else the other router's unpaired interface that asks for this router, else a new one.
  opposite ??=
    records
      .interfacesOf(router.routerId)
      .find((o) => o.oppositeInterfaceId === undefined && wants.get(o.id) === ri.routerId) ??
    addInterface(`${path} (opposite)`, { status: ri.status }, router.type, router.routerId, router.vpcId);
  pair(records, ri, opposite);
}

function pair(records: VpcRecords, a: RouterInterfaceRecord, b: RouterInterfaceRecord): void {
  for (const [x, y] of [
    [a, b],
    [b, a],
  ] as const) {
    x.oppositeInterfaceId = y.id;
    x.oppositeRouterId = y.routerId;
    x.oppositeRouterType = y.routerType;
    x.oppositeVpcId =
      y.vpcId ?? (y.routerType === 'VRouter' ? records.vpcByRouter(y.routerId)?.id : undefined);
  }
}
