// Test support for the VPC domain's unit tests (never imported by the package).
import { FakeClock } from '@edgeway/core';
import { expect } from 'vitest';
import type { ActionContext } from '../api/action.js';
import { ApiError } from '../api/api-error.js';
import { Params } from '../api/params.js';
import { EmulatorState } from '../state/emulator-state.js';
import type { ChangeEvent } from '../state/events.js';
import type { Timings } from '../state/timings.js';
import { vpcActions } from './vpc-actions.js';
import type { VpcTopologyInput } from './vpc-topology.js';

/** The start of the fake clock (2023-11-14T22:13:20Z). */
export const T0 = 1_700_000_000_000;

/**
 * One VPC (192.168.0.0/16 with IPv6, vSwitches `vsw-a` 192.168.1.0/24 and `vsw-b` 192.168.2.0/29, table
 * `vtb-vpc`, interface `ri-vpc` towards the VBR) and one active VBR (`vbr-1`, table `vtb-vbr`, VLAN interface
 * `ri-vlan`, interface `ri-vbr` towards the VPC).
 */
export const TOPOLOGY: VpcTopologyInput = {
  vpcs: [
    {
      id: 'vpc-1',
      name: 'main',
      cidr: '192.168.0.0/16',
      ipv6Cidr: '2408:4000:1000:ab00::/56',
      vRouterId: 'vrt-1',
      routeTableId: 'vtb-vpc',
      vSwitches: [
        {
          id: 'vsw-a',
          zoneId: 'cn-hangzhou-h',
          cidr: '192.168.1.0/24',
          ipv6Cidr: '2408:4000:1000:ab01::/64',
        },
        { id: 'vsw-b', zoneId: 'cn-hangzhou-i', cidr: '192.168.2.0/29' },
      ],
      routerInterfaces: [{ id: 'ri-vpc', oppositeRouterId: 'vbr-1', oppositeInterfaceId: 'ri-vbr' }],
    },
  ],
  vbrs: [
    {
      id: 'vbr-1',
      name: 'dc',
      routeTableId: 'vtb-vbr',
      vlanInterfaceId: 'ri-vlan',
      physicalConnectionId: 'pc-1',
      vlanId: 100,
      routerInterfaces: [{ id: 'ri-vbr' }],
    },
  ],
};

/** Timings of the tests: round numbers to step the fake clock through. */
export const TEST_TIMINGS: Partial<Timings> = { routeEntryCreate: 1000, routeEntryDelete: 500, bgp: 300 };

/** A seeded state on a fake clock, and every change event it emits. */
export function makeState(topology: VpcTopologyInput = TOPOLOGY): {
  state: EmulatorState;
  clock: FakeClock;
  events: ChangeEvent[];
} {
  const clock = new FakeClock(T0);
  const state = new EmulatorState({ clock, timings: TEST_TIMINGS });
  const events: ChangeEvent[] = [];
  state.feed.subscribe((e) => events.push(e));
  state.vpc.seed(topology);
  events.length = 0;
  return { state, clock, events };
}

type ParamInput = Record<string, string | number | boolean | undefined> | [string, string][];

/** Runs a VPC action with a hand-built context, as the server would. */
export function call(state: EmulatorState, action: string, input: ParamInput = {}): Record<string, unknown> {
  const handler = vpcActions[action];
  if (!handler) throw new Error(`no action ${action}`);
  const entries: [string, string][] = Array.isArray(input)
    ? input
    : Object.entries(input)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]);
  const ctx: ActionContext = {
    action,
    params: new Params(entries),
    state,
    clock: state.clock,
    accessKeyId: 'AK-test',
    requestId: 'REQ-test',
  };
  return handler(ctx);
}

/** Runs a VPC action that must fail, and returns its ApiError. */
export function callError(state: EmulatorState, action: string, input: ParamInput = {}): ApiError {
  try {
    call(state, action, input);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error(`${action} did not fail`);
}

/** Expects `fn` to throw an ApiError with `code` (and `status`, when given). */
export function expectApiError(fn: () => unknown, code: string, status?: number): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(code);
    if (status !== undefined) expect((err as ApiError).httpStatus).toBe(status);
    return err as ApiError;
  }
  throw new Error(`expected ApiError ${code}, nothing was thrown`);
}

/** The items of a wrapped list (`{ RouteEntrys: { RouteEntry: [...] } }` → the array). */
export function items(
  body: Record<string, unknown>,
  outer: string,
  inner: string,
): Record<string, unknown>[] {
  return ((body[outer] as Record<string, unknown>)[inner] as Record<string, unknown>[]) ?? [];
}
