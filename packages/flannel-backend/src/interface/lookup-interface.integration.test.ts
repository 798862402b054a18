/** External interface selection against a real namespace (rtnetlink), with `ip -j` as the witness. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, requireLabPrerequisites } from '../routes/netns-lab.js';
import { lookupExternalInterface } from './lookup-interface.js';

describe('lookupExternalInterface (integration, own namespace)', () => {
  const lab = new NetnsLab();
  let ns: string;

  beforeAll(async () => {
    requireLabPrerequisites();
    ns = await lab.add('if');
    lab.ip(ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'peer0');
    lab.ip(ns, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1');
    lab.ip(ns, 'link', 'set', 'eth1', 'mtu', '1400');
    lab.ip(ns, 'address', 'add', '198.51.100.1/24', 'dev', 'eth0');
    lab.ip(ns, 'address', 'add', '2001:db8:1::1/64', 'dev', 'eth0', 'nodad');
    lab.ip(ns, 'address', 'add', '203.0.113.1/24', 'dev', 'eth1');
    for (const l of ['eth0', 'peer0', 'eth1', 'peer1']) lab.ip(ns, 'link', 'set', l, 'up');
    lab.ip(ns, 'route', 'add', 'default', 'via', '198.51.100.254');
    lab.ip(ns, 'route', 'add', '192.0.2.0/24', 'via', '203.0.113.254');
  });

  afterAll(() => lab.destroy());

  it('takes the default route interface with its index, MTU and addresses', async () => {
    const ext = await lookupExternalInterface({ netns: ns });
    const shown = lab.ipJson<{ ifindex: number; mtu: number }>(ns, 'link', 'show', 'eth0')[0]!;
    expect(ext).toMatchObject({
      name: 'eth0',
      index: shown.ifindex,
      mtu: shown.mtu,
      up: true,
      selectedBy: 'default-route',
    });
    expect(String(ext.ipv4)).toBe('198.51.100.1');
    expect(ext.addresses.map((a) => `${a.address}/${a.prefixLength}`)).toContain('2001:db8:1::1/64');
  });

  it('follows --iface, --iface-regex, --iface-can-reach and --public-ip', async () => {
    expect((await lookupExternalInterface({ netns: ns, iface: 'eth1' })).mtu).toBe(1400);
    expect((await lookupExternalInterface({ netns: ns, ifaceRegex: '^203\\.' })).name).toBe('eth1');
    const reach = await lookupExternalInterface({
      netns: ns,
      iface: [],
      ifaceRegex: [],
      ifaceCanReach: '192.0.2.77',
    });
    expect(reach).toMatchObject({ name: 'eth1', selectedBy: 'iface-can-reach' });
    expect(String(reach.ipv4)).toBe('203.0.113.1');
    expect((await lookupExternalInterface({ netns: ns, publicIp: '203.0.113.1' })).name).toBe('eth1');
    const dual = await lookupExternalInterface({ netns: ns, iface: 'eth0', ipv6: true });
    expect(String(dual.ipv6)).toBe('2001:db8:1::1');
  });

  it('refuses a public IP that is on no interface, naming it', async () => {
    const err = (await lookupExternalInterface({ netns: ns, publicIp: '198.51.100.77' }).catch(
      (e: unknown) => e,
    )) as {
      code?: string;
      message: string;
    };
    expect(err.code).toBe('ERR_PUBLIC_IP_NOT_LOCAL');
    expect(err.message).toContain('198.51.100.77');
  });
});
