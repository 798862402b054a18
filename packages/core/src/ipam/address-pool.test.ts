import { describe, expect, it } from 'vitest';
import { Cidr } from '../net/cidr.js';
import { IpAddress } from '../net/ip.js';
import { catchError } from '../testing/catch-error.test-support.js';
import { AddressPool } from './address-pool.js';
import type { IpamOwner } from './ipam.js';
import { IpamError } from './ipam-error.js';

const own = (containerId: string, ifName = 'eth0'): IpamOwner => ({ containerId, ifName });
const addr = (pool: AddressPool, owner: IpamOwner, requested?: string): string =>
  pool.allocate(owner, requested === undefined ? undefined : { requested }).address.toString();

describe('AddressPool basics (host-local defaults)', () => {
  it('skips network, gateway and broadcast in a /24', () => {
    const pool = new AddressPool('10.244.1.0/24');
    expect(pool.gateway?.toString()).toBe('10.244.1.1');
    expect(pool.rangeStart.toString()).toBe('10.244.1.1');
    expect(pool.rangeEnd.toString()).toBe('10.244.1.254');
    expect(pool.capacity).toBe(253n);
    const first = pool.allocate(own('c1'));
    expect(first.address.toString()).toBe('10.244.1.2');
    expect(first.block.toString()).toBe('10.244.1.0/24');
    expect(first.gateway?.toString()).toBe('10.244.1.1');
    expect(first.owner).toEqual({ containerId: 'c1', ifName: 'eth0' });
    expect(first.offset).toBe(2);
    expect(addr(pool, own('c2'))).toBe('10.244.1.3');
  });

  it('hands out every usable address once, then fails naming the block', () => {
    const pool = new AddressPool('10.244.1.0/24');
    const got = new Set<string>();
    for (let i = 0; i < 253; i++) got.add(addr(pool, own(`c${i}`)));
    expect(got.size).toBe(253);
    expect(got.has('10.244.1.0')).toBe(false);
    expect(got.has('10.244.1.1')).toBe(false);
    expect(got.has('10.244.1.255')).toBe(false);
    expect(got.has('10.244.1.254')).toBe(true);
    expect(pool.free).toBe(0n);
    const err = catchError(() => pool.allocate(own('one-too-many')));
    expect(err).toBeInstanceOf(IpamError);
    expect(err.code).toBe('ERR_POOL_EXHAUSTED');
    expect(err.details.block).toBe('10.244.1.0/24');
    expect(err.message).toContain('10.244.1.0/24');
    pool.release(own('c100'));
    expect(addr(pool, own('one-too-many'))).toBe('10.244.1.102');
  });

  it('is idempotent per owner and keys owners by (containerId, ifName)', () => {
    const pool = new AddressPool('10.244.1.0/24');
    const a = pool.allocate(own('c1'));
    expect(pool.allocate(own('c1'))).toBe(a);
    expect(pool.allocated).toBe(1);
    expect(addr(pool, own('c1', 'net1'))).toBe('10.244.1.3');
    expect(addr(pool, own('c1', 'net2'))).toBe('10.244.1.4');
    expect(pool.release(own('c1', 'net1'))?.address.toString()).toBe('10.244.1.3'); // middle of the chain
    expect(pool.get(own('c1'))?.address.toString()).toBe('10.244.1.2');
    expect(pool.get(own('c1', 'net2'))?.address.toString()).toBe('10.244.1.4');
    expect(pool.release(own('c1'))?.address.toString()).toBe('10.244.1.2'); // head of the chain
    expect(pool.get(own('c1', 'net2'))?.address.toString()).toBe('10.244.1.4');
    expect(pool.release(own('c1'))).toBeUndefined();
    expect(pool.release(own('never'))).toBeUndefined();
    expect(pool.allocated).toBe(1);
  });

  it('goes round-robin from the last allocated address, wrapping to rangeStart', () => {
    const pool = new AddressPool('10.0.0.0/29'); // .2-.6 allocatable
    expect(['a', 'b'].map((c) => addr(pool, own(c)))).toEqual(['10.0.0.2', '10.0.0.3']);
    pool.release(own('a'));
    expect(addr(pool, own('c'))).toBe('10.0.0.4'); // not the just-freed .2
    expect(['d', 'e'].map((c) => addr(pool, own(c)))).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(pool.lastReserved?.toString()).toBe('10.0.0.6');
    expect(addr(pool, own('f'))).toBe('10.0.0.2'); // wrapped
    expect(catchError(() => pool.allocate(own('g'))).code).toBe('ERR_POOL_EXHAUSTED');
    pool.release(own('b'));
    expect(addr(pool, own('g'))).toBe('10.0.0.3');
  });

  it('lists in address order and looks up by address', () => {
    const pool = new AddressPool('10.244.1.0/24');
    addr(pool, own('x'), '10.244.1.200');
    addr(pool, own('y'), '10.244.1.9');
    expect(addr(pool, own('z'))).toBe('10.244.1.10'); // after the last one handed out, .9
    expect(pool.list().map((a) => a.address.toString())).toEqual([
      '10.244.1.9',
      '10.244.1.10',
      '10.244.1.200',
    ]);
    expect(pool.lookup('10.244.1.9')?.owner).toEqual(own('y'));
    expect(pool.lookup('10.244.1.11')).toBeUndefined();
    expect(pool.lookup('10.9.9.9')).toBeUndefined();
    expect(pool.releaseByAddress(IpAddress.parse('10.244.1.200'))?.owner).toEqual(own('x'));
    expect(pool.releaseByAddress('10.244.1.200')).toBeUndefined();
    expect(pool.get(own('x'))).toBeUndefined();
    expect(catchError(() => pool.releaseByAddress('fd00::1')).code).toBe('ERR_IPAM_FAMILY_MISMATCH');
    expect(JSON.parse(JSON.stringify(pool.list()[0]))).toEqual({
      address: '10.244.1.9',
      containerId: 'y',
      ifName: 'eth0',
    });
  });

  it('rejects bad owners', () => {
    const pool = new AddressPool('10.244.1.0/24');
    expect(catchError(() => pool.allocate(own(''))).code).toBe('ERR_IPAM_OWNER');
    expect(catchError(() => pool.allocate(own('c', ''))).code).toBe('ERR_IPAM_OWNER');
    expect(catchError(() => pool.allocate({ containerId: 5, ifName: 'eth0' } as never)).code).toBe(
      'ERR_IPAM_OWNER',
    );
  });
});

