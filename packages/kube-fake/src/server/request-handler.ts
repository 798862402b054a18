import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, internalError, KubeApiError, methodNotAllowed, pathNotFound } from '../api/status.js';
import type { DeleteOptions, ResourceRegistry } from '../registry/resource-registry.js';
import { apiVersionOf } from '../resources/resource-definition.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, FAKE_VERSION, groupsOf } from './discovery.js';
import type { FaultInjector } from './faults.js';
import { type ResourceRoute, route } from './router.js';
import { prepareWatch, runWatch, type WatchParams, WatchSession, type WatchTimings } from './watch-stream.js';

/** What the HTTP layer needs from the fake. */
export interface HandlerContext {
  readonly registry: ResourceRegistry;
  readonly faults: FaultInjector;
  readonly timings: WatchTimings;
  readonly sessions: Set<WatchSession>;
  readonly serverAddress: () => string;
  /** Largest accepted request body in bytes (the API server's limit is 3 MiB). */
  readonly maxBodyBytes: number;
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof KubeApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  send(res, e.code, e.status, { ...e.headers });
}

async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new KubeApiError(413, 'BadRequest', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`error decoding request body: ${(err as Error).message}`);
  }
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== 'false' && v !== '0';
}

function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values)
    if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}; supported values: "All"`);
  return values.length > 0;
}

function optional(q: URLSearchParams, name: string): string | undefined {
  return q.get(name) ?? undefined;
}

/** Build the `(req, res)` listener of the fake API server. */
export function createRequestHandler(
  ctx: HandlerContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((err: unknown) => sendError(res, err));
  };
}

async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = (req.method ?? 'GET').toUpperCase();
  const q = url.searchParams;
  const target = route(ctx.registry, url.pathname);
  const isWatch =
    target?.kind === 'resource' && (target.legacyWatch || (method === 'GET' && flag(q, 'watch')));
  const injected = await ctx.faults.intercept({ method, path: url.pathname, watch: isWatch });
  if (injected !== undefined) {
    await readBody(req, ctx.maxBodyBytes).catch(() => undefined);
    throw injected;
  }
  if (target === undefined) throw pathNotFound();
  const defs = ctx.registry.definitions();
  switch (target.kind) {
    case 'version':
      return send(res, 200, FAKE_VERSION);
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    case 'api':
      return send(res, 200, apiVersions(ctx.serverAddress()));
    case 'apis':
      return send(res, 200, apiGroupList(defs));
    case 'group': {
      const versions = groupsOf(defs).get(target.group);
      if (versions === undefined) throw pathNotFound();
      return send(res, 200, apiGroup(target.group, versions));
    }
    case 'groupVersion': {
      const served = defs.filter((d) => d.group === target.group && d.version === target.version);
      if (served.length === 0) throw pathNotFound();
      const gv = apiVersionOf(served[0]!);
      return send(res, 200, apiResourceList(gv, served));
    }
    case 'resource':
      return isWatch ? handleWatch(ctx, target, q, res) : handleResource(ctx, target, method, q, req, res);
  }
}

async function handleResource(
  ctx: HandlerContext,
  t: ResourceRoute,
  method: string,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { registry } = ctx;
  const gr = { group: t.def.group, resource: t.def.plural };
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, ctx.maxBodyBytes);
  if (t.name === undefined) {
    if (method === 'GET') {
      const limit = q.get('limit');
      return send(
        res,
        200,
        registry.list(t.def, t.namespace, {
          labelSelector: optional(q, 'labelSelector'),
          fieldSelector: optional(q, 'fieldSelector'),
          limit: limit === null ? undefined : Number.parseInt(limit, 10),
          continue: optional(q, 'continue'),
          resourceVersion: optional(q, 'resourceVersion'),
          resourceVersionMatch: optional(q, 'resourceVersionMatch'),
        }),
      );
    }
    if (method === 'POST') {
      if (t.def.namespaced && t.namespace === undefined) throw methodNotAllowed(gr, method);
      return send(res, 201, registry.create(t.def, t.namespace, body, dryRunOf(q)));
    }
    if (method === 'DELETE') {
      const list = registry.list(t.def, t.namespace, {
        labelSelector: optional(q, 'labelSelector'),
        fieldSelector: optional(q, 'fieldSelector'),
      });
      const dryRun = dryRunOf(q);
      const deleted = list.items.map((o) => {
        const out = registry.delete(t.def, o.metadata.namespace, o.metadata.name ?? '', { dryRun });
        return out.body;
      });
      return send(res, 200, { ...list, items: deleted });
    }
    throw methodNotAllowed(gr, method);
  }
  const dryRun = dryRunOf(q);
  switch (method) {
    case 'GET':
      return send(res, 200, registry.get(t.def, t.namespace, t.name));
    case 'PUT':
      return send(res, 200, registry.update(t.def, t.namespace, t.name, body, t.subresource, dryRun));
    case 'PATCH': {
      const contentType = req.headers['content-type'] ?? '';
      return send(
        res,
        200,
        registry.patch(t.def, t.namespace, t.name, contentType, body, t.subresource, dryRun),
      );
    }
    case 'DELETE': {
      if (t.subresource !== 'main') throw methodNotAllowed(gr, method);
      const opts = (typeof body === 'object' && body !== null ? body : {}) as DeleteOptions;
      const out = registry.delete(t.def, t.namespace, t.name, { preconditions: opts.preconditions, dryRun });
      return send(res, out.code, out.body);
    }
    default:
      throw methodNotAllowed(gr, method);
  }
}

async function handleWatch(
  ctx: HandlerContext,
  t: ResourceRoute,
  q: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const timeoutText = q.get('timeoutSeconds');
  const fieldSelector =
    t.name === undefined
      ? optional(q, 'fieldSelector')
      : [`metadata.name=${t.name}`, q.get('fieldSelector') ?? ''].filter((s) => s !== '').join(',');
  const params: WatchParams = {
    resourceVersion: optional(q, 'resourceVersion'),
    resourceVersionMatch: optional(q, 'resourceVersionMatch'),
    labelSelector: optional(q, 'labelSelector'),
    fieldSelector,
    allowWatchBookmarks: flag(q, 'allowWatchBookmarks'),
    sendInitialEvents: flag(q, 'sendInitialEvents'),
    timeoutSeconds: timeoutText === null ? undefined : Number.parseInt(timeoutText, 10),
  };
  const prepared = await prepareWatch(ctx.registry, t.def, t.namespace, params, ctx.timings);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  const session = new WatchSession(res, t.def, (s) => ctx.sessions.delete(s));
  ctx.sessions.add(session);
  runWatch(session, ctx.registry, t.def, prepared, params, ctx.timings);
}
