import { constants as osConstants } from 'node:os';
import { EdgewayError } from '../errors/edgeway-error.js';

/** Stable codes of the kernel layer's errors. Never reworded; safe to branch on. */
export const KernelErrorCode = {
  /** A datagram ended inside a message or attribute (netlink(7): `nlmsg_len` / `rta_len` past the end). */
  Truncated: 'ERR_NETLINK_TRUNCATED',
  /** A length field that cannot be right (shorter than its own header, over the maximum message size). */
  Malformed: 'ERR_NETLINK_MALFORMED',
  /** The kernel answered a request with a non-zero `nlmsgerr.error` not mapped to a more specific code. */
  Netlink: 'ERR_NETLINK',
  /** The receive buffer overflowed (`ENOBUFS`): replies were lost, the outcome of in-flight requests is unknown. */
  Overrun: 'ERR_NETLINK_OVERRUN',
  /** The socket was closed with the request still pending. */
  Closed: 'ERR_NETLINK_CLOSED',
  /** No reply within the request timeout. */
  Timeout: 'ERR_NETLINK_TIMEOUT',
  /** A dump was aborted through its `AbortSignal`. */
  Aborted: 'ERR_NETLINK_ABORTED',
  /** `sendmsg(2)` itself failed. */
  Send: 'ERR_NETLINK_SEND',
  /** `RTM_NEWROUTE` with `NLM_F_EXCL`: a route with this key (table, destination, tos, metric) exists (`EEXIST`). */
  RouteExists: 'ERR_ROUTE_EXISTS',
  /**
   * The gateway is not on a connected network of the device (`ENETUNREACH` for IPv4, `EHOSTUNREACH` for
   * IPv6); use `onlink` to force it.
   */
  GatewayUnreachable: 'ERR_GATEWAY_UNREACHABLE',
  /** `RTM_DELROUTE` / replace: no route of ours with this key (`ESRCH`). */
  RouteNotFound: 'ERR_ROUTE_NOT_FOUND',
  /** The named or indexed device does not exist in the namespace (`ENODEV`, or not in the link table). */
  NoDevice: 'ERR_NO_DEVICE',
  /** `RTM_NEWRULE` with `NLM_F_EXCL`: an identical rule exists (`EEXIST`). */
  RuleExists: 'ERR_RULE_EXISTS',
  /** `RTM_DELRULE`: no matching rule (`ENOENT`). */
  RuleNotFound: 'ERR_RULE_NOT_FOUND',
  /** A link (interface) with that name exists already (`EEXIST` on `RTM_NEWLINK`). */
  LinkExists: 'ERR_LINK_EXISTS',
  /** An address is assigned already (`EEXIST` on `RTM_NEWADDR`). */
  AddressExists: 'ERR_ADDRESS_EXISTS',
  /** An address to remove is not assigned (`EADDRNOTAVAIL` on `RTM_DELADDR`). */
  AddressNotFound: 'ERR_ADDRESS_NOT_FOUND',
  /** The named network namespace has no file under `/run/netns` (or the given path does not exist). */
  NetnsNotFound: 'ERR_NETNS_NOT_FOUND',
  /** `setns(2)` into the namespace, or back to ours, failed; or libc could not be loaded through koffi. */
  Netns: 'ERR_NETNS',
  /** `ip netns add|del` failed. */
  NetnsCommand: 'ERR_NETNS_COMMAND',
  /** A value cannot be encoded (address of the wrong length, table out of range…). */
  InvalidArgument: 'ERR_NETLINK_INVALID_ARGUMENT',
} as const;

/** A stable code of the kernel layer. */
export type KernelErrorCode = (typeof KernelErrorCode)[keyof typeof KernelErrorCode];

const errnoNames = new Map<number, string>(
  Object.entries(osConstants.errno).map(([name, value]) => [value, name] as const),
);

/** The symbolic name of a positive errno value (`17` → `EEXIST`), or `E<n>` when unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** Errno values the layer maps to specific codes (include/uapi/asm-generic/errno-base.h, errno.h). */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOBUFS: 105,
  ENETUNREACH: 101,
  EHOSTUNREACH: 113,
  EADDRNOTAVAIL: 99,
  EOPNOTSUPP: 95,
} as const;

