/**
 * The Linux FIB as a {@link RouteTable}: edgeway's routes in one network namespace, owned by protocol
 * number (rtnetlink(7) `rtm_protocol`; include/uapi/linux/rtnetlink.h).
 * @module
 */
import type { RouteTable } from '../routes/route-table.js';
import { Errno, KernelErrorCode, KernelRouteError, NetlinkError } from './kernel-errors.js';
import {
  AddressCache,
  EDGEWAY_ROUTE_PROTOCOL,
  formatKernelRoute,
  type KernelRoute,
  kernelRouteKey,
  kernelRoutesEqual,
  routeFromMessage,
  routeToDeleteMessage,
  routeToMessage,
  tableName,
} from './kernel-route.js';
import { LinkDirectory } from './link-directory.js';
import type { NetlinkMessage } from './netlink-message.js';
import { RtnetlinkSocket, type RtnetlinkSocketOptions } from './netlink-socket.js';
import type { NetnsTarget } from './netns.js';
import {
  decodeRouteMessage,
  encodeRouteDump,
  encodeRouteRequest,
  type RouteMessage,
  type RouteOperation,
} from './route-codec.js';
import { AddressFamily, RouteTableId, RtmType } from './rtnetlink-constants.js';

/** Options of {@link KernelRouteTable.open}. */
export interface KernelRouteTableOptions {
  /** Namespace to program (default: the current one). A name is `/run/netns/NAME`. */
  netns?: NetnsTarget;
  /** The owner's `rtm_protocol` (default {@link EDGEWAY_ROUTE_PROTOCOL}, 69). Routes of other protocols are never listed, replaced or removed. */
  protocol?: number;
  /** Table of routes that name none (default 254, `main`). */
  table?: number;
  /** Tables `list()` scans and `add()` accepts (default: just `table`). */
  tables?: number[];
  /** Families `list()` scans (default both). */
  family?: 4 | 6 | 'both';
  /** Name for logs and errors (default `kernel:<netns>:<table>`). */
  name?: string;
  /** Use this socket instead of opening one (it is not closed by {@link KernelRouteTable.close}). */
  socket?: RtnetlinkSocket;
  /** Options of the socket opened when none is given. */
  socketOptions?: Omit<RtnetlinkSocketOptions, 'netns'>;
}

/**
 * A kernel routing table driven through rtnetlink: `add` (`RTM_NEWROUTE` CREATE|EXCL), `replace`
 * (CREATE|REPLACE, atomic), `remove` (`RTM_DELROUTE` with our protocol) and `list` (`RTM_GETROUTE` dump,
 * filtered to our protocol and tables). Concurrent calls are pipelined and batched on one socket.
 *
 * Ownership is the protocol number: `list()` returns only routes carrying it, and `remove()` sends it so the
 * kernel deletes only a route carrying it. `replace()` acts on whatever route holds the key (the kernel's
 * `NLM_F_REPLACE` does not look at the protocol); reconcile calls it only for keys `list()` showed as ours.
 */
export class KernelRouteTable implements RouteTable<KernelRoute> {
  readonly name: string;
  /** The owner's protocol number. */
  readonly protocol: number;
  /** The default table. */
  readonly table: number;
  readonly #tables: ReadonlySet<number>;
  readonly #families: number[];
  readonly #socket: RtnetlinkSocket;
  readonly #ownsSocket: boolean;
  readonly #links: LinkDirectory;
  readonly #addresses = new AddressCache();

  private constructor(socket: RtnetlinkSocket, ownsSocket: boolean, options: KernelRouteTableOptions) {
    this.#socket = socket;
    this.#ownsSocket = ownsSocket;
    this.protocol = options.protocol ?? EDGEWAY_ROUTE_PROTOCOL;
    if (!Number.isInteger(this.protocol) || this.protocol < 1 || this.protocol > 255) {
      throw new NetlinkError(
        KernelErrorCode.InvalidArgument,
        `route protocol ${this.protocol} is not 1..255`,
      );
    }
    this.table = options.table ?? RouteTableId.MAIN;
    this.#tables = new Set(options.tables ?? [this.table]);
    const family = options.family ?? 'both';
    this.#families = family === 'both' ? [AddressFamily.INET, AddressFamily.INET6] : [family === 4 ? 2 : 10];
    this.#links = new LinkDirectory(socket);
    this.name = options.name ?? `kernel:${socket.netns}:${tableName(this.table)}`;
  }

