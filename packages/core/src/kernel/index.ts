/**
 * The Linux kernel layer of `@edgeway/core`: routes, policy rules, links and addresses through rtnetlink
 * (rtnetlink(7), netlink(7); include/uapi/linux/netlink.h, rtnetlink.h, fib_rules.h, if_link.h, if_addr.h),
 * in the current network namespace or a named one (network_namespaces(7), setns(2)).
 *
 * Layers, each usable on its own:
 * - a pure codec (bytes in, plain objects out): framing, routes, rules, links, addresses;
 * - {@link RtnetlinkSocket}, the I/O edge: one socket, batched datagrams, seq-matched acks, bounded window;
 * - {@link KernelRouteTable} and {@link RuleTable}: `RouteTable` implementations for `reconcile`, owned by
 *   protocol number; {@link LinkManager} for veth pairs, namespaces moves, MTU and addresses.
 * @module
 */

// ── Errors ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * - `KernelErrorCode`: stable error codes of the kernel layer (`ERR_ROUTE_EXISTS` = EEXIST, `ERR_GATEWAY_UNREACHABLE` = ENETUNREACH…).
 * - `NetlinkError` (`NetlinkErrorOptions`): a kernel `NLMSG_ERROR` (netlink(7) `struct nlmsgerr`), socket failure, timeout or close; carries `errno`.
 * - `NetlinkDecodeError`: a truncated or malformed netlink datagram/attribute (`ERR_NETLINK_TRUNCATED`, `ERR_NETLINK_MALFORMED`).
 * - `KernelRouteError`: a failed route operation; the message and `details.route` name the route in `ip route` syntax.
 * - `KernelRuleError`: a failed policy-rule operation (fib_rules.h); `details.rule` names the rule in `ip rule` syntax.
 * - `KernelLinkError`: a failed link or address operation; `details.link` names the device.
 * - `NetnsError`: a namespace that cannot be found, entered (setns(2)), created or deleted (ip-netns(8)).
 * - `errnoName`: the symbolic name of an errno value (errno(3)): `17` → `EEXIST`.
 */
export {
  errnoName,
  KernelErrorCode,
  KernelLinkError,
  KernelRouteError,
  KernelRuleError,
  NetlinkDecodeError,
  NetlinkError,
  type NetlinkErrorOptions,
  NetnsError,
} from './kernel-errors.js';

// ── Routes (rtnetlink(7) RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE) ───────────────────────────────────

/** A route in a FIB table (`ip route`): destination, gateway, device, table, scope, metric, onlink, type, src. */
export type { KernelRoute, KernelRouteScope, KernelRouteType } from './kernel-route.js';
/**
 * - `EDGEWAY_ROUTE_PROTOCOL`: edgeway's `rtm_protocol` (69, `proto 69`), by which it owns its routes and rules (rtnetlink.h `RTPROT_*`).
 * - `kernelRouteKey`: the kernel's identity of a route: table, family, destination, metric (net/ipv4/fib_trie.c `fib_table_insert`).
 * - `kernelRoutesEqual`: whether an installed route already is the desired one (gateway, device, scope, type, onlink, source).
 * - `formatKernelRoute`: a route in `ip route` syntax, with the defaults the kernel applies.
 * - `normalizeRoute` (`NormalizedRoute`): a route with the kernel's defaults applied (metric 0 / 1024, scope, type, table).
 * - `routeToMessage`, `routeToDeleteMessage`, `routeFromMessage` (`RouteEncodingContext`): the `RTM_NEWROUTE` / `RTM_DELROUTE` message of a route, and the route of a message.
 */
export {
  EDGEWAY_ROUTE_PROTOCOL,
  formatKernelRoute,
  kernelRouteKey,
  kernelRoutesEqual,
  type NormalizedRoute,
  normalizeRoute,
  type RouteEncodingContext,
  routeFromMessage,
  routeToDeleteMessage,
  routeToMessage,
} from './kernel-route.js';
/** The FIB of a namespace as a `RouteTable<KernelRoute>`, owned by protocol number. */
export { KernelRouteTable, type KernelRouteTableOptions } from './kernel-route-table.js';

// ── Policy rules (fib_rules.h, RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE) ─────────────────────────────

/** A policy rule `from/to … lookup TABLE priority N` (`ip rule`). */
export type { PolicyRule } from './rule-table.js';
/**
 * - `policyRuleKey`, `ruleFamily`, `formatPolicyRule`: the identity (family, priority, selector) and `ip rule` text of a rule.
 * - `ruleToMessage`, `ruleFromMessage`: model ↔ codec for rules (`FR_ACT_TO_TBL`, `FRA_PROTOCOL` = owner).
 * - `RuleTable` (`RuleTableOptions`): the policy rules of a namespace as a `RouteTable<PolicyRule>`, owned through `FRA_PROTOCOL` (Linux ≥ 4.17).
 */
