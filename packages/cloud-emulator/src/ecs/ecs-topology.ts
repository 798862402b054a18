import { z } from 'zod';

const instanceTypeSchema = z.object({
  instanceTypeId: z.string().regex(/^ecs\.[\w-]+\.[\w-]+$/, 'an instance type id like ecs.g7.large'),
  instanceTypeFamily: z.string().optional(),
  cpu: z.number().int().positive(),
  /** GiB. */
  memory: z.number().positive(),
  eniQuantity: z.number().int().min(1),
  eniPrivateIpAddressQuantity: z.number().int().min(1),
  eniIpv6AddressQuantity: z.number().int().min(0),
  eniTotalQuantity: z.number().int().min(1).optional(),
  eniTrunkSupported: z.boolean().optional(),
});

const securityGroupSchema = z.union([
  z.string().regex(/^sg-[a-z0-9]+$/, 'a security group id like sg-…'),
  z.object({
    id: z.string().regex(/^sg-[a-z0-9]+$/, 'a security group id like sg-…'),
    /** When given, ENIs and instances in another VPC cannot use the group (`InvalidOperation.VpcMismatch`). */
    vpcId: z.string().optional(),
    name: z.string().optional(),
  }),
]);

const httpTokensSchema = z.enum(['optional', 'required']);

const instanceSchema = z.object({
  id: z
    .string()
    .regex(/^i-[a-z0-9]+$/, 'an instance id like i-…')
    .optional(),
  instanceType: z.string(),
  vSwitchId: z.string(),
  /** Must match the vSwitch's zone; defaults to it. */
  zoneId: z.string().optional(),
  /** The primary private IP of the primary ENI; allocated from the vSwitch when absent. */
  privateIp: z.string().optional(),
  hostname: z.string().optional(),
  instanceName: z.string().optional(),
  securityGroupIds: z.array(z.string()).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  /** The instance's metadata access mode; defaults to the topology's `metadata.httpTokens`. */
  metadataHttpTokens: httpTokensSchema.optional(),
});

/**
 * The ECS part of an emulator topology (YAML/JSON). Instances each get a primary ENI (InUse, device index 0)
 * whose primary IP comes from their vSwitch. `instanceTypes` adds types or overrides built-in ones by id.
 * `metadata.httpTokens` sets how the instance metadata service treats requests without a token:
 * `required` (security hardening mode only, the emulator's default) answers 401, `optional` (normal and
 * hardening mode) answers them. The real RunInstances default is `optional`; the emulator defaults to the
 * stricter mode so clients that skip the token flow fail in tests.
 */
export const ecsTopologySchema = z.object({
  instanceTypes: z.array(instanceTypeSchema).default([]),
  securityGroups: z.array(securityGroupSchema).default([]),
  instances: z.array(instanceSchema).default([]),
  metadata: z
    .object({ httpTokens: httpTokensSchema.default('required') })
    .default({ httpTokens: 'required' }),
});

/** The ECS topology as written in a file (defaults not yet applied). */
export type EcsTopology = z.input<typeof ecsTopologySchema>;
/** The ECS topology after parsing (defaults applied). */
export type ParsedEcsTopology = z.output<typeof ecsTopologySchema>;
/** An instance entry of the topology. */
export type EcsTopologyInstance = ParsedEcsTopology['instances'][number];
/** An instance type entry of the topology. */
export type EcsTopologyInstanceType = ParsedEcsTopology['instanceTypes'][number];
/** `required` (hardened mode only) or `optional` (normal and hardened mode). */
export type MetadataHttpTokens = z.output<typeof httpTokensSchema>;
