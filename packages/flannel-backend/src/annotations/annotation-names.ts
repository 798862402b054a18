import { DEFAULT_ANNOTATION_PREFIX } from '../config/edgeway-options.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';

/**
 * The node annotation keys of flannel's kube subnet manager (`pkg/subnet/kube/annotations.go`), for one prefix.
 * With the default prefix they are `flannel.alpha.coreos.com/backend-type` and so on.
 */
export interface FlannelAnnotationNames {
  /** `<prefix>kube-subnet-manager`: `"true"` once flannel (or edgeway) has set the node up. */
  readonly kubeSubnetManager: string;
  /** `<prefix>backend-type`: `host-gw`, `vxlan`… */
  readonly backendType: string;
  /** `<prefix>backend-data`: the backend's JSON (`null` for host-gw). */
  readonly backendData: string;
  /** `<prefix>backend-v6-data`: the backend's IPv6 JSON (`null` for host-gw). */
  readonly backendV6Data: string;
  /** `<prefix>public-ip`: the IPv4 address peers use (the route's gateway for host-gw). */
  readonly publicIp: string;
  /** `<prefix>public-ipv6`: the IPv6 address peers use. */
  readonly publicIpv6: string;
  /** `<prefix>node-public-ip`: set by the admin; flanneld uses it as `--public-ip` when it starts. */
  readonly nodePublicIp: string;
  /** `<prefix>node-public-ipv6`: set by the admin; flanneld uses it as `--public-ipv6`. */
  readonly nodePublicIpv6: string;
  /** `<prefix>public-ip-overwrite`: set by the admin; written as `public-ip` instead of the detected address. */
  readonly publicIpOverwrite: string;
  /** `<prefix>public-ipv6-overwrite`: set by the admin; written as `public-ipv6`. */
  readonly publicIpv6Overwrite: string;
}

/** flannel's check of the prefix: an FQDN, a slash, then an optional name ending in a hyphen (after normalising). */
const PREFIX_FORMAT = /^(?:[a-z0-9_-]+\.)+[a-z0-9_-]+\/(?:[a-z0-9_-]+-)?$/;

/**
 * The annotation names for a prefix, normalised as flanneld's `--kube-annotation-prefix` is: a prefix without a slash
 * gets one (`example.com` → `example.com/backend-type`); a prefix with a name after the slash gets a hyphen
 * (`example.com/x` → `example.com/x-backend-type`); at most one slash; lowercase FQDN only.
 *
 * flannel's regular expression is not anchored at the start, so it would accept e.g. `Org.example.com`; this one is
 * (Kubernetes refuses such annotation keys anyway).
 * @throws FlannelError `ERR_ANNOTATION_PREFIX` naming the prefix.
 */
export function annotationNames(prefix: string = DEFAULT_ANNOTATION_PREFIX): FlannelAnnotationNames {
  const slashes = prefix.split('/').length - 1;
  if (slashes > 1) throw prefixError(prefix, 'can contain at most a single slash');
  let p = slashes === 0 ? `${prefix}/` : prefix;
  if (!p.endsWith('/') && !p.endsWith('-')) p += '-';
  if (!PREFIX_FORMAT.test(p)) throw prefixError(prefix, 'must be in a format: fqdn/[0-9a-z-_]*');
  return Object.freeze({
    kubeSubnetManager: `${p}kube-subnet-manager`,
    backendType: `${p}backend-type`,
    backendData: `${p}backend-data`,
    backendV6Data: `${p}backend-v6-data`,
    publicIp: `${p}public-ip`,
    publicIpv6: `${p}public-ipv6`,
    nodePublicIp: `${p}node-public-ip`,
    nodePublicIpv6: `${p}node-public-ipv6`,
    publicIpOverwrite: `${p}public-ip-overwrite`,
    publicIpv6Overwrite: `${p}public-ipv6-overwrite`,
  });
}

function prefixError(prefix: string, why: string): FlannelError {
  return new FlannelError(
    FlannelErrorCode.AnnotationPrefix,
    `annotation prefix ${JSON.stringify(prefix)} ${why}`,
    {
      prefix,
    },
  );
}
