import { describe, expect, it } from 'vitest';
import { assignIpv6Addresses, assignPrivateIpAddresses } from '../ecs/address-actions.js';
import { makeWorld, type TestWorld } from '../ecs/ecs-fixtures.test-support.js';
import {
  attachNetworkInterface,
  createNetworkInterface,
  detachNetworkInterface,
} from '../ecs/eni-actions.js';
import { handleMetadata, TOKEN_HEADER, TOKEN_TTL_HEADER } from './metadata-service.js';

function tokenFor(world: TestWorld, instanceId: string, ttl = '21600'): string {
  const res = handleMetadata(world.state, instanceId, {
    method: 'PUT',
    path: '/latest/api/token',
    headers: { [TOKEN_TTL_HEADER]: ttl },
  });
  expect(res.status).toBe(200);
  return res.body;
}

/** A GET with a fresh token, as a hardened-mode client does. */
function get(world: TestWorld, path: string, instanceId = 'i-one'): { status: number; body: string } {
  const token = tokenFor(world, instanceId);
  return handleMetadata(world.state, instanceId, { method: 'GET', path, headers: { [TOKEN_HEADER]: token } });
}

const md = (path: string) => `/latest/meta-data/${path}`;

describe('metadata tokens (security hardening mode)', () => {
  it('issues a token for a TTL of 1–21600 seconds and answers with it', () => {
    const world = makeWorld();
    const res = handleMetadata(world.state, 'i-one', {
      method: 'PUT',
      path: '/latest/api/token',
      headers: { 'x-aliyun-ecs-metadata-token-ttl-seconds': '60' },
    });
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(20);
    expect(res.headers['x-aliyun-ecs-metadata-token-ttl-seconds']).toBe('60');
    const ok = handleMetadata(world.state, 'i-one', {
      method: 'GET',
      path: md('instance-id'),
      headers: { 'x-aliyun-ecs-metadata-token': res.body },
    });
    expect(ok).toMatchObject({ status: 200, body: 'i-one' });
  });

  it('answers 400 to a missing or invalid TTL, 405 to other methods and 403 through a proxy', () => {
    const world = makeWorld();
    const put = (headers: Record<string, string>, method = 'PUT') =>
      handleMetadata(world.state, 'i-one', { method, path: '/latest/api/token', headers }).status;
    expect(put({})).toBe(400);
    for (const ttl of ['0', '21601', 'abc', '-5', '1.5', ''])
      expect(put({ [TOKEN_TTL_HEADER]: ttl }), ttl).toBe(400);
    expect(put({ [TOKEN_TTL_HEADER]: '1' })).toBe(200);
    expect(put({ [TOKEN_TTL_HEADER]: '21600' })).toBe(200);
    expect(put({ [TOKEN_TTL_HEADER]: '60' }, 'GET')).toBe(405);
    expect(put({ [TOKEN_TTL_HEADER]: '60', 'X-Forwarded-For': '10.0.0.1' })).toBe(403);
  });

  it('answers 401 once the token has expired on the emulator clock', () => {
    const world = makeWorld();
    const token = tokenFor(world, 'i-one', '30');
    const read = () =>
      handleMetadata(world.state, 'i-one', {
        method: 'GET',
        path: md('instance-id'),
        headers: { [TOKEN_HEADER]: token },
      }).status;
    expect(read()).toBe(200);
    world.clock.advance(29_999);
    expect(read()).toBe(200);
    world.clock.advance(1);
    expect(read()).toBe(401);
  });

  it('answers 401 to a token of another instance or an unknown token, even in normal mode', () => {
    const world = makeWorld();
    const ofTwo = tokenFor(world, 'i-two');
    // i-three allows requests without a token (normal mode) but still checks a token it is given.
    for (const instance of ['i-one', 'i-three']) {
      for (const token of [ofTwo, 'not-a-token']) {
        const res = handleMetadata(world.state, instance, {
          method: 'GET',
          path: md('instance-id'),
          headers: { [TOKEN_HEADER]: token },
        });
        expect(res.status, `${instance} ${token}`).toBe(401);
      }
    }
  });

  it('needs a token in hardened mode (the default) and not in normal mode', () => {
    const world = makeWorld();
    const bare = (instance: string) =>
      handleMetadata(world.state, instance, { method: 'GET', path: md('instance-id'), headers: {} });
    expect(bare('i-one').status).toBe(401);
    expect(bare('i-three')).toMatchObject({ status: 200, body: 'i-three' });
  });
});

