import { Cidr, formatKernelRoute, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import {
  advertisementsFor,
  HostGwRouteMemo,
  hostGwRoutes,
  type RouteInterface,
  type RouteLease,
} from './host-gw-routes.js';

const ip = IpAddress.parse;
const cidr = Cidr.parse;

function lease(
  node: string,
  v4?: [string, string],
  v6?: [string, string],
  backendType = 'host-gw',
): RouteLease {
  return {
    node,
    backendType,
    ...(v4 ? { subnet: cidr(v4[0]), publicIp: ip(v4[1]) } : {}),
    ...(v6 ? { ipv6Subnet: cidr(v6[0]), publicIpv6: ip(v6[1]) } : {}),
  };
}

const iface: RouteInterface = {
  name: 'eth0',
  addresses: [
    { address: ip('198.51.100.1'), prefixLength: 24 },
    { address: ip('2001:db8:1::1'), prefixLength: 64 },
  ],
};
const self = lease('a', ['10.0.1.0/24', '198.51.100.1'], ['fd00:0:0:1::/64', '2001:db8:1::1']);
const text = (r: Parameters<typeof formatKernelRoute>[0]) => formatKernelRoute(r, 254);

describe('hostGwRoutes', () => {
  it('routes each peer block via the peer IP on the external interface, IPv4 and IPv6', () => {
    const out = hostGwRoutes(
      self,
      [
        self,
        lease('c', ['10.0.3.0/24', '198.51.100.3'], ['fd00:0:0:3::/64', '2001:db8:1::3']),
        lease('b', ['10.0.2.0/24', '198.51.100.2'], ['fd00:0:0:2::/64', '2001:db8:1::2']),
      ],
      iface,
    );
    expect(out.skipped).toEqual([]);
    expect(out.routes.map(text)).toEqual([
      '10.0.2.0/24 via 198.51.100.2 dev eth0 table main metric 0',
      '10.0.3.0/24 via 198.51.100.3 dev eth0 table main metric 0',
      'fd00:0:0:2::/64 via 2001:db8:1::2 dev eth0 table main metric 1024',
      'fd00:0:0:3::/64 via 2001:db8:1::3 dev eth0 table main metric 1024',
    ]);
  });

  it('applies table, metric and an optional blackhole for our own block', () => {
    const out = hostGwRoutes(self, [lease('b', ['10.0.2.0/24', '198.51.100.2'])], iface, {
      table: 100,
      metric: 7,
      blackhole: true,
    });
    expect(out.routes.map(text)).toEqual([
      '10.0.2.0/24 via 198.51.100.2 dev eth0 table 100 metric 7',
      'blackhole 10.0.1.0/24 table 100 metric 65535',
      'blackhole fd00:0:0:1::/64 table 100 metric 65535',
    ]);
    expect(out.skipped.map((s) => [s.node, s.family, s.reason])).toEqual([['b', 6, 'no-block']]);
  });

  it('gives no route to a peer that is not on-link (cross-domain), and says so', () => {
    const out = hostGwRoutes(
      self,
      [lease('far', ['10.0.9.0/24', '203.0.113.9'], ['fd00:0:0:9::/64', '2001:db8:9::9'])],
      iface,
    );
    expect(out.routes).toEqual([]);
    expect(out.skipped.map((s) => [s.family, s.reason])).toEqual([
      [4, 'not-on-link'],
      [6, 'not-on-link'],
    ]);
    expect(out.skipped[0]!.message).toContain('203.0.113.9 is not on-link through eth0 (198.51.100.0/24)');
    expect(String(out.skipped[0]!.block)).toBe('10.0.9.0/24');
  });

  it('reports a missing IP, our own block, an overlap, a duplicate, our own IP and another backend', () => {
    const out = hostGwRoutes(
      { node: 'a', subnet: cidr('10.0.1.0/24'), publicIp: ip('198.51.100.1') },
      [
        { node: 'noip', subnet: cidr('10.0.5.0/24'), backendType: 'host-gw' },
        lease('same', ['10.0.1.0/24', '198.51.100.5']),
        lease('wide', ['10.0.0.0/16', '198.51.100.6']),
        lease('dup1', ['10.0.7.0/24', '198.51.100.7']),
        lease('dup2', ['10.0.7.0/24', '198.51.100.8']),
        lease('mine', ['10.0.8.0/24', '198.51.100.1']),
        lease('vx', ['10.0.9.0/24', '198.51.100.9'], undefined, 'vxlan'),
        lease('route', ['10.0.10.0/24', '198.51.100.10'], undefined, 'route'),
      ],
      iface,
    );
    expect(out.routes.map(text)).toEqual([
      '10.0.7.0/24 via 198.51.100.7 dev eth0 table main metric 0',
      '10.0.10.0/24 via 198.51.100.10 dev eth0 table main metric 0',
    ]);
    expect(Object.fromEntries(out.skipped.map((s) => [s.node, s.reason]))).toEqual({
      noip: 'no-public-ip',
      same: 'same-block-as-self',
      wide: 'overlaps-own-block',
      dup2: 'duplicate-block',
      mine: 'public-ip-is-local',
      vx: 'backend-type',
    });
    expect(out.skipped.find((s) => s.node === 'dup2')!.message).toContain('dup1');
  });

  it('routes nothing of a family we have no block of', () => {
    const v4only = { node: 'a', subnet: cidr('10.0.1.0/24'), publicIp: ip('198.51.100.1') };
    const out = hostGwRoutes(
      v4only,
      [lease('b', ['10.0.2.0/24', '198.51.100.2'], ['fd00:0:0:2::/64', '2001:db8:1::2'])],
      iface,
    );
    expect(out.routes).toHaveLength(1);
    expect(out.skipped).toEqual([]);
  });
});

describe('HostGwRouteMemo', () => {
  it('gives the same routes, reusing the objects of unchanged leases until the device changes', () => {
    const memo = new HostGwRouteMemo();
    const b = lease('b', ['10.0.2.0/24', '198.51.100.2'], ['fd00:0:0:2::/64', '2001:db8:1::2']);
    const c = lease('c', ['10.0.3.0/24', '198.51.100.3']);
    const first = hostGwRoutes(self, [b, c], iface, {}, memo);
    expect(first).toEqual(hostGwRoutes(self, [b, c], iface));
    const c2 = lease('c', ['10.0.3.0/24', '198.51.100.33']);
    const second = hostGwRoutes(self, [b, c2], iface, {}, memo);
    expect(second.routes[0]).toBe(first.routes[0]); // b, IPv4
    expect(second.routes[2]).toBe(first.routes[2]); // b, IPv6
    expect(second.routes[1]).not.toBe(first.routes[1]);
    expect(String(second.routes[1]!.gateway)).toBe('198.51.100.33');
    const other = hostGwRoutes(self, [b, c2], { ...iface, name: 'eth1' }, {}, memo);
    expect(other.routes[0]).not.toBe(first.routes[0]);
    expect(other.routes[0]!.device).toBe('eth1');
  });
});

describe('advertisementsFor', () => {
  it('announces the node block with the node IP as next hop, and the aggregate', () => {
    const ads = advertisementsFor(self, {
      aggregate: [cidr('10.0.0.0/16'), cidr('fd00::/48')],
      communities: ['65000:1'],
    });
    expect(ads.map((a) => [String(a.prefix), String(a.nextHop), a.communities])).toEqual([
      ['10.0.1.0/24', '198.51.100.1', ['65000:1']],
      ['10.0.0.0/16', '198.51.100.1', ['65000:1']],
      ['fd00:0:0:1::/64', '2001:db8:1::1', ['65000:1']],
      ['fd00::/48', '2001:db8:1::1', ['65000:1']],
    ]);
  });

  it('leaves the next hop to the speaker when the node has no IP of the family', () => {
    const ads = advertisementsFor(
      { node: 'x', subnet: cidr('10.0.4.0/24') },
      { aggregate: cidr('10.0.4.0/24') },
    );
    expect(ads).toEqual([{ prefix: cidr('10.0.4.0/24') }]);
  });
});
