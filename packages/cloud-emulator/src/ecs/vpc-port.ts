import type { Cidr } from '@edgeway/core';
import type { EmulatorState } from '../state/emulator-state.js';

/** A vSwitch as the ECS domain needs it. */
export interface VSwitchView {
  readonly id: string;
  readonly vpcId: string;
  readonly zoneId: string;
  readonly cidr: Cidr;
  readonly ipv6Cidr?: Cidr | undefined;
}

/** A VPC as the ECS domain and the metadata service need it. */
export interface VpcView {
  readonly id: string;
  readonly cidr: Cidr;
}

/**
 * What the ECS domain uses of the VPC domain: every ENI address comes from (and goes back to) its vSwitch
 * there, so `DescribeVSwitches`' `AvailableIpAddressCount` follows ENI changes. `allocateIp` throws the VPC
 * domain's ApiError (`InvalidVSwitchId.IpNotEnough`, …).
 */
export interface VpcPort {
  vswitch(id: string): VSwitchView | undefined;
  vpc(id: string): VpcView | undefined;
  allocateIp(vSwitchId: string, requested?: string): string;
  releaseIp(vSwitchId: string, ip: string): void;
  allocateIpv6(vSwitchId: string, requested?: string): string;
  releaseIpv6(vSwitchId: string, ip: string): void;
}

/** The state's VPC domain seen through {@link VpcPort} (the one place the contract is type-checked). */
export function vpcPort(state: EmulatorState): VpcPort {
  return state.vpc;
}