describe('AddressPool requested addresses', () => {
  it('allocates a free requested address and continues round-robin after it', () => {
    const pool = new AddressPool('10.244.1.0/24');
    expect(addr(pool, own('a'), '10.244.1.77')).toBe('10.244.1.77');
    expect(addr(pool, own('b'))).toBe('10.244.1.78');
    expect(pool.allocate(own('a'), { requested: IpAddress.parse('10.244.1.77') }).address.toString()).toBe(
      '10.244.1.77',
    );
  });

  it.each([
    ['10.244.1.0', 'ERR_ADDRESS_RESERVED', 'network'],
    ['10.244.1.255', 'ERR_ADDRESS_RESERVED', 'broadcast'],
    ['10.244.1.1', 'ERR_ADDRESS_RESERVED', 'gateway'],
    ['10.244.1.9', 'ERR_ADDRESS_RESERVED', 'reserved'],
    ['10.244.2.5', 'ERR_ADDRESS_OUTSIDE_BLOCK', undefined],
    ['fd00::5', 'ERR_IPAM_FAMILY_MISMATCH', undefined],
    ['10.244.1.300', 'ERR_IP_INVALID', undefined],
  ])('refuses %s with %s', (requested, code, reason) => {
    const pool = new AddressPool('10.244.1.0/24', { reserved: ['10.244.1.8/30'] });
    const err = catchError(() => pool.allocate(own('a'), { requested }));
    expect(err.code).toBe(code);
    expect(err.details.reason).toBe(reason);
    expect(pool.allocated).toBe(0);
  });

  it('refuses an address taken by another owner, naming it', () => {
    const pool = new AddressPool('10.244.1.0/24');
    addr(pool, own('a'), '10.244.1.20');
    const err = catchError(() => pool.allocate(own('b'), { requested: '10.244.1.20' }));
    expect(err.code).toBe('ERR_ADDRESS_TAKEN');
    expect(err.details.owner).toEqual(own('a'));
  });

  it('refuses another address for an owner that holds one', () => {
    const pool = new AddressPool('10.244.1.0/24');
    addr(pool, own('a'));
    const err = catchError(() => pool.allocate(own('a'), { requested: '10.244.1.30' }));
    expect(err.code).toBe('ERR_OWNER_HAS_ADDRESS');
    expect(pool.lookup('10.244.1.30')).toBeUndefined();
  });
});

