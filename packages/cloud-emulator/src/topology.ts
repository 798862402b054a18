import { readFile } from 'node:fs/promises';
import { EdgewayError } from '@edgeway/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ecsTopologySchema } from './ecs/ecs-topology.js';
import { vpcTopologySchema } from './vpc/vpc-topology.js';

const bucketSchema = z.strictObject({
  perSecond: z.number().positive().optional(),
  perMinute: z.number().positive().optional(),
  burst: z.number().int().min(1).optional(),
});

const rate = z.number().min(0).max(1);

/** Access keys of a topology: permanent pairs, or temporary STS ones with their token and expiry. */
export const accessKeySchema = z.strictObject({
  accessKeyId: z.string().min(1),
  accessKeySecret: z.string().min(1),
  securityToken: z.string().min(1).optional(),
  /** Epoch milliseconds or an ISO-8601 date. */
  expiration: z.union([z.number(), z.iso.datetime({ offset: true })]).optional(),
});

/**
 * The emulator's topology file (YAML or JSON): region, access keys, timings, throttling, faults, and the VPC and
 * ECS resources to seed. Unknown keys are errors, so a typo is reported instead of silently ignored.
 */
export const topologySchema = z.strictObject({
  regionId: z
    .string()
    .regex(/^[a-z]+(-[a-z0-9]+)+$/, 'a region id like cn-hangzhou')
    .default('cn-hangzhou'),
  accessKeys: z.array(accessKeySchema).optional(),
  timings: z
    .strictObject({
      routeEntryCreate: z.number().min(0),
      routeEntryDelete: z.number().min(0),
      eniAttach: z.number().min(0),
      eniDetach: z.number().min(0),
      eniDelete: z.number().min(0),
      bgp: z.number().min(0),
    })
    .partial()
    .optional(),
  throttling: z
    .strictObject({
      enabled: z.boolean().optional(),
      read: bucketSchema.optional(),
      write: bucketSchema.optional(),
      actions: z.record(z.string(), bucketSchema.nullable()).optional(),
    })
    .optional(),
  faults: z
    .strictObject({
      throttlingRate: rate.optional(),
      serviceUnavailableRate: rate.optional(),
      internalErrorRate: rate.optional(),
      dropRate: rate.optional(),
      latencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]).optional(),
      actions: z.array(z.string()).optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
  metadata: z
    .strictObject({
      /** The instance `/latest/...` (without an instance prefix) answers for. */
      defaultInstanceId: z.string().optional(),
    })
    .optional(),
  vpc: vpcTopologySchema.optional(),
  ecs: ecsTopologySchema.optional(),
});

/** A topology as written (defaults not applied). */
export type Topology = z.input<typeof topologySchema>;
/** A topology after validation. */
export type ParsedTopology = z.output<typeof topologySchema>;

/**
 * Validates a topology object. Throws an `EdgewayError` `ERR_EMULATOR_TOPOLOGY` whose message names each offending
 * field by its path (`ecs.instances.0.vSwitchId: …`).
 */
export function parseTopology(input: unknown, source = 'topology'): ParsedTopology {
  const result = topologySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
  );
  throw new EdgewayError('ERR_EMULATOR_TOPOLOGY', `invalid ${source}:\n${lines.join('\n')}`, {
    details: { source, issues: result.error.issues },
  });
}

/** Reads a YAML or JSON topology file and validates it. */
export async function loadTopologyFile(path: string): Promise<ParsedTopology> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new EdgewayError('ERR_EMULATOR_TOPOLOGY', `cannot read topology file ${path}`, {
      cause,
      details: { path },
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new EdgewayError('ERR_EMULATOR_TOPOLOGY', `topology file ${path} is not valid YAML/JSON: ${msg}`, {
      cause,
      details: { path },
    });
  }
  return parseTopology(doc, `topology file ${path}`);
}
