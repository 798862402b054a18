import { readFile } from 'node:fs/promises';
import {
  Cidr,
  EdgewayError,
  IpAddress as Ip,
  type IpAddress,
  type IpFamily,
  SubnetAllocator,
  type SubnetAllocatorOptions,
} from '@edgeway/core';
import { z } from 'zod';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import { type EdgewayOptions, type EdgewayOptionsInput, parseEdgewayOptions } from './edgeway-options.js';
import { foldGoKeys, isJsonObject } from './go-json.js';
import { checkNetworkOverlap } from './network-overlap.js';
import { configErrorFromZod } from './zod-error.js';

/** flannel's default `--net-config-path` in kube subnet manager mode. */
export const DEFAULT_NET_CONF_PATH = '/etc/kube-flannel/net-conf.json';

/** The backend types edgeway runs: flannel's `host-gw`, and `route` (the same datapath, edgeway's name for it). */
export type BackendType = 'host-gw' | 'route';
/** The backend types accepted in `Backend.Type`. */
export const SUPPORTED_BACKENDS: readonly BackendType[] = ['host-gw', 'route'];

/** The keys of flannel's `subnet.Config` (`pkg/subnet/config.go`), as Go spells them. */
const FLANNEL_FIELDS = [
  'Network',
  'IPv6Network',
  'EnableIPv4',
  'EnableIPv6',
  'EnableNFTables',
  'SubnetLen',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetLen',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
  'Backend',
] as const;

/**
 * The zod schema of flannel's `net-conf.json`, after keys are matched to Go's field names (see {@link foldGoKeys}).
 * Types as Go decodes them: CIDRs and addresses are strings, lengths unsigned integers, `Backend` an object.
 */
export const FlannelNetConfSchema = z.object({
  Network: z.string().optional(),
  IPv6Network: z.string().optional(),
  EnableIPv4: z.boolean().optional(),
  EnableIPv6: z.boolean().optional(),
  EnableNFTables: z.boolean().optional(),
  SubnetLen: z.number().int().min(0).optional(),
  SubnetMin: z.string().optional(),
  SubnetMax: z.string().optional(),
  IPv6SubnetLen: z.number().int().min(0).optional(),
  IPv6SubnetMin: z.string().optional(),
  IPv6SubnetMax: z.string().optional(),
  Backend: z.record(z.string(), z.unknown()).optional(),
  edgeway: z.unknown().optional(),
});

/**
 * A parsed, validated `net-conf.json`: flannel's keys with flannel's defaults applied (`EnableIPv4` true, `SubnetLen`
 * /24 or network + 2, `SubnetMin` the second block, `SubnetMax` the last — `CheckNetworkConfig` in
 * `pkg/subnet/config.go`), as {@link Cidr} objects, plus edgeway's own options.
 */
export interface FlannelNetConfig {
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  /** flannel's `EnableNFTables`: masquerade through nftables instead of iptables. */
  readonly enableNFTables: boolean;
  /** `Network`; set when IPv4 is enabled. */
  readonly network: Cidr | undefined;
  /** `IPv6Network`; set when IPv6 is enabled. */
  readonly ipv6Network: Cidr | undefined;
  /** `SubnetLen`, defaulted; set when IPv4 is enabled. */
  readonly subnetLen: number | undefined;
  /** `SubnetMin` as the first block that may be handed out; set when IPv4 is enabled. */
  readonly subnetMin: Cidr | undefined;
  /** `SubnetMax` as the last block that may be handed out; set when IPv4 is enabled. */
  readonly subnetMax: Cidr | undefined;
  readonly ipv6SubnetLen: number | undefined;
  readonly ipv6SubnetMin: Cidr | undefined;
  readonly ipv6SubnetMax: Cidr | undefined;
  /** `Backend`: its `Type` and the whole object as written. */
  readonly backend: { readonly type: BackendType; readonly options: Readonly<Record<string, unknown>> };
  /** edgeway's own options (the `edgeway` key merged with the ones passed to the parser). */
  readonly edgeway: EdgewayOptions;
  /** Top-level keys flannel would ignore (typos such as `Subnetlen` are folded, not listed). */
  readonly unknownKeys: readonly string[];
}

/** Options of {@link parseNetConf}. */
export interface ParseNetConfOptions {
  /** edgeway options; they override the file's `edgeway` key field by field. */
  readonly edgeway?: EdgewayOptionsInput;
  /** The node (underlay) networks; added to `edgeway.nodeNetworks`. `Network` must not overlap any. */
  readonly nodeNetworks?: readonly (Cidr | string)[];
  /** Name of the source in error messages (the file path). Default `net-conf.json`. */
  readonly source?: string;
}

