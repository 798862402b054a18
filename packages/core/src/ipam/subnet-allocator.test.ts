import { describe, expect, it } from 'vitest';
import { Cidr } from '../net/cidr.js';
import { catchError } from '../testing/catch-error.test-support.js';
import { IpamError } from './ipam-error.js';
import { defaultSubnetLength, SubnetAllocator } from './subnet-allocator.js';

/** Runs `fn`, expecting an error with `code`; returns it for further checks. */

const s = (c: { subnet: Cidr } | undefined): string | undefined => c?.subnet.toString();

describe('defaultSubnetLength (flannel CheckNetworkConfig)', () => {
  it.each([
    ['10.0.0.0/8', 24],
    ['10.0.0.0/16', 24],
    ['10.0.0.0/22', 24],
    ['10.0.0.0/23', 25],
    ['10.0.0.0/26', 28],
    ['10.0.0.0/28', 30],
    ['fd00::/48', 64],
    ['fd00::/62', 64],
    ['fd00::/63', 65],
    ['fd00::/124', 126],
  ])('%s -> /%i', (network, length) => {
    expect(defaultSubnetLength(Cidr.parse(network))).toBe(length);
  });

  it.each(['10.0.0.0/29', '10.0.0.0/32', 'fd00::/125'])('%s is too small', (network) => {
    const err = catchError(() => new SubnetAllocator({ network }));
    expect(err.code).toBe('ERR_IPAM_CONFIG');
    expect(err.details.field).toBe('network');
  });
});

describe('SubnetAllocator bounds', () => {
  it('skips the first block and ends at the last by default, like flannel', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    expect(a.subnetLength).toBe(24);
    expect(a.subnetMin.toString()).toBe('10.0.1.0/24');
    expect(a.subnetMax.toString()).toBe('10.0.255.0/24');
    expect(a.stats()).toEqual({ capacity: 255n, leased: 0, reserved: 0n, free: 255n });
    expect(s(a.acquire('node-a'))).toBe('10.0.1.0/24');
    expect(s(a.acquire('node-b'))).toBe('10.0.2.0/24');
    expect(s(a.acquire('node-a'))).toBe('10.0.1.0/24'); // sticky
    expect(a.stats().leased).toBe(2);
  });

  it('honours SubnetMin and SubnetMax (inclusive) and reports exhaustion', () => {
    const a = new SubnetAllocator({
      network: '10.0.0.0/16',
      subnetMin: '10.0.5.0',
      subnetMax: '10.0.7.0/24',
    });
    expect(['n1', 'n2', 'n3'].map((n) => s(a.acquire(n)))).toEqual([
      '10.0.5.0/24',
      '10.0.6.0/24',
      '10.0.7.0/24',
    ]);
    const err = catchError(() => a.acquire('n4'));
    expect(err).toBeInstanceOf(IpamError);
    expect(err.code).toBe('ERR_SUBNETS_EXHAUSTED');
    expect(err.details.network).toBe('10.0.0.0/16');
    expect(err.message).toContain('10.0.0.0/16');
    expect(a.stats()).toEqual({ capacity: 3n, leased: 3, reserved: 0n, free: 0n });
  });

  it('accepts an explicit SubnetLen within /prefix+2../30', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16', subnetLength: 18 });
    expect(s(a.acquire('x'))).toBe('10.0.64.0/18');
    expect(s(a.acquire('y'))).toBe('10.0.128.0/18');
    expect(s(a.acquire('z'))).toBe('10.0.192.0/18');
    expect(catchError(() => a.acquire('w')).code).toBe('ERR_SUBNETS_EXHAUSTED');
    const b = new SubnetAllocator({ network: '10.0.0.0/16', subnetLength: 30 });
    expect(s(b.acquire('x'))).toBe('10.0.0.4/30');
  });

  it.each([17, 31, 32, 24.5, -1])('rejects SubnetLen %s for a /16', (subnetLength) => {
    const err = catchError(() => new SubnetAllocator({ network: '10.0.0.0/16', subnetLength }));
    expect(err.code).toBe('ERR_IPAM_CONFIG');
    expect(err.details.field).toBe('subnetLength');
  });

  it.each([
    [{ subnetMin: '10.0.5.1' }, 'ERR_IPAM_CONFIG', 'subnetMin'], // not on a /24 boundary
    [{ subnetMin: '10.0.5.0/25' }, 'ERR_IPAM_CONFIG', 'subnetMin'], // wrong length
    [{ subnetMax: '10.1.0.0' }, 'ERR_IPAM_CONFIG', 'subnetMax'], // outside the network
    [{ subnetMin: '10.0.9.0', subnetMax: '10.0.8.0' }, 'ERR_IPAM_CONFIG', 'subnetMin'], // inverted
    [{ subnetMin: 'fd00::' }, 'ERR_IPAM_FAMILY_MISMATCH', 'subnetMin'],
    [{ reserved: ['fd00::/64'] }, 'ERR_IPAM_FAMILY_MISMATCH', 'reserved'],
  ])('rejects bounds %j with %s', (options, code, field) => {
    const err = catchError(() => new SubnetAllocator({ network: '10.0.0.0/16', ...options }));
    expect(err.code).toBe(code);
    expect(err.details.field).toBe(field);
  });

  it.each([
    ['10.0.0.1/16', 'ERR_CIDR_HOST_BITS'],
    ['10.0.0.0/33', 'ERR_CIDR_PREFIX_RANGE'],
    ['10.0.0/16', 'ERR_CIDR_INVALID'],
    ['10.0.0.0', 'ERR_CIDR_INVALID'],
  ])('rejects the network %s with %s', (network, code) => {
    expect(catchError(() => new SubnetAllocator({ network })).code).toBe(code);
  });

  it('rejects a bound with host bits through the net layer', () => {
    expect(
      catchError(() => new SubnetAllocator({ network: '10.0.0.0/16', subnetMin: '10.0.5.0/23' })).code,
    ).toBe('ERR_CIDR_HOST_BITS');
  });

  it('rejects empty node names', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    expect(catchError(() => a.acquire('')).code).toBe('ERR_IPAM_OWNER');
  });
});

