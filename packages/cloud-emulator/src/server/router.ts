import { ApiError } from '../api/api-error.js';
import { newRequestId } from '../state/ids.js';
import type { ApiOutcome } from './api-handler.js';
import type { RawHttpRequest } from './request-parser.js';
import { errorAnswer, type HttpAnswer } from './responses.js';

/** A metadata request, with the instance prefix already stripped (`/latest/meta-data/instance-id`). */
export interface MetadataRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
}

/** Answers a metadata request for an instance (`undefined`: the default instance was asked for). */
export type MetadataRoute = (instanceId: string | undefined, req: MetadataRequest) => HttpAnswer;

/** What the router sends where. */
export interface RouterOptions {
  readonly api: (req: RawHttpRequest) => Promise<ApiOutcome>;
  readonly metadata: MetadataRoute;
}

const METADATA_PATH = /^\/(?:([^/]+)\/)?(latest(?:\/.*)?)$/;

/**
 * Splits the emulator's one port between the API and the instance metadata service: `/` (with any query) is the
 * RPC API; `/latest/...` is the metadata of the default instance and `/<instanceId>/latest/...` that of any
 * instance (the real service answers only its own instance at `http://100.100.100.200/latest/...`); anything else
 * is a 404 with a `RequestId`.
 */
export function createRouter(options: RouterOptions): (req: RawHttpRequest) => Promise<ApiOutcome> {
  return async (req) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path === '/' || path === '') return options.api(req);
    const m = METADATA_PATH.exec(path);
    if (m) {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = v?.join(', ');
      return options.metadata(m[1] === undefined ? undefined : safeDecode(m[1]), {
        method: req.method,
        path: `/${m[2]}`,
        headers,
      });
    }
    const err = new ApiError(
      'InvalidAction.NotFound',
      `The path "${path.slice(0, 200)}" is not served here.`,
      404,
    );
    return errorAnswer(newRequestId(), err, req.headers.host?.[0] ?? 'emulator');
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A plain-text answer of the metadata service. */
export function textAnswer(status: number, body: string): HttpAnswer {
  return { status, headers: { 'content-type': 'text/plain;charset=utf-8' }, body };
}
