import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cidr } from '@edgeway/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import { FlannelError } from '../errors.js';
import {
  parseSubnetEnv,
  readSubnetEnv,
  renderSubnetEnv,
  subnetEnvFor,
  writeFileAtomic,
  writeSubnetEnv,
} from './subnet-env.js';

const c = (s: string) => Cidr.parse(s);

describe('renderSubnetEnv: byte-exact flannel WriteSubnetFile output', () => {
  it('renders the dual-stack example of flannel Documentation/configuration.md', () => {
    const text = renderSubnetEnv({
      network: c('10.42.0.0/16'),
      subnet: c('10.42.0.0/24'),
      ipv6Network: c('2001:cafe:42::/56'),
      ipv6Subnet: c('2001:cafe:42::/64'),
      mtu: 1450,
      ipMasq: true,
    });
    expect(text).toBe(
      'FLANNEL_NETWORK=10.42.0.0/16\n' + // config.Network
        'FLANNEL_SUBNET=10.42.0.1/24\n' + // the block's IP incremented by one, with its length
        'FLANNEL_IPV6_NETWORK=2001:cafe:42::/56\n' + // config.IPv6Network (Go net.IP text = RFC 5952)
        'FLANNEL_IPV6_SUBNET=2001:cafe:42::1/64\n' +
        'FLANNEL_MTU=1450\n' + // %d
        'FLANNEL_IPMASQ=true\n', // %t
    );
  });

  it('renders the IPv4-only example of flannel Documentation/running.md (no IPv6 lines)', () => {
    expect(
      renderSubnetEnv({ network: c('10.5.0.0/16'), subnet: c('10.5.72.0/24'), mtu: 1450, ipMasq: false }),
    ).toBe(
      'FLANNEL_NETWORK=10.5.0.0/16\nFLANNEL_SUBNET=10.5.72.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n',
    );
  });

  it('renders IPv6 only without IPv4 lines', () => {
    expect(
      renderSubnetEnv({
        ipv6Network: c('fd00:10::/48'),
        ipv6Subnet: c('fd00:10:0:7::/64'),
        mtu: 1500,
        ipMasq: false,
      }),
    ).toBe(
      'FLANNEL_IPV6_NETWORK=fd00:10::/48\nFLANNEL_IPV6_SUBNET=fd00:10:0:7::1/64\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=false\n',
    );
  });

  it('adds one to the network address for every length up to /30', () => {
    expect(
      renderSubnetEnv({ network: c('10.0.0.0/8'), subnet: c('10.0.0.4/30'), mtu: 9000, ipMasq: true }),
    ).toBe('FLANNEL_NETWORK=10.0.0.0/8\nFLANNEL_SUBNET=10.0.0.5/30\nFLANNEL_MTU=9000\nFLANNEL_IPMASQ=true\n');
  });

  it('refuses an enabled family without a block, and a bad MTU', () => {
    expect(() => renderSubnetEnv({ network: c('10.0.0.0/16'), mtu: 1500, ipMasq: false })).toThrow(
      FlannelError,
    );
    expect(() =>
      renderSubnetEnv({ network: c('10.0.0.0/16'), subnet: c('10.0.1.0/24'), mtu: 0, ipMasq: false }),
    ).toThrow(/MTU 0/);
  });

  it('builds its input from the net-conf and our lease', () => {
    const config = parseNetConf({
      Network: '10.0.0.0/16',
      Backend: { Type: 'host-gw' },
      edgeway: { ipMasq: true },
    });
    expect(renderSubnetEnv(subnetEnvFor(config, { subnet: c('10.0.3.0/24') }, 1500))).toBe(
      'FLANNEL_NETWORK=10.0.0.0/16\nFLANNEL_SUBNET=10.0.3.1/24\nFLANNEL_MTU=1500\nFLANNEL_IPMASQ=true\n',
    );
    const pinned = parseNetConf({
      Network: '10.0.0.0/16',
      Backend: { Type: 'host-gw' },
      edgeway: { mtu: 1400 },
    });
    expect(subnetEnvFor(pinned, { subnet: c('10.0.3.0/24') }, 1500).mtu).toBe(1400);
  });
});

