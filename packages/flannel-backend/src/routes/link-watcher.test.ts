import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IpMonitorWatcher, parseIpMonitorLine } from './link-watcher.js';

// Captured from `ip -n NS -o monitor link address` (iproute2 6.1) while a veth pair v0/v1 went down, up,
// got an address, changed MTU, lost the address and was deleted.
const captured = readFileSync(new URL('./__fixtures__/ip-monitor-link-address.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '');

describe('parseIpMonitorLine', () => {
  it('parses a link record: index, name without the @peer, flags, mtu', () => {
    expect(parseIpMonitorLine(captured[4]!)).toEqual({
      kind: 'link',
      deleted: false,
      index: 3,
      name: 'v0',
      up: true,
      lowerUp: true,
      mtu: 1500,
    });
    // admin up, no carrier yet
    expect(parseIpMonitorLine(captured[3]!)).toMatchObject({ name: 'v0', up: true, lowerUp: true });
    expect(parseIpMonitorLine(captured[2]!)).toMatchObject({ name: 'v1', up: true, lowerUp: false });
    expect(parseIpMonitorLine(captured[0]!)).toMatchObject({ name: 'v0', up: false, lowerUp: false });
  });

  it('parses address records, added and deleted', () => {
    expect(parseIpMonitorLine(captured[6]!)).toEqual({
      kind: 'address',
      deleted: false,
      index: 3,
      name: 'v0',
      family: 4,
      address: '192.0.2.1/24',
    });
    expect(parseIpMonitorLine(captured[8]!)).toMatchObject({
      kind: 'address',
      deleted: true,
      address: '192.0.2.1/24',
    });
    expect(parseIpMonitorLine(captured[1]!)).toMatchObject({ kind: 'address', deleted: true, family: 6 });
  });

  it('parses deleted links, an optional [LINK] banner, and ignores anything else', () => {
    expect(parseIpMonitorLine(captured.at(-1)!)).toMatchObject({ kind: 'link', deleted: true, name: 'v1' });
    expect(parseIpMonitorLine('[LINK]3: eth0: <UP,LOWER_UP> mtu 9000 qdisc')).toMatchObject({
      name: 'eth0',
      mtu: 9000,
    });
    expect(parseIpMonitorLine('')).toBeUndefined();
    expect(parseIpMonitorLine('nsid 0 (iproute2 netns name: x)')).toBeUndefined();
  });

  it('parses every captured record', () => {
    expect(captured.map(parseIpMonitorLine).every((e) => e !== undefined)).toBe(true);
  });
});

describe('IpMonitorWatcher', () => {
  it('says so when ip cannot be run, so the caller can poll instead', async () => {
    const unavailable = await new Promise<Error>((resolve) => {
      new IpMonitorWatcher({ command: '/nonexistent/ip', onEvent: () => undefined, onUnavailable: resolve });
    });
    expect((unavailable as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('restarts a child that exits, and stops for good when closed', async () => {
    let restarts = 0;
    const w = await new Promise<IpMonitorWatcher>((resolve) => {
      const watcher: IpMonitorWatcher = new IpMonitorWatcher({
        command: 'true', // exits at once, like an ip monitor that died
        restartDelayMs: 5,
        onEvent: () => undefined,
        onRestart: () => {
          if (++restarts === 3) resolve(watcher);
        },
      });
    });
    w.close();
    const at = restarts;
    await new Promise((r) => setTimeout(r, 50));
    expect(restarts).toBe(at);
    expect(w.pid).toBeUndefined();
  });
});
