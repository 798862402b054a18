/**
 * The transport under {@link RtnetlinkSocket}: netlink@0.3's `RawNetlinkSocket` (a `NETLINK_ROUTE` socket,
 * netlink(7)), created inside the requested network namespace.
 * @module
 */
import { describe, KernelErrorCode, NetlinkError } from './kernel-errors.js';
import { type NetnsTarget, runInNetns } from './netns.js';
import { NETLINK_ROUTE } from './rtnetlink-constants.js';

/** The datagram transport under `RtnetlinkSocket`: netlink's `RawNetlinkSocket`, or a fake in tests. */
export interface NetlinkTransport {
  /** Sends the buffers as one datagram (one `sendmsg` with an iovec). */
  send(datagram: Uint8Array[], callback: (error?: Error) => void): void;
  /** Registers the handler of received datagrams. */
  onMessage(listener: (datagram: Uint8Array) => void): void;
  /** Registers the handler of socket errors (e.g. `ENOBUFS`). */
  onError(listener: (error: Error) => void): void;
  /** The effective `SO_RCVBUF` in bytes (as `getsockopt` reports it: twice the requested value). */
  readonly receiveBufferSize: number;
  /** The effective `SO_SNDBUF` in bytes. */
  readonly sendBufferSize: number;
  ref(): void;
  unref(): void;
  close(): void;
}

/** Options of {@link openRawTransport}. */
export interface RawTransportOptions {
  /** Namespace to bind the socket to (default: the current one). */
  netns?: NetnsTarget;
  /** Requested `SO_RCVBUF` (default 8 MiB; the kernel caps it at `net.core.rmem_max` and doubles it). */
  receiveBufferSize?: number;
  /** Requested `SO_SNDBUF` (default 4 MiB; a datagram must fit in it). */
  sendBufferSize?: number;
}

/**
 * Opens a `NETLINK_ROUTE` socket through netlink's `RawNetlinkSocket` (loaded on first use), in `netns`.
 * Received datagrams come whole (the binding peeks at their size first).
 * @throws NetnsError if the namespace cannot be entered; NetlinkError `ERR_NETLINK` if `socket(2)` fails.
 */
export async function openRawTransport(options: RawTransportOptions = {}): Promise<NetlinkTransport> {
  const { RawNetlinkSocket } = await import('netlink');
  const raw = await runInNetns(options.netns, () => {
    try {
      return new RawNetlinkSocket(NETLINK_ROUTE, {
        recvBufferSize: options.receiveBufferSize ?? 8 * 1024 * 1024,
        sendBufferSize: options.sendBufferSize ?? 4 * 1024 * 1024,
      });
    } catch (cause) {
      const errno = (cause as { errno?: number }).errno;
      throw new NetlinkError(KernelErrorCode.Netlink, describe('cannot open a NETLINK_ROUTE socket', errno), {
        cause,
        ...(errno === undefined ? {} : { errno }),
      });
    }
  });
  return {
    send: (d, cb) => raw.send(d, {}, (err) => cb(err ?? undefined)),
    onMessage: (fn) => raw.on('message', (msg) => fn(msg)),
    onError: (fn) => raw.on('error', fn),
    receiveBufferSize: raw.getRecvBufferSize(),
    sendBufferSize: raw.getSendBufferSize(),
    ref: () => raw.ref(),
    unref: () => raw.unref(),
    close: () => raw.close(),
  };
}
