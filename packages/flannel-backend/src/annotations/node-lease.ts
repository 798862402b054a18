import { Cidr, type IpAddress, type IpFamily } from '@edgeway/core';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import type { NodeLease } from '../leases/lease-source.js';
import type { FlannelAnnotationNames } from './annotation-names.js';
import { type Annotations, parseAnnotatedIp } from './node-annotations.js';

/** The parts of a Kubernetes Node a lease is made of (plain data; a client-node `V1Node` fits). */
export interface NodeView {
  readonly metadata?: { readonly name?: string; readonly annotations?: Annotations } | undefined;
  readonly spec?: { readonly podCIDR?: string; readonly podCIDRs?: readonly string[] } | undefined;
}

/** The pod networks and families a lease is checked against (a `FlannelNetConfig` fits). */
export interface LeaseNetworks {
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  readonly network?: Cidr | undefined;
  readonly ipv6Network?: Cidr | undefined;
}

/** A node's blocks per family. */
export interface PodCidrs {
  readonly v4?: Cidr;
  readonly v6?: Cidr;
}

/**
 * A node's blocks as flannel reads them: `spec.podCIDRs` when set (at most two, one per family — the dual-stack
 * rule), else `spec.podCIDR`. Host bits are cleared, as Go's `net.ParseCIDR` does.
 * @throws FlannelError `ERR_PODCIDR_INVALID` naming the node and value.
 */
export function podCidrsOf(node: NodeView): PodCidrs {
  const name = node.metadata?.name ?? '';
  const list = node.spec?.podCIDRs ?? [];
  const texts = list.length > 0 ? list : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  if (texts.length > 2) {
    throw new FlannelError(
      FlannelErrorCode.InvalidPodCidr,
      `node ${name} has ${texts.length} pod CIDRs (${texts.join(', ')}); at most one IPv4 and one IPv6`,
      { node: name, podCidr: texts.join(',') },
    );
  }
  const out: { v4?: Cidr; v6?: Cidr } = {};
  for (const text of texts) {
    let cidr: Cidr;
    try {
      cidr = Cidr.parse(text, { strict: false });
    } catch (cause) {
      throw new FlannelError(
        FlannelErrorCode.InvalidPodCidr,
        `node ${name} has pod CIDR ${JSON.stringify(text)}, which is not a CIDR`,
        { node: name, podCidr: text },
        { cause },
      );
    }
    const key = cidr.family === 4 ? 'v4' : 'v6';
    if (out[key] !== undefined) {
      throw new FlannelError(
        FlannelErrorCode.InvalidPodCidr,
        `node ${name} has two IPv${cidr.family} pod CIDRs (${texts.join(', ')})`,
        { node: name, podCidr: texts.join(',') },
      );
    }
    out[key] = cidr;
  }
  return out;
}

/**
 * Checks that a node's block lies inside the pod network of its family (flannel's check in `AcquireLease`: "subnet …
 * specified in the flannel net config doesn't contain … PodCIDR of the … node").
 * @throws FlannelError `ERR_PODCIDR_OUTSIDE_NETWORK` naming the node, the block and the network.
 */
export function checkPodCidrInNetwork(node: string, podCidr: Cidr, network: Cidr | undefined): void {
  if (network?.contains(podCidr)) return;
  const field = podCidr.family === 4 ? 'Network' : 'IPv6Network';
  const where = network === undefined ? `no ${field} is configured` : `${field} is ${network.toString()}`;
  throw new FlannelError(
    FlannelErrorCode.PodCidrOutsideNetwork,
    `pod CIDR ${podCidr.toString()} of node ${node} is outside the cluster network (${where})`,
    { node, podCidr: podCidr.toString(), network: network?.toString(), field },
  );
}

/**
 * Turns a Node into its lease the way flannel's `nodeToLease` does, or throws why it cannot:
 * - the node must carry `kube-subnet-manager: "true"` (flannel ignores other nodes) — else `ERR_LEASE_NOT_READY`;
 * - per enabled family: a `public-ip`/`public-ipv6` of that family (`ERR_LEASE_NOT_READY` when missing,
 *   `ERR_ANNOTATION_INVALID` when unparsable) and a block (`ERR_NO_PODCIDR`) inside the network
 *   (`ERR_PODCIDR_OUTSIDE_NETWORK` — flannel checks this only for its own node; peers are checked here too, so a
 *   stray block is reported instead of routed);
 * - `backend-type` as is; `backend-data` decoded from JSON (kept as text if it is not JSON, as flannel keeps raw bytes).
 */
export function nodeToLease(
  node: NodeView,
  networks: LeaseNetworks,
  names: FlannelAnnotationNames,
): NodeLease {
  const name = node.metadata?.name ?? '';
  const ann = node.metadata?.annotations ?? {};
  if (ann[names.kubeSubnetManager] !== 'true') {
    throw new FlannelError(
      FlannelErrorCode.LeaseNotReady,
      `node ${name} has no flannel lease yet (${names.kubeSubnetManager} is ${JSON.stringify(ann[names.kubeSubnetManager] ?? null)})`,
      { node: name, annotation: names.kubeSubnetManager },
    );
  }
  const cidrs = podCidrsOf(node);
  const lease: {
    -readonly [K in keyof NodeLease]: NodeLease[K];
  } = {
    node: name,
    backendType: ann[names.backendType] ?? '',
    backendData: decodeBackendData(ann[names.backendData]),
  };
  if (networks.enableIPv4) {
    lease.publicIp = publicIpOf(name, ann, names.publicIp, 4);
    lease.subnet = blockOf(name, cidrs.v4, networks.network, 4);
  }
  if (networks.enableIPv6) {
    lease.publicIpv6 = publicIpOf(name, ann, names.publicIpv6, 6);
    lease.ipv6Subnet = blockOf(name, cidrs.v6, networks.ipv6Network, 6);
  }
  return Object.freeze(lease);
}

function publicIpOf(node: string, ann: Annotations, key: string, family: IpFamily): IpAddress {
  const value = ann[key];
  if (value === undefined || value === '') {
    throw new FlannelError(
      FlannelErrorCode.LeaseNotReady,
      `node ${node} has no ${key} annotation (IPv${family} is enabled)`,
      { node, annotation: key },
    );
  }
  return parseAnnotatedIp(key, value, family, node);
}

function blockOf(node: string, cidr: Cidr | undefined, network: Cidr | undefined, family: IpFamily): Cidr {
  if (cidr === undefined) {
    throw new FlannelError(
      FlannelErrorCode.NoPodCidr,
      `node ${node} has no IPv${family} pod CIDR (spec.podCIDR/podCIDRs)`,
      { node, family },
    );
  }
  checkPodCidrInNetwork(node, cidr, network);
  return cidr;
}

function decodeBackendData(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
