import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cidr, SubnetAllocator } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { FlannelError } from '../errors.js';
import { allocatorOptions, parseNetConf, readNetConf } from './net-conf.js';

/** The error `fn` throws; fails the test when it throws none. */
function caught(fn: () => unknown): FlannelError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlannelError);
    return err as FlannelError;
  }
  throw new Error('expected an error, but the call succeeded');
}

const hostGw = { Type: 'host-gw' };

describe('parseNetConf: flannel keys and defaults (pkg/subnet/config.go)', () => {
  it('applies flannel defaults: IPv4 on, /24 blocks, SubnetMin the second block, SubnetMax the last', () => {
    // flannel's TestConfigDefaults, with a Backend (flannel would default to udp).
    const c = parseNetConf(`{ "network": "10.3.0.0/16", "Backend": { "Type": "host-gw" } }`);
    expect(c.enableIPv4).toBe(true);
    expect(c.enableIPv6).toBe(false);
    expect(c.enableNFTables).toBe(false);
    expect(c.network?.toString()).toBe('10.3.0.0/16');
    expect(c.subnetLen).toBe(24);
    expect(c.subnetMin?.toString()).toBe('10.3.1.0/24');
    expect(c.subnetMax?.toString()).toBe('10.3.255.0/24');
    expect(c.ipv6Network).toBeUndefined();
    expect(c.backend.type).toBe('host-gw');
    expect(c.network).toBeInstanceOf(Cidr);
  });

  it('applies IPv6 defaults (flannel TestIPv6ConfigDefaults)', () => {
    const c = parseNetConf({
      enableIPv6: true,
      ipv6Network: 'fc00::/48',
      enableIPv4: false,
      Backend: hostGw,
    });
    expect(c.network).toBeUndefined();
    expect(c.subnetLen).toBeUndefined();
    expect(c.ipv6Network?.toString()).toBe('fc00::/48');
    expect(c.ipv6SubnetLen).toBe(64);
    expect(c.ipv6SubnetMin?.toString()).toBe('fc00:0:0:1::/64');
    expect(c.ipv6SubnetMax?.toString()).toBe('fc00:0:0:ffff::/64');
  });

  it('honours overrides (flannel TestConfigOverrides and TestIPv6ConfigOverrides)', () => {
    const c = parseNetConf({
      Network: '10.3.0.0/16',
      SubnetMin: '10.3.5.0',
      SubnetMax: '10.3.8.0',
      SubnetLen: 28,
      EnableIPv6: true,
      IPv6Network: 'fc00::/48',
      IPv6SubnetMin: 'fc00:0:0:1::',
      IPv6SubnetMax: 'fc00:0:0:f::',
      IPv6SubnetLen: 124,
      Backend: hostGw,
    });
    expect(c.subnetLen).toBe(28);
    expect(c.subnetMin?.toString()).toBe('10.3.5.0/28');
    expect(c.subnetMax?.toString()).toBe('10.3.8.0/28');
    expect(c.ipv6SubnetLen).toBe(124);
    expect(c.ipv6SubnetMin?.toString()).toBe('fc00:0:0:1::/124');
    expect(c.ipv6SubnetMax?.toString()).toBe('fc00:0:0:f::/124');
  });

  it('uses network + 2 for networks smaller than /22', () => {
    expect(parseNetConf({ Network: '10.0.0.0/26', Backend: hostGw }).subnetLen).toBe(28);
    expect(parseNetConf({ Network: '10.0.0.0/22', Backend: hostGw }).subnetLen).toBe(24);
  });

  it('matches keys case-insensitively as Go does, the last duplicate winning, and lists unknown keys', () => {
    const c = parseNetConf(
      '{"NETWORK":"10.1.0.0/16","network":"10.2.0.0/16","subnetlen":25,"backend":{"type":"route"},"Foo":1}',
    );
    expect(c.network?.toString()).toBe('10.2.0.0/16');
    expect(c.subnetLen).toBe(25);
    expect(c.backend.type).toBe('route');
    expect(c.unknownKeys).toEqual(['Foo']);
  });

  it('clears host bits in Network, as Go net.ParseCIDR does', () => {
    expect(parseNetConf({ Network: '10.0.0.1/16', Backend: hostGw }).network?.toString()).toBe('10.0.0.0/16');
  });

  it('treats a zero SubnetMin as unset, as flannel does', () => {
    const c = parseNetConf({ Network: '10.0.0.0/16', SubnetMin: '0.0.0.0', Backend: hostGw });
    expect(c.subnetMin?.toString()).toBe('10.0.1.0/24');
  });

  it('keeps the Backend object and gives allocator options per family', () => {
    const c = parseNetConf({ Network: '10.0.0.0/16', SubnetLen: 26, Backend: { Type: 'host-gw', X: 1 } });
    expect(c.backend.options).toEqual({ Type: 'host-gw', X: 1 });
    const opts = allocatorOptions(c, 4);
    expect(opts).toBeDefined();
    expect(new SubnetAllocator(opts!).acquire('n1').subnet.toString()).toBe('10.0.0.64/26');
    expect(allocatorOptions(c, 6)).toBeUndefined();
  });
});

