/**
 * Numbers of the rtnetlink protocol (rtnetlink(7); include/uapi/linux/rtnetlink.h, fib_rules.h, if_link.h,
 * if_addr.h, veth.h; include/linux/socket.h for address families). Values are kernel ABI and never change.
 * @module
 */

/** `NETLINK_ROUTE`: the netlink protocol of rtnetlink (netlink(7)). */
export const NETLINK_ROUTE = 0;

/** rtnetlink message types (rtnetlink.h `RTM_*`). */
export const RtmType = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWRULE: 32,
  DELRULE: 33,
  GETRULE: 34,
} as const;

/** Address families (linux/socket.h `AF_*`). */
export const AddressFamily = {
  UNSPEC: 0,
  INET: 2,
  INET6: 10,
  MPLS: 28,
} as const;

/** `rtm_protocol` values the kernel and iproute2 reserve (rtnetlink.h `RTPROT_*`, iproute2 `rt_protos`). */
export const RouteProtocol = {
  UNSPEC: 0,
  REDIRECT: 1,
  KERNEL: 2,
  BOOT: 3,
  STATIC: 4,
  GATED: 8,
  RA: 9,
  MRT: 10,
  ZEBRA: 11,
  BIRD: 12,
  DNROUTED: 13,
  XORP: 14,
  NTK: 15,
  DHCP: 16,
  MROUTED: 17,
  KEEPALIVED: 18,
  BABEL: 42,
  OPENR: 99,
  BGP: 186,
  ISIS: 187,
  OSPF: 188,
  RIP: 189,
  EIGRP: 192,
} as const;

/** `rtm_scope` (rtnetlink.h `enum rt_scope_t`). */
export const RouteScope = {
  UNIVERSE: 0,
  SITE: 200,
  LINK: 253,
  HOST: 254,
  NOWHERE: 255,
} as const;

/** Reserved table ids (rtnetlink.h `enum rt_class_t`). Ids above 255 travel in `RTA_TABLE`. */
export const RouteTableId = {
  UNSPEC: 0,
  COMPAT: 252,
  DEFAULT: 253,
  MAIN: 254,
  LOCAL: 255,
} as const;

/** `rtm_type` (rtnetlink.h `RTN_*`). */
export const RouteType = {
  UNSPEC: 0,
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
  THROW: 9,
  NAT: 10,
  XRESOLVE: 11,
} as const;

/** `rtm_flags` bits: `RTM_F_*` (rtnetlink.h) and the next-hop flags `RTNH_F_*` that share the field. */
export const RouteFlags = {
  /** `RTNH_F_DEAD`: next hop is dead. */
  DEAD: 0x1,
  /** `RTNH_F_PERVASIVE`. */
  PERVASIVE: 0x2,
  /** `RTNH_F_ONLINK`: gateway is on the link even though no address covers it. */
  ONLINK: 0x4,
  /** `RTNH_F_OFFLOAD`. */
  OFFLOAD: 0x8,
  /** `RTNH_F_LINKDOWN`: carrier down on the next hop's device. */
  LINKDOWN: 0x10,
  /** `RTM_F_NOTIFY`. */
  NOTIFY: 0x100,
  /** `RTM_F_CLONED`: a cache clone, not a FIB entry. */
  CLONED: 0x200,
} as const;

/** Route attributes (rtnetlink.h `enum rtattr_type_t`). */
export const Rta = {
  DST: 1,
  SRC: 2,
  IIF: 3,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  FLOW: 11,
  CACHEINFO: 12,
  TABLE: 15,
  MARK: 16,
  VIA: 18,
  PREF: 20,
  EXPIRES: 23,
  NH_ID: 30,
} as const;

/** Policy-rule attributes (fib_rules.h `FRA_*`). */
export const Fra = {
  DST: 1,
  SRC: 2,
  IIFNAME: 3,
  GOTO: 4,
  PRIORITY: 6,
  FWMARK: 10,
  FLOW: 11,
  TUN_ID: 12,
  SUPPRESS_IFGROUP: 13,
  SUPPRESS_PREFIXLEN: 14,
  TABLE: 15,
  FWMASK: 16,
  OIFNAME: 17,
  L3MDEV: 19,
  UID_RANGE: 20,
  /** Originator of the rule (kernel ≥ 4.17). */
  PROTOCOL: 21,
  IP_PROTO: 22,
  SPORT_RANGE: 23,
  DPORT_RANGE: 24,
} as const;

/** Policy-rule actions (fib_rules.h `FR_ACT_*`). */
export const RuleAction = {
  UNSPEC: 0,
  TO_TBL: 1,
  GOTO: 2,
  NOP: 3,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
} as const;

/** Rule flags (fib_rules.h `FIB_RULE_*`). */
export const RuleFlags = {
  PERMANENT: 0x1,
  INVERT: 0x2,
  UNRESOLVED: 0x4,
  IIF_DETACHED: 0x8,
  OIF_DETACHED: 0x10,
} as const;

/** Link attributes (if_link.h `IFLA_*`). */
export const Ifla = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  OPERSTATE: 16,
  LINKINFO: 18,
  NET_NS_PID: 19,
  NET_NS_FD: 28,
  LINK_NETNSID: 37,
} as const;

/** Nested in `IFLA_LINKINFO` (if_link.h `IFLA_INFO_*`). */
export const IflaInfo = {
  KIND: 1,
  DATA: 2,
} as const;

/** Nested in veth's `IFLA_INFO_DATA` (veth.h). The peer is an `ifinfomsg` followed by `IFLA_*`. */
export const VethInfo = {
  PEER: 1,
} as const;

/** `ifi_flags` bits (if.h `IFF_*`). */
export const InterfaceFlags = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  RUNNING: 0x40,
  NOARP: 0x80,
  MULTICAST: 0x1000,
  LOWER_UP: 0x10000,
} as const;

/** Address attributes (if_addr.h `IFA_*`). */
export const Ifa = {
  ADDRESS: 1,
  LOCAL: 2,
  LABEL: 3,
  BROADCAST: 4,
  ANYCAST: 5,
  CACHEINFO: 6,
  FLAGS: 8,
} as const;

/** `ifa_flags` bits (if_addr.h `IFA_F_*`). */
export const AddressFlags = {
  SECONDARY: 0x01,
  NODAD: 0x02,
  DADFAILED: 0x08,
  PERMANENT: 0x80,
  TENTATIVE: 0x40,
} as const;

const MESSAGE_TYPE_NAMES = new Map<number, string>(
  Object.entries(RtmType).map(([name, value]) => [value, `RTM_${name}`] as const),
);

/** `RTM_NEWROUTE` etc. for an `nlmsg_type`, for messages and logs. */
export function messageTypeName(type: number): string {
  return MESSAGE_TYPE_NAMES.get(type) ?? `netlink message type ${type}`;
}
