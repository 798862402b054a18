import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileIpam } from './file-ipam.js';
import type { IpamOwner } from './ipam.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-ipam-'));
  file = join(dir, 'pool.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const own = (containerId: string, ifName = 'eth0'): IpamOwner => ({ containerId, ifName });

describe('FileIpam', () => {
  it('persists allocations and the round-robin position across instances', async () => {
    const a = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    expect((await a.allocate(own('c1'))).address.toString()).toBe('10.244.1.2');
    expect((await a.allocate(own('c2'))).address.toString()).toBe('10.244.1.3');
    await a.release(own('c1'));
    await a.close();

    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc).toEqual({
      format: 'edgeway-ipam-pool',
      version: 1,
      block: '10.244.1.0/24',
      lastReserved: '10.244.1.3',
      allocations: [{ address: '10.244.1.3', containerId: 'c2', ifName: 'eth0' }],
    });

    const b = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    expect((await b.allocate(own('c3'))).address.toString()).toBe('10.244.1.4');
    expect((await b.allocate(own('c2'))).address.toString()).toBe('10.244.1.3'); // idempotent
    expect((await b.list()).map((x) => `${x.owner.containerId}=${x.address}`)).toEqual([
      'c2=10.244.1.3',
      'c3=10.244.1.4',
    ]);
    expect((await b.releaseByAddress('10.244.1.4'))?.owner).toEqual(own('c3'));
    expect(await b.release(own('nobody'))).toBeUndefined();
    expect((await b.snapshot()).allocated).toBe(1);
    await b.close();
  });

  it('sees allocations made through another handle at once', async () => {
    const a = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    const b = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).allocate(own(`c${i}`))),
    );
    const addresses = results.map((r) => r.address.toString());
    expect(new Set(addresses).size).toBe(60);
    expect((await a.list()).length).toBe(60);
    await Promise.all([a.close(), b.close()]);
  });

  it('requests specific addresses with the pool errors', async () => {
    const ipam = await FileIpam.open({
      block: 'fd00:10:244:1::/64',
      path: file,
      reserved: ['fd00:10:244:1::a'],
    });
    expect((await ipam.allocate(own('a'), { requested: 'fd00:10:244:1::100' })).address.toString()).toBe(
      'fd00:10:244:1::100',
    );
    await expect(ipam.allocate(own('b'), { requested: 'fd00:10:244:1::100' })).rejects.toMatchObject({
      code: 'ERR_ADDRESS_TAKEN',
    });
    await expect(ipam.allocate(own('b'), { requested: 'fd00:10:244:1::a' })).rejects.toMatchObject({
      code: 'ERR_ADDRESS_RESERVED',
    });
    expect((await ipam.allocate(own('b'))).address.toString()).toBe('fd00:10:244:1::101');
    await ipam.close();
  });

  it('refuses a store of another block', async () => {
    const a = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    await a.allocate(own('c1'));
    await a.close();
    const b = await FileIpam.open({ block: '10.244.2.0/24', path: file });
    await expect(b.allocate(own('c2'))).rejects.toMatchObject({
      code: 'ERR_STORE_MISMATCH',
      details: { file, expected: '10.244.2.0/24', found: '10.244.1.0/24' },
    });
    await b.close();
  });

  it('refuses a store whose allocations the configuration now reserves', async () => {
    const a = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    await a.allocate(own('c1'));
    await a.close();
    const b = await FileIpam.open({ block: '10.244.1.0/24', path: file, reserved: ['10.244.1.2'] });
    await expect(b.list()).rejects.toMatchObject({
      code: 'ERR_STORE_MISMATCH',
      details: { addresses: ['10.244.1.2'] },
    });
    await b.close();
  });

  it.each([
    ['a duplicated address', '10.244.1.2', '10.244.1.2', 'c2'],
    ['an owner twice', '10.244.1.2', '10.244.1.3', 'c1'],
    ['an address outside the block', '10.244.1.2', '10.9.9.9', 'c2'],
    ['the broadcast address', '10.244.1.2', '10.244.1.255', 'c2'],
  ])('reports %s as ERR_STORE_CORRUPT', async (_, first, second, owner2) => {
    const doc = {
      format: 'edgeway-ipam-pool',
      version: 1,
      block: '10.244.1.0/24',
      allocations: [
        { address: first, containerId: 'c1', ifName: 'eth0' },
        { address: second, containerId: owner2, ifName: 'eth0' },
      ],
    };
    await writeFile(file, JSON.stringify(doc));
    const ipam = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    await expect(ipam.allocate(own('x'))).rejects.toMatchObject({
      code: 'ERR_STORE_CORRUPT',
      details: { file },
    });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(doc);
    await ipam.close();
  });

  it.each([
    ['another format', { format: 'x', version: 1, block: '10.244.1.0/24', allocations: [] }],
    ['another version', { format: 'edgeway-ipam-pool', version: 2, block: '10.244.1.0/24', allocations: [] }],
    ['a bad block', { format: 'edgeway-ipam-pool', version: 1, block: '10.244.1.1/24', allocations: [] }],
    ['no allocations', { format: 'edgeway-ipam-pool', version: 1, block: '10.244.1.0/24' }],
    [
      'a non-string field',
      { format: 'edgeway-ipam-pool', version: 1, block: '10.244.1.0/24', allocations: [{ address: 1 }] },
    ],
    [
      'a bad lastReserved',
      { format: 'edgeway-ipam-pool', version: 1, block: '10.244.1.0/24', lastReserved: 'x', allocations: [] },
    ],
  ])('reports %s as ERR_STORE_CORRUPT', async (_, doc) => {
    await writeFile(file, JSON.stringify(doc));
    const ipam = await FileIpam.open({ block: '10.244.1.0/24', path: file });
    await expect(ipam.list()).rejects.toMatchObject({ code: 'ERR_STORE_CORRUPT', details: { file } });
    await ipam.close();
  });

  it('checks the configuration before touching the disk', async () => {
    await expect(FileIpam.open({ block: '10.0.0.0/31', path: file })).rejects.toMatchObject({
      code: 'ERR_IPAM_CONFIG',
    });
    await expect(FileIpam.open({ block: '10.0.0.1/24', path: file })).rejects.toMatchObject({
      code: 'ERR_CIDR_HOST_BITS',
    });
  });
});
