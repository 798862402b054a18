import type { ActionTable } from '../api/action.js';
import { bgpActions } from './bgp-actions.js';
import { routeEntryActions } from './route-entry-actions.js';
import { routeTableActions } from './route-table-actions.js';
import { vbrActions } from './vbr-actions.js';
import { vpcVSwitchActions } from './vpc-vswitch-actions.js';

/**
 * The VPC API (`x-acs-version: 2016-04-28`) actions the emulator serves: DescribeVpcs, DescribeVSwitches,
 * CreateVSwitch, DeleteVSwitch, DescribeRouteTables, DescribeRouteTableList, DescribeRouteEntryList,
 * CreateRouteEntry, DeleteRouteEntry, DescribeVirtualBorderRouters, DescribeRouterInterfaces, CreateBgpGroup,
 * DeleteBgpGroup, DescribeBgpGroups, CreateBgpPeer, DeleteBgpPeer, DescribeBgpPeers, AddBgpNetwork,
 * DeleteBgpNetwork, DescribeBgpNetworks — with the parameter names, paging and answer shapes of the API reference
 * and of the official SDK's models (`@alicloud/vpc20160428`).
 */
export const vpcActions: ActionTable = {
  ...vpcVSwitchActions,
  ...routeTableActions,
  ...routeEntryActions,
  ...vbrActions,
  ...bgpActions,
};
