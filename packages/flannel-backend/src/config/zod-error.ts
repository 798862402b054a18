import { describeSchemaIssues } from '@edgeway/core';
import type { z } from 'zod';
import { FlannelError, FlannelErrorCode } from '../errors.js';

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
  const { field, value, message, issues } = describeSchemaIssues(error.issues, input, prefix);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  const label = field === '' ? source : `${source}: ${field}${shown}`;
  return new FlannelError(FlannelErrorCode.Config, `${label}: ${message}`, { source, field, value, issues });
}
