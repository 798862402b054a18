import { Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { parseNetConf } from '../config/net-conf.js';
import { checkPublicIps, planOwnBlocks } from './own-blocks.js';

const c = (s: string) => Cidr.parse(s);
const small = parseNetConf({
  Network: '10.0.0.0/24',
  SubnetLen: 26,
  Backend: { Type: 'host-gw' },
  EnableIPv6: true,
  IPv6Network: 'fd00::/48',
});

describe('planOwnBlocks', () => {
  it('keeps the blocks the node holds', () => {
    const got = planOwnBlocks({
      node: 'n',
      current: { v4: c('10.0.0.64/26'), v6: c('fd00:0:0:5::/64') },
      others: () => {
        throw new Error('not read when the node has blocks');
      },
      config: small,
      allocate: true,
    });
    expect(got).toEqual({ v4: c('10.0.0.64/26'), v6: c('fd00:0:0:5::/64'), allocated: false });
  });

  it('cannot add a missing family to a node whose podCIDRs are set', () => {
    expect(() =>
      planOwnBlocks({
        node: 'n',
        current: { v4: c('10.0.0.64/26') },
        others: () => [],
        config: small,
        allocate: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_NO_PODCIDR', details: { node: 'n', family: 6 } }));
  });

  it('allocates around blocks of any length, and reports exhaustion', () => {
    const got = planOwnBlocks({
      node: 'n',
      current: {},
      // 10.0.0.64/26 is held; 10.0.0.130/31 (a foreign length) makes 10.0.0.128/26 unusable.
      others: () => [
        { node: 'a', cidrs: { v4: c('10.0.0.64/26') } },
        { node: 'b', cidrs: { v4: c('10.0.0.130/31'), v6: c('fd00:0:0:1::/64') } },
      ],
      config: small,
      allocate: true,
    });
    expect(got.v4?.toString()).toBe('10.0.0.192/26');
    expect(got.v6?.toString()).toBe('fd00:0:0:2::/64');
    expect(got.allocated).toBe(true);
    expect(() =>
      planOwnBlocks({
        node: 'n',
        current: {},
        others: () => [
          { node: 'x', cidrs: { v4: c('10.0.0.192/26') } },
          { node: 'y', cidrs: { v4: c('10.0.0.64/26') } },
          { node: 'z', cidrs: { v4: c('10.0.0.128/26') } },
        ],
        config: small,
        allocate: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SUBNETS_EXHAUSTED' }));
  });
});

describe('checkPublicIps', () => {
  it('needs one address per enabled family, of that family', () => {
    const ip = (s: string) => IpAddress.parse(s);
    expect(() =>
      checkPublicIps('n', small, { publicIp: ip('10.1.0.1'), publicIpv6: ip('fd01::1') }),
    ).not.toThrow();
    expect(() => checkPublicIps('n', small, { publicIp: ip('10.1.0.1') })).toThrow(
      expect.objectContaining({
        code: 'ERR_PUBLIC_IP_MISSING',
        details: { node: 'n', family: 6, field: 'publicIpv6' },
      }),
    );
  });
});
