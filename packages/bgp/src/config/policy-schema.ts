import { Cidr } from '@edgeway/core';
import { z } from 'zod';
import { cidrSchema, communitySchema, familySchema, ipSchema, largeCommunitySchema } from './primitives.js';

/**
 * One prefix-list entry: `prefix` matches routes inside it whose length is in [`ge`, `le`] (both default to the
 * entry's length; `ge` alone means up to the family maximum) — the semantics of FRR's and Cisco's prefix lists.
 */
export const prefixListEntrySchema = z
  .object({
    prefix: cidrSchema,
    ge: z.number().int().min(0).max(128).optional(),
    le: z.number().int().min(0).max(128).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    let c: Cidr;
    try {
      c = Cidr.parse(e.prefix);
    } catch {
      return;
    }
    const max = c.family === 4 ? 32 : 128;
    if (e.ge !== undefined && (e.ge < c.prefixLength || e.ge > max)) {
      ctx.addIssue({ code: 'custom', path: ['ge'], message: `must be between ${c.prefixLength} and ${max}` });
    }
    if (e.le !== undefined && (e.le < (e.ge ?? c.prefixLength) || e.le > max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['le'],
        message: `must be between ${e.ge ?? c.prefixLength} and ${max}`,
      });
    }
  });

const communitySetSchema = z
  .object({
    add: z.array(communitySchema).optional(),
    remove: z.array(communitySchema).optional(),
    replace: z.array(communitySchema).optional(),
  })
  .strict();

/** One policy rule: the first rule whose every `match` key matches decides. */
export const policyRuleSchema = z
  .object({
    match: z
      .object({
        prefixes: z.array(prefixListEntrySchema).optional(),
        communities: z.array(communitySchema).optional(),
        largeCommunities: z.array(largeCommunitySchema).optional(),
        family: familySchema.optional(),
      })
      .strict()
      .optional(),
    action: z.enum(['accept', 'reject']),
    set: z
      .object({
        localPref: z.number().int().min(0).max(4294967295).optional(),
        med: z.number().int().min(0).max(4294967295).optional(),
        nextHop: z.union([z.literal('self'), ipSchema]).optional(),
        asPathPrepend: z.number().int().min(0).max(32).optional(),
        communities: communitySetSchema.optional(),
        largeCommunities: z
          .object({
            add: z.array(largeCommunitySchema).optional(),
            remove: z.array(largeCommunitySchema).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** An import or export policy: ordered rules and the default when none matches. */
export const policySchema = z
  .object({
    rules: z.array(policyRuleSchema).default([]),
    default: z.enum(['accept', 'reject']).default('accept'),
  })
  .strict();

export type PolicyInput = z.input<typeof policySchema>;