describe('parseSubnetEnv', () => {
  it('round-trips what renderSubnetEnv writes', () => {
    const env = parseSubnetEnv(
      renderSubnetEnv({
        network: c('10.42.0.0/16'),
        subnet: c('10.42.3.0/24'),
        ipv6Network: c('2001:cafe:42::/56'),
        ipv6Subnet: c('2001:cafe:42:3::/64'),
        mtu: 1450,
        ipMasq: true,
      }),
    );
    expect(env.network?.toString()).toBe('10.42.0.0/16');
    expect(env.subnet?.address.toString()).toBe('10.42.3.1');
    expect(env.subnet?.cidr.toString()).toBe('10.42.3.0/24');
    expect(env.ipv6Network?.toString()).toBe('2001:cafe:42::/56');
    expect(env.ipv6Subnet?.address.toString()).toBe('2001:cafe:42:3::1');
    expect(env.ipv6Subnet?.cidr.toString()).toBe('2001:cafe:42:3::/64');
    expect(env.mtu).toBe(1450);
    expect(env.ipMasq).toBe(true);
  });

  it('reads godotenv syntax: comments, export, quotes, CRLF, comma lists, unknown keys', () => {
    const env = parseSubnetEnv(
      '# written by hand\r\nexport FLANNEL_NETWORK="10.42.0.0/16,10.43.0.0/16"\r\nFLANNEL_SUBNET=10.42.0.1/24 # bridge\r\n' +
        "FLANNEL_IPMASQ='False'\r\nOTHER=x\r\n",
    );
    expect(env.networks.map(String)).toEqual(['10.42.0.0/16', '10.43.0.0/16']);
    expect(env.network?.toString()).toBe('10.42.0.0/16');
    expect(env.subnet?.cidr.toString()).toBe('10.42.0.0/24');
    expect(env.ipMasq).toBe(false);
    expect(env.mtu).toBeUndefined();
    expect(env.vars.OTHER).toBe('x');
  });

  it.each([
    ['FLANNEL_NETWORK=10.0.0.0/40\n', 'FLANNEL_NETWORK'],
    ['FLANNEL_SUBNET=nope\n', 'FLANNEL_SUBNET'],
    ['FLANNEL_MTU=15x0\n', 'FLANNEL_MTU'],
    ['FLANNEL_IPMASQ=maybe\n', 'FLANNEL_IPMASQ'],
  ])('refuses %j naming %s', (text, key) => {
    expect(() => parseSubnetEnv(text, '/run/x.env')).toThrow(
      expect.objectContaining({ code: 'ERR_SUBNET_FILE_INVALID', details: expect.objectContaining({ key }) }),
    );
  });

  it('refuses a line that is not KEY=value, naming the line', () => {
    expect(() => parseSubnetEnv('FLANNEL_MTU=1500\nthis is not\n')).toThrow(
      expect.objectContaining({
        code: 'ERR_SUBNET_FILE_INVALID',
        details: expect.objectContaining({ line: 2 }),
      }),
    );
  });
});

describe('writeSubnetEnv / readSubnetEnv', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'subnet-env-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const input = { network: c('10.0.0.0/16'), subnet: c('10.0.1.0/24'), mtu: 1500, ipMasq: false };

  it('creates the directory, writes mode 0644 whatever the umask, and leaves no temporary file', async () => {
    const path = join(dir, 'run', 'flannel', 'subnet.env');
    const old = process.umask(0o077);
    try {
      await writeSubnetEnv(input, path);
    } finally {
      process.umask(old);
    }
    expect(await readFile(path, 'utf8')).toBe(renderSubnetEnv(input));
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readdir(join(dir, 'run', 'flannel'))).toEqual(['subnet.env']);
    expect((await readSubnetEnv(path))?.subnet?.cidr.toString()).toBe('10.0.1.0/24');
  });

  it('replaces the file by rename: an open reader keeps the old content, a new reader sees the new', async () => {
    const path = join(dir, 'subnet.env');
    await writeSubnetEnv(input, path);
    const before = await stat(path);
    const fh = await open(path, 'r');
    try {
      await writeSubnetEnv({ ...input, subnet: c('10.0.9.0/24') }, path);
      expect(await fh.readFile('utf8')).toContain('FLANNEL_SUBNET=10.0.1.1/24');
      expect(await readFile(path, 'utf8')).toContain('FLANNEL_SUBNET=10.0.9.1/24');
      expect((await stat(path)).ino).not.toBe(before.ino);
    } finally {
      await fh.close();
    }
  });

  it('never exposes a partial file to concurrent readers', async () => {
    const path = join(dir, 'subnet.env');
    const contents = Array.from({ length: 40 }, (_, i) => `${'X'.repeat(20_000 + i)}\n`);
    await writeFileAtomic(path, contents[0]!, 0o644);
    let stop = false;
    const seen = new Set<number>();
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(path, 'utf8');
        const i = contents.indexOf(text);
        expect(i, 'a read returned content that was never written whole').toBeGreaterThanOrEqual(0);
        seen.add(i);
      }
    })();
    for (const text of contents) await writeFileAtomic(path, text, 0o644);
    stop = true;
    await reader;
    expect(seen.size).toBeGreaterThan(1);
  });

  it('fails with ERR_SUBNET_FILE naming the path, leaving nothing behind', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'subnet.env');
    await expect(writeSubnetEnv(input, path)).rejects.toMatchObject({
      code: 'ERR_SUBNET_FILE',
      details: { path },
    });
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('reads a missing file as undefined and an unreadable one as ERR_SUBNET_FILE', async () => {
    expect(await readSubnetEnv(join(dir, 'absent.env'))).toBeUndefined();
    await expect(readSubnetEnv(dir)).rejects.toMatchObject({ code: 'ERR_SUBNET_FILE' });
  });
});
