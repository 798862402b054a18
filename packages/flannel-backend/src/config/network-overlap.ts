import { Cidr, findOverlaps, type NamedCidr } from '@edgeway/core';
import { FlannelError, FlannelErrorCode } from '../errors.js';

/**
 * Refuses a pod network (`Network` / `IPv6Network`) that overlaps a node (underlay) network: a pod block inside the
 * node LAN — or the node LAN inside the pod network — makes host-gw routes shadow real hosts. This is the Terway Edge
 * caution that the container CIDR must not overlap any other CIDR the data-centre gateway knows. Found with core's
 * {@link findOverlaps} (sort + sweep).
 *
 * @param config - the pod networks (`network`, `ipv6Network`; either may be absent).
 * @param nodeNetworks - the node networks; interface addresses such as `192.168.10.5/24` are accepted.
 * @throws FlannelError `ERR_NETWORK_OVERLAP` naming both networks (`details.network`, `details.nodeNetwork`).
 */
export function checkNetworkOverlap(
  config: { readonly network?: Cidr | undefined; readonly ipv6Network?: Cidr | undefined },
  nodeNetworks: readonly (Cidr | string)[],
): void {
  const ours: NamedCidr[] = [];
  if (config.network !== undefined) ours.push({ name: 'Network', cidr: config.network });
  if (config.ipv6Network !== undefined) ours.push({ name: 'IPv6Network', cidr: config.ipv6Network });
  if (ours.length === 0 || nodeNetworks.length === 0) return;
  const nodes: NamedCidr[] = nodeNetworks.map((n) => {
    const cidr = typeof n === 'string' ? Cidr.parse(n, { strict: false }) : n;
    return { name: `node network ${cidr.toString()}`, cidr };
  });
  for (const { outer, inner } of findOverlaps([...ours, ...nodes])) {
    const pod = ours.includes(outer) ? outer : ours.includes(inner) ? inner : undefined;
    const node = pod === outer ? inner : outer;
    if (pod === undefined || ours.includes(node)) continue;
    throw new FlannelError(
      FlannelErrorCode.NetworkOverlap,
      `${pod.name} ${pod.cidr.toString()} overlaps the node network ${node.cidr.toString()}`,
      { field: pod.name, network: pod.cidr.toString(), nodeNetwork: node.cidr.toString() },
    );
  }
}
