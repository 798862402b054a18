import type { Cidr } from '../net/cidr.js';
import type { IpAddress } from '../net/ip.js';
import { IpamError, IpamErrorCode } from './ipam-error.js';

/**
 * Who holds an address: the pair the CNI spec uses to identify an attachment, `CNI_CONTAINERID` and `CNI_IFNAME`
 * (CNI SPEC.md, "Parameters"). CNI host-local stores exactly this pair per address
 * (`<containerId>\r\n<ifName>` in `/var/lib/cni/networks/<net>/<ip>`), so one container may hold one address per
 * interface.
 */
export interface IpamOwner {
  /** `CNI_CONTAINERID`: the runtime's container (sandbox) id. Non-empty. */
  readonly containerId: string;
  /** `CNI_IFNAME`: the interface inside the container, e.g. `eth0`. Non-empty. */
  readonly ifName: string;
}

/** Options of {@link Ipam.allocate}. */
export interface AllocateOptions {
  /**
   * A specific address (CNI's `ips` capability / host-local's `requestedIP`, e.g. from the pod annotation
   * `cni.projectcalico.org/ipAddrs` in Calico). Fails with a typed error if it is outside the block, reserved, or
   * taken by another owner.
   */
  readonly requested?: IpAddress | string;
  /** Abandons waiting (for a lock, a cloud call) when aborted. */
  readonly signal?: AbortSignal;
}

/** An address handed to an owner: what a CNI `ADD` result's `ips[]` entry carries. */
export interface IpamAllocation {
  /** The address (CNI result `ips[].address` without the prefix). */
  readonly address: IpAddress;
  /** The block the address belongs to; its prefix length is the one to put on the interface. */
  readonly block: Cidr;
  /** The block's gateway (CNI result `ips[].gateway`), if it has one. */
  readonly gateway: IpAddress | undefined;
  /** Who holds it. */
  readonly owner: IpamOwner;
}

/**
 * Pod address management on one node: the operations behind CNI `ADD` and `DEL` for an IPAM plugin (CNI SPEC.md,
 * "IP Allocation Delegation"). Implemented by a file-backed host-local-style pool here, and by the Terway backend
 * with ENI secondary addresses.
 *
 * Semantics every implementation keeps:
 * - `allocate` is idempotent per owner: the spec forbids a runtime from calling `ADD` twice for one
 *   (`CNI_CONTAINERID`, `CNI_IFNAME`) without a `DEL` in between, but a plugin killed after persisting an address
 *   and retried must not leak it, so a second call returns the address the owner already holds (host-local returns
 *   an error here instead; a retried `ADD` after a crash then fails until a `DEL`).
 * - The allocation is durable before `allocate` resolves, where the implementation persists at all.
 * - `release` is idempotent: releasing an owner that holds nothing succeeds (the spec: "Plugins should generally
 *   complete a DEL action without error even if some resources are missing").
 */
export interface Ipam {
  /**
   * Gives `owner` an address (the one it already holds, the requested one, or the next free one).
   * @throws IpamError `ERR_POOL_EXHAUSTED`, `ERR_ADDRESS_OUTSIDE_BLOCK`, `ERR_ADDRESS_RESERVED`,
   * `ERR_ADDRESS_TAKEN`, `ERR_OWNER_HAS_ADDRESS`, `ERR_IPAM_FAMILY_MISMATCH`, `ERR_IPAM_OWNER`.
   */
  allocate(owner: IpamOwner, options?: AllocateOptions): Promise<IpamAllocation>;
  /** Frees what `owner` holds (CNI `DEL`); resolves to the freed allocation, or `undefined` if it held nothing. */
  release(owner: IpamOwner, options?: { signal?: AbortSignal }): Promise<IpamAllocation | undefined>;
  /** Frees an address whoever holds it (garbage collection of leaked addresses); `undefined` if it was free. */
  releaseByAddress?(
    address: IpAddress | string,
    options?: { signal?: AbortSignal },
  ): Promise<IpamAllocation | undefined>;
  /** Every current allocation, in address order. */
  list(options?: { signal?: AbortSignal }): Promise<IpamAllocation[]>;
}

