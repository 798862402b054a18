import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { expectApiError } from './vpc-test-support.js';
import { VSwitchAddresses } from './vswitch-addresses.js';

const pool = (cidr: string) => new VSwitchAddresses('vsw-x', Cidr.parse(cidr));

describe('VSwitchAddresses', () => {
  it('reserves the first address and the last three of an IPv4 block (252 in a /24, 4092 in a /20)', () => {
    expect(pool('192.168.1.0/24').available).toBe(252n);
    expect(pool('172.16.0.0/20').available).toBe(4092n);
    expect(pool('10.0.0.0/29').capacity).toBe(4n);
  });

  it('hands out .1 first and never past .252 of a /24; the gateway is .253', () => {
    const p = pool('192.168.1.0/24');
    expect(p.allocate()).toBe('192.168.1.1');
    expect(p.gateway.toString()).toBe('192.168.1.253');
    expect(p.allocate('192.168.1.252')).toBe('192.168.1.252');
    expect(p.available).toBe(250n);
    expect(p.allocated).toBe(2);
  });

  it('answers InvalidVSwitchId.IpNotEnough (403) when the block is used up', () => {
    const p = pool('10.0.0.0/29');
    expect([p.allocate(), p.allocate(), p.allocate(), p.allocate()]).toEqual([
      '10.0.0.1',
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
    ]);
    expect(p.available).toBe(0n);
    expectApiError(() => p.allocate(), 'InvalidVSwitchId.IpNotEnough', 403);
  });

  it('refuses requested reserved, outside, malformed and other-family addresses with InvalidVSwitchId.IpInvalid', () => {
    const p = pool('192.168.1.0/24');
    for (const ip of [
      '192.168.1.0',
      '192.168.1.253',
      '192.168.1.254',
      '192.168.1.255',
      '192.168.2.1',
      'x',
      '::1',
    ]) {
      expectApiError(() => p.allocate(ip), 'InvalidVSwitchId.IpInvalid', 403);
    }
    expect(p.allocated).toBe(0);
  });

  it('refuses a taken address with InvalidIp.IpAssigned and hands it out again once released', () => {
    const p = pool('192.168.1.0/24');
    p.allocate('192.168.1.10');
    expectApiError(() => p.allocate('192.168.1.10'), 'InvalidIp.IpAssigned', 403);
    expect(p.has('192.168.1.10')).toBe(true);
    expect(p.release('192.168.1.10')).toBe(true);
    expect(p.release('192.168.1.10')).toBe(false);
    expect(p.release('not-an-ip')).toBe(false);
    expect(p.allocate('192.168.1.10')).toBe('192.168.1.10');
  });

  it('reserves the first address and the last nine of an IPv6 block', () => {
    const p = pool('2408:4000:1000:ab01::/64');
    expect(p.allocate()).toBe('2408:4000:1000:ab01::1');
    expect(p.allocate('2408:4000:1000:ab01:ffff:ffff:ffff:fff6')).toBe(
      '2408:4000:1000:ab01:ffff:ffff:ffff:fff6',
    );
    expectApiError(() => p.allocate('2408:4000:1000:ab01:ffff:ffff:ffff:fff7'), 'InvalidVSwitchId.IpInvalid');
    expectApiError(() => p.allocate('2408:4000:1000:ab01::'), 'InvalidVSwitchId.IpInvalid');
    expect(p.capacity).toBe((1n << 64n) - 10n);
    expect(p.list()).toEqual(['2408:4000:1000:ab01::1', '2408:4000:1000:ab01:ffff:ffff:ffff:fff6']);
  });
});
