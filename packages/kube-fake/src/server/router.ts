import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceDefinition, Subresource } from '../resources/resource-definition.js';

/**
 * URL → target, following the API server's resource paths:
 * `/api/v1/{plural}[/{name}[/status]]`, `/api/v1/namespaces/{ns}/{plural}[/{name}[/status]]`,
 * `/apis/{group}/{version}/…` likewise, and the deprecated `/…/watch/…` prefix.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris
 */

/** A request for a discovery document or health endpoint. */
export type DiscoveryRoute =
  | { readonly kind: 'version' }
  | { readonly kind: 'health' }
  | { readonly kind: 'api' }
  | { readonly kind: 'apis' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'groupVersion'; readonly group: string; readonly version: string };

/** A request for a resource collection, an object or a subresource. */
export interface ResourceRoute {
  readonly kind: 'resource';
  readonly def: ResourceDefinition;
  /** The namespace in the path (undefined: cluster-scoped, or all namespaces). */
  readonly namespace: string | undefined;
  /** The object name (undefined: the collection). */
  readonly name: string | undefined;
  readonly subresource: Subresource;
  /** Reached through the deprecated `/watch/` prefix. */
  readonly legacyWatch: boolean;
}

/** The target of a request, or undefined for a path the server does not serve (404). */
export type Route = DiscoveryRoute | ResourceRoute;

/** Resolve a URL path. */
export function route(registry: ResourceRegistry, pathname: string): Route | undefined {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 1 && parts[0] === 'version') return { kind: 'version' };
  if (parts.length === 1 && ['healthz', 'livez', 'readyz'].includes(parts[0]!)) return { kind: 'health' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (parts.length === 2) return { kind: 'group', group: parts[1]! };
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  if (rest.length === 0) return { kind: 'groupVersion', group, version };
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const def = registry.find(group, version, rest[0] ?? '');
  if (def === undefined || rest.length > 3) return undefined;
  if (def.namespaced === false && namespace !== undefined) return undefined;
  const name = rest[1];
  let subresource: Subresource = 'main';
  if (rest.length === 3) {
    if (rest[2] !== 'status' || !def.statusSubresource) return undefined;
    subresource = 'status';
  }
  return { kind: 'resource', def, namespace, name, subresource, legacyWatch };
}
