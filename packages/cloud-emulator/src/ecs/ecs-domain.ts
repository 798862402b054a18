import { type ApiError, apiErrors } from '../api/api-error.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { newId } from '../state/ids.js';
import { ecsErrors } from './ecs-errors.js';
import {
  type InstanceRecord,
  type NetworkInterfaceRecord,
  privateIpsOf,
  type SecurityGroupRecord,
} from './ecs-model.js';
import { type EcsTopology, type EcsTopologyInstance, ecsTopologySchema } from './ecs-topology.js';
import { eniView, instanceTypeView, instanceView } from './ecs-views.js';
import { canonicalIp, EniAddressBook } from './eni-addresses.js';
import { EniLifecycle } from './eni-lifecycle.js';
import {
  builtinInstanceTypes,
  type InstanceTypeSpec,
  instanceTypeFamilyOf,
  unattachedEniLimits,
} from './instance-types.js';
import { newMacAddress } from './mac-address.js';
import { type VpcPort, type VSwitchView, vpcPort } from './vpc-port.js';

/** A resource that carries tags (`TagResources` `ResourceType` `eni` or `instance`). */
export type TaggableType = 'eni' | 'instance';

/**
 * The emulated ECS resources of one region: instance types, security groups, instances and elastic network
 * interfaces. Every ENI address is taken from its vSwitch through the VPC domain (`allocateIp`/`releaseIp`),
 * asynchronous transitions run on the state's scheduler (`state.timings`), and every change is published on
 * the state's change feed (kinds `Instance`, `NetworkInterface`, `PrivateIpAddress`, `Ipv6Address`).
 * Operations throw the ECS API's own {@link ApiError}s; the action handlers in `ecs-actions.ts` only parse
 * parameters and shape responses.
 */
export class EcsDomain {
  readonly state: EmulatorState;
  /** Attach, detach and delete (the asynchronous ENI operations). */
  readonly lifecycle: EniLifecycle;
  readonly #instances = new Map<string, InstanceRecord>();
  readonly #enis = new Map<string, NetworkInterfaceRecord>();
  readonly #securityGroups = new Map<string, SecurityGroupRecord>();
  readonly #instanceTypes = new Map<string, InstanceTypeSpec>();
  readonly #addresses = new EniAddressBook(() => vpcPort(this.state));
  readonly #macs = new Set<string>();
  #seq = 0;
  #defaultHttpTokens: InstanceRecord['metadataHttpTokens'] = 'required';

  constructor(state: EmulatorState) {
    this.state = state;
    for (const t of builtinInstanceTypes) this.#instanceTypes.set(t.instanceTypeId, t);
    this.lifecycle = new EniLifecycle(this);
  }