/**
 * A wire-level decoding error: a netlink datagram or attribute is truncated or its lengths are impossible.
 * `details` holds the offset, the length needed and the bytes available.
 */
export class NetlinkDecodeError extends EdgewayError {
  declare readonly code: typeof KernelErrorCode.Truncated | typeof KernelErrorCode.Malformed;

  constructor(
    code: typeof KernelErrorCode.Truncated | typeof KernelErrorCode.Malformed,
    message: string,
    details: Record<string, unknown>,
  ) {
    super(code, message, { details });
  }
}

/** Options of {@link NetlinkError}. */
export interface NetlinkErrorOptions {
  /** Positive errno from `nlmsgerr.error` or the failed syscall. */
  errno?: number;
  /** The extended-ack message (`NLMSGERR_ATTR_MSG`) when the kernel sent one. */
  extack?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
  isRetryable?: boolean;
}

/**
 * An rtnetlink request failed: the kernel's `NLMSG_ERROR` (netlink(7)), a socket error, a timeout or a close.
 * `errno`/`errnoName` carry the kernel's answer; `extack` its extended-ack text when present.
 */
export class NetlinkError extends EdgewayError {
  declare readonly code: KernelErrorCode;
  /** Positive errno, or undefined when the failure was not an errno (timeout, close). */
  readonly errno: number | undefined;
  /** Symbolic errno (`EEXIST`), or undefined. */
  readonly errnoName: string | undefined;
  /** Extended-ack message from the kernel, if any. */
  readonly extack: string | undefined;

  constructor(code: KernelErrorCode, message: string, options: NetlinkErrorOptions = {}) {
    const name = options.errno === undefined ? undefined : errnoName(options.errno);
    super(code, message, {
      cause: options.cause,
      isRetryable: options.isRetryable ?? false,
      details: {
        ...(options.details ?? {}),
        ...(options.errno === undefined ? {} : { errno: options.errno, errnoName: name }),
        ...(options.extack === undefined ? {} : { extack: options.extack }),
      },
    });
    this.errno = options.errno;
    this.errnoName = name;
    this.extack = options.extack;
  }

  /** An error built from a kernel `NLMSG_ERROR` with a negative `error` field. */
  static fromErrno(errno: number, what: string, extack?: string): NetlinkError {
    return new NetlinkError(KernelErrorCode.Netlink, describe(`${what} failed`, errno, extack), {
      errno,
      ...(extack === undefined ? {} : { extack }),
      isRetryable: errno === Errno.EBUSY || errno === Errno.EINTR || errno === Errno.ENOBUFS,
    });
  }
}

/**
 * A route operation failed. The message names the route (`ip route` syntax); `details.route` holds the same
 * text and `details.operation` is `add`, `replace`, `remove` or `list`.
 */
export class KernelRouteError extends NetlinkError {}

/** A policy-rule operation failed; `details.rule` names the rule (`ip rule` syntax). */
export class KernelRuleError extends NetlinkError {}

/** A link or address operation failed; `details.link` names the device. */
export class KernelLinkError extends NetlinkError {}

/** A network namespace could not be found, entered, created or deleted; `details.netns` names it. */
export class NetnsError extends EdgewayError {
  declare readonly code:
    | typeof KernelErrorCode.NetnsNotFound
    | typeof KernelErrorCode.Netns
    | typeof KernelErrorCode.NetnsCommand;

  constructor(
    code:
      | typeof KernelErrorCode.NetnsNotFound
      | typeof KernelErrorCode.Netns
      | typeof KernelErrorCode.NetnsCommand,
    message: string,
    details: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(code, message, { details, cause });
  }
}

/** `<what>: <errno name> (<extack>)`. */
export function describe(what: string, errno: number | undefined, extack?: string): string {
  const parts = [what];
  if (errno !== undefined) parts.push(`: ${errnoName(errno)}`);
  if (extack) parts.push(` (${extack})`);
  return parts.join('');
}

/** The errno of a {@link NetlinkError}, or undefined for anything else. */
export function errnoOf(err: unknown): number | undefined {
  return err instanceof NetlinkError ? err.errno : undefined;
}