describe('parseNetConf: edgeway options', () => {
  it('applies defaults', () => {
    const e = parseNetConf({ Network: '10.0.0.0/16', Backend: hostGw }).edgeway;
    expect(e).toMatchObject({
      routeTable: 254,
      metric: 0,
      resyncPeriodMs: 10_000,
      blackhole: false,
      subnetFile: '/run/flannel/subnet.env',
      ipMasq: false,
      mtu: undefined,
      advertiseAggregate: false,
      allocateSubnets: false,
      annotationPrefix: 'flannel.alpha.coreos.com',
      setNodeNetworkUnavailable: true,
    });
    expect(e.iface).toEqual([]);
    expect(e.ifaceRegex).toEqual([]);
  });

  it('reads the edgeway key, overridden field by field by options passed in', () => {
    const c = parseNetConf(
      {
        Network: '10.0.0.0/16',
        Backend: hostGw,
        edgeway: { metric: 50, iface: 'eth1', ifaceRegex: ['^en', '^eth'], resyncPeriod: 2.5 },
      },
      { edgeway: { metric: 60, ifaceCanReach: '192.0.2.1', mtu: 9000 } },
    );
    expect(c.edgeway.metric).toBe(60);
    expect(c.edgeway.iface).toEqual(['eth1']);
    expect(c.edgeway.ifaceRegex.map((r) => r.source)).toEqual(['^en', '^eth']);
    expect(c.edgeway.ifaceCanReach?.toString()).toBe('192.0.2.1');
    expect(c.edgeway.resyncPeriodMs).toBe(2500);
    expect(c.edgeway.mtu).toBe(9000);
  });

  it.each([
    [{ metric: -1 }, 'edgeway.metric', -1],
    [{ routeTable: 255 }, 'edgeway.routeTable', 255],
    [{ routeTable: 0 }, 'edgeway.routeTable', 0],
    [{ ifaceRegex: '(' }, 'edgeway.ifaceRegex', '('],
    [{ ifaceCanReach: 'nope' }, 'edgeway.ifaceCanReach', 'nope'],
    [{ mtu: 20 }, 'edgeway.mtu', 20],
    [{ resyncPeriod: 0 }, 'edgeway.resyncPeriod', 0],
    [{ blackhole: 'yes' }, 'edgeway.blackhole', 'yes'],
    [{ metrc: 1 }, 'edgeway.metrc', 1],
  ])('refuses %j naming the field', (edgeway, field, value) => {
    const err = caught(() => parseNetConf({ Network: '10.0.0.0/16', Backend: hostGw, edgeway }));
    expect(err.code).toBe('ERR_FLANNEL_CONFIG');
    expect(err.details.field).toBe(field);
    expect(err.details.value).toEqual(value);
    expect(err.message).toContain(field);
  });

  it('refuses an MTU below 1280 when IPv6 is on', () => {
    const err = caught(() =>
      parseNetConf({
        EnableIPv6: true,
        Network: '10.0.0.0/16',
        IPv6Network: 'fd00::/48',
        Backend: hostGw,
        edgeway: { mtu: 1000 },
      }),
    );
    expect(err.details).toMatchObject({ field: 'edgeway.mtu', value: 1000 });
  });
});