  get #vpc(): VpcPort {
    return vpcPort(this.state);
  }

  // ---- queries -------------------------------------------------------------------------------------------

  /** An instance by id. */
  instance(id: string): Readonly<InstanceRecord> | undefined {
    return this.#instances.get(id);
  }

  /** An ENI by id (primary ENIs included). */
  networkInterface(id: string): Readonly<NetworkInterfaceRecord> | undefined {
    return this.#enis.get(id);
  }

  /** All instances in creation order. */
  instances(): Readonly<InstanceRecord>[] {
    return [...this.#instances.values()];
  }

  /** All ENIs in creation order. */
  networkInterfaces(): Readonly<NetworkInterfaceRecord>[] {
    return [...this.#enis.values()];
  }

  /** ENIs bound to the instance (Attaching, InUse or Detaching), by device index. */
  interfacesOf(instanceId: string): Readonly<NetworkInterfaceRecord>[] {
    return [...this.#enis.values()]
      .filter((e) => e.instanceId === instanceId)
      .sort((a, b) => (a.deviceIndex ?? 0) - (b.deviceIndex ?? 0));
  }

  /** An instance type (built-in or from the topology) by id. */
  instanceType(id: string): InstanceTypeSpec | undefined {
    return this.#instanceTypes.get(id);
  }

  /** Built-in and topology instance types, by id. */
  instanceTypes(): InstanceTypeSpec[] {
    return [...this.#instanceTypes.values()].sort((a, b) => a.instanceTypeId.localeCompare(b.instanceTypeId));
  }

  /** A security group known to the emulator (from the topology, or an instance's default group). */
  securityGroup(id: string): SecurityGroupRecord | undefined {
    return this.#securityGroups.get(id);
  }

  /** The tags of a taggable resource (live map), or `undefined` when it does not exist. */
  tagsOf(type: TaggableType, id: string): Map<string, string> | undefined {
    return type === 'eni' ? this.#enis.get(id)?.tags : this.#instances.get(id)?.tags;
  }

  /** The instance type limits that apply to an ENI: its instance's type, or the unattached-ENI caps. */
  limitsOf(eni: Readonly<NetworkInterfaceRecord>): { privateIpv4: number; ipv6: number } {
    const instance = eni.instanceId === undefined ? undefined : this.#instances.get(eni.instanceId);
    const type = instance && this.#instanceTypes.get(instance.instanceType);
    if (!type) return { ...unattachedEniLimits };
    return { privateIpv4: type.eniPrivateIpAddressQuantity, ipv6: type.eniIpv6AddressQuantity };
  }

  /** The vSwitch through the VPC domain, or `InvalidVSwitchId.NotFound`. */
  vSwitch(id: string): VSwitchView {
    const vsw = this.#vpc.vswitch(id);
    if (!vsw) throw ecsErrors.vSwitchNotFound(id);
    return vsw;
  }

  /** The whole ECS state as plain JSON. */
  snapshot(): unknown {
    return {
      instanceTypes: this.instanceTypes().map(instanceTypeView),
      securityGroups: [...this.#securityGroups.values()].map((g) => ({ ...g })),
      instances: this.instances().map((i) => this.describeInstance(i)),
      networkInterfaces: this.networkInterfaces().map(eniView),
    };
  }

  /** An instance as DescribeInstances shows it. */
  describeInstance(instance: Readonly<InstanceRecord>): Record<string, unknown> {
    const enis = this.interfacesOf(instance.id).filter((e) => e.status === 'InUse');
    return instanceView(instance, this.#instanceTypes.get(instance.instanceType), enis, this.state.regionId);
  }

  // ---- seeding -------------------------------------------------------------------------------------------

  /**
   * Adds the topology's instance types (overriding built-in ones by id), security groups and instances. Each
   * instance gets a primary ENI (InUse, device index 0) whose primary IP comes from its vSwitch, so the VPC
   * domain must be seeded first. Throws an `Error` naming the offending entry.
   */
  seed(topology: EcsTopology): void {
    const topo = ecsTopologySchema.parse(topology);
    this.#defaultHttpTokens = topo.metadata.httpTokens;
    for (const t of topo.instanceTypes) {
      this.#instanceTypes.set(t.instanceTypeId, {
        instanceTypeId: t.instanceTypeId,
        instanceTypeFamily: t.instanceTypeFamily ?? instanceTypeFamilyOf(t.instanceTypeId),
        cpu: t.cpu,
        memory: t.memory,
        eniQuantity: t.eniQuantity,
        eniPrivateIpAddressQuantity: t.eniPrivateIpAddressQuantity,
        eniIpv6AddressQuantity: t.eniIpv6AddressQuantity,
        eniTotalQuantity: t.eniTotalQuantity ?? t.eniQuantity,
        eniTrunkSupported: t.eniTrunkSupported ?? false,
      });
    }
    for (const g of topo.securityGroups) {
      const group = typeof g === 'string' ? { id: g } : { id: g.id, vpcId: g.vpcId, name: g.name };
      this.#securityGroups.set(group.id, group);
    }
    for (const entry of topo.instances) {
      try {
        this.#seedInstance(entry);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`ECS topology: instance ${entry.id ?? `on ${entry.vSwitchId}`}: ${why}`, {
          cause: err,
        });
      }
    }
  }

  #seedInstance(entry: EcsTopologyInstance): void {
    const id = entry.id ?? newId('i');
    if (this.#instances.has(id)) throw new Error(`the id ${id} is used twice`);
    if (!this.#instanceTypes.has(entry.instanceType)) {
      throw new Error(`unknown instance type ${entry.instanceType} (add it under instanceTypes)`);
    }
    const vsw = this.vSwitch(entry.vSwitchId);
    if (entry.zoneId !== undefined && entry.zoneId !== vsw.zoneId) {
      throw new Error(`zone ${entry.zoneId} differs from the zone ${vsw.zoneId} of ${vsw.id}`);
    }
    const securityGroupIds = entry.securityGroupIds?.length
      ? entry.securityGroupIds
      : [this.#defaultSecurityGroup(vsw.vpcId)];
    this.#checkSecurityGroups(securityGroupIds, vsw.vpcId);
    const eniId = newId('eni');
    const [primaryIp] = this.#addresses.take(
      vsw,
      eniId,
      4,
      entry.privateIp ? [entry.privateIp] : [],
      entry.privateIp ? 0 : 1,
      {
        parameter: 'privateIp',
        takenError: ecsErrors.ipDuplicated,
      },
    );
    const hostname = entry.hostname ?? `iZ${id.slice(2)}Z`;
    const instance: InstanceRecord = {
      id,
      seq: ++this.#seq,
      instanceType: entry.instanceType,
      vpcId: vsw.vpcId,
      vSwitchId: vsw.id,
      zoneId: vsw.zoneId,
      hostname,
      instanceName: entry.instanceName ?? hostname,
      primaryEniId: eniId,
      securityGroupIds: [...securityGroupIds],
      creationTime: this.state.clock.now(),
      status: 'Running',
      tags: new Map(Object.entries(entry.tags ?? {})),
      metadataHttpTokens: entry.metadataHttpTokens ?? this.#defaultHttpTokens,
    };
    this.#instances.set(id, instance);
    const eni = this.#addEni({
      id: eniId,
      type: 'Primary',
      vsw,
      primaryIp: primaryIp!,
      secondaryIps: [],
      ipv6s: [],
      securityGroupIds,
      name: '',
      description: '',
      tags: new Map(),
      deleteOnRelease: true,
    });
    eni.status = 'InUse';
    eni.instanceId = id;
    eni.deviceIndex = 0;
    this.state.feed.emit({
      kind: 'Instance',
      id,
      change: 'created',
      status: instance.status,
      resource: this.describeInstance(instance),
    });
    this.emitEni(eni, 'created');
    this.#emitAddresses(eni, [eni.primaryIp], 4, 'created');
  }

  #defaultSecurityGroup(vpcId: string): string {
    for (const g of this.#securityGroups.values()) if (g.vpcId === vpcId) return g.id;
    const group = { id: newId('sg'), vpcId, name: 'default' };
    this.#securityGroups.set(group.id, group);
    return group.id;
  }

  #checkSecurityGroups(ids: readonly string[], vpcId: string): void {
    for (const id of ids) {
      const g = this.#securityGroups.get(id);
      if (!g) throw ecsErrors.securityGroupNotFound(id);
      if (g.vpcId !== undefined && g.vpcId !== vpcId) {
        throw ecsErrors.vpcMismatch(`security group ${id} (${g.vpcId}) and the vSwitch (${vpcId})`);
      }
    }
  }

  // ---- ENI creation and addresses ------------------------------------------------------------------------

  /**
   * CreateNetworkInterface: a Secondary ENI, synchronously Available, with a primary IP and the requested
   * secondary IPv4 / IPv6 addresses from the vSwitch (all or nothing).
   */
  createNetworkInterface(opts: CreateEniOptions): Readonly<NetworkInterfaceRecord> {
    const vsw = this.vSwitch(opts.vSwitchId);
    this.#checkSecurityGroups(opts.securityGroupIds, vsw.vpcId);
    const secondaries = opts.privateIps.length + opts.secondaryCount;
    if (1 + secondaries > unattachedEniLimits.privateIpv4) {
      throw apiErrors.invalidParameter(
        'SecondaryPrivateIpAddressCount',
        'must not exceed 49 secondary addresses',
      );
    }
    if (opts.ipv6s.length + opts.ipv6Count > unattachedEniLimits.ipv6) {
      throw apiErrors.invalidParameter(
        'Ipv6AddressCount',
        `must not exceed ${unattachedEniLimits.ipv6} addresses`,
      );
    }
    const id = newId('eni');
    const primary = this.#addresses.take(
      vsw,
      id,
      4,
      opts.primaryIp === undefined ? [] : [opts.primaryIp],
      opts.primaryIp === undefined ? 1 : 0,
      {
        parameter: 'PrimaryIpAddress',
        takenError: ecsErrors.ipDuplicated,
      },
    );
    const taken: { v4: string[]; v6: string[] } = { v4: [...primary], v6: [] };
    try {
      taken.v4.push(
        ...this.#addresses.take(vsw, id, 4, opts.privateIps, opts.secondaryCount, {
          parameter: 'PrivateIpAddress.N',
          takenError: ecsErrors.ipDuplicated,
        }),
      );
      if (opts.ipv6s.length + opts.ipv6Count > 0)
        taken.v6 = this.#addresses.take(vsw, id, 6, opts.ipv6s, opts.ipv6Count);
    } catch (err) {
      this.#addresses.giveBack(vsw, 4, taken.v4);
      throw err;
    }
    const v4 = taken.v4;
    const v6 = taken.v6;
    const [primaryIp, ...secondaryIps] = v4;
    const eni = this.#addEni({
      id,
      type: 'Secondary',
      vsw,
      primaryIp: primaryIp!,
      secondaryIps,
      ipv6s: v6,
      securityGroupIds: opts.securityGroupIds,
      name: opts.name,
      description: opts.description,
      tags: new Map(opts.tags),
      deleteOnRelease: opts.deleteOnRelease,
    });
    this.emitEni(eni, 'created');
    this.#emitAddresses(eni, v4, 4, 'created');
    this.#emitAddresses(eni, v6, 6, 'created');
    return eni;
  }

  /**
   * AssignPrivateIpAddresses / AssignIpv6Addresses: more addresses on an Available or InUse ENI, within the
   * per-ENI limit of its instance type (`InvalidOperation.Ipv4CountExceeded` / `Ipv6CountExceeded`).
   */
  assignAddresses(eniId: string, family: 4 | 6, requested: readonly string[], count: number): string[] {
    const eni = this.#eniForAddresses(eniId);
    const limits = this.limitsOf(eni);
    const held = family === 4 ? 1 + eni.secondaryIps.length : eni.ipv6s.length;
    const limit = family === 4 ? limits.privateIpv4 : limits.ipv6;
    if (held + requested.length + count > limit) {
      throw family === 4
        ? ecsErrors.ipv4CountExceeded(eni.id, limit)
        : ecsErrors.ipv6CountExceeded(eni.id, limit);
    }
    const vsw = this.vSwitch(eni.vSwitchId);
    const ips =
      family === 4
        ? this.#addresses.take(vsw, eni.id, 4, requested, count)
        : this.#addresses.take(vsw, eni.id, 6, requested, count);
    if (family === 4) eni.secondaryIps.push(...ips);
    else eni.ipv6s.push(...ips);
    this.emitEni(eni, 'updated');
    this.#emitAddresses(eni, ips, family, 'created');
    return ips;
  }

  /**
   * UnassignPrivateIpAddresses / UnassignIpv6Addresses: every address must be held by the ENI
   * (`InvalidIp.IpUnassigned`); the primary IPv4 address cannot be unassigned.
   */
  unassignAddresses(eniId: string, family: 4 | 6, addresses: readonly string[], parameter: string): void {
    const eni = this.#eniForAddresses(eniId);
    const held = family === 4 ? eni.secondaryIps : eni.ipv6s;
    const ips = addresses.map((a) => canonicalIp(a, family, parameter));
    for (const ip of ips) {
      if (family === 4 && ip === eni.primaryIp) {
        throw apiErrors.invalidParameter(
          parameter,
          `("${ip}") is the primary private IP address of ${eni.id}`,
        );
      }
      if (!held.includes(ip)) throw ecsErrors.ipUnassigned(ip, eni.id);
    }
    const gone = new Set(ips);
    if (family === 4) eni.secondaryIps = eni.secondaryIps.filter((ip) => !gone.has(ip));
    else eni.ipv6s = eni.ipv6s.filter((ip) => !gone.has(ip));
    this.#releaseOwned(eni, family, [...gone]);
    this.emitEni(eni, 'updated');
    this.#emitAddresses(eni, [...gone], family, 'deleted');
  }

  #eniForAddresses(eniId: string): NetworkInterfaceRecord {
    const eni = this.#enis.get(eniId);
    if (!eni) throw ecsErrors.eniNotFound(eniId);
    if (eni.status !== 'Available' && eni.status !== 'InUse') {
      throw ecsErrors.invalidEniState(eni.id, eni.status, 'Available or InUse');
    }
    return eni;
  }

  #releaseOwned(eni: NetworkInterfaceRecord, family: 4 | 6, ips: readonly string[]): void {
    this.#addresses.giveBack({ id: eni.vSwitchId, vpcId: eni.vpcId }, family, ips);
  }

  #addEni(init: {
    id: string;
    type: NetworkInterfaceRecord['type'];
    vsw: VSwitchView;
    primaryIp: string;
    secondaryIps: string[];
    ipv6s: string[];
    securityGroupIds: readonly string[];
    name: string;
    description: string;
    tags: Map<string, string>;
    deleteOnRelease: boolean;
  }): NetworkInterfaceRecord {
    const eni: NetworkInterfaceRecord = {
      id: init.id,
      seq: ++this.#seq,
      type: init.type,
      vpcId: init.vsw.vpcId,
      vSwitchId: init.vsw.id,
      zoneId: init.vsw.zoneId,
      macAddress: newMacAddress(this.#macs),
      creationTime: this.state.clock.now(),
      name: init.name,
      description: init.description,
      securityGroupIds: [...init.securityGroupIds],
      status: 'Available',
      primaryIp: init.primaryIp,
      secondaryIps: init.secondaryIps,
      ipv6s: init.ipv6s,
      tags: init.tags,
      deleteOnRelease: init.deleteOnRelease,
    };
    this.#macs.add(eni.macAddress);
    this.#enis.set(eni.id, eni);
    return eni;
  }

  // ---- internals shared with the lifecycle ---------------------------------------------------------------

  /** The mutable record (for {@link EniLifecycle}); `InvalidEniId.NotFound` when absent. */
  mutableEni(id: string): NetworkInterfaceRecord {
    const eni = this.#enis.get(id);
    if (!eni) throw ecsErrors.eniNotFound(id);
    return eni;
  }

  /** Removes a deleted ENI, giving all its addresses back to the vSwitch. */
  removeEni(eni: NetworkInterfaceRecord): void {
    const v4 = privateIpsOf(eni);
    const v6 = [...eni.ipv6s];
    this.#releaseOwned(eni, 4, v4);
    this.#releaseOwned(eni, 6, v6);
    this.#enis.delete(eni.id);
    this.#macs.delete(eni.macAddress);
    this.emitEni(eni, 'deleted');
    this.#emitAddresses(eni, v4, 4, 'deleted');
    this.#emitAddresses(eni, v6, 6, 'deleted');
  }

  /** Publishes a `NetworkInterface` change with the ENI as DescribeNetworkInterfaces shows it. */
  emitEni(eni: Readonly<NetworkInterfaceRecord>, change: 'created' | 'updated' | 'deleted'): void {
    this.state.feed.emit({
      kind: 'NetworkInterface',
      id: eni.id,
      change,
      status: eni.status,
      resource: eniView(eni),
    });
  }

  #emitAddresses(
    eni: NetworkInterfaceRecord,
    ips: readonly string[],
    family: 4 | 6,
    change: 'created' | 'deleted',
  ): void {
    for (const ip of ips) {
      const resource: Record<string, unknown> = {
        NetworkInterfaceId: eni.id,
        VSwitchId: eni.vSwitchId,
        VpcId: eni.vpcId,
        Primary: family === 4 && ip === eni.primaryIp,
        ...(family === 4 ? { PrivateIpAddress: ip } : { Ipv6Address: ip }),
        ...(eni.instanceId === undefined ? {} : { InstanceId: eni.instanceId }),
      };
      this.state.feed.emit({
        kind: family === 4 ? 'PrivateIpAddress' : 'Ipv6Address',
        id: ip,
        change,
        resource,
      });
    }
  }

  /** Publishes a change of a resource's tags. */
  emitTagged(type: TaggableType, id: string): void {
    if (type === 'eni') {
      const eni = this.#enis.get(id);
      if (eni) this.emitEni(eni, 'updated');
      return;
    }
    const instance = this.#instances.get(id);
    if (instance) {
      this.state.feed.emit({
        kind: 'Instance',
        id,
        change: 'updated',
        status: instance.status,
        resource: this.describeInstance(instance),
      });
    }
  }
}

/** Input of {@link EcsDomain.createNetworkInterface} (CreateNetworkInterface's parameters, parsed). */
export interface CreateEniOptions {
  vSwitchId: string;
  securityGroupIds: string[];
  primaryIp?: string | undefined;
  /** `PrivateIpAddress.N`: explicit secondary addresses. */
  privateIps: string[];
  /** `SecondaryPrivateIpAddressCount`. */
  secondaryCount: number;
  ipv6s: string[];
  ipv6Count: number;
  name: string;
  description: string;
  tags: [string, string][];
  deleteOnRelease: boolean;
}