describe('SubnetAllocator reserved ranges', () => {
  it('never hands out a block overlapping a reserved range, large or small', () => {
    const a = new SubnetAllocator({
      network: '10.0.0.0/16',
      reserved: ['10.0.2.0/23', '10.0.5.128/25', '192.168.0.0/16' /* outside: ignored */],
    });
    expect(['a', 'b', 'c'].map((n) => s(a.acquire(n)))).toEqual([
      '10.0.1.0/24',
      '10.0.4.0/24',
      '10.0.6.0/24',
    ]);
    expect(a.stats()).toEqual({ capacity: 255n, leased: 3, reserved: 3n, free: 249n });
    expect(a.reserved.map(String)).toEqual(['10.0.2.0/23', '10.0.5.128/25', '192.168.0.0/16']);
    expect(a.isAvailable(Cidr.parse('10.0.3.0/24'))).toBe(false);
    expect(a.isAvailable(Cidr.parse('10.0.7.0/24'))).toBe(true);
  });

  it('is exhausted at once when the whole range is reserved', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16', reserved: ['10.0.0.0/8'] });
    expect(a.stats().free).toBe(0n);
    expect(catchError(() => a.acquire('a')).code).toBe('ERR_SUBNETS_EXHAUSTED');
  });
});

describe('SubnetAllocator release and stickiness', () => {
  it('gives a released node its block back', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    a.acquire('a');
    a.acquire('b');
    expect(s(a.release('a'))).toBe('10.0.1.0/24');
    expect(a.release('a')).toBeUndefined();
    expect(a.leaseOf('a')).toBeUndefined();
    expect(s(a.acquire('a'))).toBe('10.0.1.0/24');
  });

  it('lowest order reuses a freed block for a new node; the old node then moves', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    a.acquire('a');
    a.acquire('b');
    a.release('a');
    expect(s(a.acquire('c'))).toBe('10.0.1.0/24');
    expect(s(a.acquire('a'))).toBe('10.0.3.0/24');
  });

  it('round-robin order reuses freed blocks last, wrapping', () => {
    const a = new SubnetAllocator({
      network: '10.0.0.0/16',
      subnetMin: '10.0.1.0',
      subnetMax: '10.0.3.0',
      order: 'round-robin',
      rememberReleased: 0,
    });
    expect(['a', 'b'].map((n) => s(a.acquire(n)))).toEqual(['10.0.1.0/24', '10.0.2.0/24']);
    a.release('a');
    expect(s(a.acquire('c'))).toBe('10.0.3.0/24');
    expect(s(a.acquire('d'))).toBe('10.0.1.0/24'); // wrapped
    expect(catchError(() => a.acquire('e')).code).toBe('ERR_SUBNETS_EXHAUSTED');
  });

  it('prefers a compatible free previous block (flannel subnet.env), ignores others', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    expect(s(a.acquire('a', { previous: Cidr.parse('10.0.9.0/24') }))).toBe('10.0.9.0/24');
    expect(s(a.acquire('b', { previous: Cidr.parse('10.0.9.0/24') }))).toBe('10.0.1.0/24'); // taken
    expect(s(a.acquire('c', { previous: Cidr.parse('10.0.8.0/23') }))).toBe('10.0.2.0/24'); // wrong length
    expect(s(a.acquire('d', { previous: Cidr.parse('10.0.0.0/24') }))).toBe('10.0.3.0/24'); // below SubnetMin
    expect(s(a.acquire('e', { previous: Cidr.parse('fd00::/64') }))).toBe('10.0.4.0/24'); // other family
  });

  it('forgets the oldest released nodes past rememberReleased', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16', rememberReleased: 1, order: 'round-robin' });
    a.acquire('a');
    a.acquire('b');
    a.acquire('c');
    a.release('a');
    a.release('b'); // pushes 'a' out of the memory
    expect(s(a.acquire('a'))).toBe('10.0.4.0/24');
    expect(s(a.acquire('b'))).toBe('10.0.2.0/24');
  });
});

