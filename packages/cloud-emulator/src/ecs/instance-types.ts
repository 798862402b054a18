/**
 * The network limits of an ECS instance type, as `DescribeInstanceTypes` reports them
 * (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstancetypes).
 */
export interface InstanceTypeSpec {
  /** `ecs.g7.large`. */
  readonly instanceTypeId: string;
  /** `ecs.g7` (derived from the id when not given). */
  readonly instanceTypeFamily: string;
  /** vCPUs (`CpuCoreCount`). */
  readonly cpu: number;
  /** GiB (`MemorySize`; `DescribeInstances` shows it in MiB). */
  readonly memory: number;
  /** ENIs per instance, the primary ENI included (`EniQuantity`). */
  readonly eniQuantity: number;
  /** Private IPv4 addresses per ENI, the primary address included (`EniPrivateIpAddressQuantity`). */
  readonly eniPrivateIpAddressQuantity: number;
  /** IPv6 addresses per ENI (`EniIpv6AddressQuantity`). */
  readonly eniIpv6AddressQuantity: number;
  /** ENIs including trunk member ENIs (`EniTotalQuantity`). */
  readonly eniTotalQuantity: number;
  readonly eniTrunkSupported: boolean;
}

/** `ecs.g7.large` → `ecs.g7`. */
export function instanceTypeFamilyOf(instanceTypeId: string): string {
  const parts = instanceTypeId.split('.');
  return parts.length >= 3 ? parts.slice(0, -1).join('.') : instanceTypeId;
}

function spec(
  instanceTypeId: string,
  cpu: number,
  memory: number,
  eniQuantity: number,
  eniPrivateIpAddressQuantity: number,
  eniIpv6AddressQuantity: number,
  eniTotalQuantity = eniQuantity,
  eniTrunkSupported = false,
): InstanceTypeSpec {
  return {
    instanceTypeId,
    instanceTypeFamily: instanceTypeFamilyOf(instanceTypeId),
    cpu,
    memory,
    eniQuantity,
    eniPrivateIpAddressQuantity,
    eniIpv6AddressQuantity,
    eniTotalQuantity,
    eniTrunkSupported,
  };
}

/**
 * The built-in instance types. Sources:
 * - `ecs.g6.large` and `ecs.g6.16xlarge`: every field from the sample response of the DescribeInstanceTypes API
 *   reference (EniQuantity 2 / 8, EniPrivateIpAddressQuantity 6 / 20, EniIpv6AddressQuantity 1,
 *   EniTotalQuantity 2 / 60, EniTrunkSupported false / true).
 * - `ecs.g7.*` and `ecs.c7.*`: vCPUs, memory, "ENIs" and "Private IP addresses per ENI" from the "Instance
 *   families" tables of the ECS documentation (g7.large 3 ENIs × 6 IPs, g7.xlarge 4 × 15, g7.2xlarge 4 × 15,
 *   g7.4xlarge 8 × 30, c7.large 3 × 6, c7.xlarge 4 × 15). Not verified: IPv6 addresses per ENI (set equal to the
 *   IPv4 figure, as current docs list it for these families), EniTotalQuantity (= EniQuantity) and trunk support
 *   (false). Override any of them in the topology.
 */
export const builtinInstanceTypes: readonly InstanceTypeSpec[] = [
  spec('ecs.g6.large', 2, 8, 2, 6, 1, 2, false),
  spec('ecs.g6.16xlarge', 64, 256, 8, 20, 1, 60, true),
  spec('ecs.g7.large', 2, 8, 3, 6, 6),
  spec('ecs.g7.xlarge', 4, 16, 4, 15, 15),
  spec('ecs.g7.2xlarge', 8, 32, 4, 15, 15),
  spec('ecs.g7.4xlarge', 16, 64, 8, 30, 30),
  spec('ecs.c7.large', 2, 4, 3, 6, 6),
  spec('ecs.c7.xlarge', 4, 8, 4, 15, 15),
];

/**
 * Limits of an ENI that is attached to no instance. The API caps CreateNetworkInterface at 49 secondary
 * addresses (`SecondaryPrivateIpAddressCount` ≤ 49) and 10 IPv6 addresses (`Ipv6AddressCount` 1–10); an
 * instance type's limits apply once the ENI is attached.
 */
export const unattachedEniLimits = { privateIpv4: 50, ipv6: 10 } as const;
