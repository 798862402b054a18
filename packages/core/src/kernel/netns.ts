/**
 * Network namespaces (network_namespaces(7), setns(2), ip-netns(8)).
 *
 * A netlink socket belongs to the namespace of the thread that created it, for its whole life. To work on
 * another namespace from this process, {@link runInNetns} moves the calling thread into it with libc
 * `setns(fd, CLONE_NEWNET)` (through `koffi`, loaded only then), runs a synchronous function — typically
 * one that creates sockets — and moves the thread back to its own namespace before returning. Nothing else
 * runs on the thread in between (JavaScript is single-threaded and the function is synchronous).
 * @module
 */
import { execFile } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readlinkSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { KernelErrorCode, NetnsError } from './kernel-errors.js';

/** `CLONE_NEWNET` (include/uapi/linux/sched.h): the namespace type given to `setns(2)`. */
export const CLONE_NEWNET = 0x40000000;

/** Where iproute2 bind-mounts named namespaces (ip-netns(8)). */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * A network namespace: a name under `/run/netns` (as `ip netns add NAME` creates), `{ path }` to any
 * namespace file (e.g. a CNI `netns` path), or `{ pid }` for `/proc/PID/ns/net`.
 */
export type NetnsTarget = string | { path: string } | { pid: number };

const NAME_RE = /^[A-Za-z0-9_.-]{1,255}$/;

/** The namespace file of a target. @throws NetnsError `ERR_NETNS_NOT_FOUND` for an invalid name. */
export function netnsPath(target: NetnsTarget): string {
  if (typeof target === 'string') {
    if (!NAME_RE.test(target) || target === '.' || target === '..') {
      throw new NetnsError(
        KernelErrorCode.NetnsNotFound,
        `invalid network namespace name ${JSON.stringify(target)}`,
        {
          netns: target,
        },
      );
    }
    return `${NETNS_RUN_DIR}/${target}`;
  }
  if ('path' in target) return target.path;
  return `/proc/${target.pid}/ns/net`;
}

/** A printable name of a target, for messages. */
export function netnsLabel(target: NetnsTarget | undefined): string {
  if (target === undefined) return 'current';
  return typeof target === 'string' ? target : netnsPath(target);
}

/** An open namespace file, e.g. for `IFLA_NET_NS_FD`. Close it when done. */
export interface NetnsHandle {
  readonly fd: number;
  readonly path: string;
  close(): void;
}

/**
 * Opens a namespace file read-only.
 * @throws NetnsError `ERR_NETNS_NOT_FOUND` if it does not exist.
 */
export function openNetns(target: NetnsTarget): NetnsHandle {
  const path = netnsPath(target);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new NetnsError(
      KernelErrorCode.NetnsNotFound,
      `network namespace ${netnsLabel(target)} not found (${path})`,
      { netns: netnsLabel(target), path },
      cause,
    );
  }
  let open = true;
  return {
    fd,
    path,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

type SetnsFn = (fd: number, nstype: number) => number;
interface Libc {
  setns: SetnsFn;
  errno: () => number;
}
let libcPromise: Promise<Libc> | undefined;

/** Loads libc's `setns` through koffi, once. */
async function loadLibc(): Promise<Libc> {
  libcPromise ??= (async () => {
    try {
      const mod = (await import('koffi')) as unknown as { default?: KoffiLike } & KoffiLike;
      const koffi = mod.default ?? mod;
      const lib = koffi.load('libc.so.6');
      const setns = lib.func('int setns(int fd, int nstype)') as SetnsFn;
      return { setns, errno: () => koffi.errno() };
    } catch (cause) {
      libcPromise = undefined;
      throw new NetnsError(
        KernelErrorCode.Netns,
        'cannot load libc setns(2) through koffi (needed to open sockets in another network namespace)',
        {},
        cause,
      );
    }
  })();
  return libcPromise;
}

interface KoffiLike {
  load(path: string): { func(def: string): unknown };
  errno(): number;
}

/** The inode of the calling thread's network namespace (`/proc/thread-self/ns/net`). */
export function currentNetnsInode(): number {
  return statSync('/proc/thread-self/ns/net').ino;
}

/** `net:[4026531833]`-style identity of the calling thread's namespace. */
export function currentNetnsId(): string {
  return readlinkSync('/proc/thread-self/ns/net');
}

/**
 * Runs `fn` with the calling thread inside the namespace `target`, then moves the thread back. `fn` must be
 * synchronous (a returned promise would run its continuation in the original namespace). With no target
 * `fn` runs as is and koffi is not loaded.
 * @throws NetnsError `ERR_NETNS_NOT_FOUND`, or `ERR_NETNS` if setns fails either way (a failure to return
 * leaves the thread in `target`: the error says so and the process should not keep using this thread).
 */
export async function runInNetns<T>(target: NetnsTarget | undefined, fn: () => T): Promise<T> {
  if (target === undefined) return fn();
  const libc = await loadLibc();
  const wanted = openNetns(target);
  const home = openNetns({ path: '/proc/thread-self/ns/net' });
  const label = netnsLabel(target);
  try {
    if (libc.setns(wanted.fd, CLONE_NEWNET) !== 0) {
      const errno = libc.errno();
      throw new NetnsError(
        KernelErrorCode.Netns,
        `setns into network namespace ${label} failed (errno ${errno})`,
        {
          netns: label,
          errno,
        },
      );
    }
    try {
      if (currentNetnsInode() !== fstatSync(wanted.fd).ino) {
        throw new NetnsError(KernelErrorCode.Netns, `setns into ${label} did not change the namespace`, {
          netns: label,
        });
      }
      const result = fn();
      if (
        result !== null &&
        typeof result === 'object' &&
        typeof (result as { then?: unknown }).then === 'function'
      ) {
        throw new NetnsError(KernelErrorCode.Netns, 'runInNetns takes a synchronous function', {
          netns: label,
        });
      }
      return result;
    } finally {
      if (libc.setns(home.fd, CLONE_NEWNET) !== 0 || currentNetnsInode() !== fstatSync(home.fd).ino) {
        // biome-ignore lint/correctness/noUnsafeFinally: failing to return is worse than any error of fn
        throw new NetnsError(
          KernelErrorCode.Netns,
          `could not return the thread from network namespace ${label} to its own; do not trust this process's ` +
            'further network operations',
          { netns: label, errno: libc.errno() },
        );
      }
    }
  } finally {
    wanted.close();
    home.close();
  }
}

const execFileAsync = promisify(execFile);

async function runIp(args: string[], name: string): Promise<void> {
  try {
    await execFileAsync('ip', args, { timeout: 30_000 });
  } catch (cause) {
    const stderr = (cause as { stderr?: string }).stderr?.trim();
    throw new NetnsError(
      KernelErrorCode.NetnsCommand,
      `ip ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`,
      { netns: name, args },
      cause,
    );
  }
}

/** Whether `/run/netns/NAME` exists. */
export function netnsExists(name: string): boolean {
  return existsSync(netnsPath(name));
}

/**
 * Creates a named namespace with `ip netns add NAME` (needs root / CAP_SYS_ADMIN) and sets its loopback up.
 * @throws NetnsError `ERR_NETNS_COMMAND` with ip's message.
 */
export async function createNetns(name: string): Promise<void> {
  netnsPath(name);
  await runIp(['netns', 'add', name], name);
  await runIp(['-n', name, 'link', 'set', 'lo', 'up'], name);
}

/** Deletes a named namespace with `ip netns del NAME`; a missing one is not an error. */
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return;
  await runIp(['netns', 'del', name], name);
}