describe('AddressPool options', () => {
  it('skips reserved addresses and ranges', () => {
    const pool = new AddressPool('10.244.1.0/24', {
      reserved: ['10.244.1.2', IpAddress.parse('10.244.1.4'), Cidr.parse('10.244.1.8/30'), '10.99.0.0/16'],
    });
    expect(pool.capacity).toBe(253n - 6n);
    expect(['a', 'b', 'c', 'd', 'e'].map((c) => addr(pool, own(c)))).toEqual([
      '10.244.1.3',
      '10.244.1.5',
      '10.244.1.6',
      '10.244.1.7',
      '10.244.1.12',
    ]);
  });

  it('honours rangeStart and rangeEnd', () => {
    const pool = new AddressPool('10.244.1.0/24', { rangeStart: '10.244.1.100', rangeEnd: '10.244.1.102' });
    expect(['a', 'b', 'c'].map((c) => addr(pool, own(c)))).toEqual([
      '10.244.1.100',
      '10.244.1.101',
      '10.244.1.102',
    ]);
    expect(catchError(() => pool.allocate(own('d'))).code).toBe('ERR_POOL_EXHAUSTED');
    expect(catchError(() => pool.allocate(own('d'), { requested: '10.244.1.50' })).details.reason).toBe(
      'outside-range',
    );
  });

  it('works without a gateway, or with another one', () => {
    expect(addr(new AddressPool('10.244.1.0/24', { gateway: null }), own('a'))).toBe('10.244.1.1');
    const pool = new AddressPool('10.244.1.0/24', { gateway: '10.244.1.254', rangeStart: '10.244.1.253' });
    expect(addr(pool, own('a'))).toBe('10.244.1.253');
    expect(catchError(() => pool.allocate(own('b'))).code).toBe('ERR_POOL_EXHAUSTED');
    expect(pool.allocate(own('a')).gateway?.toString()).toBe('10.244.1.254');
  });

  it('a /30 has exactly one address for pods', () => {
    const pool = new AddressPool('10.0.0.4/30');
    expect(pool.capacity).toBe(1n);
    expect(addr(pool, own('a'))).toBe('10.0.0.6');
    expect(catchError(() => pool.allocate(own('b'))).code).toBe('ERR_POOL_EXHAUSTED');
  });

  it.each([
    ['10.0.0.0/31', 'ERR_IPAM_CONFIG'],
    ['10.0.0.1/32', 'ERR_IPAM_CONFIG'],
    ['fd00::/127', 'ERR_IPAM_CONFIG'],
    ['fd00::1/128', 'ERR_IPAM_CONFIG'],
    ['10.0.0.1/24', 'ERR_CIDR_HOST_BITS'],
    ['10.0.0.0/33', 'ERR_CIDR_PREFIX_RANGE'],
    ['fd00::/129', 'ERR_CIDR_PREFIX_RANGE'],
    ['nope/24', 'ERR_CIDR_INVALID'],
    ['10.0.0.0', 'ERR_CIDR_INVALID'],
  ])('rejects the block %s with %s', (block, code) => {
    expect(catchError(() => new AddressPool(block)).code).toBe(code);
  });

  it.each([
    [{ gateway: '10.0.1.1' }, 'ERR_IPAM_CONFIG', 'gateway'],
    [{ gateway: 'fd00::1' }, 'ERR_IPAM_FAMILY_MISMATCH', 'gateway'],
    [{ rangeStart: '10.0.0.0' }, 'ERR_IPAM_CONFIG', 'rangeStart'],
    [{ rangeEnd: '10.0.0.255' }, 'ERR_IPAM_CONFIG', 'rangeEnd'],
    [{ rangeStart: '10.0.0.9', rangeEnd: '10.0.0.8' }, 'ERR_IPAM_CONFIG', 'rangeStart'],
    [{ rangeEnd: 'fd00::1' }, 'ERR_IPAM_FAMILY_MISMATCH', 'rangeEnd'],
    [{ reserved: ['fd00::/64'] }, 'ERR_IPAM_FAMILY_MISMATCH', 'reserved'],
  ])('rejects %j with %s', (options, code, field) => {
    const err = catchError(() => new AddressPool('10.0.0.0/24', options));
    expect(err.code).toBe(code);
    expect(err.details.field).toBe(field);
  });
});

