import { configMapsResource } from './configmaps.js';
import { leasesResource } from './leases.js';
import { namespacesResource } from './namespaces.js';
import { nodesResource } from './nodes.js';
import type { ResourceDefinition } from './resource-definition.js';

/** The kinds every fake serves: nodes, leases, configmaps and namespaces. */
export const builtinResources: readonly ResourceDefinition[] = [
  nodesResource,
  leasesResource,
  configMapsResource,
  namespacesResource,
];
