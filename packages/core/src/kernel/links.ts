/**
 * Link and address helpers for the backends and tests (`ip link`, `ip address`; rtnetlink(7)
 * `RTM_NEWLINK`/`RTM_DELLINK`/`RTM_GETLINK`, `RTM_NEWADDR`/`RTM_DELADDR`/`RTM_GETADDR`; if_link.h, veth.h,
 * if_addr.h). Slow-path operations, one request each, on the same pipelining socket as the route table.
 * @module
 */
import type { IpAddress } from '../net/ip.js';
import { decodeAddressMessage, encodeAddressDump, encodeAddressRequest } from './address-codec.js';
import { Errno, KernelErrorCode, KernelLinkError, NetlinkError } from './kernel-errors.js';
import { addressFamily, ipFromBytes, ipToBytes } from './kernel-route.js';
import { decodeLinkMessage, encodeLinkDump, encodeLinkRequest, type LinkMessage } from './link-codec.js';
import { RtnetlinkSocket, type RtnetlinkSocketOptions } from './netlink-socket.js';
import { type NetnsTarget, netnsLabel, openNetns } from './netns.js';
import { AddressFamily, AddressFlags, InterfaceFlags, RouteScope, RtmType } from './rtnetlink-constants.js';

/** A network interface. */
export interface Link {
  /** ifindex. */
  index: number;
  name: string;
  /** Administratively up (`IFF_UP`). */
  up: boolean;
  /** Carrier present (`IFF_LOWER_UP`). */
  lowerUp: boolean;
  mtu?: number;
  /** `IFLA_INFO_KIND`: `veth`, `bridge`, `vxlan`… */
  kind?: string;
  /** Hardware address, `aa:bb:cc:dd:ee:ff`. */
  mac?: string;
  /** ifindex of the peer or lower device (`IFLA_LINK`; for a veth whose peer is in another namespace, an index there). */
  peerIndex?: number;
}

/** An address assigned to an interface (`ip address add ADDRESS/PREFIX dev DEVICE`). */
export interface InterfaceAddress {
  device: string;
  address: IpAddress;
  prefixLength: number;
}

/** Options of {@link LinkManager.addAddress}. */
export interface AddAddressOptions {
  /** IPv6: skip duplicate address detection (`nodad`), so the address is usable at once. */
  noDad?: boolean;
}

/** Options of {@link LinkManager.open}. */
export interface LinkManagerOptions {
  netns?: NetnsTarget;
  /** Share a socket (not closed by {@link LinkManager.close}). */
  socket?: RtnetlinkSocket;
  socketOptions?: Omit<RtnetlinkSocketOptions, 'netns'>;
}

