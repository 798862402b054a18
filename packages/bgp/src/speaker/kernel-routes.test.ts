import { Cidr } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { kernelRoutesFor } from './kernel-routes.js';

describe('kernelRoutesFor', () => {
  it('turns best routes into PREFIX via NEXT_HOP with the table and metric', () => {
    const routes = kernelRoutesFor(
      [
        { prefix: Cidr.parse('172.16.0.0/12'), nextHop: '198.51.100.2' },
        { prefix: Cidr.parse('fd00:1::/48'), nextHop: '2001:db8::2' },
      ],
      { table: 100, metric: 20 },
    );
    expect(routes.map((r) => [r.destination.toString(), r.gateway?.toString(), r.table, r.metric])).toEqual([
      ['172.16.0.0/12', '198.51.100.2', 100, 20],
      ['fd00:1::/48', '2001:db8::2', 100, 20],
    ]);
  });

  it.each([
    ['a next hop of the other family', '10.0.0.0/8', '2001:db8::2'],
    ['an unspecified next hop', '10.0.0.0/8', '0.0.0.0'],
    ['a multicast next hop', '10.0.0.0/8', '224.0.0.5'],
    ['an IPv6 multicast next hop', 'fd00::/8', 'ff02::1'],
    ['a next hop inside its own prefix', '198.51.100.0/24', '198.51.100.2'],
    ['a next hop that is not an address', '10.0.0.0/8', 'bogus'],
  ])('leaves out %s', (_n, prefix, nextHop) => {
    expect(kernelRoutesFor([{ prefix: Cidr.parse(prefix), nextHop }])).toEqual([]);
  });
});
