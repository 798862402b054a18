import { describe, expect, it } from 'vitest';
import { IpAddress } from '../net/ip.js';
import { MemorySubnetLeaser } from './memory-subnet-leaser.js';

describe('MemorySubnetLeaser', () => {
  it('leases sticky blocks with attributes', async () => {
    const leaser = new MemorySubnetLeaser({ network: '10.0.0.0/16' });
    const publicIp = IpAddress.parse('192.168.1.10');
    const a = await leaser.acquire('edge-1', { attributes: { publicIp, backendType: 'host-gw' } });
    expect(a.subnet.toString()).toBe('10.0.1.0/24');
    expect(a.attributes?.publicIp?.toString()).toBe('192.168.1.10');
    expect(a.expiresAt).toBeUndefined();
    const again = await leaser.acquire('edge-1');
    expect(again.subnet.toString()).toBe('10.0.1.0/24');
    expect(again.attributes?.backendType).toBe('host-gw');
    expect((await leaser.list()).map((l) => l.node)).toEqual(['edge-1']);
    expect((await leaser.release('edge-1'))?.subnet.toString()).toBe('10.0.1.0/24');
    expect(await leaser.release('edge-1')).toBeUndefined();
  });

  it('expires leases that are not renewed, on an injected clock', async () => {
    let now = 1_000;
    const leaser = new MemorySubnetLeaser({ network: '10.0.0.0/16' }, { ttlMs: 100, now: () => now });
    const a = await leaser.acquire('a');
    expect(a.expiresAt).toBe(1_100);
    now = 1_050;
    const renewed = await leaser.renew(a);
    expect(renewed.expiresAt).toBe(1_150);
    now = 1_200;
    expect(await leaser.list()).toEqual([]);
    const b = await leaser.acquire('b');
    expect(b.subnet.toString()).toBe('10.0.1.0/24');
    await expect(leaser.renew(renewed)).rejects.toMatchObject({ code: 'ERR_SUBNET_UNAVAILABLE' });
  });

  it('honours abort signals', async () => {
    const leaser = new MemorySubnetLeaser({ network: '10.0.0.0/16' });
    await expect(leaser.acquire('a', { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
