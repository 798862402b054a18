import { Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import {
  type InterfaceInfo,
  type NamespaceView,
  onLinkPrefixes,
  selectExternalInterface,
  usableAddresses,
} from './external-interface.js';

function link(index: number, name: string, ...addrs: string[]): InterfaceInfo {
  return {
    name,
    index,
    mtu: 1500,
    up: true,
    lowerUp: true,
    addresses: addrs.map((a) => {
      const [ip, len] = a.split('/');
      return { address: IpAddress.parse(ip!), prefixLength: Number(len) };
    }),
  };
}

const view: NamespaceView = {
  links: [
    link(1, 'lo', '127.0.0.1/8', '::1/128'),
    link(2, 'eth0', '169.254.3.3/16', '198.51.100.1/24', 'fe80::1/64', '2001:db8:1::1/64'),
    link(3, 'eth1', '203.0.113.9/24', '2001:db8:2::9/64'),
  ],
  defaultRoute: { 4: 2, 6: 2 },
  reach: { index: 3, source: IpAddress.parse('203.0.113.9') },
};

function codeOf(fn: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('usableAddresses', () => {
  it('orders global unicast before link-local and drops loopback (flannel GetInterfaceIP4Addrs)', () => {
    expect(usableAddresses(view.links[1]!, 4).map(String)).toEqual(['198.51.100.1', '169.254.3.3']);
    expect(usableAddresses(view.links[1]!, 6).map(String)).toEqual(['2001:db8:1::1', 'fe80::1']);
    expect(usableAddresses(view.links[0]!, 4)).toEqual([]);
  });
  it('gives the on-link prefixes of the addresses', () => {
    expect(onLinkPrefixes(view.links[2]!.addresses).map(String)).toEqual([
      '203.0.113.0/24',
      '2001:db8:2::/64',
    ]);
  });
});

describe('selectExternalInterface', () => {
  it('defaults to the interface of the IPv4 default route and its first global address', () => {
    const ext = selectExternalInterface(view);
    expect(ext).toMatchObject({ name: 'eth0', index: 2, mtu: 1500, selectedBy: 'default-route' });
    expect(String(ext.ipv4)).toBe('198.51.100.1');
    expect(String(ext.publicIp)).toBe('198.51.100.1');
    expect(ext.ipv6).toBeUndefined();
  });

  it('takes --iface by name or by address, in order', () => {
    expect(selectExternalInterface(view, { iface: 'eth1' }).name).toBe('eth1');
    expect(selectExternalInterface(view, { iface: ['nope', '203.0.113.9'] })).toMatchObject({
      name: 'eth1',
      selectedBy: 'iface',
    });
  });

  it('matches --iface-regex against addresses first, then names', () => {
    const byAddr = selectExternalInterface(view, { ifaceRegex: '^203\\.0\\.113\\.' });
    expect(byAddr.name).toBe('eth1');
    expect(String(byAddr.ipv4)).toBe('203.0.113.9');
    expect(selectExternalInterface(view, { ifaceRegex: /^eth1$/ }).name).toBe('eth1');
  });

  it('takes --iface-can-reach from the route lookup, with its source address', () => {
    const ext = selectExternalInterface(view, { ifaceCanReach: '203.0.113.200' });
    expect(ext).toMatchObject({ name: 'eth1', selectedBy: 'iface-can-reach' });
    expect(String(ext.ipv4)).toBe('203.0.113.9');
  });

  it('finds the interface holding --public-ip when nothing else is given', () => {
    const ext = selectExternalInterface(view, { publicIp: '203.0.113.9' });
    expect(ext).toMatchObject({ name: 'eth1', selectedBy: 'public-ip' });
    expect(String(ext.publicIp)).toBe('203.0.113.9');
  });

  it('is dual-stack when IPv6 is enabled', () => {
    const ext = selectExternalInterface(view, { ipv6: true });
    expect(String(ext.ipv6)).toBe('2001:db8:1::1');
    expect(String(ext.publicIpv6)).toBe('2001:db8:1::1');
  });

  it('refuses a public IP on no interface with ERR_PUBLIC_IP_NOT_LOCAL naming it', () => {
    const err = codeOf(() => selectExternalInterface(view, { publicIp: '192.0.2.77' }));
    expect(err.code).toBe('ERR_PUBLIC_IP_NOT_LOCAL');
    expect(err.message).toContain('192.0.2.77');
    expect(err.details).toMatchObject({ publicIp: '192.0.2.77' });
    const other = codeOf(() => selectExternalInterface(view, { iface: 'eth0', publicIp: '203.0.113.9' }));
    expect(other.code).toBe('ERR_PUBLIC_IP_NOT_LOCAL');
    expect(other.details).toMatchObject({ interface: 'eth1', externalInterface: 'eth0' });
  });

  it('names what it could not find', () => {
    expect(codeOf(() => selectExternalInterface(view, { iface: 'wlan9' })).code).toBe(
      'ERR_INTERFACE_NOT_FOUND',
    );
    expect(codeOf(() => selectExternalInterface(view, { ifaceRegex: '^zz' })).message).toContain(
      'eth0:[198.51.100.1',
    );
    expect(codeOf(() => selectExternalInterface({ links: view.links }, {})).code).toBe(
      'ERR_INTERFACE_NOT_FOUND',
    );
    expect(codeOf(() => selectExternalInterface(view, { iface: 'lo' })).message).toContain('no IPv4 address');
    expect(
      codeOf(() => selectExternalInterface({ links: view.links }, { ifaceCanReach: '192.0.2.1' })).code,
    ).toBe('ERR_INTERFACE_NOT_FOUND');
  });

  it('refuses bad input as configuration errors', () => {
    expect(codeOf(() => selectExternalInterface(view, { publicIp: 'nope' })).code).toBe('ERR_FLANNEL_CONFIG');
    expect(codeOf(() => selectExternalInterface(view, { ifaceRegex: '(' })).code).toBe('ERR_FLANNEL_CONFIG');
    expect(codeOf(() => selectExternalInterface(view, { ipv4: false })).code).toBe('ERR_FLANNEL_CONFIG');
    expect(codeOf(() => selectExternalInterface(view, { publicIp: '2001:db8:1::1' })).code).toBe(
      'ERR_PUBLIC_IP_MISSING',
    );
  });

  it('requires the same default-route interface for both families', () => {
    const split = { ...view, defaultRoute: { 4: 2, 6: 3 } };
    expect(codeOf(() => selectExternalInterface(split, { ipv6: true })).message).toContain(
      'IPv6 default route',
    );
  });

  it('keeps the on-link prefixes available for the route generator', () => {
    const ext = selectExternalInterface(view);
    expect(onLinkPrefixes(ext.addresses).some((c) => c.equals(Cidr.parse('198.51.100.0/24')))).toBe(true);
  });
});
