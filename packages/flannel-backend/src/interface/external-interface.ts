/**
 * Choosing the external interface of a node the way flanneld does (`pkg/ipmatch` `LookupExtIface`, and
 * `pkg/ip/iface.go`): by `--iface` (a name or one of its addresses), by `--iface-regex` (an address first, then
 * a name), by `--iface-can-reach` (the interface of the route to an address), by `--public-ip` when nothing
 * else is given, or else the interface of the default route. Pure: the namespace is described by a
 * {@link NamespaceView} that `lookupExternalInterface` reads from the kernel.
 * @module
 */
import { Cidr, IpAddress, type IpFamily } from '@edgeway/core';
import { FlannelError, FlannelErrorCode } from '../errors.js';

/** An address on an interface with its prefix length (`ip address`: `198.51.100.1/24`). */
export interface InterfaceAddressInfo {
  readonly address: IpAddress;
  readonly prefixLength: number;
}

/** One interface of a namespace as the selection sees it. */
export interface InterfaceInfo {
  readonly name: string;
  readonly index: number;
  readonly mtu?: number;
  /** Administratively up (`IFF_UP`). */
  readonly up: boolean;
  /** Carrier present (`IFF_LOWER_UP`). */
  readonly lowerUp: boolean;
  /** Addresses in the kernel's order. */
  readonly addresses: readonly InterfaceAddressInfo[];
}

/** What the selection needs to know of a namespace. */
export interface NamespaceView {
  readonly links: readonly InterfaceInfo[];
  /** ifindex of the main table's default route per family (flannel's `GetDefaultGatewayInterface`). */
  readonly defaultRoute?: { readonly 4?: number; readonly 6?: number };
  /** The route to `--iface-can-reach` (`ip route get`): its device and preferred source. */
  readonly reach?: { readonly index: number; readonly source?: IpAddress };
}

/** How to choose the external interface (flanneld's flags). The first selector given wins, in this order. */
export interface InterfaceSelection {
  /** `--iface`: interface names or addresses, tried in order. */
  readonly iface?: string | readonly string[];
  /** `--iface-regex`: patterns matched against addresses first, then names, tried in order. */
  readonly ifaceRegex?: string | RegExp | readonly (string | RegExp)[];
  /** `--iface-can-reach`: the interface whose route reaches this address. */
  readonly ifaceCanReach?: IpAddress | string;
  /** `--public-ip`: the node's IPv4 address; host-gw requires it to be an address of the interface. */
  readonly publicIp?: IpAddress | string;
  /** `--public-ipv6`. */
  readonly publicIpv6?: IpAddress | string;
  /** IPv4 enabled (net-conf `EnableIPv4`, default true). */
  readonly ipv4?: boolean;
  /** IPv6 enabled (net-conf `EnableIPv6`, default false). */
  readonly ipv6?: boolean;
}

/** How the interface was found. */
export type InterfaceSelector = 'iface' | 'iface-regex' | 'iface-can-reach' | 'public-ip' | 'default-route';

/**
 * The node's external interface (flannel's `backend.ExternalInterface`): its name, index, MTU, addresses, the
 * address used for each enabled family (`IfaceAddr`, `IfaceV6Addr`) and the public addresses (`ExtAddr`,
 * `ExtV6Addr`), which host-gw requires to be the interface's own.
 */
export interface ExternalInterface {
  readonly name: string;
  readonly index: number;
  readonly mtu: number;
  readonly up: boolean;
  readonly lowerUp: boolean;
  readonly addresses: readonly InterfaceAddressInfo[];
  readonly ipv4?: IpAddress;
  readonly ipv6?: IpAddress;
  readonly publicIp?: IpAddress;
  readonly publicIpv6?: IpAddress;
  readonly selectedBy: InterfaceSelector;
}

/** The prefixes on-link through an interface: one per address (`198.51.100.1/24` → `198.51.100.0/24`). */
export function onLinkPrefixes(addresses: readonly InterfaceAddressInfo[]): Cidr[] {
  return addresses.map((a) => Cidr.of(a.address, a.prefixLength));
}

const LINK_LOCAL: Record<IpFamily, Cidr> = { 4: Cidr.parse('169.254.0.0/16'), 6: Cidr.parse('fe80::/10') };
const NOT_GLOBAL: Record<IpFamily, Cidr[]> = {
  4: [
    Cidr.parse('0.0.0.0/32'),
    Cidr.parse('127.0.0.0/8'),
    Cidr.parse('224.0.0.0/4'),
    Cidr.parse('255.255.255.255/32'),
  ],
  6: [Cidr.parse('::/128'), Cidr.parse('::1/128'), Cidr.parse('ff00::/8')],
};

/**
 * The usable addresses of a family, as flannel's `GetInterfaceIP4Addrs`/`GetInterfaceIP6Addrs` order them:
 * global unicast first (Go's `IsGlobalUnicast`: private ranges included; loopback, multicast, unspecified and
 * link-local excluded), then link-local.
 */
