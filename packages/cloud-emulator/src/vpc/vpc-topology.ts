import { Cidr, IpAddress } from '@edgeway/core';
import { z } from 'zod';

const cidr = z.string().refine((s) => Cidr.isValid(s), 'a CIDR block like 10.0.0.0/16 (no host bits set)');
const ipv4 = z
  .string()
  .refine((s) => IpAddress.isValid(s) && IpAddress.parse(s).family === 4, 'an IPv4 address');
const quota = z.number().int().positive();

const routerInterfaceSchema = z.strictObject({
  /** `ri-…`; generated when absent. */
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  /** DescribeRouterInterfaces `Status` (default `Active`). */
  status: z.string().default('Active'),
  /**
   * The router at the other end: on a VPC's interface a VBR id; on a VBR's interface a VPC id or its vRouter id.
   * An interface without one is unconnected (a VBR route may still use it; a VPC route may not).
   */
  oppositeRouterId: z.string().min(1).optional(),
  /** The interface at the other end; the missing end of a pair is created (and linked) when absent. */
  oppositeInterfaceId: z.string().min(1).optional(),
});

const vSwitchSchema = z.strictObject({
  /** `vsw-…`; generated when absent. */
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  zoneId: z.string().min(1),
  /** Inside the VPC's CIDR, not overlapping another vSwitch of the VPC. */
  cidr,
  /** A /64 inside the VPC's IPv6 block; enables `allocateIpv6` on the vSwitch. */
  ipv6Cidr: cidr.optional(),
});

const vpcSchema = z.strictObject({
  /** `vpc-…`; generated when absent. */
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  cidr,
  ipv6Cidr: cidr.optional(),
  isDefault: z.boolean().optional(),
  /** `vrt-…`; generated when absent. */
  vRouterId: z.string().min(1).optional(),
  /** The VPC's system route table, `vtb-…`; generated when absent. */
  routeTableId: z.string().min(1).optional(),
  routeTableName: z.string().optional(),
  /** Custom route entries allowed in the table (default `quotas.routeEntriesPerTable`). */
  routeEntryQuota: quota.optional(),
  vSwitches: z.array(vSwitchSchema).default([]),
  /** The vRouter's interfaces, e.g. towards a VBR (usable as `RouterInterface` next hops of the VPC's routes). */
  routerInterfaces: z.array(routerInterfaceSchema).default([]),
});

const vbrSchema = z.strictObject({
  /** `vbr-…`; generated when absent. */
  id: z.string().min(1).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  /** `active` (default) takes route entries; any other status answers `InvalidVBRStatus`. */
  status: z
    .enum(['unconfirmed', 'active', 'terminating', 'terminated', 'recovering', 'deleting'])
    .default('active'),
  /** `pc-…`; generated when absent. */
  physicalConnectionId: z.string().min(1).optional(),
  /** The circuit's status (default `Enabled`); another answers `InvalidPhysicalConnectionBusinessStatus`. */
  physicalConnectionStatus: z.string().default('Enabled'),
  /** The circuit's business status (default `Normal`; `FinancialLocked` blocks route changes). */
  businessStatus: z.string().default('Normal'),
  vlanId: z.number().int().min(0).max(2999).optional(),
  /** The VBR's interface towards the physical connection (`ri-…`, a VBR route's next hop to the data centre). */
  vlanInterfaceId: z.string().min(1).optional(),
  /** The VBR's route table, `vtb-…`; generated when absent. */
  routeTableId: z.string().min(1).optional(),
  routeTableName: z.string().optional(),
  routeEntryQuota: quota.optional(),
  localGatewayIp: ipv4.optional(),
  peerGatewayIp: ipv4.optional(),
  peeringSubnetMask: ipv4.optional(),
  accessPointId: z.string().optional(),
  circuitCode: z.string().optional(),
  /** The VBR's interfaces towards VPCs. */
  routerInterfaces: z.array(routerInterfaceSchema).default([]),
});

const routeEntrySchema = z.strictObject({
  /** `rte-…`; generated when absent. */
  id: z.string().min(1).optional(),
  routeTableId: z.string().min(1),
  destinationCidrBlock: cidr,
  nextHopType: z.string().min(1),
  nextHopId: z.string().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
});

/**
 * The VPC part of an emulator topology (YAML/JSON): VPCs with their vSwitches and router interfaces, VBRs with
 * their physical-connection state, `VlanInterfaceId` and router interfaces, custom route entries present from the
 * start (Available), quotas, and which code a busy route table answers. Ids given are used verbatim, so tests and
 * users can refer to them; absent ones are generated in the API's form.
 */
export const vpcTopologySchema = z.object({
  vpcs: z.array(vpcSchema).default([]),
  vbrs: z.array(vbrSchema).default([]),
  routeEntries: z.array(routeEntrySchema).default([]),
  quotas: z
    .strictObject({
      /** Custom entries per route table (default 200, as CreateRouteEntry documents; older pages said 48). */
      routeEntriesPerTable: quota.optional(),
      /** BGP peers per VBR (default 8). */
      bgpPeersPerVbr: quota.optional(),
    })
    .default({}),
  /** The code of a write to a route table with an unstable entry (default `IncorrectRouteEntryStatus`). */
  routeTableBusyCode: z.enum(['IncorrectRouteEntryStatus', 'TaskConflict']).optional(),
});

/** The VPC topology after parsing (defaults applied). */
export type VpcTopology = z.infer<typeof vpcTopologySchema>;
/** The VPC topology as written (defaults not applied); what `VpcDomain.seed` accepts. */
export type VpcTopologyInput = z.input<typeof vpcTopologySchema>;
