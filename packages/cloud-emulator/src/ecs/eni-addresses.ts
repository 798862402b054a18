import { IpAddress } from '@edgeway/core';
import { type ApiError, apiErrors } from '../api/api-error.js';
import { ecsErrors } from './ecs-errors.js';
import type { VpcPort, VSwitchView } from './vpc-port.js';

/** What one allocation asks for: explicit addresses (`PrivateIpAddress.N`) and/or a count of any. */
export interface AddressRequest {
  readonly family: 4 | 6;
  /** The request parameter the explicit addresses came from, for error messages. */
  readonly parameter: string;
  readonly requested: readonly string[];
  readonly count: number;
  /** Whether an address is already held by an ENI of the emulator. */
  readonly isTaken: (ip: string) => boolean;
  /** The error for a requested address that is already held. */
  readonly takenError: (ip: string) => ApiError;
}

/** Canonical text of an address of the given family, or an `InvalidParameter` naming the parameter. */
export function canonicalIp(text: string, family: 4 | 6, parameter: string): string {
  if (!IpAddress.isValid(text))
    throw apiErrors.invalidParameter(parameter, `("${text}") is not a valid IP address`);
  const ip = IpAddress.parse(text);
  if (ip.family !== family) {
    throw apiErrors.invalidParameter(parameter, `("${text}") is not an IPv${family} address`);
  }
  return ip.toString();
}

/**
 * Takes addresses from the vSwitch through the VPC domain, all or nothing: explicit ones are checked (format,
 * inside the vSwitch CIDR → `InvalidVSwitchId.IpInvalid`, repeated → `InvalidIp.IpRepeated`, held → the
 * request's error) before anything is taken, and a failure part-way (e.g. `InvalidVSwitchId.IpNotEnough`)
 * gives back what was taken.
 */
export function allocateAddresses(vpc: VpcPort, vsw: VSwitchView, req: AddressRequest): string[] {
  const cidr = req.family === 4 ? vsw.cidr : vsw.ipv6Cidr;
  if (cidr === undefined) throw ecsErrors.ipv6NotTurnOn(vsw.id);
  const wanted: string[] = [];
  const seen = new Set<string>();
  for (const text of req.requested) {
    const ip = canonicalIp(text, req.family, req.parameter);
    if (!cidr.contains(IpAddress.parse(ip))) throw ecsErrors.ipInvalid(ip, vsw.id);
    if (seen.has(ip)) throw ecsErrors.ipRepeated(ip);
    if (req.isTaken(ip)) throw req.takenError(ip);
    seen.add(ip);
    wanted.push(ip);
  }
  const allocate = req.family === 4 ? vpc.allocateIp.bind(vpc) : vpc.allocateIpv6.bind(vpc);
  const taken: string[] = [];
  try {
    for (const ip of wanted) taken.push(canonicalIp(allocate(vsw.id, ip), req.family, req.parameter));
    for (let i = 0; i < req.count; i++) taken.push(canonicalIp(allocate(vsw.id), req.family, req.parameter));
  } catch (err) {
    releaseAddresses(vpc, vsw.id, req.family, taken);
    throw err;
  }
  return taken;
}

/** Gives addresses back to their vSwitch. */
export function releaseAddresses(
  vpc: VpcPort,
  vSwitchId: string,
  family: 4 | 6,
  ips: readonly string[],
): void {
  for (const ip of ips) {
    if (family === 4) vpc.releaseIp(vSwitchId, ip);
    else vpc.releaseIpv6(vSwitchId, ip);
  }
}

/** Options of {@link EniAddressBook.take}. */
export interface TakeOptions {
  /** The parameter explicit addresses came from (default `PrivateIpAddress.N` / `Ipv6Address.N`). */
  readonly parameter?: string;
  /** The error for an explicit address already held by an ENI (default `InvalidIp.IpAssigned`). */
  readonly takenError?: (ip: string) => ApiError;
}

/**
 * Which ENI holds each address (per VPC: address blocks may repeat across VPCs), over the VPC domain's
 * vSwitch pools: takes addresses for an ENI all or nothing, and gives them back.
 */
export class EniAddressBook {
  readonly #vpc: () => VpcPort;
  /** `vpcId/ip` → ENI id, for IPv4 and IPv6. */
  readonly #owners = new Map<string, string>();

  constructor(vpc: () => VpcPort) {
    this.#vpc = vpc;
  }

  /** The ENI holding `ip` in `vpcId`. */
  ownerOf(vpcId: string, ip: string): string | undefined {
    return this.#owners.get(`${vpcId}/${ip}`);
  }

  /** Takes the `requested` addresses and `count` more from the vSwitch for `eniId` (see {@link allocateAddresses}). */
  take(
    vsw: VSwitchView,
    eniId: string,
    family: 4 | 6,
    requested: readonly string[],
    count: number,
    opts: TakeOptions = {},
  ): string[] {
    const ips = allocateAddresses(this.#vpc(), vsw, {
      family,
      parameter: opts.parameter ?? (family === 4 ? 'PrivateIpAddress.N' : 'Ipv6Address.N'),
      requested,
      count,
      isTaken: (ip) => this.#owners.has(`${vsw.vpcId}/${ip}`),
      takenError: opts.takenError ?? ecsErrors.ipAssigned,
    });
    for (const ip of ips) this.#owners.set(`${vsw.vpcId}/${ip}`, eniId);
    return ips;
  }

  /** Gives addresses back to their vSwitch. */
  giveBack(
    vsw: { readonly id: string; readonly vpcId: string },
    family: 4 | 6,
    ips: readonly string[],
  ): void {
    releaseAddresses(this.#vpc(), vsw.id, family, ips);
    for (const ip of ips) this.#owners.delete(`${vsw.vpcId}/${ip}`);
  }
}
