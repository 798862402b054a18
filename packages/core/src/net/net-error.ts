import { EdgewayError } from '../errors/edgeway-error.js';

/** Stable codes of {@link NetError}. */
export const NetErrorCode = {
  /** The text is not an IPv4 or IPv6 address. */
  InvalidAddress: 'ERR_IP_INVALID',
  /** The text is not `address/prefix`. */
  InvalidCidr: 'ERR_CIDR_INVALID',
  /** The prefix length is outside 0..32 (IPv4) or 0..128 (IPv6). */
  PrefixOutOfRange: 'ERR_CIDR_PREFIX_RANGE',
  /** Bits below the prefix length are set (`10.0.0.1/16`) in a strict parse. */
  HostBitsSet: 'ERR_CIDR_HOST_BITS',
  /** IPv4 and IPv6 values were mixed in one operation. */
  FamilyMismatch: 'ERR_IP_FAMILY_MISMATCH',
  /** An index or subnet length outside what the block holds. */
  OutOfRange: 'ERR_CIDR_OUT_OF_RANGE',
} as const;

/** A stable code of {@link NetError}. */
export type NetErrorCode = (typeof NetErrorCode)[keyof typeof NetErrorCode];

/** An error of the address and CIDR layer; `details.input` names the offending value. */
export class NetError extends EdgewayError {
  declare readonly code: NetErrorCode;

  constructor(code: NetErrorCode, message: string, details: Record<string, unknown>, cause?: unknown) {
    super(code, message, { details, cause });
  }
}
