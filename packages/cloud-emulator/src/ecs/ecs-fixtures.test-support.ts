// Test support for the ECS and metadata tests (never imported by the package).
import { FakeClock } from '@edgeway/core';
import type { ActionContext, ActionHandler } from '../api/action.js';
import { ApiError } from '../api/api-error.js';
import { Params } from '../api/params.js';
import { EmulatorState } from '../state/emulator-state.js';
import type { ChangeEvent } from '../state/events.js';
import { newRequestId } from '../state/ids.js';
import type { EcsTopology } from './ecs-topology.js';

/** The VPC part of the test topology, in the VPC domain's topology format. */
export const testVpcTopology = {
  vpcs: [
    {
      id: 'vpc-one',
      cidr: '10.0.0.0/16',
      ipv6Cidr: '2408:4005:300::/56',
      vSwitches: [
        { id: 'vsw-a', zoneId: 'cn-hangzhou-k', cidr: '10.0.1.0/24', ipv6Cidr: '2408:4005:300:a::/64' },
        { id: 'vsw-b', zoneId: 'cn-hangzhou-j', cidr: '10.0.2.0/24' },
        // 8 addresses, 4 reserved by the system: 10.0.3.1–10.0.3.4 can be handed out.
        { id: 'vsw-tiny', zoneId: 'cn-hangzhou-k', cidr: '10.0.3.0/29' },
      ],
    },
    {
      id: 'vpc-two',
      cidr: '172.16.0.0/16',
      vSwitches: [{ id: 'vsw-c', zoneId: 'cn-hangzhou-k', cidr: '172.16.1.0/24' }],
    },
  ],
};

/** The ECS part of the test topology. */
export const testEcsTopology: EcsTopology = {
  securityGroups: [{ id: 'sg-one', vpcId: 'vpc-one' }, { id: 'sg-two', vpcId: 'vpc-two' }, 'sg-anywhere'],
  instances: [
    // ecs.g7.large: 3 ENIs, 6 private IPv4 and 6 IPv6 addresses per ENI.
    {
      id: 'i-one',
      instanceType: 'ecs.g7.large',
      vSwitchId: 'vsw-a',
      privateIp: '10.0.1.10',
      tags: { role: 'node' },
    },
    // ecs.g6.large: 2 ENIs, 6 private IPv4 and 1 IPv6 address per ENI.
    { id: 'i-two', instanceType: 'ecs.g6.large', vSwitchId: 'vsw-b', securityGroupIds: ['sg-one'] },
    { id: 'i-three', instanceType: 'ecs.g7.large', vSwitchId: 'vsw-c', metadataHttpTokens: 'optional' },
  ],
};

/** A state seeded with the test topology, its fake clock, and every change event it emits. */
export interface TestWorld {
  readonly state: EmulatorState;
  readonly clock: FakeClock;
  readonly events: ChangeEvent[];
  /** Calls an action handler as the server would, with the given parameters (`RegionId` added unless given). */
  call(handler: ActionHandler, params: Record<string, string>, action?: string): Record<string, unknown>;
  /** Addresses still free in a vSwitch, counted through the VPC domain. */
  freeIps(vSwitchId: string): number;
}

/** Builds a {@link TestWorld}; `ecs` replaces the ECS topology. */
export function makeWorld(ecs: EcsTopology = testEcsTopology): TestWorld {
  const clock = new FakeClock(Date.parse('2026-11-27T08:00:00Z'));
  const state = new EmulatorState({ clock });
  seedVpc(state);
  state.ecs.seed(ecs);
  const events: ChangeEvent[] = [];
  state.feed.subscribe((e) => events.push(e));
  return {
    state,
    clock,
    events,
    call(handler, params, action = 'Test') {
      const ctx: ActionContext = {
        action,
        params: new Params(Object.entries({ RegionId: state.regionId, ...params })),
        state,
        clock,
        accessKeyId: 'test-key',
        requestId: newRequestId(),
      };
      return handler(ctx);
    },
    freeIps(vSwitchId) {
      // What DescribeVSwitches reports as AvailableIpAddressCount.
      const vsw = state.vpc.records.vSwitches.get(vSwitchId);
      if (!vsw) throw new Error(`no vSwitch ${vSwitchId}`);
      return Number(vsw.addresses.available);
    },
  };
}

/** Runs `fn` and returns the ApiError it throws (fails the test when it throws nothing or something else). */
export function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError, nothing was thrown');
}

function seedVpc(state: EmulatorState): void {
  state.vpc.seed(testVpcTopology);
}