describe('AddressPool IPv6 and large blocks', () => {
  it('a /64 is sparse: bigint offsets, last address usable, no broadcast', () => {
    const pool = new AddressPool('fd00:10:244:1::/64');
    expect(pool.capacity).toBe(2n ** 64n - 2n);
    const a = pool.allocate(own('a'));
    expect(a.address.toString()).toBe('fd00:10:244:1::2');
    expect(a.offset).toBe(2n);
    expect(a.gateway?.toString()).toBe('fd00:10:244:1::1');
    expect(addr(pool, own('b'), 'fd00:10:244:1:ffff:ffff:ffff:ffff')).toBe(
      'fd00:10:244:1:ffff:ffff:ffff:ffff',
    );
    expect(addr(pool, own('c'))).toBe('fd00:10:244:1::3'); // wrapped past the end, ::2 is taken
    expect(catchError(() => pool.allocate(own('d'), { requested: 'fd00:10:244:1::' })).details.reason).toBe(
      'network',
    );
    expect(catchError(() => pool.allocate(own('d'), { requested: 'fd00:10:244:1::1' })).details.reason).toBe(
      'gateway',
    );
    expect(catchError(() => pool.allocate(own('d'), { requested: 'fd00:10:244:2::1' })).code).toBe(
      'ERR_ADDRESS_OUTSIDE_BLOCK',
    );
    expect(pool.release(own('a'))?.address.toString()).toBe('fd00:10:244:1::2');
    expect(pool.list().map((x) => x.address.toString())).toEqual([
      'fd00:10:244:1::3',
      'fd00:10:244:1:ffff:ffff:ffff:ffff',
    ]);
  });

  it('a /64 with reserved ranges and an exhausted small range', () => {
    const pool = new AddressPool('fd00::/64', {
      rangeStart: 'fd00::10',
      rangeEnd: 'fd00::13',
      reserved: ['fd00::11', 'fd00::/124'],
    });
    expect(pool.capacity).toBe(3n);
    expect(['a', 'b', 'c'].map((c) => addr(pool, own(c)))).toEqual(['fd00::10', 'fd00::12', 'fd00::13']);
    expect(catchError(() => pool.allocate(own('d'))).code).toBe('ERR_POOL_EXHAUSTED');
    expect(catchError(() => pool.allocate(own('d'), { requested: 'fd00::11' })).details.reason).toBe(
      'reserved',
    );
  });

  it('a small IPv6 block is dense and uses its last address', () => {
    const pool = new AddressPool('fd00::/126'); // ::0 network, ::1 gateway, ::2 and ::3 for pods
    expect(['a', 'b'].map((c) => addr(pool, own(c)))).toEqual(['fd00::2', 'fd00::3']);
    expect(pool.allocate(own('a')).offset).toBe(2);
    expect(catchError(() => pool.allocate(own('c'))).code).toBe('ERR_POOL_EXHAUSTED');
  });

  it('a huge IPv4 block (/7) is sparse and still keeps the broadcast address out', () => {
    const pool = new AddressPool('10.0.0.0/7');
    expect(addr(pool, own('a'))).toBe('10.0.0.2');
    expect(addr(pool, own('b'), '11.255.255.254')).toBe('11.255.255.254');
    expect(catchError(() => pool.allocate(own('c'), { requested: '11.255.255.255' })).details.reason).toBe(
      'broadcast',
    );
    expect(addr(pool, own('c'))).toBe('10.0.0.3');
  });
});

