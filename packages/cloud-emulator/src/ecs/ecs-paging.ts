import { apiErrors } from '../api/api-error.js';
import type { Params } from '../api/params.js';

/** How a Describe call pages (ECS offers both styles; `NextToken` wins when both are given). */
export type PageRequest =
  | { readonly mode: 'token'; readonly afterSeq: number; readonly size: number }
  | { readonly mode: 'page'; readonly pageNumber: number; readonly size: number };

/** Limits of one action's paging parameters. */
export interface PagingLimits {
  /** Distinguishes this action's tokens (a token of another action is invalid). */
  readonly tokenKind: string;
  readonly maxResultsMax: number;
  readonly maxResultsDefault: number;
  /** Omit for actions without PageNumber/PageSize. */
  readonly pageSizeMax?: number;
  readonly pageSizeDefault?: number;
}

function encodeToken(kind: string, seq: number): string {
  return Buffer.from(`${kind}:${seq}`).toString('base64url');
}

function decodeToken(kind: string, token: string): number {
  const m = /^([a-z]+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m || m[1] !== kind)
    throw apiErrors.invalidParameter('NextToken', 'is not a token returned by this operation');
  return Number(m[2]);
}

/**
 * Reads `NextToken`/`MaxResults` or `PageNumber`/`PageSize`. With `NextToken` or `MaxResults` the call pages
 * by token ("When NextToken is specified, PageSize and PageNumber do not take effect", DescribeNetworkInterfaces
 * and DescribeInstances API reference); otherwise by page number.
 */
export function readPaging(params: Params, limits: PagingLimits): PageRequest {
  const token = params.string('NextToken');
  if (token !== undefined || params.has('MaxResults') || limits.pageSizeMax === undefined) {
    const size = params.int('MaxResults', {
      min: 1,
      max: limits.maxResultsMax,
      fallback: limits.maxResultsDefault,
    })!;
    return { mode: 'token', afterSeq: token === undefined ? 0 : decodeToken(limits.tokenKind, token), size };
  }
  const pageNumber = params.int('PageNumber', { min: 1, fallback: 1 })!;
  const size = params.int('PageSize', {
    min: 1,
    max: limits.pageSizeMax,
    fallback: limits.pageSizeDefault ?? 10,
  })!;
  return { mode: 'page', pageNumber, size };
}

/**
 * One page of `items` (in `seq` order). Token paging resumes after the last returned item's `seq`, so items
 * deleted or added between calls never shift the pages. Returns the response's paging fields.
 */
export function paginate<T extends { readonly seq: number }>(
  items: readonly T[],
  req: PageRequest,
  tokenKind: string,
): { page: T[]; fields: Record<string, unknown> } {
  const sorted = [...items].sort((a, b) => a.seq - b.seq);
  if (req.mode === 'token') {
    const rest = sorted.filter((i) => i.seq > req.afterSeq);
    const page = rest.slice(0, req.size);
    const last = page.at(-1);
    const nextToken = rest.length > page.length && last ? encodeToken(tokenKind, last.seq) : '';
    return { page, fields: { NextToken: nextToken, TotalCount: sorted.length } };
  }
  const start = (req.pageNumber - 1) * req.size;
  const page = sorted.slice(start, start + req.size);
  return {
    page,
    fields: { PageNumber: req.pageNumber, PageSize: req.size, TotalCount: sorted.length, NextToken: '' },
  };
}