/**
 * Parses flannel's `net-conf.json` as flanneld does (`subnet.ParseConfig`: Go's case-insensitive key matching,
 * unknown keys ignored, `EnableIPv4` true by default) and validates it as `subnet.CheckNetworkConfig` does, for
 * every enabled family. Only the `host-gw` backend (and its edgeway alias `route`) is accepted; flannel's default
 * when `Backend` is absent is `udp`, which is refused too.
 *
 * @param input - the file's text, or the decoded object.
 * @throws FlannelError `ERR_FLANNEL_CONFIG` naming the field and value; `ERR_UNSUPPORTED_BACKEND` naming the type;
 * `ERR_NETWORK_OVERLAP` naming both networks.
 */
export function parseNetConf(input: string | unknown, options: ParseNetConfOptions = {}): FlannelNetConfig {
  const source = options.source ?? 'net-conf.json';
  let decoded: unknown = input;
  if (typeof input === 'string') {
    try {
      decoded = JSON.parse(input);
    } catch (cause) {
      throw new FlannelError(
        FlannelErrorCode.Config,
        `${source} is not valid JSON: ${(cause as Error).message}`,
        {
          source,
          field: '',
          value: input.length > 200 ? `${input.slice(0, 200)}…` : input,
        },
        { cause },
      );
    }
  }
  if (!isJsonObject(decoded)) {
    throw new FlannelError(FlannelErrorCode.Config, `${source} must hold a JSON object`, {
      source,
      field: '',
      value: decoded,
    });
  }
  const { folded, unknown } = foldGoKeys(decoded, FLANNEL_FIELDS, ['edgeway']);
  const parsed = FlannelNetConfSchema.safeParse(folded);
  if (!parsed.success) throw configErrorFromZod(source, parsed.error, folded);
  const raw = parsed.data;

  const backend = parseBackend(raw.Backend, source);
  const fileOptions = raw.edgeway === undefined ? {} : raw.edgeway;
  if (!isJsonObject(fileOptions)) {
    throw new FlannelError(FlannelErrorCode.Config, `${source}: edgeway must be an object`, {
      source,
      field: 'edgeway',
      value: fileOptions,
    });
  }
  const edgeway = parseEdgewayOptions({ ...fileOptions, ...(options.edgeway ?? {}) }, source);

  const enableIPv4 = raw.EnableIPv4 ?? true;
  const enableIPv6 = raw.EnableIPv6 ?? false;
  if (!enableIPv4 && !enableIPv6) {
    throw configError(source, 'EnableIPv4', false, 'at least one of EnableIPv4 and EnableIPv6 must be true');
  }
  const v4 = enableIPv4
    ? familyConfig(source, 4, {
        network: ['Network', raw.Network],
        len: ['SubnetLen', raw.SubnetLen],
        min: ['SubnetMin', raw.SubnetMin],
        max: ['SubnetMax', raw.SubnetMax],
      })
    : undefined;
  const v6 = enableIPv6
    ? familyConfig(source, 6, {
        network: ['IPv6Network', raw.IPv6Network],
        len: ['IPv6SubnetLen', raw.IPv6SubnetLen],
        min: ['IPv6SubnetMin', raw.IPv6SubnetMin],
        max: ['IPv6SubnetMax', raw.IPv6SubnetMax],
      })
    : undefined;
  if (edgeway.mtu !== undefined && enableIPv6 && edgeway.mtu < 1280) {
    throw configError(source, 'edgeway.mtu', edgeway.mtu, 'IPv6 needs an MTU of at least 1280 (RFC 8200 §5)');
  }

  const nodeNetworks = [
    ...edgeway.nodeNetworks,
    ...(options.nodeNetworks ?? []).map((n) =>
      typeof n === 'string' ? Cidr.parse(n, { strict: false }) : n,
    ),
  ];
  const config: FlannelNetConfig = Object.freeze({
    enableIPv4,
    enableIPv6,
    enableNFTables: raw.EnableNFTables ?? false,
    network: v4?.network,
    ipv6Network: v6?.network,
    subnetLen: v4?.subnetLength,
    subnetMin: v4?.subnetMin,
    subnetMax: v4?.subnetMax,
    ipv6SubnetLen: v6?.subnetLength,
    ipv6SubnetMin: v6?.subnetMin,
    ipv6SubnetMax: v6?.subnetMax,
    backend,
    edgeway: Object.freeze({ ...edgeway, nodeNetworks: Object.freeze(nodeNetworks) }),
    unknownKeys: Object.freeze(unknown),
  });
  checkNetworkOverlap(config, nodeNetworks);
  return config;
}

/**
 * Reads and parses `net-conf.json` (default {@link DEFAULT_NET_CONF_PATH}, as flanneld `--net-config-path`).
 * @throws FlannelError `ERR_FLANNEL_CONFIG` with `details.path` when unreadable, and as {@link parseNetConf}.
 */
export async function readNetConf(
  path: string = DEFAULT_NET_CONF_PATH,
  options: Omit<ParseNetConfOptions, 'source'> = {},
): Promise<FlannelNetConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FlannelError(
      FlannelErrorCode.Config,
      `cannot read ${path}: ${(cause as Error).message}`,
      {
        path,
        field: '',
        value: path,
      },
      { cause },
    );
  }
  return parseNetConf(text, { ...options, source: path });
}