describe('metadata items', () => {
  it('lists meta-data/ and serves the instance items', () => {
    const world = makeWorld();
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-one')!.primaryEniId)!;
    const listing = get(world, '/latest/meta-data/').body.split('\n');
    expect(listing).toEqual(
      expect.arrayContaining(['instance-id', 'instance/', 'network/', 'mac', 'vpc-cidr-block']),
    );
    const names = listing.map((l) => l.replace(/\/$/, ''));
    expect(names).toEqual([...names].sort());
    expect(get(world, '/latest/meta-data').body).toBe(get(world, '/latest/meta-data/').body);
    const items: Record<string, string> = {
      'instance-id': 'i-one',
      'instance/instance-type': 'ecs.g7.large',
      'region-id': 'cn-hangzhou',
      'zone-id': 'cn-hangzhou-k',
      'vpc-id': 'vpc-one',
      'vpc-cidr-block': '10.0.0.0/16',
      'vswitch-id': 'vsw-a',
      'vswitch-cidr-block': '10.0.1.0/24',
      mac: primary.macAddress,
      'private-ipv4': '10.0.1.10',
      hostname: 'iZoneZ',
      'network-type': 'vpc',
    };
    for (const [path, value] of Object.entries(items))
      expect(get(world, md(path)), path).toEqual(expect.objectContaining({ status: 200, body: value }));
    expect(get(world, md('instance/')).body).toBe('instance-name\ninstance-type');
    expect(get(world, '/latest/').body).toBe('meta-data/');
  });

  it('serves every per-MAC item of the primary ENI', () => {
    const world = makeWorld();
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-one')!.primaryEniId)!;
    expect(get(world, md('network/interfaces/macs/')).body).toBe(`${primary.macAddress}/`);
    const base = md(`network/interfaces/macs/${primary.macAddress}/`);
    const items: Record<string, string> = {
      'network-interface-id': primary.id,
      'primary-ip-address': '10.0.1.10',
      gateway: '10.0.1.253',
      netmask: '255.255.255.0',
      'private-ipv4s': '["10.0.1.10"]',
      'vswitch-id': 'vsw-a',
      'vswitch-cidr-block': '10.0.1.0/24',
      'vpc-id': 'vpc-one',
      'vpc-cidr-block': '10.0.0.0/16',
      'ipv6-gateway': '2408:4005:300:a:ffff:ffff:ffff:fffd',
      'vswitch-ipv6-cidr-block': '2408:4005:300:a::/64',
    };
    for (const [path, value] of Object.entries(items))
      expect(get(world, base + path), path).toMatchObject({ status: 200, body: value });
    expect(get(world, base).body.split('\n')).toContain('network-interface-id');
    // No IPv6 address assigned yet: 404, as Terway's client expects.
    expect(get(world, `${base}ipv6s`).status).toBe(404);
  });

  it('leaves the IPv6 items out for a vSwitch without IPv6 and uses its own gateway', () => {
    const world = makeWorld();
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-two')!.primaryEniId)!;
    const base = md(`network/interfaces/macs/${primary.macAddress}/`);
    expect(get(world, `${base}gateway`, 'i-two').body).toBe('10.0.2.253');
    expect(get(world, `${base}ipv6-gateway`, 'i-two').status).toBe(404);
    expect(get(world, base, 'i-two').body).not.toContain('ipv6');
  });

  it('answers 404 to unknown paths and instances, and 405 to writes', () => {
    const world = makeWorld();
    expect(get(world, md('no-such-item')).status).toBe(404);
    expect(get(world, md('instance-id/extra')).status).toBe(404);
    expect(get(world, md('network/interfaces/macs/00:00:00:00:00:00/gateway')).status).toBe(404);
    expect(get(world, '/latest/user-data').status).toBe(404);
    expect(get(world, md('__proto__')).status).toBe(404);
    const res = handleMetadata(world.state, 'i-nope', {
      method: 'GET',
      path: md('instance-id'),
      headers: {},
    });
    expect(res.status).toBe(404);
    expect(res.body).toContain('404 - Not Found');
    expect(
      handleMetadata(world.state, 'i-three', { method: 'POST', path: md('instance-id'), headers: {} }).status,
    ).toBe(405);
  });
});

describe('metadata reflects live state', () => {
  it('lists an attached ENI once it is InUse, and drops it once detached', () => {
    const world = makeWorld();
    const eniId = world.call(createNetworkInterface, { VSwitchId: 'vsw-a', SecurityGroupId: 'sg-one' })
      .NetworkInterfaceId as string;
    const eni = world.state.ecs.networkInterface(eniId)!;
    const macs = () => get(world, md('network/interfaces/macs/')).body.split('\n');
    expect(macs()).toHaveLength(1);
    world.call(attachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eniId });
    expect(macs()).toHaveLength(1);
    world.clock.advance(world.state.timings.eniAttach);
    expect(macs()).toContain(`${eni.macAddress}/`);
    expect(macs()).toHaveLength(2);
    expect(get(world, md(`network/interfaces/macs/${eni.macAddress}/network-interface-id`)).body).toBe(eniId);
    world.call(detachNetworkInterface, { InstanceId: 'i-one', NetworkInterfaceId: eniId });
    world.clock.advance(world.state.timings.eniDetach);
    expect(macs()).toHaveLength(1);
    expect(get(world, md(`network/interfaces/macs/${eni.macAddress}/network-interface-id`)).status).toBe(404);
  });

  it('shows assigned secondary IPv4 and IPv6 addresses', () => {
    const world = makeWorld();
    const primary = world.state.ecs.networkInterface(world.state.ecs.instance('i-one')!.primaryEniId)!;
    world.call(assignPrivateIpAddresses, {
      NetworkInterfaceId: primary.id,
      'PrivateIpAddress.1': '10.0.1.20',
      'PrivateIpAddress.2': '10.0.1.21',
    });
    world.call(assignIpv6Addresses, {
      NetworkInterfaceId: primary.id,
      'Ipv6Address.1': '2408:4005:300:a::20',
    });
    const base = md(`network/interfaces/macs/${primary.macAddress}/`);
    expect(JSON.parse(get(world, `${base}private-ipv4s`).body)).toEqual([
      '10.0.1.10',
      '10.0.1.20',
      '10.0.1.21',
    ]);
    expect(get(world, `${base}ipv6s`).body).toBe('[2408:4005:300:a::20]');
    expect(get(world, base).body.split('\n')).toContain('ipv6s');
  });
});