describe('parseNetConf: bad input is a typed error naming the field and value', () => {
  it.each([
    [{ Network: '10.0.0.0/33', Backend: hostGw }, 'Network', '10.0.0.0/33'],
    [{ Network: 'fd00::/48', Backend: hostGw }, 'Network', 'fd00::/48'],
    [{ Network: '0.0.0.0/0', Backend: hostGw }, 'Network', '0.0.0.0/0'],
    [{ Backend: hostGw }, 'Network', undefined],
    [{ Network: 42, Backend: hostGw }, 'Network', 42],
    [{ Network: '10.0.0.0/16', SubnetLen: 31, Backend: hostGw }, 'SubnetLen', 31],
    [{ Network: '10.0.0.0/16', SubnetLen: 17, Backend: hostGw }, 'SubnetLen', 17],
    [{ Network: '10.0.0.0/16', SubnetLen: -1, Backend: hostGw }, 'SubnetLen', -1],
    [{ Network: '10.0.0.0/16', SubnetLen: 24.5, Backend: hostGw }, 'SubnetLen', 24.5],
    [{ Network: '10.0.0.0/29', Backend: hostGw }, 'Network', '10.0.0.0/29'],
    [{ Network: '10.0.0.0/16', SubnetMin: '10.1.0.0', Backend: hostGw }, 'SubnetMin', '10.1.0.0'],
    [{ Network: '10.0.0.0/16', SubnetMin: '10.0.1.5', Backend: hostGw }, 'SubnetMin', '10.0.1.5'],
    [{ Network: '10.0.0.0/16', SubnetMax: 'x', Backend: hostGw }, 'SubnetMax', 'x'],
    [{ Network: '10.0.0.0/16', SubnetMax: 'fd00::', Backend: hostGw }, 'SubnetMax', 'fd00::'],
    [{ Network: '10.0.0.0/16', EnableIPv4: 'true', Backend: hostGw }, 'EnableIPv4', 'true'],
    [{ Network: '10.0.0.0/16', EnableIPv4: false, Backend: hostGw }, 'EnableIPv4', false],
    [{ Network: '10.0.0.0/16', EnableIPv6: true, Backend: hostGw }, 'IPv6Network', undefined],
    [
      { Network: '10.0.0.0/16', EnableIPv6: true, IPv6Network: 'fd00::/126', Backend: hostGw },
      'IPv6Network',
      'fd00::/126',
    ],
    [
      {
        Network: '10.0.0.0/16',
        EnableIPv6: true,
        IPv6Network: 'fd00::/48',
        IPv6SubnetLen: 127,
        Backend: hostGw,
      },
      'IPv6SubnetLen',
      127,
    ],
    [{ Network: '10.0.0.0/16', Backend: 'host-gw' }, 'Backend', 'host-gw'],
    [{ Network: '10.0.0.0/16', Backend: { Type: 7 } }, 'Backend.Type', 7],
  ])('%j → ERR_FLANNEL_CONFIG on %s', (input, field, value) => {
    const err = caught(() => parseNetConf(input));
    expect(err.code).toBe('ERR_FLANNEL_CONFIG');
    expect(err.details.field).toBe(field);
    expect(err.details.value).toEqual(value);
    expect(err.message).toContain(field);
    if (value !== undefined) expect(err.message).toContain(JSON.stringify(value));
  });

  it('refuses text that is not JSON, and JSON that is not an object', () => {
    expect(caught(() => parseNetConf('{ "Network": ')).code).toBe('ERR_FLANNEL_CONFIG');
    expect(caught(() => parseNetConf('[1]')).code).toBe('ERR_FLANNEL_CONFIG');
  });

  it.each(['vxlan', 'wireguard', 'udp', 'ipip', ''])('refuses Backend.Type %j', (type) => {
    const err = caught(() => parseNetConf({ Network: '10.0.0.0/16', Backend: { Type: type } }));
    expect(err.code).toBe('ERR_UNSUPPORTED_BACKEND');
    expect(err.details.value).toBe(type);
    expect(err.message).toContain(JSON.stringify(type));
  });

  it('refuses a missing Backend (flannel would run udp)', () => {
    const err = caught(() => parseNetConf({ Network: '10.0.0.0/16' }));
    expect(err.code).toBe('ERR_UNSUPPORTED_BACKEND');
    expect(err.details.value).toBe('udp');
  });

  it('refuses the kube-flannel.yml default (vxlan) naming it', () => {
    const text =
      '{\n  "Network": "10.244.0.0/16",\n  "EnableNFTables": false,\n  "Backend": {\n    "Type": "vxlan"\n  }\n}';
    expect(caught(() => parseNetConf(text)).details.value).toBe('vxlan');
  });
});

