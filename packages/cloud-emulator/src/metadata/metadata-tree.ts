import { type Cidr, IpAddress } from '@edgeway/core';
import type { InstanceRecord, NetworkInterfaceRecord } from '../ecs/ecs-model.js';
import { vpcPort } from '../ecs/vpc-port.js';
import type { EmulatorState } from '../state/emulator-state.js';

/** A metadata item (its text) or a directory of items. */
export type MetadataNode = string | MetadataDirectory;
/** A directory: names (without the trailing `/`) to nodes. */
export interface MetadataDirectory {
  readonly [name: string]: MetadataNode;
}

/**
 * The vSwitch gateway: the third-last address of the block (`x.x.x.253` of a /24, `172.19.63.253` of
 * 172.19.0.0/18 — what Alibaba Cloud instances get as their default route; the first and the last three
 * addresses of a vSwitch are reserved). IPv6 uses the same rule on the vSwitch's /64 (not verified).
 */
export function vSwitchGateway(cidr: Cidr): string {
  return IpAddress.fromBigInt(cidr.end - 2n, cidr.family).toString();
}

/** The dotted netmask of an IPv4 block (`255.255.255.0` for a /24). */
export function netmaskOf(cidr: Cidr): string {
  const bits = cidr.prefixLength;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(32 - bits);
  return IpAddress.fromBigInt(mask, 4).toString();
}

function macDirectory(state: EmulatorState, eni: Readonly<NetworkInterfaceRecord>): MetadataDirectory {
  const vpc = vpcPort(state);
  const vsw = vpc.vswitch(eni.vSwitchId);
  const vpcCidr = vpc.vpc(eni.vpcId)?.cidr;
  const dir: Record<string, MetadataNode> = {
    'network-interface-id': eni.id,
    'primary-ip-address': eni.primaryIp,
    'private-ipv4s': JSON.stringify([eni.primaryIp, ...eni.secondaryIps]),
    'vswitch-id': eni.vSwitchId,
    'vpc-id': eni.vpcId,
  };
  if (vsw) {
    dir.gateway = vSwitchGateway(vsw.cidr);
    dir.netmask = netmaskOf(vsw.cidr);
    dir['vswitch-cidr-block'] = vsw.cidr.toString();
    if (vsw.ipv6Cidr) {
      dir['ipv6-gateway'] = vSwitchGateway(vsw.ipv6Cidr);
      dir['vswitch-ipv6-cidr-block'] = vsw.ipv6Cidr.toString();
    }
  }
  if (vpcCidr) dir['vpc-cidr-block'] = vpcCidr.toString();
  // Terway's client: "metadata return 404 when no ipv6 is allocated"; the list is bracketed, unquoted.
  if (eni.ipv6s.length > 0) dir.ipv6s = `[${eni.ipv6s.join(',')}]`;
  return dir;
}

/**
 * The `meta-data/` tree of an instance, read from the live state: the ENIs InUse on the instance (its primary
 * first, then by device index) appear under `network/interfaces/macs/`, each with its current addresses.
 * Item names follow the instance metadata reference
 * (https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata) and what Terway reads.
 */
export function metadataTree(state: EmulatorState, instance: Readonly<InstanceRecord>): MetadataDirectory {
  const ecs = state.ecs;
  const vpc = vpcPort(state);
  const enis = ecs.interfacesOf(instance.id).filter((e) => e.status === 'InUse');
  const primary = ecs.networkInterface(instance.primaryEniId);
  const vsw = vpc.vswitch(instance.vSwitchId);
  const vpcCidr = vpc.vpc(instance.vpcId)?.cidr;
  const macs: Record<string, MetadataNode> = {};
  for (const eni of enis) macs[eni.macAddress] = macDirectory(state, eni);
  const tree: Record<string, MetadataNode> = {
    'dns-conf': { nameservers: '100.100.2.136\n100.100.2.138' },
    hostname: instance.hostname,
    instance: { 'instance-type': instance.instanceType, 'instance-name': instance.instanceName },
    'instance-id': instance.id,
    'network-type': 'vpc',
    network: { interfaces: { macs } },
    'region-id': state.regionId,
    'vpc-id': instance.vpcId,
    'vswitch-id': instance.vSwitchId,
    'zone-id': instance.zoneId,
  };
  if (primary) {
    tree.mac = primary.macAddress;
    tree['private-ipv4'] = primary.primaryIp;
  }
  if (vsw) tree['vswitch-cidr-block'] = vsw.cidr.toString();
  if (vpcCidr) tree['vpc-cidr-block'] = vpcCidr.toString();
  return tree;
}
