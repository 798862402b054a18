/** Namespaces: sockets opened through runInNetns stay bound to the target; the thread comes back. */
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cidr } from '../net/index.js';
import { KernelErrorCode, NetnsError } from './kernel-errors.js';
import { KernelRouteTable } from './kernel-route-table.js';
import {
  createNetns,
  currentNetnsId,
  currentNetnsInode,
  deleteNetns,
  netnsExists,
  netnsPath,
  openNetns,
  runInNetns,
} from './netns.js';
import { requireNetnsPrerequisites, TestNetns } from './netns-fixture.js';

describe('network namespaces (integration)', () => {
  const made: TestNetns[] = [];

  beforeAll(() => requireNetnsPrerequisites());

  afterEach(async () => {
    for (const n of made.splice(0)) await n.destroy();
  });

  it('runs a function inside the namespace and returns the thread to its own', async () => {
    const ns = await TestNetns.create();
    made.push(ns);
    const home = currentNetnsInode();
    const handle = openNetns(ns.name);
    const target = handle.path;
    handle.close();
    const inside = await runInNetns(ns.name, () => currentNetnsInode());
    expect(inside).not.toBe(home);
    expect(inside).toBe(
      Number(execFileSync('stat', ['-L', '-c', '%i', target], { encoding: 'utf8' }).trim()),
    );
    expect(currentNetnsInode()).toBe(home);
    // an exception inside still returns the thread
    await expect(
      runInNetns(ns.name, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(currentNetnsInode()).toBe(home);
    // a promise-returning function is refused (its continuation would run elsewhere)
    await expect(runInNetns(ns.name, () => Promise.resolve(1))).rejects.toMatchObject({
      code: KernelErrorCode.Netns,
    });
    expect(currentNetnsInode()).toBe(home);
  });

  it('a table opened in a namespace writes there and nowhere else (not the root namespace)', async () => {
    const ns = await TestNetns.create();
    made.push(ns);
    const rootBefore = execFileSync('ip', ['-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
    const table = await KernelRouteTable.open({ netns: ns.name });
    try {
      await table.add({ destination: Cidr.parse('10.66.0.0/16'), type: 'blackhole' });
      expect(ns.ipJson('route', 'show', '10.66.0.0/16')).toHaveLength(1);
      expect(execFileSync('ip', ['-j', 'route', 'show', 'table', 'all'], { encoding: 'utf8' })).toBe(
        rootBefore,
      );
      expect(currentNetnsId()).toBe(
        execFileSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).trim(),
      );
    } finally {
      table.close();
    }
  });

  it('creates and deletes named namespaces; missing ones are typed errors', async () => {
    const name = `ew-test-${process.pid}-lifecycle`;
    await createNetns(name);
    try {
      expect(netnsExists(name)).toBe(true);
      expect(execFileSync('ip', ['-n', name, '-j', 'link', 'show', 'lo'], { encoding: 'utf8' })).toContain(
        'UP',
      );
      const again = await createNetns(name).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(NetnsError);
      expect(again).toMatchObject({ code: KernelErrorCode.NetnsCommand });
    } finally {
      await deleteNetns(name);
    }
    expect(netnsExists(name)).toBe(false);
    await deleteNetns(name); // idempotent
    await expect(runInNetns(name, () => 1)).rejects.toMatchObject({ code: KernelErrorCode.NetnsNotFound });
    expect(() => netnsPath('../etc')).toThrow(NetnsError);
    expect(netnsPath({ pid: 1 })).toBe('/proc/1/ns/net');
    expect(await runInNetns(undefined, () => 7)).toBe(7);
  });
});