/**
 * The {@link SubnetAllocator} options of one family of the configuration (`Network`, `SubnetLen`, `SubnetMin`,
 * `SubnetMax`, or their IPv6 twins), or `undefined` when the family is disabled.
 */
export function allocatorOptions(
  config: FlannelNetConfig,
  family: IpFamily,
): SubnetAllocatorOptions | undefined {
  const network = family === 4 ? config.network : config.ipv6Network;
  if (network === undefined) return undefined;
  return family === 4
    ? { network, subnetLength: config.subnetLen, subnetMin: config.subnetMin, subnetMax: config.subnetMax }
    : {
        network,
        subnetLength: config.ipv6SubnetLen,
        subnetMin: config.ipv6SubnetMin,
        subnetMax: config.ipv6SubnetMax,
      };
}

function parseBackend(
  value: Record<string, unknown> | undefined,
  source: string,
): FlannelNetConfig['backend'] {
  if (value === undefined) {
    throw new FlannelError(
      FlannelErrorCode.UnsupportedBackend,
      `${source}: Backend is missing; flannel would default to "udp", edgeway runs only ${SUPPORTED_BACKENDS.join(' or ')}`,
      { source, field: 'Backend.Type', value: 'udp' },
    );
  }
  const { folded } = foldGoKeys(value, ['Type']);
  const type = folded.Type ?? '';
  if (typeof type !== 'string') throw configError(source, 'Backend.Type', type, 'must be a string');
  if (!(SUPPORTED_BACKENDS as readonly string[]).includes(type)) {
    throw new FlannelError(
      FlannelErrorCode.UnsupportedBackend,
      `${source}: Backend.Type ${JSON.stringify(type)} is not supported; edgeway runs only ${SUPPORTED_BACKENDS.join(' or ')}`,
      { source, field: 'Backend.Type', value: type },
    );
  }
  return Object.freeze({ type: type as BackendType, options: Object.freeze({ ...value }) });
}

interface FamilyFields {
  network: [string, string | undefined];
  len: [string, number | undefined];
  min: [string, string | undefined];
  max: [string, string | undefined];
}

function familyConfig(
  source: string,
  family: IpFamily,
  f: FamilyFields,
): { network: Cidr; subnetLength: number; subnetMin: Cidr; subnetMax: Cidr } {
  const [netField, netText] = f.network;
  if (netText === undefined || netText === '') {
    throw configError(source, netField, netText, `is required when EnableIPv${family} is true`);
  }
  let network: Cidr;
  try {
    // Go's net.ParseCIDR, which flannel uses, clears host bits (10.0.0.1/16 is 10.0.0.0/16).
    network = Cidr.parse(netText, { strict: false });
  } catch (cause) {
    throw configError(source, netField, netText, `is not a CIDR (${(cause as Error).message})`, cause);
  }
  if (network.family !== family) throw configError(source, netField, netText, `is not an IPv${family} CIDR`);
  if (network.prefixLength === 0 && network.network.value === 0n) {
    // flannel treats the zero network as unset ("please define a correct Network parameter").
    throw configError(source, netField, netText, 'is the zero network; define a correct network');
  }
  const bound = (field: string, text: string | undefined): IpAddress | undefined => {
    if (text === undefined || text === '') return undefined;
    let address: IpAddress;
    try {
      address = Ip.parse(text);
    } catch (cause) {
      throw configError(source, field, text, 'is not an IP address', cause);
    }
    if (address.family !== family) throw configError(source, field, text, `is not an IPv${family} address`);
    // The zero address means "unset" to flannel (SubnetMin == ip.IP4(0) / ip.IsEmpty).
    return address.value === 0n ? undefined : address;
  };
  const [lenField, len] = f.len;
  const min = bound(f.min[0], f.min[1]);
  const max = bound(f.max[0], f.max[1]);
  try {
    const allocator = new SubnetAllocator({
      network,
      subnetLength: len === undefined || len === 0 ? undefined : len,
      subnetMin: min,
      subnetMax: max,
    });
    return {
      network,
      subnetLength: allocator.subnetLength,
      subnetMin: allocator.subnetMin,
      subnetMax: allocator.subnetMax,
    };
  } catch (cause) {
    if (!(cause instanceof EdgewayError)) throw cause;
    const which = String(cause.details.field ?? '');
    const [field, value] =
      which === 'subnetLength'
        ? [lenField, len]
        : which === 'subnetMin'
          ? [f.min[0], f.min[1]]
          : which === 'subnetMax'
            ? [f.max[0], f.max[1]]
            : [netField, netText];
    throw configError(source, field, value, cause.message, cause);
  }
}

function configError(
  source: string,
  field: string,
  value: unknown,
  why: string,
  cause?: unknown,
): FlannelError {
  const shown = value === undefined ? '' : ` ${JSON.stringify(value)}`;
  return new FlannelError(
    FlannelErrorCode.Config,
    `${source}: ${field}${shown} ${why}`,
    { source, field, value },
    { cause },
  );
}
