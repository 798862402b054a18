import { Cidr, IpAddress } from '@edgeway/core';
import { z } from 'zod';

const UINT32_MAX = 4294967295;

/**
 * An AS number usable as a local or peer AS: 1 … 4294967294 except AS_TRANS 23456 (RFC 6793 §9, never a real
 * AS), 65535 and 4294967295 (reserved, RFC 7300). 0 is invalid (RFC 7607).
 */
export const asnSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(1, 'AS 0 is invalid (RFC 7607)')
  .max(UINT32_MAX - 1, 'must be at most 4294967294 (4-octet AS, RFC 6793; 4294967295 is reserved)')
  .refine((n) => n !== 23456, 'AS 23456 is AS_TRANS (RFC 6793 §9), not a real AS')
  .refine((n) => n !== 65535, 'AS 65535 is reserved (RFC 7300)');

/** A BGP Identifier: a non-zero IPv4 address in dotted-quad form (RFC 4271 §4.2, RFC 6286). */
export const routerIdSchema = z
  .string({ error: 'must be an IPv4 address string' })
  .refine(
    (s) => IpAddress.isValid(s) && IpAddress.parse(s).family === 4,
    'must be an IPv4 address (RFC 4271 §4.2)',
  )
  .refine((s) => s !== '0.0.0.0', 'must not be 0.0.0.0 (RFC 6286 §2.1)');

/** An IPv4 or IPv6 address. */
export const ipSchema = z
  .string({ error: 'must be an IP address string' })
  .refine((s) => IpAddress.isValid(s), 'must be an IPv4 or IPv6 address');

/** An IPv4 address. */
export const ipv4Schema = ipSchema.refine(
  (s) => !IpAddress.isValid(s) || IpAddress.parse(s).family === 4,
  'must be an IPv4 address',
);
/** An IPv6 address. */
export const ipv6Schema = ipSchema.refine(
  (s) => !IpAddress.isValid(s) || IpAddress.parse(s).family === 6,
  'must be an IPv6 address',
);

/** A CIDR without host bits. */
export const cidrSchema = z.string({ error: 'must be a CIDR string' }).superRefine((s, ctx) => {
  try {
    Cidr.parse(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/** Hold Time in seconds: 0 (no keepalives) or 3 … 65535 (RFC 4271 §4.2: 1 and 2 are not allowed). */
export const holdTimeSchema = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0)
  .max(65535)
  .refine((n) => n === 0 || n >= 3, 'must be 0 or at least 3 seconds (RFC 4271 §4.2)');

/** A TCP port. */
export const portSchema = z.number().int().min(0).max(65535);

/** An address family the speaker carries (unicast SAFI, RFC 4760). */
export const familySchema = z.enum(['ipv4', 'ipv6']);

/** A standard community `asn:value` (two 16-bit halves, RFC 1997) or a well-known name. */
export const communitySchema = z
  .string()
  .refine(
    (s) =>
      [
        'no-export',
        'no-advertise',
        'no-export-subconfed',
        'no-peer',
        'blackhole',
        'graceful-shutdown',
      ].includes(s) ||
      (/^\d+:\d+$/.test(s) && s.split(':').every((p) => Number(p) <= 65535)),
    'must be "asn:value" with both parts 0–65535 (RFC 1997) or a well-known community name',
  );

/** A large community `global:local1:local2`, each a 32-bit number (RFC 8092). */
export const largeCommunitySchema = z
  .string()
  .refine(
    (s) => /^\d+:\d+:\d+$/.test(s) && s.split(':').every((p) => Number(p) <= UINT32_MAX),
    'must be "global:local1:local2" with each part 0–4294967295 (RFC 8092)',
  );
