import { Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import type { LeaseEvent } from './lease-source.js';
import { StaticLeaseSource } from './static-lease-source.js';

const ip = (s: string) => IpAddress.parse(s);
const config = parseNetConf({ Network: '10.0.0.0/16', Backend: { Type: 'host-gw' } });
const dual = parseNetConf({
  Network: '10.0.0.0/16',
  EnableIPv6: true,
  IPv6Network: 'fd00:10::/48',
  Backend: { Type: 'host-gw' },
});

describe('StaticLeaseSource', () => {
  it('lists the nodes as leases in name order', async () => {
    const src = new StaticLeaseSource({
      config,
      nodes: [
        { node: 'b', subnet: '10.0.2.0/24', publicIp: '192.168.0.2' },
        { node: 'a', subnet: '10.0.1.0/24', publicIp: '192.168.0.1' },
      ],
    });
    const leases = await src.list();
    expect(leases.map((l) => [l.node, l.subnet?.toString(), l.publicIp?.toString(), l.backendType])).toEqual([
      ['a', '10.0.1.0/24', '192.168.0.1', 'host-gw'],
      ['b', '10.0.2.0/24', '192.168.0.2', 'host-gw'],
    ]);
    expect(leases[0]?.backendData).toBeNull();
  });

  it('tells watchers of every change with the full set, and nothing for a no-op', async () => {
    const src = new StaticLeaseSource({
      config,
      nodes: [{ node: 'a', subnet: '10.0.1.0/24', publicIp: '192.168.0.1' }],
    });
    const events: LeaseEvent[] = [];
    const stop = src.watch((e) => events.push(e));
    src.upsert({ node: 'b', subnet: '10.0.2.0/24', publicIp: '192.168.0.2' });
    src.upsert({ node: 'b', subnet: '10.0.2.0/24', publicIp: '192.168.0.2' }); // same: no event
    src.upsert({ node: 'b', subnet: '10.0.2.0/24', publicIp: '192.168.0.22' });
    src.remove('a');
    src.set([{ node: 'c', subnet: '10.0.3.0/24', publicIp: '192.168.0.3' }]);
    stop();
    src.upsert({ node: 'd', subnet: '10.0.4.0/24', publicIp: '192.168.0.4' });
    expect(events.map((e) => [e.type, e.lease.node, e.leases.map((l) => l.node).join(',')])).toEqual([
      ['added', 'b', 'a,b'],
      ['updated', 'b', 'a,b'],
      ['removed', 'a', 'b'],
      ['removed', 'b', ''],
      ['added', 'c', 'c'],
    ]);
    expect(events[1]?.lease.publicIp?.toString()).toBe('192.168.0.22');
  });

  it('keeps going when a listener throws', async () => {
    const src = new StaticLeaseSource({ config });
    const seen: string[] = [];
    src.watch(() => {
      throw new Error('boom');
    });
    src.watch((e) => seen.push(e.lease.node));
    src.upsert({ node: 'a', subnet: '10.0.1.0/24', publicIp: '192.168.0.1' });
    expect(seen).toEqual(['a']);
  });

  it('skips and reports nodes that are not ready or outside the network', async () => {
    const src = new StaticLeaseSource({
      config,
      nodes: [
        { node: 'ok', subnet: '10.0.1.0/24', publicIp: '192.168.0.1' },
        { node: 'no-ip', subnet: '10.0.2.0/24' },
        { node: 'no-block', publicIp: '192.168.0.3' },
        { node: 'stray', subnet: '10.9.0.0/24', publicIp: '192.168.0.4' },
      ],
    });
    expect((await src.list()).map((l) => l.node)).toEqual(['ok']);
    expect(Object.fromEntries(src.skipped().map((s) => [s.node, s.error.code]))).toEqual({
      'no-ip': 'ERR_LEASE_NOT_READY',
      'no-block': 'ERR_NO_PODCIDR',
      stray: 'ERR_PODCIDR_OUTSIDE_NETWORK',
    });
    const stray = src.skipped().find((s) => s.node === 'stray');
    expect(stray?.error.details).toMatchObject({ node: 'stray', podCidr: '10.9.0.0/24' });
    // A node that becomes ready leaves the skipped list.
    src.upsert({ node: 'no-ip', subnet: '10.0.2.0/24', publicIp: '192.168.0.2' });
    expect(src.skipped().map((s) => s.node)).not.toContain('no-ip');
  });

  it('refuses values of the wrong family and unparsable text when given', () => {
    const src = new StaticLeaseSource({ config });
    expect(() => src.upsert({ node: 'x', subnet: 'fd00::/64' })).toThrow(
      expect.objectContaining({
        code: 'ERR_FLANNEL_CONFIG',
        details: expect.objectContaining({ field: 'subnet' }),
      }),
    );
    expect(() => src.upsert({ node: 'x', subnet: '10.0.1.1/24' })).toThrow(/host bits/);
  });

  it('acquires our node: its listed block, our address, backend host-gw', async () => {
    const src = new StaticLeaseSource({ config, nodes: [{ node: 'me', subnet: '10.0.7.0/24' }] });
    const lease = await src.acquire('me', { publicIp: ip('192.168.0.7') });
    expect(lease.subnet?.toString()).toBe('10.0.7.0/24');
    expect(lease.publicIp?.toString()).toBe('192.168.0.7');
    expect((await src.list()).map((l) => l.node)).toEqual(['me']);
  });

  it('allocates blocks that never collide, preferring the previous one when free', async () => {
    const src = new StaticLeaseSource({
      config,
      allocateSubnets: true,
      nodes: [{ node: 'a', subnet: '10.0.1.0/24', publicIp: '192.168.0.1' }],
    });
    const b = await src.acquire('b', { publicIp: ip('192.168.0.2') });
    const c = await src.acquire('c', { publicIp: ip('192.168.0.3') });
    const d = await src.acquire('d', { publicIp: ip('192.168.0.4'), previousSubnet: b.subnet });
    const e = await src.acquire('e', {
      publicIp: ip('192.168.0.5'),
      previousSubnet: Cidr.parse('10.0.200.0/24'),
    });
    expect([b, c, d, e].map((l) => l.subnet?.toString())).toEqual([
      '10.0.2.0/24',
      '10.0.3.0/24',
      '10.0.4.0/24', // b's block is taken: not reused
      '10.0.200.0/24', // free: reused
    ]);
    // Idempotent.
    expect((await src.acquire('b', { publicIp: ip('192.168.0.2') })).subnet?.toString()).toBe('10.0.2.0/24');
  });

  it('allocates both families in dual stack', async () => {
    const src = new StaticLeaseSource({ config: dual, allocateSubnets: true });
    const lease = await src.acquire('a', { publicIp: ip('192.168.0.1'), publicIpv6: ip('fd99::1') });
    expect(lease.subnet?.toString()).toBe('10.0.1.0/24');
    expect(lease.ipv6Subnet?.toString()).toBe('fd00:10:0:1::/64');
  });

  it('refuses acquire without a block and without allocation (ERR_NO_PODCIDR)', async () => {
    const src = new StaticLeaseSource({ config });
    await expect(src.acquire('me', { publicIp: ip('192.168.0.7') })).rejects.toMatchObject({
      code: 'ERR_NO_PODCIDR',
      details: { node: 'me', family: 4 },
    });
  });

  it('refuses acquire with our listed block outside Network', async () => {
    const src = new StaticLeaseSource({ config, nodes: [{ node: 'me', subnet: '10.1.7.0/24' }] });
    await expect(src.acquire('me', { publicIp: ip('192.168.0.7') })).rejects.toMatchObject({
      code: 'ERR_PODCIDR_OUTSIDE_NETWORK',
      details: { node: 'me', podCidr: '10.1.7.0/24' },
    });
  });

  it('refuses acquire without an address of each enabled family (ERR_PUBLIC_IP_MISSING)', async () => {
    const src = new StaticLeaseSource({ config: dual, allocateSubnets: true });
    await expect(src.acquire('me', { publicIp: ip('192.168.0.7') })).rejects.toMatchObject({
      code: 'ERR_PUBLIC_IP_MISSING',
      details: { node: 'me', family: 6 },
    });
    await expect(
      src.acquire('me', { publicIp: ip('fd00::7'), publicIpv6: ip('fd00::7') }),
    ).rejects.toMatchObject({
      code: 'ERR_PUBLIC_IP_MISSING',
      details: { value: 'fd00::7', family: 4 },
    });
  });

  it('works without a config: families are the ones the nodes have', async () => {
    const src = new StaticLeaseSource({
      nodes: [{ node: 'v6', ipv6Subnet: 'fd00::/64', publicIpv6: 'fd99::1' }],
    });
    const [lease] = await src.list();
    expect(lease?.ipv6Subnet?.toString()).toBe('fd00::/64');
    expect(lease?.subnet).toBeUndefined();
    await expect(src.acquire('me', { publicIp: ip('192.168.0.7') })).rejects.toMatchObject({
      code: 'ERR_NO_PODCIDR',
    });
  });

  it('fails every call once closed', async () => {
    const src = new StaticLeaseSource({ config });
    await src.close();
    await expect(src.list()).rejects.toMatchObject({ code: 'ERR_LEASE_SOURCE_CLOSED' });
    expect(() => src.upsert({ node: 'a' })).toThrow(
      expect.objectContaining({ code: 'ERR_LEASE_SOURCE_CLOSED' }),
    );
  });
});