describe('parseNetConf: node network overlap', () => {
  it('refuses Network overlapping a node network given at start (ERR_NETWORK_OVERLAP)', () => {
    const err = caught(() =>
      parseNetConf({ Network: '10.0.0.0/16', Backend: hostGw }, { nodeNetworks: ['10.0.200.5/24'] }),
    );
    expect(err.code).toBe('ERR_NETWORK_OVERLAP');
    expect(err.details).toMatchObject({ network: '10.0.0.0/16', nodeNetwork: '10.0.200.0/24' });
    expect(err.message).toContain('10.0.200.0/24');
  });

  it('refuses a node network that contains Network, and IPv6 too', () => {
    expect(
      caught(() =>
        parseNetConf({ Network: '10.0.0.0/16', Backend: hostGw }, { nodeNetworks: ['10.0.0.0/8'] }),
      ).code,
    ).toBe('ERR_NETWORK_OVERLAP');
    const err = caught(() =>
      parseNetConf(
        { EnableIPv6: true, Network: '10.0.0.0/16', IPv6Network: 'fd00:10::/48', Backend: hostGw },
        { edgeway: { nodeNetworks: ['192.168.0.0/24', 'fd00:10:0:5::1/64'] } },
      ),
    );
    expect(err.details).toMatchObject({ field: 'IPv6Network', nodeNetwork: 'fd00:10:0:5::/64' });
  });

  it('accepts disjoint node networks', () => {
    const c = parseNetConf(
      { Network: '10.0.0.0/16', Backend: hostGw },
      { nodeNetworks: ['192.168.0.0/16', '10.1.0.0/16', Cidr.parse('fd00::/64')] },
    );
    expect(c.edgeway.nodeNetworks.map(String)).toEqual(['192.168.0.0/16', '10.1.0.0/16', 'fd00::/64']);
  });
});

describe('readNetConf', () => {
  it('reads a file and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netconf-'));
    try {
      const path = join(dir, 'net-conf.json');
      await writeFile(path, '{"Network":"10.5.0.0/16","Backend":{"Type":"host-gw"}}');
      expect((await readNetConf(path)).network?.toString()).toBe('10.5.0.0/16');
      await writeFile(path, '{"Network":"10.5.0.0/40","Backend":{"Type":"host-gw"}}');
      await expect(readNetConf(path)).rejects.toMatchObject({
        code: 'ERR_FLANNEL_CONFIG',
        details: { source: path },
      });
      await expect(readNetConf(join(dir, 'missing.json'))).rejects.toMatchObject({
        code: 'ERR_FLANNEL_CONFIG',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