export function usableAddresses(link: InterfaceInfo, family: IpFamily): IpAddress[] {
  const global: IpAddress[] = [];
  const linkLocal: IpAddress[] = [];
  for (const { address } of link.addresses) {
    if (address.family !== family) continue;
    if (LINK_LOCAL[family].contains(address)) linkLocal.push(address);
    else if (!NOT_GLOBAL[family].some((c) => c.contains(address))) global.push(address);
  }
  return [...global, ...linkLocal];
}

function list<T>(x: T | readonly T[] | undefined): readonly T[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

function asIp(x: IpAddress | string | undefined, field: string): IpAddress | undefined {
  if (x === undefined || x instanceof IpAddress) return x;
  if (!IpAddress.isValid(x)) {
    throw new FlannelError(FlannelErrorCode.Config, `${field} ${JSON.stringify(x)} is not an IP address`, {
      field,
      value: x,
    });
  }
  return IpAddress.parse(x);
}

function hasAddress(link: InterfaceInfo, ip: IpAddress): boolean {
  return link.addresses.some((a) => a.address.equals(ip));
}

function describe(view: NamespaceView, family: IpFamily): string {
  return view.links.map((l) => `${l.name}:[${usableAddresses(l, family).map(String).join(' ')}]`).join(', ');
}

interface Pick {
  link: InterfaceInfo;
  by: InterfaceSelector;
  v4?: IpAddress;
  v6?: IpAddress;
}

function byIfaceFlag(view: NamespaceView, wanted: readonly string[], families: IpFamily[]): Pick | undefined {
  for (const entry of wanted) {
    if (IpAddress.isValid(entry)) {
      const ip = IpAddress.parse(entry);
      if (!families.includes(ip.family)) continue;
      const link = view.links.find((l) => hasAddress(l, ip));
      if (link) return { link, by: 'iface', ...(ip.family === 4 ? { v4: ip } : { v6: ip }) };
    } else {
      const link = view.links.find((l) => l.name === entry);
      if (link) return { link, by: 'iface' };
    }
  }
  return undefined;
}

function byRegex(
  view: NamespaceView,
  patterns: readonly (string | RegExp)[],
  families: IpFamily[],
): Pick | undefined {
  for (const p of patterns) {
    let re: RegExp;
    try {
      re = typeof p === 'string' ? new RegExp(p) : p;
    } catch (cause) {
      throw new FlannelError(
        FlannelErrorCode.Config,
        `--iface-regex ${JSON.stringify(p)} is not a valid regular expression`,
        { field: 'ifaceRegex', value: String(p) },
        { cause },
      );
    }
    // Addresses first: every enabled family must have a matching address on the same interface.
    for (const link of view.links) {
      const matched = families.map((f) => usableAddresses(link, f).find((a) => re.test(a.toString())));
      if (matched.every((m) => m !== undefined)) {
        const pick: Pick = { link, by: 'iface-regex' };
        families.forEach((f, i) => {
          if (f === 4) pick.v4 = matched[i];
          else pick.v6 = matched[i];
        });
        return pick;
      }
    }
    const link = view.links.find((l) => re.test(l.name));
    if (link) return { link, by: 'iface-regex' };
  }
  return undefined;
}

function notFound(selector: string, value: string, why: string): Error {
  return new FlannelError(FlannelErrorCode.InterfaceNotFound, `no external interface: ${why}`, {
    selector,
    value,
  });
}

function choose(
  view: NamespaceView,
  sel: InterfaceSelection,
  families: IpFamily[],
  pub4?: IpAddress,
  pub6?: IpAddress,
): Pick {
  const primary = families[0] as IpFamily;
  const ifaces = list(sel.iface);
  if (ifaces.length > 0) {
    const pick = byIfaceFlag(view, ifaces, families);
    if (!pick) {
      throw notFound(
        'iface',
        ifaces.join(','),
        `no interface named or holding ${ifaces.join(', ')} (${describe(view, primary)})`,
      );
    }
    return pick;
  }
  const patterns = list(sel.ifaceRegex);
  if (patterns.length > 0) {
    const pick = byRegex(view, patterns, families);
    if (!pick) {
      const text = patterns.map(String).join(', ');
      throw notFound(
        'iface-regex',
        text,
        `pattern ${text} matches none of the interfaces (${describe(view, primary)})`,
      );
    }
    return pick;
  }
  if (sel.ifaceCanReach !== undefined) {
    const target = String(sel.ifaceCanReach);
    const link = view.reach && view.links.find((l) => l.index === view.reach?.index);
    if (!link) throw notFound('iface-can-reach', target, `no route reaches ${target}`);
    const src = view.reach?.source;
    return { link, by: 'iface-can-reach', ...(src?.family === 4 ? { v4: src } : src ? { v6: src } : {}) };
  }
  const pub = pub4 ?? pub6;
  if (pub) {
    const link = view.links.find((l) => hasAddress(l, pub));
    if (!link) throw publicIpNotLocal(pub, view);
    return { link, by: 'public-ip' };
  }
  const index = view.defaultRoute?.[primary];
  const link = view.links.find((l) => l.index === index);
  if (index === undefined || !link) {
    throw notFound(
      'default-route',
      `IPv${primary}`,
      `no IPv${primary} default route to take the interface from; set iface, ifaceRegex or ifaceCanReach`,
    );
  }
  if (families.length === 2) {
    const v6 = view.defaultRoute?.[6];
    if (v6 !== index) {
      const other = view.links.find((l) => l.index === v6)?.name ?? 'none';
      throw notFound(
        'default-route',
        'dual-stack',
        `the IPv6 default route interface (${other}) must be the IPv4 one (${link.name})`,
      );
    }
  }
  return { link, by: 'default-route' };
}

function publicIpNotLocal(ip: IpAddress, view: NamespaceView, chosen?: string): Error {
  const holder = view.links.find((l) => hasAddress(l, ip));
  const why = holder
    ? `is on ${holder.name}, not on the external interface ${chosen}; host-gw needs the node's public IP on its external interface (no NAT)`
    : 'is on no interface of this node; host-gw needs the public IP to be a local address (flannel: "PublicIP differs from interface IP … NAT … not supported")';
  return new FlannelError(FlannelErrorCode.PublicIpNotLocal, `public IP ${ip.toString()} ${why}`, {
    publicIp: ip.toString(),
    ...(holder ? { interface: holder.name } : {}),
    ...(chosen ? { externalInterface: chosen } : {}),
  });
}

/**
 * Selects the external interface in `view` (see the module). The address used for a family is the public IP
 * (host-gw needs it on the interface: flannel refuses a public IP that differs from the interface's, as behind
 * NAT), else the one the selector matched, else the interface's first usable address; the public IP defaults to
 * that address.
 * @throws FlannelError `ERR_INTERFACE_NOT_FOUND` (nothing matches, no address of an enabled family, no MTU),
 * `ERR_PUBLIC_IP_NOT_LOCAL` (a public IP that is on no interface, or on another one), `ERR_PUBLIC_IP_MISSING`
 * (a public IP of the wrong family), `ERR_FLANNEL_CONFIG` (an unparsable address or pattern, no family enabled).
 */
export function selectExternalInterface(
  view: NamespaceView,
  sel: InterfaceSelection = {},
): ExternalInterface {
  const families: IpFamily[] = [];
  if (sel.ipv4 ?? true) families.push(4);
  if (sel.ipv6 ?? false) families.push(6);
  if (families.length === 0) {
    throw new FlannelError(FlannelErrorCode.Config, 'neither IPv4 nor IPv6 is enabled', {
      field: 'EnableIPv4',
    });
  }
  const pub4 = asIp(sel.publicIp, 'publicIp');
  const pub6 = asIp(sel.publicIpv6, 'publicIpv6');
  for (const [ip, fam] of [
    [pub4, 4],
    [pub6, 6],
  ] as const) {
    if (ip && ip.family !== fam) {
      throw new FlannelError(
        FlannelErrorCode.PublicIpMissing,
        `public IPv${fam} address ${ip.toString()} is an IPv${ip.family} address`,
        {
          family: fam,
          publicIp: ip.toString(),
        },
      );
    }
  }
  const pick = choose(
    view,
    sel,
    families,
    families.includes(4) ? pub4 : undefined,
    families.includes(6) ? pub6 : undefined,
  );
  const link = pick.link;
  const out: { -readonly [K in keyof ExternalInterface]: ExternalInterface[K] } = {
    name: link.name,
    index: link.index,
    mtu: link.mtu ?? 0,
    up: link.up,
    lowerUp: link.lowerUp,
    addresses: link.addresses,
    selectedBy: pick.by,
  };
  for (const family of families) {
    const pub = family === 4 ? pub4 : pub6;
    if (pub && !hasAddress(link, pub)) throw publicIpNotLocal(pub, view, link.name);
    const addr = pub ?? (family === 4 ? pick.v4 : pick.v6) ?? usableAddresses(link, family)[0];
    if (!addr) {
      throw notFound(
        pick.by,
        link.name,
        `interface ${link.name} has no IPv${family} address (IPv${family} is enabled)`,
      );
    }
    if (family === 4) {
      out.ipv4 = addr;
      out.publicIp = pub ?? addr;
    } else {
      out.ipv6 = addr;
      out.publicIpv6 = pub ?? addr;
    }
  }
  if (!out.mtu) throw notFound(pick.by, link.name, `cannot determine the MTU of ${link.name}`);
  return out;
}
