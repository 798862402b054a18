/**
 * Reading a namespace's interfaces, addresses, default routes and the route to `--iface-can-reach` over
 * rtnetlink (rtnetlink(7) `RTM_GETLINK`, `RTM_GETADDR`, `RTM_GETROUTE` dump and single lookup — what
 * `ip link`, `ip address`, `ip route show default` and `ip route get` do), then selecting the external
 * interface with {@link selectExternalInterface}.
 * @module
 */
import {
  AddressFamily,
  decodeRouteMessage,
  encodeRouteDump,
  IpAddress,
  type IpFamily,
  LinkManager,
  MessageBuilder,
  NlmFlags,
  RouteTableId,
  Rta,
  RtmType,
  type RtnetlinkSocket,
} from '@edgeway/core';
import {
  type ExternalInterface,
  type InterfaceInfo,
  type InterfaceSelection,
  type NamespaceView,
  selectExternalInterface,
} from './external-interface.js';

/** Options of {@link lookupExternalInterface} and {@link readNamespaceView}. */
export interface LookupInterfaceOptions extends InterfaceSelection {
  /** Named network namespace (`/run/netns/NAME`) to look in; default the current one. */
  readonly netns?: string;
  /** Use this link manager (its namespace) instead of opening one; it is not closed. */
  readonly links?: LinkManager;
}

/** Whether a selector flag was given (a value, or a non-empty list). */
function given(x: unknown): boolean {
  return x !== undefined && (!Array.isArray(x) || x.length > 0);
}

function ipOf(bytes: Uint8Array | undefined): IpAddress | undefined {
  return bytes && (bytes.length === 4 || bytes.length === 16) ? IpAddress.fromBytes(bytes) : undefined;
}

/** ifindex of the lowest-metric default route of the main table (flannel `GetDefaultGatewayInterface`). */
async function defaultRouteIndex(socket: RtnetlinkSocket, family: IpFamily): Promise<number | undefined> {
  const af = family === 4 ? AddressFamily.INET : AddressFamily.INET6;
  const routes = await socket.dump(encodeRouteDump({ family: af }), {
    decode: (m) => {
      if (m.type !== RtmType.NEWROUTE) return undefined;
      const r = decodeRouteMessage(m);
      return r.family === af && r.dstLength === 0 && r.table === RouteTableId.MAIN ? r : undefined;
    },
  });
  let best: { index: number; metric: number } | undefined;
  for (const r of routes) {
    const index = r.outputInterface ?? r.multipath?.[0]?.ifindex;
    if (index === undefined) continue;
    const metric = r.priority ?? 0;
    if (!best || metric < best.metric) best = { index, metric };
  }
  return best?.index;
}

/**
 * `ip route get ADDRESS`: a single `RTM_GETROUTE` request with `RTA_DST`; the reply names the output device and
 * the preferred source. Undefined when the kernel has no route (ENETUNREACH).
 */
export async function routeGet(
  socket: RtnetlinkSocket,
  target: IpAddress,
): Promise<{ index: number; source?: IpAddress } | undefined> {
  const b = new MessageBuilder(RtmType.GETROUTE, NlmFlags.REQUEST);
  b.u8(target.family === 4 ? AddressFamily.INET : AddressFamily.INET6) // rtm_family
    .u8(target.family === 4 ? 32 : 128) // rtm_dst_len
    .u8(0) // rtm_src_len
    .u8(0) // rtm_tos
    .u8(0) // rtm_table
    .u8(0) // rtm_protocol
    .u8(0) // rtm_scope
    .u8(0) // rtm_type
    .u32(0) // rtm_flags
    .attr(Rta.DST, target.toBytes());
  let replies: Awaited<ReturnType<RtnetlinkSocket['request']>>;
  try {
    replies = await socket.request(b.finish(), { expectReply: true });
  } catch {
    return undefined; // ENETUNREACH / EHOSTUNREACH: nothing reaches it
  }
  const reply = replies.find((m) => m.type === RtmType.NEWROUTE);
  if (!reply) return undefined;
  const r = decodeRouteMessage(reply);
  if (r.outputInterface === undefined) return undefined;
  const source = ipOf(r.preferredSource);
  return { index: r.outputInterface, ...(source ? { source } : {}) };
}

/**
 * Reads what {@link selectExternalInterface} needs from a namespace: every link with its addresses, and —
 * only when the selection needs them — the default routes and the route to `ifaceCanReach`.
 */
export async function readNamespaceView(options: LookupInterfaceOptions = {}): Promise<NamespaceView> {
  const links = options.links ?? (await LinkManager.open(options.netns ? { netns: options.netns } : {}));
  try {
    const [all, addrs] = await Promise.all([links.list(), links.listAddresses()]);
    const infos: InterfaceInfo[] = all.map((l) => ({
      name: l.name,
      index: l.index,
      ...(l.mtu === undefined ? {} : { mtu: l.mtu }),
      up: l.up,
      lowerUp: l.lowerUp,
      addresses: addrs
        .filter((a) => a.device === l.name)
        .map((a) => ({ address: a.address, prefixLength: a.prefixLength })),
    }));
    const view: { -readonly [K in keyof NamespaceView]: NamespaceView[K] } = { links: infos };
    const byName = given(options.iface) || given(options.ifaceRegex);
    if (options.ifaceCanReach !== undefined && !byName) {
      const target =
        options.ifaceCanReach instanceof IpAddress
          ? options.ifaceCanReach
          : IpAddress.isValid(options.ifaceCanReach)
            ? IpAddress.parse(options.ifaceCanReach)
            : undefined;
      const reach = target && (await routeGet(links.socket, target));
      if (reach) view.reach = reach;
    }
    if (!byName && options.ifaceCanReach === undefined) {
      const [v4, v6] = await Promise.all([
        defaultRouteIndex(links.socket, 4),
        options.ipv6 ? defaultRouteIndex(links.socket, 6) : Promise.resolve(undefined),
      ]);
      view.defaultRoute = { ...(v4 === undefined ? {} : { 4: v4 }), ...(v6 === undefined ? {} : { 6: v6 }) };
    }
    return view;
  } finally {
    if (!options.links) links.close();
  }
}

/**
 * Finds the node's external interface in a namespace the way flanneld does (see
 * {@link selectExternalInterface} for the rules and errors).
 * @throws FlannelError `ERR_INTERFACE_NOT_FOUND`, `ERR_PUBLIC_IP_NOT_LOCAL`, `ERR_PUBLIC_IP_MISSING`,
 * `ERR_FLANNEL_CONFIG`; NetnsError if the namespace does not exist.
 */
export async function lookupExternalInterface(
  options: LookupInterfaceOptions = {},
): Promise<ExternalInterface> {
  return selectExternalInterface(await readNamespaceView(options), options);
}
