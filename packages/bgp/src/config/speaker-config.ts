import { IpAddress } from '@edgeway/core';
import { z } from 'zod';
import { BgpConfigError, BgpConfigErrorCode } from './config-error.js';
import { policySchema } from './policy-schema.js';
import {
  asnSchema,
  familySchema,
  holdTimeSchema,
  ipSchema,
  ipv4Schema,
  ipv6Schema,
  portSchema,
  routerIdSchema,
} from './primitives.js';
import { configErrorFromZod } from './zod-issue.js';

const familyOf = (address: string): 'ipv4' | 'ipv6' =>
  IpAddress.parse(address).family === 4 ? 'ipv4' : 'ipv6';

const peerSchema = z
  .object({
    /** Unique name, used in status, events and `Advertisement.peers`. */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of A–Z a–z 0–9 _ . -'),
    address: ipSchema,
    asn: asnSchema,
    port: portSchema.min(1).default(179),
    localAddress: ipSchema.optional(),
    localPort: portSchema.optional(),
    /** Never dial; wait for the peer (BIRD's `passive on`). */
    passive: z.boolean().default(false),
    holdTime: holdTimeSchema.optional(),
    /** Families to negotiate (RFC 4760); default: the family of `address`. */
    families: z.array(familySchema).min(1).optional(),
    /** Next hop announced for locally originated routes, per family (default: the session's local address). */
    nextHop: z.object({ ipv4: ipv4Schema.optional(), ipv6: ipv6Schema.optional() }).strict().optional(),
    import: policySchema.optional(),
    export: policySchema.optional(),
    /** Take part in graceful restart (RFC 4724) with this peer; default: `gracefulRestart.enabled`. */
    gracefulRestart: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!IpAddress.isValid(p.address)) return;
    if (p.localAddress !== undefined && IpAddress.isValid(p.localAddress)) {
      if (familyOf(p.localAddress) !== familyOf(p.address)) {
        ctx.addIssue({
          code: 'custom',
          path: ['localAddress'],
          message: `is ${familyOf(p.localAddress)} but the peer address ${p.address} is ${familyOf(p.address)}`,
        });
      }
    }
  });

/** The speaker configuration, JSON/YAML friendly. Validated by {@link parseSpeakerConfig}. */
export const speakerConfigSchema = z
  .object({
    /** Our AS (2- or 4-octet, RFC 6793). */
    asn: asnSchema,
    /** Our BGP Identifier (RFC 4271 §4.2). */
    routerId: routerIdSchema,
    /** Where to accept connections; `false` to only dial. Default `[::]:179` (IPv4 too, as mapped addresses). */
    listen: z
      .union([
        z.literal(false),
        z.object({ address: ipSchema.default('::'), port: portSchema.default(179) }).strict(),
      ])
      .default({ address: '::', port: 179 }),
    /** Hold Time we propose (RFC 4271 §4.2; default 90 as RFC 4271 §10 suggests). */
    holdTime: holdTimeSchema.default(90),
    /** Reconnect backoff of active sessions: from `minSeconds`, doubling with jitter, up to `maxSeconds`. */
    connectRetry: z
      .object({ minSeconds: z.number().positive().default(1), maxSeconds: z.number().positive().default(60) })
      .strict()
      .refine((c) => c.minSeconds <= c.maxSeconds, {
        message: 'minSeconds must be ≤ maxSeconds',
        path: ['minSeconds'],
      })
      .default({ minSeconds: 1, maxSeconds: 60 }),
    /** Offer extended messages (RFC 8654). */
    extendedMessages: z.boolean().default(true),
    /** Graceful restart (RFC 4724), as restarting speaker and as helper. */
    gracefulRestart: z
      .object({
        enabled: z.boolean().default(true),
        /** Seconds peers should keep our routes while we restart (12-bit field: ≤ 4095). */
        restartTime: z.number().int().min(1).max(4095).default(120),
        /** Set the Restart State bit: this process is a restart of a speaker whose forwarding state was kept. */
        restarting: z.boolean().default(false),
        /** Longest we keep a restarting peer's stale routes after it is back, waiting for End-of-RIB. */
        staleRoutesSeconds: z.number().int().min(1).max(3600).default(360),
      })
      .strict()
      .default({ enabled: true, restartTime: 120, restarting: false, staleRoutesSeconds: 360 }),
    /** Install best received routes into the kernel (as BIRD's kernel protocol does). */
    kernel: z
      .object({
        install: z.boolean().default(false),
        /** rtm_protocol of our routes: default 186 (`bgp` in iproute2's rt_protos); 69 belongs to flannel's routes. */
        protocol: z.number().int().min(1).max(255).default(186),
        table: z.number().int().min(1).max(4294967295).default(254),
        metric: z.number().int().min(0).max(4294967295).optional(),
      })
      .strict()
      .default({ install: false, protocol: 186, table: 254 }),
    peers: z.array(peerSchema).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seenNames = new Map<string, number>();
    const seenAddresses = new Map<string, number>();
    c.peers.forEach((p, i) => {
      const prior = seenNames.get(p.name);
      if (prior !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['peers', i, 'name'],
          message: `duplicates peers.${prior}.name`,
        });
      }
      seenNames.set(p.name, i);
      if (IpAddress.isValid(p.address)) {
        const key = IpAddress.parse(p.address).toString();
        const priorA = seenAddresses.get(key);
        if (priorA !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['peers', i, 'address'],
            message: `duplicates peers.${priorA}.address (one session per peer address)`,
          });
        }
        seenAddresses.set(key, i);
      }
    });
  });

/** The configuration as written by a user. */
export type BgpSpeakerConfigInput = z.input<typeof speakerConfigSchema>;

/** A validated configuration with every default filled in. */
export interface BgpSpeakerConfig extends Omit<z.output<typeof speakerConfigSchema>, 'peers'> {
  readonly peers: readonly BgpPeerConfig[];
}

/** One validated peer; `families`, `holdTime` and `gracefulRestart` resolved. */
export type BgpPeerConfig = Omit<z.output<typeof peerSchema>, 'families' | 'holdTime' | 'gracefulRestart'> & {
  readonly families: readonly ('ipv4' | 'ipv6')[];
  readonly holdTime: number;
  readonly gracefulRestart: boolean;
  /** eBGP when the peer's AS differs from ours. */
  readonly ebgp: boolean;
};

/**
 * Validates a speaker configuration and fills in defaults.
 * @throws BgpConfigError `ERR_BGP_CONFIG` naming the first bad field in `details.field` (e.g. `peers.0.asn`).
 */
export function parseSpeakerConfig(input: unknown): BgpSpeakerConfig {
  const result = speakerConfigSchema.safeParse(input);
  if (!result.success) throw configErrorFromZod(result.error, input);
  const c = result.data;
  const peers = c.peers.map(
    (p): BgpPeerConfig => ({
      ...p,
      families: [...new Set(p.families ?? [familyOf(p.address)])],
      holdTime: p.holdTime ?? c.holdTime,
      gracefulRestart: p.gracefulRestart ?? c.gracefulRestart.enabled,
      ebgp: p.asn !== c.asn,
    }),
  );
  return { ...c, peers };
}

/** Throws the error {@link parseSpeakerConfig} throws for one field; for checks outside the schema. */
export function configError(field: string, value: unknown, message: string): BgpConfigError {
  return new BgpConfigError(
    BgpConfigErrorCode.Config,
    `bgp config: ${field} ${JSON.stringify(value)}: ${message}`,
    {
      details: { field, value },
    },
  );
}
