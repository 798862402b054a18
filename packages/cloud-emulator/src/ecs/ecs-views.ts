import { apiTime } from '../state/ids.js';
import type { InstanceRecord, NetworkInterfaceRecord } from './ecs-model.js';
import type { InstanceTypeSpec } from './instance-types.js';

/** `{ Tag: [{ TagKey, TagValue }] }`, the shape of `Tags` in ECS responses. */
export function tagsView(tags: ReadonlyMap<string, string>): { Tag: { TagKey: string; TagValue: string }[] } {
  return { Tag: [...tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) };
}

function privateIpSets(eni: NetworkInterfaceRecord): { PrivateIpSet: Record<string, unknown>[] } {
  return {
    PrivateIpSet: [
      { PrivateIpAddress: eni.primaryIp, Primary: true },
      ...eni.secondaryIps.map((ip) => ({ PrivateIpAddress: ip, Primary: false })),
    ],
  };
}

function ipv6Sets(eni: NetworkInterfaceRecord): { Ipv6Set: { Ipv6Address: string }[] } {
  return { Ipv6Set: eni.ipv6s.map((Ipv6Address) => ({ Ipv6Address })) };
}

/**
 * An ENI as `DescribeNetworkInterfaces` shows it (`NetworkInterfaceSets.NetworkInterfaceSet[]`); the
 * CreateNetworkInterface response uses the same fields
 * (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describenetworkinterfaces).
 */
export function eniView(eni: NetworkInterfaceRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {
    NetworkInterfaceId: eni.id,
    NetworkInterfaceName: eni.name,
    Description: eni.description,
    Status: eni.status,
    Type: eni.type,
    VpcId: eni.vpcId,
    VSwitchId: eni.vSwitchId,
    ZoneId: eni.zoneId,
    MacAddress: eni.macAddress,
    PrivateIpAddress: eni.primaryIp,
    PrivateIpSets: privateIpSets(eni),
    Ipv6Sets: ipv6Sets(eni),
    SecurityGroupIds: { SecurityGroupId: [...eni.securityGroupIds] },
    Tags: tagsView(eni.tags),
    CreationTime: apiTime(eni.creationTime),
    DeleteOnRelease: eni.deleteOnRelease,
    ResourceGroupId: '',
    ServiceManaged: false,
  };
  if (eni.instanceId !== undefined) {
    view.InstanceId = eni.instanceId;
    view.Attachment = { InstanceId: eni.instanceId, DeviceIndex: eni.deviceIndex ?? 0 };
  }
  return view;
}

/** ECS instance times have minute precision (`2024-04-14T22:32Z`). */
function instanceTime(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
}

/**
 * An instance as `DescribeInstances` shows it (`Instances.Instance[]`), with the ENIs attached to it (InUse)
 * under `NetworkInterfaces`
 * (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstances).
 */
export function instanceView(
  instance: InstanceRecord,
  type: InstanceTypeSpec | undefined,
  enis: readonly NetworkInterfaceRecord[],
  regionId: string,
): Record<string, unknown> {
  const primary = enis.find((e) => e.id === instance.primaryEniId);
  return {
    InstanceId: instance.id,
    InstanceName: instance.instanceName,
    HostName: instance.hostname,
    Description: '',
    InstanceType: instance.instanceType,
    InstanceTypeFamily: type?.instanceTypeFamily ?? '',
    Cpu: type?.cpu ?? 0,
    Memory: Math.round((type?.memory ?? 0) * 1024),
    Status: instance.status,
    RegionId: regionId,
    ZoneId: instance.zoneId,
    InstanceNetworkType: 'vpc',
    InstanceChargeType: 'PostPaid',
    InternetChargeType: 'PayByTraffic',
    IoOptimized: true,
    OSType: 'linux',
    DeletionProtection: false,
    CreationTime: instanceTime(instance.creationTime),
    StartTime: instanceTime(instance.creationTime),
    ExpiredTime: '2099-12-31T15:59Z',
    VpcAttributes: {
      VpcId: instance.vpcId,
      VSwitchId: instance.vSwitchId,
      PrivateIpAddress: { IpAddress: primary ? [primary.primaryIp] : [] },
      NatIpAddress: '',
    },
    InnerIpAddress: { IpAddress: [] },
    PublicIpAddress: { IpAddress: [] },
    EipAddress: { AllocationId: '', IpAddress: '', InternetChargeType: '' },
    SecurityGroupIds: { SecurityGroupId: [...instance.securityGroupIds] },
    Tags: tagsView(instance.tags),
    MetadataOptions: { HttpEndpoint: 'enabled', HttpTokens: instance.metadataHttpTokens },
    NetworkInterfaces: {
      NetworkInterface: enis.map((eni) => ({
        NetworkInterfaceId: eni.id,
        Type: eni.type,
        MacAddress: eni.macAddress,
        PrimaryIpAddress: eni.primaryIp,
        PrivateIpSets: privateIpSets(eni),
        Ipv6Sets: ipv6Sets(eni),
      })),
    },
  };
}

/**
 * An instance type as `DescribeInstanceTypes` shows it (`InstanceTypes.InstanceType[]`)
 * (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-describeinstancetypes).
 */
export function instanceTypeView(t: InstanceTypeSpec): Record<string, unknown> {
  return {
    InstanceTypeId: t.instanceTypeId,
    InstanceTypeFamily: t.instanceTypeFamily,
    InstanceFamilyLevel: 'EnterpriseLevel',
    CpuArchitecture: 'X86',
    CpuCoreCount: t.cpu,
    MemorySize: t.memory,
    GPUAmount: 0,
    GPUSpec: '',
    EniQuantity: t.eniQuantity,
    EniPrivateIpAddressQuantity: t.eniPrivateIpAddressQuantity,
    EniIpv6AddressQuantity: t.eniIpv6AddressQuantity,
    EniTotalQuantity: t.eniTotalQuantity,
    EniTrunkSupported: t.eniTrunkSupported,
  };
}
