import { badRequest } from '../api/status.js';

/**
 * List paging tokens in the API server's format: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}`.
 * The token pins the list to revision N, so every page is a consistent snapshot; once N is compacted the
 * token expires (410).
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks
 */
export interface ContinueToken {
  readonly rv: number;
  /** Keys greater than or equal to this come next. */
  readonly start: string;
}

/** Encode a continue token that resumes after `lastKey` at revision `rv`. */
export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString(
    'base64',
  );
}

/** Decode a continue token (400 BadRequest when malformed). */
export function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Record<string, unknown>;
    if (parsed.v !== 'meta.k8s.io/v1') throw new Error('unsupported version');
    if (typeof parsed.rv !== 'number' || !Number.isInteger(parsed.rv) || parsed.rv < 0)
      throw new Error('bad rv');
    if (typeof parsed.start !== 'string' || parsed.start === '') throw new Error('bad start');
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    throw badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

/** The message of the 410 a too-old continue token gets. */
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';
