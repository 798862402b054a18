import { readFile } from 'node:fs/promises';
import {
  Cidr,
  writeFileAtomic as coreWriteFileAtomic,
  type IpAddress,
  parseInterfaceAddress,
} from '@edgeway/core';
import { DEFAULT_SUBNET_FILE } from '../config/edgeway-options.js';
import type { FlannelNetConfig } from '../config/net-conf.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import type { NodeLease } from '../leases/lease-source.js';

/** What `subnet.env` says (flannel's `WriteSubnetFile`), for the families that are enabled. */
export interface SubnetEnvInput {
  /** `FLANNEL_NETWORK`; its presence means IPv4 is enabled. */
  readonly network?: Cidr | undefined;
  /** Our IPv4 block; `FLANNEL_SUBNET` is its first address after the network address, with its length. */
  readonly subnet?: Cidr | undefined;
  /** `FLANNEL_IPV6_NETWORK`; its presence means IPv6 is enabled. */
  readonly ipv6Network?: Cidr | undefined;
  /** Our IPv6 block; `FLANNEL_IPV6_SUBNET` likewise. */
  readonly ipv6Subnet?: Cidr | undefined;
  /** `FLANNEL_MTU`: the external interface's MTU (host-gw adds no overhead). */
  readonly mtu: number;
  /** `FLANNEL_IPMASQ`: whether flanneld masquerades (`--ip-masq`), so the CNI plugin must not. */
  readonly ipMasq: boolean;
}

/** `subnet.env` read back. */
export interface SubnetEnv {
  /** `FLANNEL_NETWORK` (the first, when a comma-separated list). */
  readonly network?: Cidr;
  /** Every `FLANNEL_NETWORK` entry (flannel's reader splits on commas). */
  readonly networks: readonly Cidr[];
  /** `FLANNEL_SUBNET`: the bridge address and its block, e.g. `10.0.1.1` in `10.0.1.0/24`. */
  readonly subnet?: { readonly address: IpAddress; readonly cidr: Cidr };
  readonly ipv6Network?: Cidr;
  readonly ipv6Networks: readonly Cidr[];
  readonly ipv6Subnet?: { readonly address: IpAddress; readonly cidr: Cidr };
  readonly mtu?: number;
  readonly ipMasq?: boolean;
  /** Every variable as written, including ones this reader does not know. */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Renders `subnet.env` byte for byte as flannel's `WriteSubnetFile` (`pkg/subnet/subnet.go`) does:
 *
 * ```
 * FLANNEL_NETWORK=10.0.0.0/16          (IPv4 enabled)
 * FLANNEL_SUBNET=10.0.1.1/24           (the block's network address + 1, with the block's length)
 * FLANNEL_IPV6_NETWORK=fd00:10::/48    (IPv6 enabled)
 * FLANNEL_IPV6_SUBNET=fd00:10:0:1::1/64
 * FLANNEL_MTU=1500
 * FLANNEL_IPMASQ=false
 * ```
 * Each line ends in `\n`; a disabled family writes no lines. Pure.
 * @throws FlannelError `ERR_SUBNET_FILE` when a family has a network but no block (flannel would write `0.0.0.1/0`),
 * or the MTU is not a positive integer.
 */
export function renderSubnetEnv(input: SubnetEnvInput): string {
  let out = '';
  if (input.network !== undefined) {
    out += `FLANNEL_NETWORK=${input.network.toString()}\nFLANNEL_SUBNET=${firstAddress(input.subnet, 'subnet')}\n`;
  }
  if (input.ipv6Network !== undefined) {
    out += `FLANNEL_IPV6_NETWORK=${input.ipv6Network.toString()}\n`;
    out += `FLANNEL_IPV6_SUBNET=${firstAddress(input.ipv6Subnet, 'ipv6Subnet')}\n`;
  }
  if (!Number.isInteger(input.mtu) || input.mtu <= 0) {
    throw new FlannelError(
      FlannelErrorCode.SubnetFile,
      `subnet.env: MTU ${input.mtu} is not a positive integer`,
      {
        field: 'mtu',
        value: input.mtu,
      },
    );
  }
  out += `FLANNEL_MTU=${input.mtu}\nFLANNEL_IPMASQ=${input.ipMasq ? 'true' : 'false'}\n`;
  return out;
}

/**
 * The `subnet.env` content for our lease: the networks of the enabled families, our blocks, `edgeway.mtu` if set
 * else the interface MTU, `edgeway.ipMasq` (flanneld `--ip-masq`).
 */
export function subnetEnvFor(
  config: FlannelNetConfig,
  lease: Pick<NodeLease, 'subnet' | 'ipv6Subnet'>,
  interfaceMtu: number,
): SubnetEnvInput {
  return {
    network: config.enableIPv4 ? config.network : undefined,
    subnet: lease.subnet,
    ipv6Network: config.enableIPv6 ? config.ipv6Network : undefined,
    ipv6Subnet: lease.ipv6Subnet,
    mtu: config.edgeway.mtu ?? interfaceMtu,
    ipMasq: config.edgeway.ipMasq,
  };
}

/**
 * Writes `subnet.env` atomically — a temporary file in the same directory, `fsync`, mode 0644 whatever the umask
 * (flannel writes through `renameio` with `IgnoreUmask`), `rename` over the target, then `fsync` of the directory —
 * so a reader (the CNI plugin) sees the old file or the new one, never a partial one, even across a crash.
 * Creates the directory (0755) as flannel does.
 * @throws FlannelError `ERR_SUBNET_FILE` naming the path.
 */
export async function writeSubnetEnv(
  input: SubnetEnvInput,
  path: string = DEFAULT_SUBNET_FILE,
): Promise<void> {
  await writeFileAtomic(path, renderSubnetEnv(input), 0o644);
}

/**
 * Parses `subnet.env` text as flannel's readers do (`godotenv`: `KEY=value` lines, `#` comments, optional `export `
 * and quotes; comma-separated networks).
 * @throws FlannelError `ERR_SUBNET_FILE_INVALID` naming the line or key.
 */
export function parseSubnetEnv(text: string, path = 'subnet.env'): SubnetEnv {
  const vars: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (m === null)
      throw invalid(path, `line ${i + 1} is not KEY=value: ${JSON.stringify(raw)}`, { line: i + 1 });
    vars[m[1]!] = unquote(m[2]!);
  });
  const cidrs = (key: string): Cidr[] =>
    vars[key] === undefined || vars[key] === ''
      ? []
      : vars[key].split(',').map((t) => parseOr(path, key, t, () => Cidr.parse(t.trim(), { strict: false })));
  const address = (key: string) =>
    vars[key] === undefined
      ? undefined
      : parseOr(path, key, vars[key], () => parseInterfaceAddress(vars[key]!));
  const networks = cidrs('FLANNEL_NETWORK');
  const ipv6Networks = cidrs('FLANNEL_IPV6_NETWORK');
  let mtu: number | undefined;
  if (vars.FLANNEL_MTU !== undefined) {
    mtu = Number(vars.FLANNEL_MTU);
    if (!/^[0-9]+$/.test(vars.FLANNEL_MTU) || mtu <= 0) {
      throw invalid(path, `FLANNEL_MTU ${JSON.stringify(vars.FLANNEL_MTU)} is not a positive integer`, {
        key: 'FLANNEL_MTU',
        value: vars.FLANNEL_MTU,
      });
    }
  }
  let ipMasq: boolean | undefined;
  if (vars.FLANNEL_IPMASQ !== undefined) {
    // Go's strconv.ParseBool, which the flannel CNI plugin uses.
    const v = vars.FLANNEL_IPMASQ;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) ipMasq = true;
    else if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) ipMasq = false;
    else
      throw invalid(path, `FLANNEL_IPMASQ ${JSON.stringify(v)} is not a boolean`, {
        key: 'FLANNEL_IPMASQ',
        value: v,
      });
  }
  const subnet = address('FLANNEL_SUBNET');
  const ipv6Subnet = address('FLANNEL_IPV6_SUBNET');
  return Object.freeze({
    ...(networks[0] ? { network: networks[0] } : {}),
    networks,
    ...(subnet ? { subnet } : {}),
    ...(ipv6Networks[0] ? { ipv6Network: ipv6Networks[0] } : {}),
    ipv6Networks,
    ...(ipv6Subnet ? { ipv6Subnet } : {}),
    ...(mtu === undefined ? {} : { mtu }),
    ...(ipMasq === undefined ? {} : { ipMasq }),
    vars: Object.freeze(vars),
  });
}

