import { type Advertisement, Cidr, IpAddress } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { BgpConfigError } from '../config/config-error.js';
import { parseSpeakerConfig } from '../config/speaker-config.js';
import { validateAdvertisements } from './advertisements.js';

const config = parseSpeakerConfig({
  asn: 65001,
  routerId: '198.51.100.1',
  peers: [
    { name: 'v4', address: '198.51.100.2', asn: 65002 },
    { name: 'v6', address: '2001:db8::2', asn: 65002 },
  ],
});
const v4 = Cidr.parse('10.244.1.0/24');
const v6 = Cidr.parse('fd00:244:1::/64');

function fails(advs: Advertisement[]): { code: string; field: unknown; message: string } {
  try {
    validateAdvertisements(advs, config.peers);
  } catch (e) {
    expect(e).toBeInstanceOf(BgpConfigError);
    const err = e as BgpConfigError;
    return { code: err.code, field: err.details.field, message: err.message };
  }
  throw new Error('expected ERR_BGP_ADVERTISEMENT');
}

describe('validateAdvertisements', () => {
  it('accepts each family towards the peers that carry it', () => {
    expect(() =>
      validateAdvertisements(
        [
          { prefix: v4, communities: ['65001:100', 'no-export'], largeCommunities: ['4200000001:1:1'] },
          { prefix: v6 },
        ],
        config.peers,
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'an IPv6 prefix restricted to the IPv4 session',
      [{ prefix: v6, peers: ['v4'] }],
      'advertisements.0.prefix',
      /ipv6, a family not configured on peer\(s\) v4/,
    ],
    [
      'an unknown peer',
      [{ prefix: v4 }, { prefix: v4, peers: ['gw'] }],
      'advertisements.1.peers.0',
      /not a configured peer/,
    ],
    [
      'a next hop of the other family',
      [{ prefix: v4, nextHop: IpAddress.parse('2001:db8::9') }],
      'advertisements.0.nextHop',
      /not ipv4/,
    ],
    [
      'a bad community',
      [{ prefix: v4, communities: ['65001:70000'] }],
      'advertisements.0.communities.0',
      /RFC 1997/,
    ],
    [
      'a bad large community',
      [{ prefix: v4, largeCommunities: ['1:2'] }],
      'advertisements.0.largeCommunities.0',
      /RFC 8092/,
    ],
    ['a negative MED', [{ prefix: v4, med: -1 }], 'advertisements.0.med', /0–4294967295/],
    ['a huge prepend', [{ prefix: v4, asPathPrepend: 100 }], 'advertisements.0.asPathPrepend', /0–32/],
  ])('%s → ERR_BGP_ADVERTISEMENT naming the field', (_n, advs, field, message) => {
    const got = fails(advs as Advertisement[]);
    expect(got.code).toBe('ERR_BGP_ADVERTISEMENT');
    expect(got.field).toBe(field);
    expect(got.message).toMatch(message);
  });

  it('refuses an IPv6 prefix when no peer carries IPv6', () => {
    const only4 = parseSpeakerConfig({
      asn: 65001,
      routerId: '198.51.100.1',
      peers: [{ name: 'v4', address: '198.51.100.2', asn: 65002 }],
    });
    expect(() => validateAdvertisements([{ prefix: v6 }], only4.peers)).toThrow(
      /a family not configured on any configured peer/,
    );
  });
});
