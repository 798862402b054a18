/**
 * Maps the keys of a decoded JSON object onto Go struct field names the way Go's `encoding/json` does when
 * flannel unmarshals `net-conf.json` into `subnet.Config`: a key matches a field exactly or, failing that,
 * case-insensitively (`"network"` sets `Network`); when several keys match one field the last one wins; keys that
 * match no field are ignored (returned in `unknown` so a caller can warn about them).
 *
 * @param input - a decoded JSON object.
 * @param fields - the Go field names, e.g. `['Network', 'SubnetLen', 'Backend']`.
 * @param keep - keys passed through unchanged and never folded (our own `edgeway` key).
 */
export function foldGoKeys(
  input: Readonly<Record<string, unknown>>,
  fields: readonly string[],
  keep: readonly string[] = [],
): { folded: Record<string, unknown>; unknown: string[] } {
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  const exact = new Set(fields);
  const folded: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (keep.includes(key)) {
      folded[key] = value;
      continue;
    }
    const field = exact.has(key) ? key : byLower.get(key.toLowerCase());
    if (field === undefined) {
      unknown.push(key);
      continue;
    }
    // A JSON null leaves the field at its default, as Go does for flannel's bool and uint fields (flannel's CIDR
    // fields would fail on null; absent is the kinder reading, and a required field is still reported missing).
    if (value === null) continue;
    folded[field] = value;
  }
  return { folded, unknown };
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
