import { describeSchemaIssues } from '@edgeway/core';
import type { z } from 'zod';
import { BgpConfigError, BgpConfigErrorCode } from './config-error.js';

/**
 * Turns the first issue of a failed zod parse into a {@link BgpConfigError} naming the field (`details.field`,
 * dotted) and the offending value (`details.value`); every issue is kept in `details.issues`.
 */
export function configErrorFromZod(
  error: z.ZodError,
  input: unknown,
  code: string = BgpConfigErrorCode.Config,
) {
  const { field, value, message, issues } = describeSchemaIssues(error.issues, input);
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return new BgpConfigError(code, `bgp config: ${field || '(root)'}${shown}: ${message}`, {
    details: { field, value, issues },
  });
}
