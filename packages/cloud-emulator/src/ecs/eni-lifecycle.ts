import type { EcsDomain } from './ecs-domain.js';
import { ecsErrors } from './ecs-errors.js';
import type { EniStatus, NetworkInterfaceRecord } from './ecs-model.js';

/**
 * The asynchronous ENI operations: AttachNetworkInterface (Available → Attaching → InUse after
 * `timings.eniAttach`), DetachNetworkInterface (InUse → Detaching → Available after `timings.eniDetach`) and
 * DeleteNetworkInterface (Available → Deleting → gone after `timings.eniDelete`, its addresses back to the
 * vSwitch). Each call checks and changes state at once; the end of the transition runs on the scheduler.
 * API reference: https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-attachnetworkinterface
 * (and …-detachnetworkinterface, …-deletenetworkinterface).
 */
export class EniLifecycle {
  readonly #ecs: EcsDomain;

  constructor(ecs: EcsDomain) {
    this.#ecs = ecs;
  }

  /**
   * Binds an Available ENI to an instance in the same VPC (`InvalidOperation.VpcMismatch`) and zone
   * (`InvalidOperation.AvailabilityZoneMismatch`), within the instance type's ENI count
   * (`EniPerInstanceLimitExceeded`) and per-ENI address limits (`InvalidOperation.Ipv4CountExceeded`).
   */
  attach(eniId: string, instanceId: string): void {
    const ecs = this.#ecs;
    const instance = ecs.instance(instanceId);
    if (!instance) throw ecsErrors.instanceNotFound(instanceId);
    const eni = ecs.mutableEni(eniId);
    if (eni.status !== 'Available') throw ecsErrors.invalidEniState(eni.id, eni.status, 'Available');
    if (eni.vpcId !== instance.vpcId) {
      throw ecsErrors.vpcMismatch(
        `network interface ${eni.id} (${eni.vpcId}) and instance ${instance.id} (${instance.vpcId})`,
      );
    }
    if (eni.zoneId !== instance.zoneId) {
      throw ecsErrors.zoneMismatch(
        `network interface ${eni.id} (${eni.zoneId}) and instance ${instance.id} (${instance.zoneId})`,
      );
    }
    const bound = ecs.interfacesOf(instance.id);
    const type = ecs.instanceType(instance.instanceType);
    if (type) {
      if (bound.length >= type.eniQuantity)
        throw ecsErrors.eniPerInstanceLimit(instance.id, type.eniQuantity);
      if (1 + eni.secondaryIps.length > type.eniPrivateIpAddressQuantity) {
        throw ecsErrors.ipv4CountExceeded(eni.id, type.eniPrivateIpAddressQuantity);
      }
      if (eni.ipv6s.length > type.eniIpv6AddressQuantity) {
        throw ecsErrors.ipv6CountExceeded(eni.id, type.eniIpv6AddressQuantity);
      }
    }
    const used = new Set(bound.map((e) => e.deviceIndex));
    let deviceIndex = 1;
    while (used.has(deviceIndex)) deviceIndex++;
    eni.status = 'Attaching';
    eni.instanceId = instance.id;
    eni.deviceIndex = deviceIndex;
    ecs.emitEni(eni, 'updated');
    this.#after(ecs.state.timings.eniAttach, eni, 'Attaching', () => {
      eni.status = 'InUse';
      ecs.emitEni(eni, 'updated');
    });
  }

  /** Unbinds an InUse secondary ENI from the instance it is bound to. */
  detach(eniId: string, instanceId: string): void {
    const ecs = this.#ecs;
    if (!ecs.instance(instanceId)) throw ecsErrors.instanceNotFound(instanceId);
    const eni = ecs.mutableEni(eniId);
    if (eni.type === 'Primary') throw ecsErrors.detachPrimaryEni(eni.id);
    if (eni.instanceId !== instanceId) {
      const where = eni.instanceId === undefined ? eni.status : `${eni.status} on ${eni.instanceId}`;
      throw ecsErrors.invalidEniState(eni.id, where, `InUse on ${instanceId}`);
    }
    if (eni.status !== 'InUse') throw ecsErrors.invalidEniState(eni.id, eni.status, 'InUse');
    eni.status = 'Detaching';
    ecs.emitEni(eni, 'updated');
    this.#after(ecs.state.timings.eniDetach, eni, 'Detaching', () => {
      eni.status = 'Available';
      eni.instanceId = undefined;
      eni.deviceIndex = undefined;
      ecs.emitEni(eni, 'updated');
    });
  }

  /** Deletes an Available secondary ENI; its addresses go back to the vSwitch when it is gone. */
  delete(eniId: string): void {
    const ecs = this.#ecs;
    const eni = ecs.mutableEni(eniId);
    if (eni.type === 'Primary') throw ecsErrors.invalidEniType(eni.id);
    if (eni.status !== 'Available') throw ecsErrors.invalidEniState(eni.id, eni.status, 'Available');
    eni.status = 'Deleting';
    ecs.emitEni(eni, 'updated');
    this.#after(ecs.state.timings.eniDelete, eni, 'Deleting', () => ecs.removeEni(eni));
  }

  /** Runs `finish` after `ms` if the ENI still exists and is still in `status`. */
  #after(ms: number, eni: NetworkInterfaceRecord, status: EniStatus, finish: () => void): void {
    this.#ecs.state.scheduler.after(ms, () => {
      if (this.#ecs.networkInterface(eni.id) === eni && eni.status === status) finish();
    });
  }
}
