import { EdgewayError } from '../errors/edgeway-error.js';

/**
 * Stable codes of {@link IpamError}. Branch on these, never on messages. Text that is not a valid address or CIDR
 * is reported by the net layer's own `NetError` (`ERR_IP_INVALID`, `ERR_CIDR_INVALID`, `ERR_CIDR_HOST_BITS`,
 * `ERR_CIDR_PREFIX_RANGE`), unchanged.
 */
export const IpamErrorCode = {
  /** A configuration value is out of range or inconsistent; `details.field` names it. */
  InvalidConfig: 'ERR_IPAM_CONFIG',
  /** IPv4 and IPv6 were mixed (a requested address, a reserved range or a bound of the other family). */
  FamilyMismatch: 'ERR_IPAM_FAMILY_MISMATCH',
  /** An owner (container id and interface, or node name) is empty or not a string. */
  InvalidOwner: 'ERR_IPAM_OWNER',
  /** Every node block between `SubnetMin` and `SubnetMax` is leased or reserved; `details.network` names the CIDR. */
  SubnetsExhausted: 'ERR_SUBNETS_EXHAUSTED',
  /** A block asked for (restored from a lease) is reserved, out of bounds, of the wrong length or leased to another node. */
  SubnetUnavailable: 'ERR_SUBNET_UNAVAILABLE',
  /** Every address of the block is allocated or reserved; `details.block` names the block. Retryable (pods go). */
  PoolExhausted: 'ERR_POOL_EXHAUSTED',
  /** A requested address is not inside the pool's block. */
  OutsideBlock: 'ERR_ADDRESS_OUTSIDE_BLOCK',
  /** A requested address is the network, gateway or broadcast address, reserved, or outside the allocation range. */
  AddressReserved: 'ERR_ADDRESS_RESERVED',
  /** A requested address is allocated to another owner; `details.owner` names it. */
  AddressTaken: 'ERR_ADDRESS_TAKEN',
  /** The owner already holds a different address than the one requested. */
  OwnerHasAddress: 'ERR_OWNER_HAS_ADDRESS',
  /** A store file does not parse or violates its invariants; `details.file` names it. Never retried. */
  StoreCorrupt: 'ERR_STORE_CORRUPT',
  /** A store file is valid but belongs to another block than the one configured; `details.file` names it. */
  StoreMismatch: 'ERR_STORE_MISMATCH',
  /** The store's lock was not obtained in time (another process holds it). Retryable. */
  StoreLockTimeout: 'ERR_STORE_LOCK_TIMEOUT',
  /** Reading, writing or locking a store file failed; `details.file` and `cause` say how. */
  StoreIo: 'ERR_STORE_IO',
  /** The store was closed. */
  StoreClosed: 'ERR_STORE_CLOSED',
} as const;

/** A stable code of {@link IpamError}. */
export type IpamErrorCode = (typeof IpamErrorCode)[keyof typeof IpamErrorCode];

/** An error of address and subnet management; `details` names the block, address, owner or file concerned. */
export class IpamError extends EdgewayError {
  declare readonly code: IpamErrorCode;

  constructor(
    code: IpamErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: { cause?: unknown; isRetryable?: boolean } = {},
  ) {
    super(code, message, { details, cause: options.cause, isRetryable: options.isRetryable ?? false });
  }
}
