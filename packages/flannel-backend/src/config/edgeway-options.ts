import { Cidr, IpAddress } from '@edgeway/core';
import { z } from 'zod';
import { configErrorFromZod } from './zod-error.js';

/** flannel's default `--subnet-file`. */
export const DEFAULT_SUBNET_FILE = '/run/flannel/subnet.env';
/** flannel's default `--kube-annotation-prefix`. */
export const DEFAULT_ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';
/** The default resync period of the route reconciler, in seconds. */
export const DEFAULT_RESYNC_SECONDS = 10;
/** The Linux main routing table (`ip route` without `table`). */
export const MAIN_ROUTE_TABLE = 254;

const ipText = z.string().refine((s) => IpAddress.isValid(s), { error: 'is not an IP address' });
const oneOrMany = (item: z.ZodType<string>) => z.union([item, z.array(item)]);
const regexText = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'is not a valid regular expression' },
);
const nodeNetworkText = z.string().refine((s) => isInterfaceCidr(s), {
  error: 'is not a CIDR (address/prefix)',
});

/**
 * The zod schema of edgeway's own options (camelCase, unknown keys refused). They are read from the `edgeway`
 * key of `net-conf.json` — flannel ignores keys it does not know, so the same file still works with flannel — or
 * passed as an object; each mirrors a flanneld flag where one exists.
 */
export const EdgewayOptionsSchema = z.strictObject({
  /** Linux routing table for peer routes (1..2^32-1, not 255 `local`). Default 254 (`main`), as flannel. */
  routeTable: z
    .number()
    .int()
    .min(1)
    .max(0xffffffff)
    .refine((t) => t !== 255, { error: 'table 255 is the kernel local table' })
    .default(MAIN_ROUTE_TABLE),
  /** Route metric (priority) of peer routes. Default 0, as flannel (which sets none). */
  metric: z.number().int().min(0).max(0xffffffff).default(0),
  /** Seconds between full resyncs that repair drift. Default 10. */
  resyncPeriod: z.number().positive().max(86_400).default(DEFAULT_RESYNC_SECONDS),
  /** Interfaces by name or IP, tried in order (flanneld `--iface`, repeatable). */
  iface: oneOrMany(z.string().min(1)).optional(),
  /** Regular expressions matched against interface names and IPs, in order (flanneld `--iface-regex`). */
  ifaceRegex: oneOrMany(regexText).optional(),
  /** The interface that routes to this address (`ip route get`) is used (flanneld `--iface-can-reach`). */
  ifaceCanReach: ipText.optional(),
  /** The node's IPv4 address for other nodes (flanneld `--public-ip`). */
  publicIp: ipText.optional(),
  /** The node's IPv6 address for other nodes (flanneld `--public-ipv6`). */
  publicIpv6: ipText.optional(),
  /** Install a blackhole route for the node's own block (unused addresses are dropped, not routed back out). */
  blackhole: z.boolean().default(false),
  /** Where `subnet.env` is written (flanneld `--subnet-file`). */
  subnetFile: z.string().min(1).default(DEFAULT_SUBNET_FILE),
  /** Masquerade traffic leaving the cluster network (flanneld `--ip-masq`, default false). */
  ipMasq: z.boolean().default(false),
  /** MTU written to `subnet.env` instead of the external interface's. */
  mtu: z.number().int().min(68).max(65_535).optional(),
  /** Also advertise the aggregate of `Network` (besides the node's block) to BGP. */
  advertiseAggregate: z.boolean().default(false),
  /** Allocate node blocks ourselves when the cluster does not set `spec.podCIDR` (kube-controller-manager off). */
  allocateSubnets: z.boolean().default(false),
  /** Annotation prefix (flanneld `--kube-annotation-prefix`). */
  annotationPrefix: z.string().min(1).default(DEFAULT_ANNOTATION_PREFIX),
  /** Set the node condition `NetworkUnavailable=False` once up (flanneld `--set-node-network-unavailable`). */
  setNodeNetworkUnavailable: z.boolean().default(true),
  /** The node (underlay) networks, e.g. `192.168.10.0/24`; `Network` must not overlap them. */
  nodeNetworks: z.array(nodeNetworkText).optional(),
});

/** What a caller may write for {@link EdgewayOptions} (all optional). */
export type EdgewayOptionsInput = z.input<typeof EdgewayOptionsSchema>;

/** edgeway's own options, parsed, with defaults applied. */
export interface EdgewayOptions {
  readonly routeTable: number;
  readonly metric: number;
  /** The resync period in milliseconds. */
  readonly resyncPeriodMs: number;
  readonly iface: readonly string[];
  readonly ifaceRegex: readonly RegExp[];
  readonly ifaceCanReach: IpAddress | undefined;
  readonly publicIp: IpAddress | undefined;
  readonly publicIpv6: IpAddress | undefined;
  readonly blackhole: boolean;
  readonly subnetFile: string;
  readonly ipMasq: boolean;
  readonly mtu: number | undefined;
  readonly advertiseAggregate: boolean;
  readonly allocateSubnets: boolean;
  readonly annotationPrefix: string;
  readonly setNodeNetworkUnavailable: boolean;
  /** As blocks (host bits of an interface address such as `192.168.10.5/24` cleared). */
  readonly nodeNetworks: readonly Cidr[];
}

/**
 * Parses edgeway's own options (see {@link EdgewayOptionsSchema}).
 * @throws FlannelError `ERR_FLANNEL_CONFIG` naming the field (`edgeway.metric`…) and its value.
 */
export function parseEdgewayOptions(input: unknown = {}, source = 'edgeway options'): EdgewayOptions {
  const parsed = EdgewayOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) throw configErrorFromZod(source, parsed.error, input, ['edgeway']);
  const o = parsed.data;
  const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return Object.freeze({
    routeTable: o.routeTable,
    metric: o.metric,
    resyncPeriodMs: Math.round(o.resyncPeriod * 1000),
    iface: Object.freeze(list(o.iface)),
    ifaceRegex: Object.freeze(list(o.ifaceRegex).map((r) => new RegExp(r))),
    ifaceCanReach: o.ifaceCanReach === undefined ? undefined : IpAddress.parse(o.ifaceCanReach),
    publicIp: o.publicIp === undefined ? undefined : IpAddress.parse(o.publicIp),
    publicIpv6: o.publicIpv6 === undefined ? undefined : IpAddress.parse(o.publicIpv6),
    blackhole: o.blackhole,
    subnetFile: o.subnetFile,
    ipMasq: o.ipMasq,
    mtu: o.mtu,
    advertiseAggregate: o.advertiseAggregate,
    allocateSubnets: o.allocateSubnets,
    annotationPrefix: o.annotationPrefix,
    setNodeNetworkUnavailable: o.setNodeNetworkUnavailable,
    nodeNetworks: Object.freeze(list(o.nodeNetworks).map((n) => Cidr.parse(n, { strict: false }))),
  });
}

function isInterfaceCidr(text: string): boolean {
  try {
    Cidr.parse(text, { strict: false });
    return true;
  } catch {
    return false;
  }
}
