import { AddressPool, type Cidr, IpAddress, IpamError, IpamErrorCode } from '@edgeway/core';
import { vpcErrors } from './vpc-errors.js';

/**
 * The addresses of a vSwitch block Alibaba Cloud never hands out. CreateVSwitch: "The first IP address and the
 * last three IP addresses of each vSwitch CIDR block are reserved" (192.168.1.0, .253, .254, .255 in
 * 192.168.1.0/24 — so a /24 has 252 available, a /20 4,092); CreateVSwitchCidrReservation: for IPv6 the first
 * and the last nine. (One translation of the latter page says "first three"; the CreateVSwitch example and the
 * default-vSwitch page's counts say one.)
 */
export const VSWITCH_RESERVED = {
  4: { head: 1, tail: 3 },
  6: { head: 1, tail: 9 },
} as const;

/**
 * The private addresses of one vSwitch block (IPv4, or the vSwitch's IPv6 /64), handed to ENIs and instances:
 * the next free one after the last handed out (wrapping), or a requested one. Errors are the ECS ENI API's
 * (`InvalidVSwitchId.IpNotEnough`, `InvalidVSwitchId.IpInvalid`, `InvalidIp.IpAssigned`, all 403).
 */
export class VSwitchAddresses {
  readonly block: Cidr;
  readonly #vSwitchId: string;
  readonly #pool: AddressPool;
  #owner = 0;

  constructor(vSwitchId: string, block: Cidr) {
    this.#vSwitchId = vSwitchId;
    this.block = block;
    const { head, tail } = VSWITCH_RESERVED[block.family];
    this.#pool = new AddressPool(block, {
      gateway: null,
      rangeStart: IpAddress.fromBigInt(block.start + BigInt(head), block.family),
      rangeEnd: IpAddress.fromBigInt(block.end - BigInt(tail), block.family),
    });
  }

  /** Addresses that can be handed out at all (the block less the reserved ones). */
  get capacity(): bigint {
    return this.#pool.capacity;
  }

  /** Addresses still free (`AvailableIpAddressCount`). */
  get available(): bigint {
    return this.#pool.free;
  }

  /** Addresses handed out. */
  get allocated(): number {
    return this.#pool.allocated;
  }

  /** The vSwitch gateway: the third-last address (`x.x.x.253` in a /24). */
  get gateway(): IpAddress {
    return IpAddress.fromBigInt(this.block.end - 2n, this.block.family);
  }

  /** Every address handed out, in address order. */
  list(): string[] {
    return this.#pool.list().map((a) => a.address.toString());
  }

  /** Whether `ip` is handed out. */
  has(ip: string): boolean {
    const addr = parse(ip);
    return addr !== undefined && addr.family === this.block.family && this.#pool.lookup(addr) !== undefined;
  }

  /**
   * Hands out `requested`, or the next free address.
   * @throws ApiError `InvalidVSwitchId.IpNotEnough` when none is left; `InvalidVSwitchId.IpInvalid` for a requested
   * address that is malformed, of the other family, outside the block or reserved; `InvalidIp.IpAssigned` when it
   * is taken.
   */
  allocate(requested?: string): string {
    const owner = { containerId: `ip-${++this.#owner}`, ifName: 'eth0' };
    if (requested === undefined) {
      try {
        return this.#pool.allocate(owner).address.toString();
      } catch (err) {
        if (err instanceof IpamError && err.code === IpamErrorCode.PoolExhausted) {
          throw vpcErrors.ipNotEnough(this.#vSwitchId);
        }
        throw err;
      }
    }
    const addr = parse(requested);
    if (addr === undefined) throw vpcErrors.ipInvalid(this.#vSwitchId, requested, 'not an IP address');
    if (addr.family !== this.block.family) {
      throw vpcErrors.ipInvalid(this.#vSwitchId, requested, `not an IPv${this.block.family} address`);
    }
    if (!this.block.contains(addr)) {
      throw vpcErrors.ipInvalid(this.#vSwitchId, requested, `not in ${this.block.toString()}`);
    }
    try {
      return this.#pool.allocate(owner, { requested: addr }).address.toString();
    } catch (err) {
      if (err instanceof IpamError && err.code === IpamErrorCode.AddressTaken)
        throw vpcErrors.ipAssigned(requested);
      if (err instanceof IpamError && err.code === IpamErrorCode.AddressReserved) {
        throw vpcErrors.ipInvalid(this.#vSwitchId, requested, 'reserved by the system');
      }
      throw err;
    }
  }

  /** Takes `ip` back; `false` if it was not handed out (releasing twice is harmless). */
  release(ip: string): boolean {
    const addr = parse(ip);
    if (addr === undefined || addr.family !== this.block.family) return false;
    return this.#pool.releaseByAddress(addr) !== undefined;
  }
}

function parse(text: string): IpAddress | undefined {
  return IpAddress.isValid(text) ? IpAddress.parse(text) : undefined;
}