  /**
   * Opens the table (and a netlink socket in `options.netns` unless one is given).
   * @throws NetnsError if the namespace does not exist or cannot be entered.
   */
  static async open(options: KernelRouteTableOptions = {}): Promise<KernelRouteTable> {
    if (options.socket) return new KernelRouteTable(options.socket, false, options);
    const socket = await RtnetlinkSocket.open({ ...options.socketOptions, netns: options.netns });
    try {
      return new KernelRouteTable(socket, true, options);
    } catch (err) {
      socket.close();
      throw err;
    }
  }

  /** The socket the table uses (e.g. to share with a {@link RuleTable}). */
  get socket(): RtnetlinkSocket {
    return this.#socket;
  }

  key(route: KernelRoute): string {
    return kernelRouteKey(route, this.table);
  }

  equals(installed: KernelRoute, desired: KernelRoute): boolean {
    return kernelRoutesEqual(installed, desired);
  }

  format(route: KernelRoute): string {
    return formatKernelRoute(route, this.table, this.protocol);
  }

  /**
   * Our routes (protocol and tables as configured), from one link dump and one route dump per family.
   * @throws KernelRouteError `ERR_NETLINK*` if a dump fails.
   */
  async list(signal?: AbortSignal): Promise<KernelRoute[]> {
    try {
      await this.#links.refresh();
      const protocol = this.protocol;
      const tables = this.#tables;
      const decode = (m: NetlinkMessage): RouteMessage | undefined => {
        // Cheap pre-filter on rtm_protocol before decoding attributes (most routes may be foreign).
        if (m.type !== RtmType.NEWROUTE || m.payload[5] !== protocol) return undefined;
        const r = decodeRouteMessage(m, { copy: false }); // converted below, before the datagram goes
        return tables.has(r.table) ? r : undefined;
      };
      const dumpFamily = this.#families.length === 2 ? AddressFamily.UNSPEC : (this.#families[0] as number);
      const families = this.#families;
      const nameOf = (i: number) => this.#links.nameOf(i);
      const cache = this.#addresses;
      return await this.#socket.dump(encodeRouteDump({ family: dumpFamily }), {
        signal,
        decode: (m) => {
          const r = decode(m);
          return r && families.includes(r.family) ? routeFromMessage(r, nameOf, cache) : undefined;
        },
      });
    } catch (err) {
      throw this.#wrap(err, 'list', undefined);
    }
  }

  /**
   * Installs a route whose key is free (`NLM_F_CREATE|NLM_F_EXCL`).
   * @throws KernelRouteError `ERR_ROUTE_EXISTS`, `ERR_GATEWAY_UNREACHABLE`, `ERR_NO_DEVICE`, `ERR_NETLINK`.
   */
  add(route: KernelRoute): Promise<void> {
    return this.#send('add', route);
  }

  /**
   * Replaces the route at `previous`'s key by `route` atomically (`NLM_F_CREATE|NLM_F_REPLACE`). If the keys
   * differ, adds `route` first and then removes `previous` (make before break).
   */
  async replace(route: KernelRoute, previous: KernelRoute): Promise<void> {
    if (this.key(route) === this.key(previous)) return this.#send('replace', route);
    await this.#send('add', route);
    await this.#send('delete', previous);
  }

  /**
   * Removes our route at the route's key (`RTM_DELROUTE` with our protocol; foreign routes never match).
   * @throws KernelRouteError `ERR_ROUTE_NOT_FOUND` if none of ours is there.
   */
  remove(route: KernelRoute): Promise<void> {
    return this.#send('delete', route);
  }

  /** Closes the socket if the table opened it. */
  close(): void {
    if (this.#ownsSocket) this.#socket.close();
  }

  async #send(op: RouteOperation, route: KernelRoute, retried = false): Promise<void> {
    const table = route.table ?? this.table;
    if (!this.#tables.has(table)) {
      throw this.#error(
        KernelErrorCode.InvalidArgument,
        op,
        route,
        `table ${table} is not among this table's tables (${[...this.#tables].join(', ')})`,
      );
    }
    let ifindex: number | undefined;
    if (op !== 'delete' && route.device !== undefined) {
      ifindex = await this.#links.indexOf(route.device);
      if (ifindex === undefined) {
        throw this.#error(
          KernelErrorCode.NoDevice,
          op,
          route,
          `device ${route.device} does not exist`,
          Errno.ENODEV,
        );
      }
    }
    const ctx = {
      protocol: this.protocol,
      defaultTable: this.table,
      ...(ifindex === undefined ? {} : { ifindex }),
    };
    let message: Uint8Array;
    try {
      message = encodeRouteRequest(
        op,
        op === 'delete' ? routeToDeleteMessage(route, ctx) : routeToMessage(route, ctx),
      );
    } catch (err) {
      throw this.#wrap(err, op, route);
    }
    try {
      await this.#socket.request(message);
    } catch (err) {
      if (
        !retried &&
        route.device !== undefined &&
        err instanceof NetlinkError &&
        err.errno === Errno.ENODEV
      ) {
        // The device may have been recreated under a new index: refresh once.
        this.#links.forget(route.device);
        return this.#send(op, route, true);
      }
      throw this.#wrap(err, op, route);
    }
  }

  #error(
    code: KernelErrorCode,
    op: string,
    route: KernelRoute,
    why: string,
    errno?: number,
  ): KernelRouteError {
    const text = this.format(route);
    return new KernelRouteError(code, `cannot ${verb(op)} route ${text} in ${this.name}: ${why}`, {
      ...(errno === undefined ? {} : { errno }),
      details: { route: text, operation: opName(op), table: this.name },
    });
  }

  #wrap(err: unknown, op: string, route: KernelRoute | undefined): Error {
    if (err instanceof KernelRouteError) return err;
    if (!(err instanceof NetlinkError)) return err as Error;
    const text = route ? this.format(route) : undefined;
    const errno = err.errno;
    let code: KernelErrorCode = err.code;
    let why = err.message;
    if (route && err.code === KernelErrorCode.Netlink && errno !== undefined) {
      if (errno === Errno.EEXIST) {
        code = KernelErrorCode.RouteExists;
        why = 'a route with this table, destination and metric exists (EEXIST)';
      } else if ((errno === Errno.ENETUNREACH || errno === Errno.EHOSTUNREACH) && route.gateway) {
        code = KernelErrorCode.GatewayUnreachable;
        why =
          `gateway ${route.gateway.toString()} is not on a connected network` +
          `${route.device ? ` of ${route.device}` : ''} (${err.errnoName}); set onlink to force it`;
      } else if (errno === Errno.ESRCH || (op === 'delete' && errno === Errno.ENOENT)) {
        code = KernelErrorCode.RouteNotFound;
        why = `no route of protocol ${this.protocol} with this table, destination and metric (${err.errnoName})`;
      } else if (errno === Errno.ENODEV) {
        code = KernelErrorCode.NoDevice;
        why = `device ${route.device ?? '(none)'} does not exist (ENODEV)`;
      }
      if (err.extack) why += ` — kernel: ${err.extack}`;
    }
    const subject = route ? `${verb(op)} route ${text}` : 'list routes';
    return new KernelRouteError(code, `cannot ${subject} in ${this.name}: ${why}`, {
      cause: err,
      ...(errno === undefined ? {} : { errno }),
      ...(err.extack === undefined ? {} : { extack: err.extack }),
      isRetryable: err.isRetryable,
      details: { ...(text === undefined ? {} : { route: text }), operation: opName(op), table: this.name },
    });
  }
}

function verb(op: string): string {
  return op === 'delete' ? 'remove' : op;
}

function opName(op: string): string {
  return op === 'delete' ? 'remove' : op;
}