/**
 * Reads and parses `subnet.env`; `undefined` when the file does not exist (flannel's first start).
 * @throws FlannelError `ERR_SUBNET_FILE` (unreadable) or `ERR_SUBNET_FILE_INVALID`, naming the path.
 */
export async function readSubnetEnv(path: string = DEFAULT_SUBNET_FILE): Promise<SubnetEnv | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FlannelError(
      FlannelErrorCode.SubnetFile,
      `cannot read ${path}: ${(cause as Error).message}`,
      { path },
      {
        cause,
      },
    );
  }
  return parseSubnetEnv(text, path);
}

/**
 * Writes `data` to `path` atomically with core's `writeFileAtomic` (creating the directory), as a `FlannelError`
 * on failure. Exported for other flannel-compatible files.
 * @throws FlannelError `ERR_SUBNET_FILE` naming the path.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  try {
    await coreWriteFileAtomic(path, data, { mode, createDir: true });
  } catch (cause) {
    throw new FlannelError(
      FlannelErrorCode.SubnetFile,
      `cannot write ${path}: ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
}

function firstAddress(block: Cidr | undefined, field: string): string {
  if (block === undefined) {
    throw new FlannelError(
      FlannelErrorCode.SubnetFile,
      `subnet.env: the family is enabled but ${field} is missing`,
      {
        field,
      },
    );
  }
  // flannel's IncrementIP: the network address + 1 (the bridge address host-local hands out as gateway).
  return `${block.network.add(1).toString()}/${block.prefixLength}`;
}

function unquote(v: string): string {
  const q = v[0];
  if ((q === '"' || q === "'") && v.length >= 2 && v.endsWith(q)) return v.slice(1, -1);
  const hash = v.indexOf(' #');
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}

function parseOr<T>(path: string, key: string, value: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw invalid(path, `${key} ${JSON.stringify(value)} is not a CIDR`, { key, value }, cause);
  }
}

function invalid(path: string, why: string, details: Record<string, unknown>, cause?: unknown): FlannelError {
  return new FlannelError(
    FlannelErrorCode.SubnetFileInvalid,
    `${path}: ${why}`,
    { path, ...details },
    { cause },
  );
}
