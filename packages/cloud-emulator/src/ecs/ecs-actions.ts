import type { ActionTable } from '../api/action.js';
import {
  assignIpv6Addresses,
  assignPrivateIpAddresses,
  unassignIpv6Addresses,
  unassignPrivateIpAddresses,
} from './address-actions.js';
import {
  attachNetworkInterface,
  createNetworkInterface,
  deleteNetworkInterface,
  describeNetworkInterfaces,
  detachNetworkInterface,
} from './eni-actions.js';
import { describeInstances, describeInstanceTypes } from './instance-actions.js';
import { listTagResources, tagResources, untagResources } from './tag-actions.js';

/**
 * The ECS (`2014-05-26`) actions the emulator serves, by their API names: instances and instance types (read
 * only), elastic network interfaces and their addresses, and tags of ENIs and instances. Parameters, paging
 * and response shapes follow the ECS API reference
 * (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-dir) as the official
 * `@alicloud/ecs20140526` SDK sends and reads them.
 */
export const ecsActions: ActionTable = {
  DescribeInstances: describeInstances,
  DescribeInstanceTypes: describeInstanceTypes,
  CreateNetworkInterface: createNetworkInterface,
  AttachNetworkInterface: attachNetworkInterface,
  DetachNetworkInterface: detachNetworkInterface,
  DeleteNetworkInterface: deleteNetworkInterface,
  DescribeNetworkInterfaces: describeNetworkInterfaces,
  AssignPrivateIpAddresses: assignPrivateIpAddresses,
  UnassignPrivateIpAddresses: unassignPrivateIpAddresses,
  AssignIpv6Addresses: assignIpv6Addresses,
  UnassignIpv6Addresses: unassignIpv6Addresses,
  TagResources: tagResources,
  UntagResources: untagResources,
  ListTagResources: listTagResources,
};
