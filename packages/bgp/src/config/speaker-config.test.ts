import { describe, expect, it } from 'vitest';
import { BgpConfigError } from './config-error.js';
import { parseSpeakerConfig } from './speaker-config.js';

const base = {
  asn: 4200000001,
  routerId: '198.51.100.1',
  peers: [{ name: 'gw', address: '198.51.100.2', asn: 65002 }],
};

function fieldOf(input: unknown): { code: string; field: unknown; message: string } {
  try {
    parseSpeakerConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(BgpConfigError);
    const err = e as BgpConfigError;
    return { code: err.code, field: err.details.field, message: err.message };
  }
  throw new Error('expected a BgpConfigError');
}

describe('parseSpeakerConfig', () => {
  it('fills defaults the way the TSDoc says', () => {
    const c = parseSpeakerConfig(base);
    expect(c.holdTime).toBe(90);
    expect(c.listen).toEqual({ address: '::', port: 179 });
    expect(c.kernel).toEqual({ install: false, protocol: 186, table: 254 });
    expect(c.gracefulRestart.restartTime).toBe(120);
    expect(c.peers[0]).toMatchObject({
      families: ['ipv4'],
      holdTime: 90,
      port: 179,
      passive: false,
      ebgp: true,
    });
  });

  it('a peer in our own AS is iBGP and an IPv6 peer defaults to the ipv6 family', () => {
    const c = parseSpeakerConfig({
      ...base,
      peers: [{ name: 'rr', address: '2001:db8::2', asn: 4200000001, holdTime: 0 }],
    });
    expect(c.peers[0]).toMatchObject({ ebgp: false, families: ['ipv6'], holdTime: 0 });
  });

  it.each([
    ['ASN 0', { ...base, asn: 0 }, 'asn', /RFC 7607/],
    ['ASN above 32 bits', { ...base, asn: 4294967296 }, 'asn', /4294967294/],
    ['AS_TRANS as our AS', { ...base, asn: 23456 }, 'asn', /AS_TRANS/],
    ['reserved 65535', { ...base, asn: 65535 }, 'asn', /RFC 7300/],
    ['fractional ASN', { ...base, asn: 65001.5 }, 'asn', /integer/],
    ['router id not IPv4', { ...base, routerId: '2001:db8::1' }, 'routerId', /IPv4/],
    ['router id garbage', { ...base, routerId: 'router-1' }, 'routerId', /IPv4/],
    ['router id zero', { ...base, routerId: '0.0.0.0' }, 'routerId', /0\.0\.0\.0/],
    ['hold time 1', { ...base, holdTime: 1 }, 'holdTime', /at least 3/],
    [
      'hold time 2 on a peer',
      { ...base, peers: [{ ...base.peers[0], holdTime: 2 }] },
      'peers.0.holdTime',
      /at least 3/,
    ],
    ['peer ASN 0', { ...base, peers: [{ ...base.peers[0], asn: 0 }] }, 'peers.0.asn', /RFC 7607/],
    [
      'peer address garbage',
      { ...base, peers: [{ ...base.peers[0], address: '198.51.100' }] },
      'peers.0.address',
      /IP/,
    ],
    [
      'local address of the wrong family',
      { ...base, peers: [{ ...base.peers[0], localAddress: '2001:db8::1' }] },
      'peers.0.localAddress',
      /ipv6 but the peer address 198\.51\.100\.2 is ipv4/,
    ],
    [
      'next hop of the wrong family',
      { ...base, peers: [{ ...base.peers[0], nextHop: { ipv6: '198.51.100.1' } }] },
      'peers.0.nextHop.ipv6',
      /IPv6/,
    ],
    [
      'unknown family',
      { ...base, peers: [{ ...base.peers[0], families: ['vpnv4'] }] },
      'peers.0.families.0',
      /ipv4/,
    ],
    [
      'duplicate peer name',
      { ...base, peers: [base.peers[0], { name: 'gw', address: '198.51.100.3', asn: 65003 }] },
      'peers.1.name',
      /duplicates peers\.0\.name/,
    ],
    [
      'duplicate peer address',
      { ...base, peers: [base.peers[0], { name: 'gw2', address: '198.51.100.2', asn: 65003 }] },
      'peers.1.address',
      /duplicates peers\.0\.address/,
    ],
    ['typo in a key', { ...base, holdtime: 30 }, 'holdtime', /nrecognized/],
    ['kernel protocol 0', { ...base, kernel: { protocol: 0 } }, 'kernel.protocol', /.+/],
    [
      'restart time over 12 bits',
      { ...base, gracefulRestart: { restartTime: 4096 } },
      'gracefulRestart.restartTime',
      /4095/,
    ],
    [
      'prefix list le below ge',
      {
        ...base,
        peers: [
          {
            ...base.peers[0],
            import: {
              rules: [{ match: { prefixes: [{ prefix: '10.0.0.0/8', ge: 24, le: 16 }] }, action: 'accept' }],
            },
          },
        ],
      },
      'peers.0.import.rules.0.match.prefixes.0.le',
      /between 24 and 32/,
    ],
    [
      'prefix list with host bits',
      {
        ...base,
        peers: [
          {
            ...base.peers[0],
            export: { rules: [{ match: { prefixes: [{ prefix: '10.0.0.1/8' }] }, action: 'reject' }] },
          },
        ],
      },
      'peers.0.export.rules.0.match.prefixes.0.prefix',
      /.+/,
    ],
    [
      'community half over 16 bits',
      {
        ...base,
        peers: [
          {
            ...base.peers[0],
            import: { rules: [{ match: { communities: ['65536:1'] }, action: 'accept' }] },
          },
        ],
      },
      'peers.0.import.rules.0.match.communities.0',
      /RFC 1997/,
    ],
    [
      'large community with two parts',
      {
        ...base,
        peers: [
          {
            ...base.peers[0],
            export: { rules: [{ action: 'accept', set: { largeCommunities: { add: ['1:2'] } } }] },
          },
        ],
      },
      'peers.0.export.rules.0.set.largeCommunities.add.0',
      /RFC 8092/,
    ],
  ])('%s → ERR_BGP_CONFIG naming %s', (_name, input, field, message) => {
    const got = fieldOf(input);
    expect(got.code).toBe('ERR_BGP_CONFIG');
    expect(got.field).toBe(field);
    expect(got.message).toMatch(message);
  });

  it('names the offending value in the message', () => {
    expect(fieldOf({ ...base, asn: 0 }).message).toBe('bgp config: asn 0: AS 0 is invalid (RFC 7607)');
  });
});
