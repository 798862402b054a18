import type { EmulatorState } from '../state/emulator-state.js';
import { TOKEN_TTL_RANGE, tokensOf } from './metadata-tokens.js';
import { type MetadataNode, metadataTree } from './metadata-tree.js';

/** A request to the metadata service, the `/<instanceId>` prefix already stripped (`/latest/meta-data/mac`). */
export interface MetadataRequest {
  readonly method: string;
  readonly path: string;
  /** Header names in any case. */
  readonly headers: Record<string, string | undefined>;
}

/** The service's answer. */
export interface MetadataResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Request header carrying the TTL of a token asked for with `PUT /latest/api/token`. */
export const TOKEN_TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds';
/** Request header carrying the token of a metadata request (security hardening mode). */
export const TOKEN_HEADER = 'X-aliyun-ecs-metadata-token';

const TEXT = { 'content-type': 'text/plain' } as const;

function header(req: MetadataRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers))
    if (k.toLowerCase() === lower && v !== undefined) return v;
  return undefined;
}

function errorPage(status: number, reason: string): MetadataResponse {
  const title = `${status} - ${reason}`;
  return {
    status,
    headers: { 'content-type': 'text/html' },
    body: `<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>\n`,
  };
}

function token(state: EmulatorState, instanceId: string, req: MetadataRequest): MetadataResponse {
  if (req.method !== 'PUT') return { ...errorPage(405, 'Method Not Allowed'), headers: { allow: 'PUT' } };
  // A token must not be obtainable through a forwarding proxy (the SSRF the hardened mode is there to stop).
  if (header(req, 'X-Forwarded-For') !== undefined) return errorPage(403, 'Forbidden');
  const raw = header(req, TOKEN_TTL_HEADER)?.trim();
  if (raw === undefined || !/^\d+$/.test(raw)) return errorPage(400, 'Bad Request');
  const ttl = Number(raw);
  if (ttl < TOKEN_TTL_RANGE.min || ttl > TOKEN_TTL_RANGE.max) return errorPage(400, 'Bad Request');
  const body = tokensOf(state).issue(instanceId, ttl, state.clock.now());
  return { status: 200, headers: { ...TEXT, [TOKEN_TTL_HEADER.toLowerCase()]: String(ttl) }, body };
}

function resolve(root: MetadataNode, segments: readonly string[]): MetadataNode | undefined {
  let node: MetadataNode | undefined = root;
  for (const seg of segments) {
    if (node === undefined || typeof node === 'string' || !Object.hasOwn(node, seg)) return undefined;
    node = node[seg];
  }
  return node;
}

function render(node: MetadataNode): string {
  if (typeof node === 'string') return node;
  // A directory lists one entry a line, sub-directories with a trailing `/`, no trailing newline (clients such
  // as Terway split on "\n").
  return Object.keys(node)
    .sort()
    .map((k) => (typeof node[k] === 'string' ? k : `${k}/`))
    .join('\n');
}

/**
 * The instance metadata service of one emulated instance (`http://100.100.100.200/latest/...` on a real one).
 *
 * - `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds` (1–21600; missing or invalid → 400)
 *   returns a token bound to the instance (security hardening mode). A request carrying `X-Forwarded-For` gets
 *   403, other methods 405.
 * - `GET /latest/meta-data/...` with `X-aliyun-ecs-metadata-token`: an expired token, or one of another instance,
 *   gets 401. Without the header, the instance's metadata mode decides: `required` (hardening mode only, the
 *   emulator's default) → 401, `optional` (normal and hardening mode) → answered.
 * - Items: `instance-id`, `instance/instance-type`, `region-id`, `zone-id`, `vpc-id`, `vpc-cidr-block`,
 *   `vswitch-id`, `vswitch-cidr-block`, `mac`, `private-ipv4`, `hostname`, `network/interfaces/macs/` and under
 *   `macs/<mac>/`: `network-interface-id`, `primary-ip-address`, `gateway`, `netmask`, `private-ipv4s` (a JSON
 *   array), `vswitch-id`, `vswitch-cidr-block`, `vpc-id`, `vpc-cidr-block`, and with IPv6 `ipv6s`
 *   (`[a,b]`, 404 while none is assigned), `ipv6-gateway`, `vswitch-ipv6-cidr-block`. Directories list their
 *   entries one a line; unknown paths get 404. Everything is read from the live state, so an ENI attached
 *   (InUse) or an address assigned shows up at once.
 *
 * The server strips the `/<instanceId>` prefix it serves each instance under and passes the rest as `req.path`.
 * https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata
 */
export function handleMetadata(
  state: EmulatorState,
  instanceId: string,
  req: MetadataRequest,
): MetadataResponse {
  const instance = state.ecs.instance(instanceId);
  if (!instance) return errorPage(404, 'Not Found');
  const path = req.path.replace(/\/{2,}/g, '/');
  if (path === '/latest/api/token') return token(state, instance.id, req);
  if (req.method !== 'GET') return { ...errorPage(405, 'Method Not Allowed'), headers: { allow: 'GET' } };
  const given = header(req, TOKEN_HEADER);
  if (given !== undefined) {
    if (!tokensOf(state).valid(given.trim(), instance.id, state.clock.now()))
      return errorPage(401, 'Unauthorized');
  } else if (instance.metadataHttpTokens === 'required') {
    return errorPage(401, 'Unauthorized');
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments[0] !== 'latest') return errorPage(404, 'Not Found');
  if (segments.length === 1) return { status: 200, headers: { ...TEXT }, body: 'meta-data/' };
  if (segments[1] !== 'meta-data') return errorPage(404, 'Not Found');
  const node = resolve(metadataTree(state, instance), segments.slice(2));
  if (node === undefined) return errorPage(404, 'Not Found');
  return { status: 200, headers: { ...TEXT }, body: render(node) };
}
