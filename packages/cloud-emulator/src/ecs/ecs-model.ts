import type { MetadataHttpTokens } from './ecs-topology.js';

/**
 * ENI statuses (DescribeNetworkInterfaces `Status`): `Available` (attached to nothing), `Attaching`, `InUse`,
 * `Detaching`, `Deleting`.
 */
export type EniStatus = 'Available' | 'Attaching' | 'InUse' | 'Detaching' | 'Deleting';

/** `Primary` (the instance's own ENI, device index 0) or `Secondary` (created by CreateNetworkInterface). */
export type EniType = 'Primary' | 'Secondary';

/** An elastic network interface as the emulator keeps it. */
export interface NetworkInterfaceRecord {
  readonly id: string;
  /** Creation order, for stable paging. */
  readonly seq: number;
  readonly type: EniType;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  /** `00:16:3e:xx:xx:xx`, Alibaba Cloud's OUI. */
  readonly macAddress: string;
  /** Epoch ms on the emulator's clock. */
  readonly creationTime: number;
  name: string;
  description: string;
  securityGroupIds: string[];
  status: EniStatus;
  /** Set from Attaching until Detaching completes. */
  instanceId?: string | undefined;
  /** 0 for the primary ENI, 1… for attached secondary ENIs. */
  deviceIndex?: number | undefined;
  readonly primaryIp: string;
  /** Secondary private IPv4 addresses, in assignment order. */
  secondaryIps: string[];
  ipv6s: string[];
  tags: Map<string, string>;
  deleteOnRelease: boolean;
}

/** An ECS instance as the emulator keeps it (always `Running`). */
export interface InstanceRecord {
  readonly id: string;
  readonly seq: number;
  readonly instanceType: string;
  readonly vpcId: string;
  readonly vSwitchId: string;
  readonly zoneId: string;
  readonly hostname: string;
  readonly instanceName: string;
  readonly primaryEniId: string;
  readonly securityGroupIds: string[];
  readonly creationTime: number;
  readonly status: 'Running';
  tags: Map<string, string>;
  /** How the metadata service treats requests without a token. */
  metadataHttpTokens: MetadataHttpTokens;
}

/** A security group known to the emulator (only its id and, optionally, its VPC matter). */
export interface SecurityGroupRecord {
  readonly id: string;
  readonly vpcId?: string | undefined;
  readonly name?: string | undefined;
}

/** All private IPv4 addresses of an ENI, the primary first. */
export function privateIpsOf(eni: NetworkInterfaceRecord): string[] {
  return [eni.primaryIp, ...eni.secondaryIps];
}
