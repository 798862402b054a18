import { IpAddress, type IpFamily } from '@edgeway/core';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import type { FlannelAnnotationNames } from './annotation-names.js';

/** A node's annotations (`metadata.annotations`). */
export type Annotations = Readonly<Record<string, string>>;

/** What a node announces in its annotations (flannel's `lease.LeaseAttrs`). */
export interface LeaseAttributes {
  /** `host-gw` for route mode. */
  readonly backendType: string;
  /** Encoded as Go's `json.Marshal` would; `undefined` and `null` are `null` (host-gw has no backend data). */
  readonly backendData?: unknown;
  readonly backendV6Data?: unknown;
  /** Our IPv4 address; absent when IPv4 is disabled (flannel then writes its zero address `0.0.0.0`). */
  readonly publicIp?: IpAddress;
  /** Our IPv6 address; absent when IPv6 is disabled (the IPv6 annotations are then not written). */
  readonly publicIpv6?: IpAddress;
}

/** The annotation values to write on our node, and whether anything differs from what it holds. */
export interface OwnAnnotations {
  /** True when flannel's `AcquireLease` would patch the node. */
  readonly changed: boolean;
  /** The annotations that differ from the node's (the content of flannel's two-way strategic merge patch). */
  readonly patch: Readonly<Record<string, string>>;
  /** The node's flannel annotations after the patch. */
  readonly result: Readonly<Record<string, string>>;
}

/**
 * Encodes a value as Go's `encoding/json` does: compact, and with `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * `\u003c`… (Go's HTML-safe default). `undefined` is `null`, as a nil `json.RawMessage` marshals to `null`.
 */
export function goJsonMarshal(value: unknown): string {
  const text = value === undefined ? 'null' : JSON.stringify(value);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The annotations flannel's kube subnet manager writes on its own node when it takes its lease (`AcquireLease` in
 * `pkg/subnet/kube/kube.go`), computed from what the node holds now:
 * - `backend-type`, `kube-subnet-manager: "true"`;
 * - `backend-data` (`null` for host-gw) and `public-ip` — or, when the admin set `public-ip-overwrite`, that value;
 *   with IPv4 disabled flannel's zero address `0.0.0.0` (that is what flannel writes on IPv6-only nodes);
 * - with an IPv6 address, `backend-v6-data` and `public-ipv6` (or `public-ipv6-overwrite`).
 * Nothing changes when the node already holds all of them (flannel's exact comparison).
 */
export function ownNodeAnnotations(
  current: Annotations | undefined,
  attrs: LeaseAttributes,
  names: FlannelAnnotationNames,
): OwnAnnotations {
  const cur = current ?? {};
  const get = (k: string): string => cur[k] ?? '';
  const bd = goJsonMarshal(attrs.backendData ?? null);
  const v6bd = goJsonMarshal(attrs.backendV6Data ?? null);
  const ip = attrs.publicIp?.toString() ?? '0.0.0.0';
  const ip6 = attrs.publicIpv6?.toString();
  const type = attrs.backendType;
  const overwrite = get(names.publicIpOverwrite);
  const overwrite6 = get(names.publicIpv6Overwrite);

  const v4Stale =
    get(names.backendData) !== bd ||
    get(names.backendType) !== type ||
    get(names.publicIp) !== ip ||
    get(names.kubeSubnetManager) !== 'true' ||
    (overwrite !== '' && overwrite !== ip);
  const v6Stale =
    ip6 !== undefined &&
    (get(names.backendV6Data) !== v6bd ||
      get(names.backendType) !== type ||
      get(names.publicIpv6) !== ip6 ||
      get(names.kubeSubnetManager) !== 'true' ||
      (overwrite6 !== '' && overwrite6 !== ip6));

  const next: Record<string, string> = { ...cur };
  if (v4Stale || v6Stale) {
    next[names.backendType] = type;
    // flannel: an IPv6-only vxlan node leaves the IPv4 data alone; every other backend writes it.
    if (type !== 'vxlan' || bd !== 'null') {
      next[names.backendData] = bd;
      next[names.publicIp] = overwrite !== '' ? overwrite : ip;
    }
    const writesV6 =
      ((type === 'vxlan' || type === 'wireguard') &&
        v6bd !== 'null' &&
        (type === 'vxlan' || ip6 !== undefined)) ||
      ((type === 'host-gw' || type === 'extension') && ip6 !== undefined);
    if (writesV6) {
      next[names.backendV6Data] = v6bd;
      next[names.publicIpv6] = overwrite6 !== '' ? overwrite6 : (ip6 ?? '');
    }
    next[names.kubeSubnetManager] = 'true';
  }
  const patch: Record<string, string> = {};
  for (const key of Object.keys(next).sort()) {
    if (cur[key] !== next[key]) patch[key] = next[key] as string;
  }
  const result: Record<string, string> = {};
  for (const key of Object.values(names).sort())
    if (next[key] !== undefined) result[key] = next[key] as string;
  return { changed: v4Stale || v6Stale, patch, result };
}

/**
 * The strategic merge patch flannel sends to `nodes/<name>/status` for the annotations that changed:
 * `{"metadata":{"annotations":{…}}}` with keys in Go's (sorted) order.
 */
export function annotationPatchBody(patch: Readonly<Record<string, string>>): {
  metadata: { annotations: Record<string, string> };
} {
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(patch).sort()) annotations[key] = patch[key] as string;
  return { metadata: { annotations } };
}

/**
 * The public addresses an admin pinned with `node-public-ip` / `node-public-ipv6` (flannel's `GetStoredPublicIP`);
 * flanneld uses them instead of `--public-ip` / `--public-ipv6` to pick the interface.
 * @throws FlannelError `ERR_ANNOTATION_INVALID` naming the annotation when a value is not an address of its family.
 */
export function storedPublicIps(
  annotations: Annotations | undefined,
  names: FlannelAnnotationNames,
): { publicIp?: IpAddress; publicIpv6?: IpAddress } {
  const v4 = annotations?.[names.nodePublicIp];
  const v6 = annotations?.[names.nodePublicIpv6];
  return {
    ...(v4 ? { publicIp: parseAnnotatedIp(names.nodePublicIp, v4, 4) } : {}),
    ...(v6 ? { publicIpv6: parseAnnotatedIp(names.nodePublicIpv6, v6, 6) } : {}),
  };
}

/**
 * Parses an address held in an annotation, of the given family.
 * @throws FlannelError `ERR_ANNOTATION_INVALID` naming the annotation and value.
 */
export function parseAnnotatedIp(
  annotation: string,
  value: string,
  family: IpFamily,
  node?: string,
): IpAddress {
  let ip: IpAddress | undefined;
  try {
    ip = IpAddress.parse(value);
  } catch {
    ip = undefined;
  }
  if (ip === undefined || ip.family !== family) {
    const where = node === undefined ? '' : ` on node ${node}`;
    throw new FlannelError(
      FlannelErrorCode.InvalidAnnotation,
      `annotation ${annotation}${where} holds ${JSON.stringify(value)}, not an IPv${family} address`,
      { annotation, value, ...(node === undefined ? {} : { node }) },
    );
  }
  return ip;
}