function linkFromMessage(m: LinkMessage): Link | undefined {
  if (m.name === undefined) return undefined;
  const link: Link = {
    index: m.index,
    name: m.name,
    up: (m.flags & InterfaceFlags.UP) !== 0,
    lowerUp: (m.flags & InterfaceFlags.LOWER_UP) !== 0,
  };
  if (m.mtu !== undefined) link.mtu = m.mtu;
  if (m.kind !== undefined) link.kind = m.kind;
  if (m.address !== undefined && m.address.length > 0) {
    link.mac = [...m.address].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
  if (m.link !== undefined) link.peerIndex = m.link;
  return link;
}

/** Links and addresses of one namespace. */
export class LinkManager {
  readonly #socket: RtnetlinkSocket;
  readonly #ownsSocket: boolean;

  private constructor(socket: RtnetlinkSocket, ownsSocket: boolean) {
    this.#socket = socket;
    this.#ownsSocket = ownsSocket;
  }

  /** Opens a manager (and a socket in `options.netns` unless one is given). */
  static async open(options: LinkManagerOptions = {}): Promise<LinkManager> {
    if (options.socket) return new LinkManager(options.socket, false);
    return new LinkManager(
      await RtnetlinkSocket.open({ ...options.socketOptions, netns: options.netns }),
      true,
    );
  }

  /** The socket in use. */
  get socket(): RtnetlinkSocket {
    return this.#socket;
  }

  /** Every link (`RTM_GETLINK` dump). */
  async list(): Promise<Link[]> {
    const links = await this.#socket
      .dump(encodeLinkDump(), {
        decode: (m) => (m.type === RtmType.NEWLINK ? decodeLinkMessage(m) : undefined),
      })
      .catch((err: unknown) => {
        throw this.#wrap(err, 'list links', undefined);
      });
    return links.map(linkFromMessage).filter((l): l is Link => l !== undefined);
  }

  /** The link named `name`, or undefined (`RTM_GETLINK` by `IFLA_IFNAME`). */
  async get(name: string): Promise<Link | undefined> {
    try {
      const replies = await this.#socket.request(encodeLinkRequest('get', { name }), { expectReply: true });
      const reply = replies.find((m) => m.type === RtmType.NEWLINK);
      return reply ? linkFromMessage(decodeLinkMessage(reply)) : undefined;
    } catch (err) {
      if (err instanceof NetlinkError && err.errno === Errno.ENODEV) return undefined;
      throw this.#wrap(err, `get link ${name}`, name);
    }
  }

  /**
   * Creates a veth pair `name` ↔ `peerName` (`ip link add NAME type veth peer name PEER [netns NS]`); with
   * `peerNetns` the peer is created directly in that namespace. Both ends start down.
   * @throws KernelLinkError `ERR_LINK_EXISTS` if a name is taken.
   */
  async createVeth(
    name: string,
    peerName: string,
    options: { peerNetns?: NetnsTarget; mtu?: number } = {},
  ): Promise<void> {
    const ns = options.peerNetns === undefined ? undefined : openNetns(options.peerNetns);
    try {
      const peer: { name: string; netnsFd?: number; mtu?: number } = { name: peerName };
      if (ns) peer.netnsFd = ns.fd;
      if (options.mtu !== undefined) peer.mtu = options.mtu;
      await this.#socket.request(
        encodeLinkRequest('create', {
          name,
          kind: 'veth',
          peer,
          ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
        }),
      );
    } catch (err) {
      throw this.#wrap(err, `create veth ${name} peer ${peerName}`, name);
    } finally {
      ns?.close();
    }
  }

  /** Deletes a link (`ip link del NAME`; deleting one end of a veth deletes both). */
  async delete(name: string): Promise<void> {
    const index = await this.#index(name, 'delete link');
    try {
      await this.#socket.request(encodeLinkRequest('delete', { index }));
    } catch (err) {
      throw this.#wrap(err, `delete link ${name}`, name);
    }
  }

  /** `ip link set NAME up|down`. */
  async setUp(name: string, up = true): Promise<void> {
    await this.#set(name, { up }, `set link ${name} ${up ? 'up' : 'down'}`);
  }

  /** `ip link set NAME mtu MTU`. */
  async setMtu(name: string, mtu: number): Promise<void> {
    await this.#set(name, { mtu }, `set link ${name} mtu ${mtu}`);
  }

  /** `ip link set NAME netns NS`: moves the link into another namespace (it goes down on the way). */
  async moveToNetns(name: string, netns: NetnsTarget): Promise<void> {
    const ns = openNetns(netns);
    try {
      await this.#set(name, { netnsFd: ns.fd }, `move link ${name} to netns ${netnsLabel(netns)}`);
    } finally {
      ns.close();
    }
  }

  /**
   * `ip address add ADDRESS/PREFIX dev DEVICE [nodad]`.
   * @throws KernelLinkError `ERR_ADDRESS_EXISTS`, `ERR_NO_DEVICE`.
   */
  async addAddress(
    device: string,
    address: IpAddress,
    prefixLength: number,
    options: AddAddressOptions = {},
  ): Promise<void> {
    await this.#address('add', device, address, prefixLength, options);
  }

  /** `ip address del ADDRESS/PREFIX dev DEVICE`. @throws KernelLinkError `ERR_ADDRESS_NOT_FOUND`. */
  async removeAddress(device: string, address: IpAddress, prefixLength: number): Promise<void> {
    await this.#address('delete', device, address, prefixLength, {});
  }

  /** Addresses of every device, or of `device` (`RTM_GETADDR` dump). */
  async listAddresses(device?: string): Promise<InterfaceAddress[]> {
    const names = new Map((await this.list()).map((l) => [l.index, l.name] as const));
    const addrs = await this.#socket
      .dump(encodeAddressDump(AddressFamily.UNSPEC), {
        decode: (m) => (m.type === RtmType.NEWADDR ? decodeAddressMessage(m) : undefined),
      })
      .catch((err: unknown) => {
        throw this.#wrap(err, 'list addresses', device);
      });
    const out: InterfaceAddress[] = [];
    for (const a of addrs) {
      const bytes = a.local ?? a.address;
      const name = names.get(a.index);
      if (!bytes || name === undefined || (device !== undefined && name !== device)) continue;
      out.push({ device: name, address: ipFromBytes(bytes), prefixLength: a.prefixLength });
    }
    return out;
  }

  /** Closes the socket if the manager opened it. */
  close(): void {
    if (this.#ownsSocket) this.#socket.close();
  }

  async #address(
    op: 'add' | 'delete',
    device: string,
    address: IpAddress,
    prefixLength: number,
    options: AddAddressOptions,
  ): Promise<void> {
    const what = `${op === 'add' ? 'add' : 'remove'} address ${address.toString()}/${prefixLength} on ${device}`;
    const index = await this.#index(device, what);
    const bytes = ipToBytes(address);
    try {
      await this.#socket.request(
        encodeAddressRequest(op, {
          family: addressFamily(address.family),
          prefixLength,
          flags: options.noDad ? AddressFlags.NODAD : 0,
          scope: RouteScope.UNIVERSE,
          index,
          local: bytes,
        }),
      );
    } catch (err) {
      throw this.#wrap(err, what, device);
    }
  }

  async #set(
    name: string,
    change: { up?: boolean; mtu?: number; netnsFd?: number },
    what: string,
  ): Promise<void> {
    const index = await this.#index(name, what);
    try {
      await this.#socket.request(encodeLinkRequest('set', { index, ...change }));
    } catch (err) {
      throw this.#wrap(err, what, name);
    }
  }

  async #index(name: string, what: string): Promise<number> {
    const link = await this.get(name);
    if (link === undefined) {
      throw new KernelLinkError(
        KernelErrorCode.NoDevice,
        `cannot ${what} in ${this.#socket.netns}: no device ${name}`,
        {
          errno: Errno.ENODEV,
          details: { link: name, netns: this.#socket.netns },
        },
      );
    }
    return link.index;
  }

  #wrap(err: unknown, what: string, link: string | undefined): Error {
    if (!(err instanceof NetlinkError) || err instanceof KernelLinkError) return err as Error;
    let code: KernelErrorCode = err.code;
    if (err.code === KernelErrorCode.Netlink) {
      if (err.errno === Errno.EEXIST) {
        code = what.startsWith('add address') ? KernelErrorCode.AddressExists : KernelErrorCode.LinkExists;
      } else if (err.errno === Errno.ENODEV) code = KernelErrorCode.NoDevice;
      else if (err.errno === Errno.EADDRNOTAVAIL) code = KernelErrorCode.AddressNotFound;
    }
    return new KernelLinkError(
      code,
      `cannot ${what} in ${this.#socket.netns}: ${err.errnoName ?? err.message}`,
      {
        cause: err,
        ...(err.errno === undefined ? {} : { errno: err.errno }),
        ...(err.extack === undefined ? {} : { extack: err.extack }),
        details: { ...(link === undefined ? {} : { link }), netns: this.#socket.netns },
      },
    );
  }
}
