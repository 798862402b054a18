import { type Cidr, type IpFamily, SubnetAllocator } from '@edgeway/core';
import { checkPodCidrInNetwork, type PodCidrs } from '../annotations/node-lease.js';
import { allocatorOptions, type FlannelNetConfig } from '../config/net-conf.js';
import { FlannelError, FlannelErrorCode } from '../errors.js';
import type { AcquireOptions } from './lease-source.js';

/** Our node's blocks, and whether they were just allocated (so they must be stored). */
export interface OwnBlocks extends PodCidrs {
  readonly allocated: boolean;
}

/** Inputs of {@link planOwnBlocks}. */
export interface PlanOwnBlocksInput {
  readonly node: string;
  /** The blocks our node holds now (from `spec.podCIDR(s)`). */
  readonly current: PodCidrs;
  /** Every other node's blocks, to allocate around. Only read when allocating. */
  readonly others: () => Iterable<{ readonly node: string; readonly cidrs: PodCidrs }>;
  readonly config: FlannelNetConfig;
  /** Whether we may allocate when the node has no block. */
  readonly allocate: boolean;
  readonly previous?: Pick<AcquireOptions, 'previousSubnet' | 'previousIpv6Subnet'>;
}

/**
 * Decides our node's blocks:
 * - the node holds blocks → they are ours, each checked to lie in its network (`ERR_PODCIDR_OUTSIDE_NETWORK`); an
 *   enabled family without one is `ERR_NO_PODCIDR` — Kubernetes forbids changing `podCIDRs` once set, so a missing
 *   family cannot be added later;
 * - the node holds none and we allocate → for each enabled family a {@link SubnetAllocator} with flannel's
 *   `SubnetLen`/`SubnetMin`/`SubnetMax`, restored from every other node's blocks (a block that does not fit the
 *   allocator — another length, outside the bounds — is reserved instead, so nothing overlapping is handed out);
 *   the previous block (from `subnet.env`) is preferred when still free;
 * - else `ERR_NO_PODCIDR`.
 * @throws FlannelError as above; IpamError `ERR_SUBNETS_EXHAUSTED` when no block is left.
 */
export function planOwnBlocks(input: PlanOwnBlocksInput): OwnBlocks {
  const { node, current, config } = input;
  const families: IpFamily[] = [
    ...(config.enableIPv4 ? [4 as const] : []),
    ...(config.enableIPv6 ? [6 as const] : []),
  ];
  if (current.v4 !== undefined || current.v6 !== undefined) {
    for (const family of families) {
      const block = family === 4 ? current.v4 : current.v6;
      if (block === undefined)
        throw noPodCidr(
          node,
          family,
          input.allocate ? '(its podCIDRs are set, and Kubernetes forbids changing them)' : '',
        );
      checkPodCidrInNetwork(node, block, family === 4 ? config.network : config.ipv6Network);
    }
    return { ...pick(current, families), allocated: false };
  }
  if (!input.allocate) {
    throw noPodCidr(node, families[0] ?? 4, 'and subnet allocation is off (edgeway.allocateSubnets)');
  }
  const others = [...input.others()];
  const out: { v4?: Cidr; v6?: Cidr } = {};
  for (const family of families) {
    const key = family === 4 ? 'v4' : 'v6';
    const taken = others.flatMap((o) =>
      o.cidrs[key] === undefined ? [] : [{ node: o.node, subnet: o.cidrs[key] }],
    );
    const options = allocatorOptions(config, family)!;
    let allocator = new SubnetAllocator(options);
    const { rejected } = allocator.restore(taken);
    if (rejected.length > 0) {
      const reserved = rejected.flatMap((r) => (typeof r.subnet === 'string' ? [] : [r.subnet]));
      allocator = new SubnetAllocator({ ...options, reserved });
      allocator.restore(taken);
    }
    const previous = family === 4 ? input.previous?.previousSubnet : input.previous?.previousIpv6Subnet;
    out[key] = allocator.acquire(node, previous === undefined ? {} : { previous }).subnet;
  }
  return { ...out, allocated: true };
}

function pick(c: PodCidrs, families: readonly IpFamily[]): PodCidrs {
  return {
    ...(families.includes(4) && c.v4 ? { v4: c.v4 } : {}),
    ...(families.includes(6) && c.v6 ? { v6: c.v6 } : {}),
  };
}

function noPodCidr(node: string, family: IpFamily, why: string): FlannelError {
  return new FlannelError(
    FlannelErrorCode.NoPodCidr,
    `node ${node} has no IPv${family} pod CIDR (spec.podCIDR/podCIDRs)${why ? ` ${why}` : ''}`,
    { node, family },
  );
}

/**
 * Checks the addresses our node announces: one of each enabled family (flannel's host-gw backend takes the IPv4
 * and, with IPv6 on, the IPv6 address of the external interface), each of the right family.
 * @throws FlannelError `ERR_PUBLIC_IP_MISSING` naming the node and the family.
 */
export function checkPublicIps(
  node: string,
  config: Pick<FlannelNetConfig, 'enableIPv4' | 'enableIPv6'>,
  options: Pick<AcquireOptions, 'publicIp' | 'publicIpv6'>,
): void {
  const check = (family: IpFamily, ip: AcquireOptions['publicIp'], field: string) => {
    if (ip === undefined) {
      throw new FlannelError(
        FlannelErrorCode.PublicIpMissing,
        `node ${node}: IPv${family} is enabled but no ${field} was given`,
        { node, family, field },
      );
    }
    if (ip.family !== family) {
      throw new FlannelError(
        FlannelErrorCode.PublicIpMissing,
        `node ${node}: ${field} ${ip.toString()} is not an IPv${family} address`,
        { node, family, field, value: ip.toString() },
      );
    }
  };
  if (config.enableIPv4) check(4, options.publicIp, 'publicIp');
  if (config.enableIPv6) check(6, options.publicIpv6, 'publicIpv6');
}
