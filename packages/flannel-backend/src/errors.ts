import { EdgewayError } from '@edgeway/core';

/**
 * Stable codes of {@link FlannelError}. Branch on these, never on messages; every error names the offending value
 * in its message and in `details`.
 */
export const FlannelErrorCode = {
  /**
   * `net-conf.json` (or our own options) is not valid: not JSON, a field of the wrong type, an unparsable CIDR, a
   * `SubnetLen`/`SubnetMin`/`SubnetMax` that flannel's `CheckNetworkConfig` would refuse. `details.field` names the
   * field (`Network`, `Backend.Type`, `edgeway.metric`…) and `details.value` the value.
   */
  Config: 'ERR_FLANNEL_CONFIG',
  /** `Backend.Type` is a flannel backend edgeway does not implement (`vxlan`, `wireguard`, `udp`…); `details.value`. */
  UnsupportedBackend: 'ERR_UNSUPPORTED_BACKEND',
  /** `Network` / `IPv6Network` overlaps the node network; `details.network` and `details.nodeNetwork` name both. */
  NetworkOverlap: 'ERR_NETWORK_OVERLAP',
  /** A node's `spec.podCIDR(s)` lies outside `Network` / `IPv6Network`; `details.node` and `details.podCidr`. */
  PodCidrOutsideNetwork: 'ERR_PODCIDR_OUTSIDE_NETWORK',
  /** A node's `spec.podCIDR(s)` does not parse or holds more than one block per family; `details.node`, `details.podCidr`. */
  InvalidPodCidr: 'ERR_PODCIDR_INVALID',
  /**
   * A node has no flannel lease yet: `kube-subnet-manager` is not `"true"` or `public-ip` is missing (flannel has not
   * started there); it is skipped, not routed. `details.node`, `details.annotation`.
   */
  LeaseNotReady: 'ERR_LEASE_NOT_READY',
  /** Our node has no `spec.podCIDR` for an enabled family and allocation is off; `details.node`, `details.family`. */
  NoPodCidr: 'ERR_NO_PODCIDR',
  /** The public IP given for our node is on no local interface; `details.publicIp`. */
  PublicIpNotLocal: 'ERR_PUBLIC_IP_NOT_LOCAL',
  /** A public IP is missing for an enabled family, or is of the wrong family; `details.node`, `details.family`. */
  PublicIpMissing: 'ERR_PUBLIC_IP_MISSING',
  /**
   * Another node holds the block asked for, or an optimistic-concurrency write kept losing (409) past the retry
   * limit; `details.node`, `details.subnet`, `details.holder`. Retryable.
   */
  LeaseConflict: 'ERR_LEASE_CONFLICT',
  /** Our Node object does not exist (in the API server or the static list); `details.node`. Retryable. */
  NodeNotFound: 'ERR_NODE_NOT_FOUND',
  /** The annotation prefix is not `fqdn[/name]` as flannel's `--kube-annotation-prefix` requires; `details.prefix`. */
  AnnotationPrefix: 'ERR_ANNOTATION_PREFIX',
  /** A node annotation holds a value flannel would not accept (an unparsable IP, invalid JSON); `details.annotation`. */
  InvalidAnnotation: 'ERR_ANNOTATION_INVALID',
  /** The Kubernetes API answered with an unexpected error; `details.status`, `cause`. Retryable for 5xx and 429. */
  KubeApi: 'ERR_KUBE_API',
  /** `subnet.env` could not be written or read; `details.path`, `cause`. */
  SubnetFile: 'ERR_SUBNET_FILE',
  /** `subnet.env` exists but does not hold what flannel writes; `details.path`, `details.line`/`details.key`. */
  SubnetFileInvalid: 'ERR_SUBNET_FILE_INVALID',
  /** The lease source was closed. */
  Closed: 'ERR_LEASE_SOURCE_CLOSED',
  /**
   * No interface matches `--iface` / `--iface-regex` / `--iface-can-reach` (or the default route), or it has no
   * usable address of an enabled family; `details.selector`. (Raised by route mode's interface selection.)
   */
  InterfaceNotFound: 'ERR_INTERFACE_NOT_FOUND',
  /** `iptables-restore` / `iptables-save` (or `nft`) failed; `details.command`, `details.stderr`. */
  Iptables: 'ERR_IPTABLES',
  /** The agent was asked to do something its state does not allow (start twice, use after stop); `details.state`. */
  AgentState: 'ERR_AGENT_STATE',
} as const;

/** A stable code of {@link FlannelError}. */
export type FlannelErrorCode = (typeof FlannelErrorCode)[keyof typeof FlannelErrorCode];

/**
 * The error of `@edgeway/flannel-backend`: an {@link EdgewayError} with one of {@link FlannelErrorCode}, the
 * offending value in `details`, the underlying error in `cause`.
 */
export class FlannelError extends EdgewayError {
  declare readonly code: FlannelErrorCode;

  constructor(
    code: FlannelErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options: { cause?: unknown; isRetryable?: boolean } = {},
  ) {
    super(code, message, { details, cause: options.cause, isRetryable: options.isRetryable ?? false });
  }
}

/** True when `err` is a {@link FlannelError}, optionally with the given code. */
export function isFlannelError(err: unknown, code?: FlannelErrorCode): err is FlannelError {
  return err instanceof FlannelError && (code === undefined || err.code === code);
}