describe('SubnetAllocator restore', () => {
  it('takes over valid leases and rejects the rest with reasons', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16', reserved: ['10.0.2.0/24'] });
    const { restored, rejected } = a.restore([
      { node: 'n1', subnet: '10.0.3.0/24' },
      { node: 'n2', subnet: '10.0.3.0/24' },
      { node: 'n3', subnet: '10.0.0.0/24' },
      { node: 'n4', subnet: '10.0.4.0/25' },
      { node: 'n5', subnet: 'bogus' },
      { node: 'n6', subnet: '10.0.2.0/24' },
      { node: 'n1', subnet: '10.0.3.0/24' },
      { node: 'n1', subnet: '10.0.7.0/24' },
      { node: 'n7', subnet: Cidr.parse('10.0.250.0/24') },
    ]);
    expect(restored.map((r) => `${r.node}=${r.subnet}`)).toEqual([
      'n1=10.0.3.0/24',
      'n1=10.0.3.0/24',
      'n7=10.0.250.0/24',
    ]);
    expect(rejected.map((r) => [r.node, r.error.code, r.error.details.reason])).toEqual([
      ['n2', 'ERR_SUBNET_UNAVAILABLE', 'leased'],
      ['n3', 'ERR_SUBNET_UNAVAILABLE', 'out-of-bounds'],
      ['n4', 'ERR_SUBNET_UNAVAILABLE', 'length'],
      ['n5', 'ERR_CIDR_INVALID', undefined],
      ['n6', 'ERR_SUBNET_UNAVAILABLE', 'reserved'],
      ['n1', 'ERR_SUBNET_UNAVAILABLE', 'node-has-lease'],
    ]);
    expect(rejected[0]!.error.details.holder).toBe('n1');
    expect(s(a.acquire('new'))).toBe('10.0.1.0/24');
    expect(s(a.acquire('n1'))).toBe('10.0.3.0/24');
    expect(a.holderOf(Cidr.parse('10.0.250.0/24'))).toBe('n7');
    expect(a.holderOf(Cidr.parse('10.0.251.0/24'))).toBeUndefined();
    expect(a.list().map((l) => l.node)).toEqual(['new', 'n1', 'n7']);
  });

  it('assign throws the typed error', () => {
    const a = new SubnetAllocator({ network: '10.0.0.0/16' });
    const err = catchError(() => a.assign('n', Cidr.parse('10.1.0.0/24')));
    expect(err.code).toBe('ERR_SUBNET_UNAVAILABLE');
    expect(err.details.reason).toBe('outside-network');
  });
});

describe('SubnetAllocator IPv6', () => {
  it('carves a /48 into /64s, skipping the first', () => {
    const a = new SubnetAllocator({ network: 'fd00:10::/48' });
    expect(a.subnetLength).toBe(64);
    expect(s(a.acquire('a'))).toBe('fd00:10:0:1::/64');
    expect(s(a.acquire('b'))).toBe('fd00:10:0:2::/64');
    expect(a.subnetMax.toString()).toBe('fd00:10:0:ffff::/64');
    expect(a.stats().capacity).toBe(65535n);
  });

  it('allocates 20,000 /64s without walking blocks', () => {
    const a = new SubnetAllocator({ network: 'fd00:10::/48' });
    const t0 = performance.now();
    let last: string | undefined;
    for (let i = 0; i < 20_000; i++) last = s(a.acquire(`node-${i}`));
    expect(last).toBe('fd00:10:0:4e20::/64'); // 20,000 = 0x4e20
    expect(new Set(a.list().map((l) => l.subnet.toString())).size).toBe(20_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('finds the first free block past 2^31 reserved ones at once', () => {
    const a = new SubnetAllocator({ network: '2001:db8::/32', reserved: ['2001:db8::/33'] });
    expect(s(a.acquire('a'))).toBe('2001:db8:8000::/64');
    expect(a.stats().reserved).toBe(2n ** 31n - 1n); // the first block is below SubnetMin already
    const b = new SubnetAllocator({
      network: 'fd00::/48',
      subnetMin: 'fd00:0:0:fffe::',
    });
    expect(s(b.acquire('x'))).toBe('fd00:0:0:fffe::/64');
    expect(s(b.acquire('y'))).toBe('fd00:0:0:ffff::/64');
    expect(catchError(() => b.acquire('z')).code).toBe('ERR_SUBNETS_EXHAUSTED');
    b.release('x');
    expect(s(b.acquire('z'))).toBe('fd00:0:0:fffe::/64');
  });
});
