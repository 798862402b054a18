/** LinkManager against the real kernel, with `ip -j link/address show` as the witness. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IpAddress } from '../net/index.js';
import { KernelErrorCode, KernelLinkError } from './kernel-errors.js';
import { LinkManager } from './links.js';
import { requireNetnsPrerequisites, TestNetns } from './netns-fixture.js';

interface IpLink {
  ifname: string;
  ifindex: number;
  mtu: number;
  flags: string[];
  link_type?: string;
  linkinfo?: { info_kind?: string };
}

interface IpAddr {
  ifname: string;
  addr_info: { local: string; prefixlen: number; family: string }[];
}

describe('LinkManager (integration, own namespaces)', () => {
  let a: TestNetns;
  let b: TestNetns;
  let links: LinkManager;

  beforeAll(() => requireNetnsPrerequisites());

  afterEach(async () => {
    links?.close();
    await a?.destroy();
    await b?.destroy();
  });

  async function setup(): Promise<void> {
    a = await TestNetns.create();
    b = await TestNetns.create();
    links = await LinkManager.open({ netns: a.name });
  }

  it('creates a veth pair, sets it up, changes the MTU, deletes it', async () => {
    await setup();
    await links.createVeth('v0', 'v1');
    await links.setUp('v0');
    await links.setMtu('v0', 1400);
    const shown = a.ipJson<IpLink>('-d', 'link', 'show', 'v0')[0];
    expect(shown).toMatchObject({ ifname: 'v0', mtu: 1400, linkinfo: { info_kind: 'veth' } });
    expect(shown?.flags).toContain('UP');
    const got = await links.get('v0');
    expect(got).toMatchObject({ name: 'v0', up: true, mtu: 1400, kind: 'veth', index: shown?.ifindex });
    expect(got?.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect((await links.list()).map((l) => l.name).sort()).toEqual(['lo', 'v0', 'v1']);
    await links.setUp('v0', false);
    expect(a.ipJson<IpLink>('link', 'show', 'v0')[0]?.flags).not.toContain('UP');
    await links.delete('v0');
    expect(a.ipJson<IpLink>('link', 'show').map((l) => l.ifname)).toEqual(['lo']);
    expect(await links.get('v0')).toBeUndefined();
  });

  it('creates the peer directly in another namespace, and moves a link by name', async () => {
    await setup();
    await links.createVeth('h0', 'p0', { peerNetns: b.name });
    expect(
      a
        .ipJson<IpLink>('link', 'show')
        .map((l) => l.ifname)
        .sort(),
    ).toEqual(['h0', 'lo']);
    expect(
      b
        .ipJson<IpLink>('link', 'show')
        .map((l) => l.ifname)
        .sort(),
    ).toEqual(['lo', 'p0']);
    await links.createVeth('m0', 'm1');
    await links.moveToNetns('m1', b.name);
    expect(
      b
        .ipJson<IpLink>('link', 'show')
        .map((l) => l.ifname)
        .sort(),
    ).toEqual(['lo', 'm1', 'p0']);
    expect(await links.get('m1')).toBeUndefined();
  });

  it('adds, lists and removes IPv4 and IPv6 addresses', async () => {
    await setup();
    await links.createVeth('v0', 'v1');
    await links.setUp('v0');
    await links.addAddress('v0', IpAddress.parse('198.51.100.1'), 24);
    await links.addAddress('v0', IpAddress.parse('2001:db8:1::1'), 64, { noDad: true });
    const shown = a
      .ipJson<IpAddr>('address', 'show', 'dev', 'v0')[0]
      ?.addr_info.map((x) => `${x.local}/${x.prefixlen}`);
    expect(shown).toEqual(expect.arrayContaining(['198.51.100.1/24', '2001:db8:1::1/64']));
    const listed = (await links.listAddresses('v0')).map((x) => `${x.address}/${x.prefixLength}`);
    expect(listed).toEqual(expect.arrayContaining(['198.51.100.1/24', '2001:db8:1::1/64']));
    expect(listed.every((x) => !x.startsWith('127.'))).toBe(true); // only v0's

    const dup = await links.addAddress('v0', IpAddress.parse('198.51.100.1'), 24).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(KernelLinkError);
    expect(dup).toMatchObject({ code: KernelErrorCode.AddressExists });
    await links.removeAddress('v0', IpAddress.parse('198.51.100.1'), 24);
    const gone = await links
      .removeAddress('v0', IpAddress.parse('198.51.100.1'), 24)
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ code: KernelErrorCode.AddressNotFound });
    expect((await links.listAddresses('v0')).map((x) => x.address.toString())).not.toContain('198.51.100.1');
  });

  it('typed errors name the device: existing name, missing device, missing namespace', async () => {
    await setup();
    await links.createVeth('v0', 'v1');
    const exists = await links.createVeth('v0', 'x1').catch((e: unknown) => e);
    expect(exists).toMatchObject({ code: KernelErrorCode.LinkExists, errno: 17 });
    expect((exists as Error).message).toContain('v0');
    const missing = await links.setUp('nope0').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: KernelErrorCode.NoDevice, details: { link: 'nope0' } });
    await expect(links.moveToNetns('v1', `ew-test-${process.pid}-missing`)).rejects.toMatchObject({
      code: KernelErrorCode.NetnsNotFound,
    });
  });
});
