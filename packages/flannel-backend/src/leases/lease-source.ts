import type { Cidr, IpAddress } from '@edgeway/core';
import type { FlannelError } from '../errors.js';

/**
 * One node's subnet lease, as flannel's kube subnet manager derives it from a Node (`nodeToLease` in
 * `pkg/subnet/kube/kube.go`): the node's block(s) from `spec.podCIDR(s)`, and from its annotations the address peers
 * route the block through (`public-ip`, `public-ipv6`) and the backend (`backend-type`, `backend-data`).
 * A family that is disabled in `net-conf.json` is left out.
 */
export interface NodeLease {
  /** The Node's name. */
  readonly node: string;
  /** The IPv4 block (`Network`'s family); set when IPv4 is enabled. */
  readonly subnet?: Cidr;
  /** The IPv6 block; set when IPv6 is enabled. */
  readonly ipv6Subnet?: Cidr;
  /** The IPv4 next hop for the block (annotation `public-ip`). */
  readonly publicIp?: IpAddress;
  /** The IPv6 next hop for the block (annotation `public-ipv6`). */
  readonly publicIpv6?: IpAddress;
  /** `backend-type`: `host-gw` for flannel host-gw nodes and for edgeway nodes (route mode writes `host-gw`). */
  readonly backendType: string;
  /** `backend-data`, decoded from JSON: `null` for host-gw; a VXLAN node's `{VNI, VtepMAC}`. */
  readonly backendData: unknown;
}

/** Why a lease event was emitted. */
export type LeaseEventType = 'added' | 'updated' | 'removed';

/** A change of the lease set: the lease concerned and the whole current set after the change. */
export interface LeaseEvent {
  readonly type: LeaseEventType;
  /** For `removed`, the lease as it was last seen. */
  readonly lease: NodeLease;
  /** Every current lease (in node-name order), so a listener can hand the full desired state to a reconciler. */
  readonly leases: readonly NodeLease[];
}

/** A listener of {@link LeaseSource.watch}. */
export type LeaseListener = (event: LeaseEvent) => void;

/** A node seen but not turned into a lease (not yet annotated, no podCIDR, a podCIDR outside `Network`…). */
export interface SkippedNode {
  readonly node: string;
  /** The reason, as a typed error naming the value (`ERR_LEASE_NOT_READY`, `ERR_PODCIDR_OUTSIDE_NETWORK`…). */
  readonly error: FlannelError;
}

/** What our node announces when it takes its lease (flannel's `LeaseAttrs`). */
export interface AcquireOptions {
  /** Our IPv4 address for peers; required when IPv4 is enabled (flanneld `--public-ip` or the interface address). */
  readonly publicIp?: IpAddress;
  /** Our IPv6 address for peers; required when IPv6 is enabled. */
  readonly publicIpv6?: IpAddress;
  /** Our previous IPv4 block (from `subnet.env`), preferred when we allocate and it is still free. */
  readonly previousSubnet?: Cidr;
  /** Our previous IPv6 block (from `subnet.env`), preferred when we allocate and it is still free. */
  readonly previousIpv6Subnet?: Cidr;
}

/**
 * Where node subnet leases come from: the Kubernetes API ({@link KubeLeaseSource}) or a list kept in memory
 * ({@link StaticLeaseSource}). flannel's `subnet.Manager`, reduced to what route mode needs: the current set, a watch
 * of its changes, and acquiring our own lease.
 */
export interface LeaseSource {
  /** Every current lease (nodes that are not ready are left out — see {@link LeaseSource.skipped}). */
  list(): Promise<NodeLease[]>;
  /**
   * Calls `listener` on every change, with the full current set. Returns the function that stops the calls.
   * Listener exceptions are caught (and logged), never break the source.
   */
  watch(listener: LeaseListener): () => void;
  /**
   * Ensures our node's lease: its block (read from the Node, or allocated when the source allocates) and flannel's
   * annotations naming our public address(es). Idempotent.
   * @throws FlannelError `ERR_NO_PODCIDR`, `ERR_PODCIDR_OUTSIDE_NETWORK`, `ERR_PUBLIC_IP_MISSING`,
   * `ERR_LEASE_CONFLICT`, `ERR_NODE_NOT_FOUND`, `ERR_KUBE_API`.
   */
  acquire(nodeName: string, options: AcquireOptions): Promise<NodeLease>;
  /**
   * Tells the cluster our node's network is up, once routes and `subnet.env` are in place (flannel's
   * `CompleteLease`: the node condition `NetworkUnavailable=False`). A no-op where there is no cluster.
   */
  complete(nodeName: string): Promise<void>;
  /** The nodes seen but skipped, with the reason. */
  skipped(): readonly SkippedNode[];
  /** Stops watching and releases resources. Further calls fail with `ERR_LEASE_SOURCE_CLOSED`. */
  close(): Promise<void>;
}

/** Whether two leases carry the same routing information. */
export function sameLease(a: NodeLease, b: NodeLease): boolean {
  const eq = <T extends { equals(o: T): boolean }>(x: T | undefined, y: T | undefined): boolean =>
    x === undefined || y === undefined ? x === y : x.equals(y);
  return (
    a.node === b.node &&
    eq(a.subnet, b.subnet) &&
    eq(a.ipv6Subnet, b.ipv6Subnet) &&
    eq(a.publicIp, b.publicIp) &&
    eq(a.publicIpv6, b.publicIpv6) &&
    a.backendType === b.backendType &&
    JSON.stringify(a.backendData) === JSON.stringify(b.backendData)
  );
}
