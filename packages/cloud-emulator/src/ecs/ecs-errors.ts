import { ApiError } from '../api/api-error.js';

/**
 * The ECS (`2014-05-26`) error codes the emulator answers, with the HTTP statuses listed in the "Error codes"
 * tables of the ECS API reference (CreateNetworkInterface, AttachNetworkInterface, DetachNetworkInterface,
 * DeleteNetworkInterface, AssignPrivateIpAddresses, UnassignPrivateIpAddresses, AssignIpv6Addresses,
 * UnassignIpv6Addresses, TagResources, UntagResources, ListTagResources:
 * https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-dir).
 */
export const ecsErrors = {
  eniNotFound: (id: string) =>
    new ApiError('InvalidEniId.NotFound', `The specified NetworkInterfaceId "${id}" does not exist.`, 404),
  /** Documented with HTTP 403 in the ENI operations' error tables. */
  instanceNotFound: (id: string) =>
    new ApiError('InvalidInstanceId.NotFound', `The specified InstanceId "${id}" does not exist.`, 403),
  vSwitchNotFound: (id: string) =>
    new ApiError('InvalidVSwitchId.NotFound', `The specified VSwitchId "${id}" does not exist.`, 404),
  securityGroupNotFound: (id: string) =>
    new ApiError(
      'InvalidSecurityGroupId.NotFound',
      `The specified SecurityGroupId "${id}" does not exist.`,
      404,
    ),
  invalidEniState: (id: string, status: string, allowed: string) =>
    new ApiError(
      'InvalidOperation.InvalidEniState',
      `The operation is not supported while the network interface "${id}" is ${status} (it must be ${allowed}).`,
      400,
    ),
  detachPrimaryEni: (id: string) =>
    new ApiError(
      'InvalidOperation.DetachPrimaryEniNotAllowed',
      `The primary network interface "${id}" cannot be detached from its instance.`,
      400,
    ),
  invalidEniType: (id: string) =>
    new ApiError(
      'InvalidOperation.InvalidEniType',
      `The operation is not supported by the primary network interface "${id}".`,
      403,
    ),
  vpcMismatch: (what: string) =>
    new ApiError('InvalidOperation.VpcMismatch', `The ${what} do not belong to the same VPC.`, 403),
  zoneMismatch: (what: string) =>
    new ApiError(
      'InvalidOperation.AvailabilityZoneMismatch',
      `The ${what} do not belong to the same zone.`,
      403,
    ),
  eniPerInstanceLimit: (instanceId: string, limit: number) =>
    new ApiError(
      'EniPerInstanceLimitExceeded',
      `The instance "${instanceId}" already has the maximum of ${limit} network interfaces of its instance type.`,
      403,
    ),
  /**
   * The per-ENI IPv4 limit of the instance type (`EniPrivateIpAddressQuantity`, primary included). The ECS API
   * reference lists `InvalidOperation.Ipv4CountExceeded` for AssignPrivateIpAddresses and AttachNetworkInterface,
   * and Terway treats it (with `EniPerInstanceLimitExceeded`) as "resync the node's limits"; Terway treats
   * `QuotaExceeded.PrivateIpAddress` like vSwitch exhaustion instead, so it is not used for this limit.
   */
  ipv4CountExceeded: (eniId: string, limit: number) =>
    new ApiError(
      'InvalidOperation.Ipv4CountExceeded',
      `The network interface "${eniId}" would exceed its limit of ${limit} private IPv4 addresses.`,
      403,
    ),
  ipv6CountExceeded: (eniId: string, limit: number) =>
    new ApiError(
      'InvalidOperation.Ipv6CountExceeded',
      `The network interface "${eniId}" would exceed its limit of ${limit} IPv6 addresses.`,
      403,
    ),
  ipInvalid: (ip: string, vSwitchId: string) =>
    new ApiError(
      'InvalidVSwitchId.IpInvalid',
      `The specified private IP address "${ip}" is not in the CIDR block of vSwitch "${vSwitchId}".`,
      403,
    ),
  ipDuplicated: (ip: string) =>
    new ApiError(
      'InvalidPrivateIpAddress.Duplicated',
      `Specified private IP address is duplicated: ${ip} is already in use.`,
      400,
    ),
  ipAssigned: (ip: string) =>
    new ApiError('InvalidIp.IpAssigned', `The specified IP address "${ip}" is already assigned.`, 403),
  ipRepeated: (ip: string) =>
    new ApiError('InvalidIp.IpRepeated', `The specified IP address "${ip}" is repeated in the request.`, 403),
  ipUnassigned: (ip: string, eniId: string) =>
    new ApiError(
      'InvalidIp.IpUnassigned',
      `The specified IP address "${ip}" is not assigned to the network interface "${eniId}".`,
      403,
    ),
  ipv6NotTurnOn: (vSwitchId: string) =>
    new ApiError('InvalidVSwitch.Ipv6NotTurnOn', `IPv6 is not enabled on the vSwitch "${vSwitchId}".`, 403),
  parameterConflict: (a: string, b: string) =>
    new ApiError(
      'InvalidParameter.Conflict',
      `The parameters "${a}" and "${b}" cannot be specified together.`,
      400,
    ),
  duplicateTagKey: () => new ApiError('Duplicate.TagKey', 'The Tag.N.Key contain duplicate key.', 400),
  invalidTagKey: () => new ApiError('InvalidTagKey.Malformed', 'The specified Tag.n.Key is not valid.', 400),
  invalidTagValue: () =>
    new ApiError('InvalidTagValue.Malformed', 'The specified Tag.n.Value is not valid.', 400),
  tooManyTags: () =>
    new ApiError('NumberExceed.Tags', "The Tags parameter's number is exceed , Valid : 20", 400),
  tooManyResourceIds: () =>
    new ApiError(
      'NumberExceed.ResourceIds',
      "The ResourceIds parameter's number is exceed , Valid : 50",
      400,
    ),
  tagQuota: () =>
    new ApiError(
      'OperationDenied.QuotaExceed',
      'The quota of tags on resource is beyond permitted range.',
      400,
    ),
  resourceNotFound: () =>
    new ApiError(
      'InvalidResourceId.NotFound',
      'The specified ResourceIds are not found in our records.',
      404,
    ),
  resourceTypeNotFound: () =>
    new ApiError(
      'InvalidResourceType.NotFound',
      'The ResourceType provided does not exist in our records.',
      404,
    ),
  missingTags: () => new ApiError('MissingParameter.Tags', 'The parameter - Tags should not be null', 404),
} as const;