export {
  formatPolicyRule,
  policyRuleKey,
  RuleTable,
  type RuleTableOptions,
  ruleFamily,
  ruleFromMessage,
  ruleToMessage,
} from './rule-table.js';

// ── Links and addresses (if_link.h, veth.h, if_addr.h) ──────────────────────────────────────────────

/** veth pairs, up/down, MTU, moves between namespaces, and addresses (`ip link`, `ip address`). */
export {
  type AddAddressOptions,
  type InterfaceAddress,
  type Link,
  LinkManager,
  type LinkManagerOptions,
} from './links.js';

// ── Namespaces (network_namespaces(7), setns(2), ip-netns(8)) ──────────────────────────────────────

/** A namespace by name (`/run/netns/NAME`), path or pid. */
export type { NetnsHandle, NetnsTarget } from './netns.js';
/**
 * - `runInNetns`: runs a synchronous function (e.g. one creating sockets) inside a namespace via setns(2), then returns.
 * - `openNetns`, `netnsPath`, `netnsExists`: open a namespace file (for `IFLA_NET_NS_FD`), its path, whether a named one exists.
 * - `createNetns`, `deleteNetns`: `ip netns add|del` for namespace lifecycle (tests, labs).
 * - `currentNetnsId`, `currentNetnsInode`: the calling thread's namespace (`/proc/thread-self/ns/net`).
 * - `CLONE_NEWNET` (sched.h), `NETNS_RUN_DIR`: the namespace type of setns(2) and iproute2's namespace directory.
 */
export {
  CLONE_NEWNET,
  createNetns,
  currentNetnsId,
  currentNetnsInode,
  deleteNetns,
  NETNS_RUN_DIR,
  netnsExists,
  netnsPath,
  openNetns,
  runInNetns,
} from './netns.js';

// ── The socket (netlink(7)) ──────────────────────────────────────────────────────────────────────────

/** A pipelining `NETLINK_ROUTE` socket: batched datagrams, implicit acks, bounded window, serial dumps. */
export {
  type DumpOptions,
  type RequestOptions,
  RtnetlinkSocket,
  type RtnetlinkSocketOptions,
  type RtnetlinkSocketStats,
} from './netlink-socket.js';
/** `openRawTransport`: the `NETLINK_ROUTE` datagram transport (netlink@0.3 `RawNetlinkSocket`) in a namespace. */
export { type NetlinkTransport, openRawTransport, type RawTransportOptions } from './netlink-transport.js';

// ── The pure codec ─────────────────────────────────────────────────────────────────────────────────

/** Address messages (if_addr.h `struct ifaddrmsg`, `IFA_*`). */
export {
  type AddressMessage,
  type AddressOperation,
  decodeAddressMessage,
  encodeAddressDump,
  encodeAddressRequest,
} from './address-codec.js';
/** Link messages (rtnetlink.h `struct ifinfomsg`, if_link.h `IFLA_*`, veth.h `VETH_INFO_PEER`). */
export {
  decodeLinkMessage,
  encodeLinkDump,
  encodeLinkRequest,
  type LinkMessage,
  type LinkOperation,
  type LinkRequest,
} from './link-codec.js';
/** netlink framing (netlink.h): `nlmsghdr`, attributes, `nlmsgerr`, datagram splitting, incremental decoding. */
export {
  decodeAck,
  encodeMessage,
  forEachAttribute,
  MessageBuilder,
  type NetlinkAck,
  NetlinkDecoder,
  type NetlinkMessage,
  NlmFlags,
  NlmsgType,
  parseAttributes,
  type SplitOptions,
  splitMessages,
} from './netlink-message.js';
/** Route messages (rtnetlink.h `struct rtmsg`, `RTA_*`, `struct rtnexthop`, `struct rtvia`). */
export {
  decodeRouteMessage,
  encodeRouteDump,
  encodeRouteRequest,
  type RouteDumpFilter,
  type RouteMessage,
  type RouteNextHop,
  type RouteOperation,
  type RouteVia,
} from './route-codec.js';
/** rtnetlink numbers: message types, families, protocols, scopes, tables, route types, attributes, flags. */
export {
  AddressFamily,
  AddressFlags,
  Fra,
  Ifa,
  Ifla,
  IflaInfo,
  InterfaceFlags,
  messageTypeName,
  NETLINK_ROUTE,
  RouteFlags,
  RouteProtocol,
  RouteScope,
  RouteTableId,
  RouteType,
  Rta,
  RtmType,
  RuleAction,
  RuleFlags,
  VethInfo,
} from './rtnetlink-constants.js';
/** Rule messages (fib_rules.h `struct fib_rule_hdr`, `FRA_*`). */
export {
  decodeRuleMessage,
  encodeRuleDump,
  encodeRuleRequest,
  type RuleMessage,
  type RuleOperation,
} from './rule-codec.js';
