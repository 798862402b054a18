/**
 * The parts of a schema validation issue edgeway reads — the shape of a zod issue, written structurally so core does
 * not depend on zod.
 */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  /** Present on `unrecognized_keys` issues: the unknown keys. */
  readonly keys?: readonly string[];
}

/** The first issue of a failed validation, described for an error message and `details`. */
export interface DescribedIssue {
  /** The offending field, dotted (`peers.0.asn`), with the prefix in front; an unknown key names itself. */
  readonly field: string;
  /** The value at that field in the input (undefined when absent). */
  readonly value: unknown;
  readonly message: string;
  /** Every issue, dotted path and message. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

/** The value at `path` inside `input`, or `undefined`. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * Describes the first of a failed validation's issues: which field (dotted, behind `prefix`), its value in `input`,
 * and the message — what a configuration error needs to name the bad field. An unknown key is named itself
 * (`edgeway.metrc`), not its parent object.
 */
export function describeSchemaIssues(
  issues: readonly SchemaIssue[],
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): DescribedIssue {
  const issue = issues[0];
  const local = [
    ...(issue?.path ?? []),
    ...(issue?.code === 'unrecognized_keys' ? (issue.keys ?? []).slice(0, 1) : []),
  ];
  return {
    field: [...prefix, ...local].map(String).join('.'),
    value: valueAt(input, local),
    message: issue?.message ?? 'invalid',
    issues: issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message })),
  };
}