describe('AddressPool restore', () => {
  it('restores allocations and the round-robin position, rejecting conflicts', () => {
    const pool = new AddressPool('10.244.1.0/24', { reserved: ['10.244.1.50'] });
    const { restored, rejected } = pool.restore(
      [
        { owner: own('a'), address: '10.244.1.10' },
        { owner: own('b'), address: '10.244.1.10' },
        { owner: own('a'), address: '10.244.1.11' },
        { owner: own('c'), address: '10.244.1.50' },
        { owner: own('d'), address: '10.244.9.1' },
        { owner: own(''), address: '10.244.1.12' },
        { owner: own('e'), address: IpAddress.parse('10.244.1.13') },
      ],
      { lastReserved: '10.244.1.100' },
    );
    expect(restored.map((r) => r.address.toString())).toEqual(['10.244.1.10', '10.244.1.13']);
    expect(rejected.map((r) => r.error.code)).toEqual([
      'ERR_ADDRESS_TAKEN',
      'ERR_OWNER_HAS_ADDRESS',
      'ERR_ADDRESS_RESERVED',
      'ERR_ADDRESS_OUTSIDE_BLOCK',
      'ERR_IPAM_OWNER',
    ]);
    expect(pool.lastReserved?.toString()).toBe('10.244.1.100');
    expect(addr(pool, own('f'))).toBe('10.244.1.101');
  });

  it('keeps the previous position without lastReserved', () => {
    const pool = new AddressPool('10.244.1.0/24');
    pool.restore([{ owner: own('a'), address: '10.244.1.200' }]);
    expect(pool.lastReserved).toBeUndefined();
    expect(addr(pool, own('b'))).toBe('10.244.1.2');
  });
});

describe('AddressPool model check', () => {
  for (const block of ['10.1.0.0/26', 'fd00::/64', '10.0.0.0/7']) {
    it(`never hands out an address twice (${block})`, () => {
      let seed = 99;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const pool = new AddressPool(block, { rangeEnd: undefined });
      const cidr = Cidr.parse(block);
      const model = new Map<string, string>(); // owner -> address
      for (let step = 0; step < 3000; step++) {
        const owner = own(`c${rand(80)}`, rand(4) === 0 ? 'net1' : 'eth0');
        const key = `${owner.containerId}/${owner.ifName}`;
        if (rand(3) === 0) {
          const freed = pool.release(owner);
          expect(freed?.address.toString()).toBe(model.get(key));
          model.delete(key);
        } else {
          try {
            const a = pool.allocate(owner);
            const text = a.address.toString();
            if (model.has(key)) expect(text).toBe(model.get(key));
            model.set(key, text);
            expect(cidr.contains(a.address)).toBe(true);
            expect(text).not.toBe(cidr.network.toString());
            expect(a.address.equals(cidr.firstUsable())).toBe(false);
          } catch (error) {
            expect((error as IpamError).code).toBe('ERR_POOL_EXHAUSTED');
            expect(BigInt(model.size)).toBe(pool.capacity);
          }
        }
        expect(pool.allocated).toBe(model.size);
      }
      const addresses = pool.list().map((a) => a.address.toString());
      expect(new Set(addresses).size).toBe(addresses.length);
      expect(new Set(addresses)).toEqual(new Set(model.values()));
    });
  }
});
