import { apiVersionOf, type ResourceDefinition } from '../resources/resource-definition.js';

/**
 * Legacy (unaggregated) discovery documents: `/api`, `/api/v1`, `/apis`, `/apis/{group}`,
 * `/apis/{group}/{version}`, and `/version`. Enough for client-node and `kubectl api-resources`-style lookups.
 *
 * @see https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api
 */

/** The Kubernetes version the fake reports at `/version`. */
export const FAKE_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0-kube-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-08-13T00:00:00Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const VERBS_COLLECTION = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceEntries(defs: readonly ResourceDefinition[]): object[] {
  const out: object[] = [];
  for (const d of defs) {
    out.push({
      name: d.plural,
      singularName: d.singular ?? d.kind.toLowerCase(),
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS_COLLECTION,
      ...(d.shortNames === undefined ? {} : { shortNames: d.shortNames }),
      storageVersionHash: Buffer.from(`${apiVersionOf(d)}/${d.kind}`)
        .toString('base64')
        .slice(0, 11),
    });
    if (d.statusSubresource) {
      out.push({
        name: `${d.plural}/status`,
        singularName: '',
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return out;
}

/** `GET /api`. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** `GET /api/v1` or `GET /apis/{group}/{version}`. */
export function apiResourceList(groupVersion: string, defs: readonly ResourceDefinition[]): object {
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: resourceEntries(defs) };
}

function groupEntry(group: string, versions: readonly string[]): object {
  const list = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** Named groups (not core) and their versions. */
export function groupsOf(defs: readonly ResourceDefinition[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const d of defs) {
    if (d.group === '') continue;
    const vs = groups.get(d.group) ?? [];
    if (!vs.includes(d.version)) vs.push(d.version);
    groups.set(d.group, vs);
  }
  return groups;
}

/** `GET /apis`. */
export function apiGroupList(defs: readonly ResourceDefinition[]): object {
  const groups = [...groupsOf(defs).entries()].map(([g, vs]) => groupEntry(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `GET /apis/{group}`. */
export function apiGroup(group: string, versions: readonly string[]): object {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, versions) };
}
