import type { z } from 'zod';
import { FlannelError, FlannelErrorCode } from '../errors.js';

/** The value at `path` inside `input`, or `undefined`. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Turns the first issue of a failed zod parse into a {@link FlannelError} `ERR_FLANNEL_CONFIG` naming the field
 * (`details.field`, dotted, with `prefix` in front) and the offending value (`details.value`).
 */
export function configErrorFromZod(
  source: string,
  error: z.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): FlannelError {
  const issue = error.issues[0];
  // An unknown key is named itself (`edgeway.metrc`), not its parent object.
  const local = [
    ...(issue?.path ?? []),
    ...(issue?.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
  ];
  const field = [...prefix, ...local].map(String).join('.');
  const value = valueAt(input, local);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  const label = field === '' ? source : `${source}: ${field}${shown}`;
  return new FlannelError(FlannelErrorCode.Config, `${label}: ${issue?.message ?? 'invalid'}`, {
    source,
    field,
    value,
    issues: error.issues.map((i) => ({
      path: [...prefix, ...i.path].map(String).join('.'),
      message: i.message,
    })),
  });
}