/**
 * What a node publishes with its block, after flannel's `LeaseAttrs`: the address other nodes route the block
 * to (`flannel.alpha.coreos.com/public-ip`) and the backend's own data (`backend-type`, `backend-data`).
 */
export interface SubnetLeaseAttributes {
  /** The node address that peers use as the next hop for the block (host-gw route mode). */
  readonly publicIp?: IpAddress;
  /** The backend that owns the lease, e.g. `host-gw` or `terway-eni`. */
  readonly backendType?: string;
  /** Backend-specific data, serialisable as JSON. */
  readonly backendData?: Readonly<Record<string, unknown>>;
}

/** A node's block of the cluster CIDR (flannel's `Lease`, Kubernetes' `Node.spec.podCIDR`). */
export interface SubnetLease {
  /** The node (Kubernetes node name) holding the block. */
  readonly node: string;
  /** The block, of the leaser's subnet length. */
  readonly subnet: Cidr;
  /** What the node publishes with it. */
  readonly attributes?: SubnetLeaseAttributes;
  /** When the lease lapses unless renewed (ms since the epoch); absent for leases that do not expire. */
  readonly expiresAt?: number;
}

/** Options of {@link SubnetLeaser.acquire}. */
export interface AcquireLeaseOptions {
  /**
   * The block the node held before (flannel reads it back from `subnet.env` as `FLANNEL_SUBNET`); reused when it
   * is still free and fits the configuration, ignored otherwise (as flannel does).
   */
  readonly previous?: Cidr;
  /** What to publish with the lease. */
  readonly attributes?: SubnetLeaseAttributes;
  /** Abandons waiting when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Hands out per-node blocks of a cluster CIDR, in the shape of flannel's `subnet.Manager`
 * (`AcquireLease`/`RenewLease`/`WatchLeases`). The flannel route-mode backend implements it over Kubernetes Node
 * objects; the Terway backend over its vSwitch blocks. Acquiring is sticky: a node that already holds a block gets
 * the same block back.
 */
export interface SubnetLeaser {
  /**
   * The node's lease: the one it holds, else its previous block if still free, else a new one.
   * @throws IpamError `ERR_SUBNETS_EXHAUSTED`, `ERR_IPAM_OWNER`.
   */
  acquire(node: string, options?: AcquireLeaseOptions): Promise<SubnetLease>;
  /** Extends a lease (and updates its attributes). @throws IpamError `ERR_SUBNET_UNAVAILABLE` if it was lost. */
  renew(lease: SubnetLease, options?: { signal?: AbortSignal }): Promise<SubnetLease>;
  /** Gives the node's block back; resolves to the freed lease or `undefined` if it held none. Idempotent. */
  release(node: string, options?: { signal?: AbortSignal }): Promise<SubnetLease | undefined>;
  /** Every current lease, in block order. */
  list(options?: { signal?: AbortSignal }): Promise<SubnetLease[]>;
}

/**
 * Checks an owner's shape (non-empty strings without NUL, as CNI ids and interface names are).
 * @throws IpamError `ERR_IPAM_OWNER`.
 */
export function checkOwner(owner: IpamOwner): void {
  if (owner === null || typeof owner !== 'object' || !isName(owner.containerId) || !isName(owner.ifName)) {
    throw new IpamError(
      IpamErrorCode.InvalidOwner,
      'an IPAM owner needs a non-empty containerId and ifName',
      { owner: owner as unknown },
    );
  }
}

/**
 * Checks a node name (non-empty string).
 * @throws IpamError `ERR_IPAM_OWNER`.
 */
export function checkNodeName(node: string): void {
  if (!isName(node)) {
    throw new IpamError(IpamErrorCode.InvalidOwner, `invalid node name ${JSON.stringify(node)}`, { node });
  }
}

function isName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && !v.includes('\0');
}
