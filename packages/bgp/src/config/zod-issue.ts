import type { z } from 'zod';
import { BgpConfigError, BgpConfigErrorCode } from './config-error.js';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Turns the first issue of a failed zod parse into a {@link BgpConfigError} naming the field (`details.field`,
 * dotted) and the offending value (`details.value`); every issue is kept in `details.issues`.
 */
export function configErrorFromZod(
  error: z.ZodError,
  input: unknown,
  code: string = BgpConfigErrorCode.Config,
) {
  const issue = error.issues[0];
  const local = [
    ...(issue?.path ?? []),
    ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
  ];
  const field = local.map(String).join('.');
  const value = valueAt(input, local);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return new BgpConfigError(
    code,
    `bgp config: ${field || '(root)'}${shown}: ${issue?.message ?? 'invalid'}`,
    {
      details: {
        field,
        value,
        issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      },
    },
  );
}
