import { type Clock, systemClock } from '@edgeway/core';
import { EcsDomain } from '../ecs/ecs-domain.js';
import { VpcDomain } from '../vpc/vpc-domain.js';
import { ChangeFeed } from './events.js';
import { Scheduler } from './scheduler.js';
import { defaultTimings, type Timings } from './timings.js';

/** Options of {@link EmulatorState}. */
export interface EmulatorStateOptions {
  /** The region every resource lives in (default `cn-hangzhou`). */
  regionId?: string;
  clock?: Clock;
  timings?: Partial<Timings>;
}

/**
 * All emulated resources of one account in one region. The VPC domain (VPCs, vSwitches, route tables, VBRs,
 * BGP) and the ECS domain (instances, instance types, ENIs) each own their resources; they reach each other only
 * through their public methods (an ENI takes its addresses from a vSwitch through `vpc.allocateIp`; a route entry
 * checks its next-hop instance through `ecs.instance`).
 */
export class EmulatorState {
  readonly regionId: string;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly feed = new ChangeFeed();
  readonly timings: Timings;
  readonly vpc: VpcDomain;
  readonly ecs: EcsDomain;

  constructor(options: EmulatorStateOptions = {}) {
    this.regionId = options.regionId ?? 'cn-hangzhou';
    this.clock = options.clock ?? systemClock;
    this.scheduler = new Scheduler(this.clock);
    this.timings = { ...defaultTimings, ...options.timings };
    this.vpc = new VpcDomain(this);
    this.ecs = new EcsDomain(this);
  }

  /** The whole state as plain JSON (what a `Describe*` of everything would show). */
  snapshot(): { regionId: string; vpc: unknown; ecs: unknown } {
    return { regionId: this.regionId, vpc: this.vpc.snapshot(), ecs: this.ecs.snapshot() };
  }

  /** Cancels pending transitions. */
  close(): void {
    this.scheduler.cancelAll();
  }
}
