import { describe, expect, it } from 'vitest';
import { Cidr } from './cidr.js';
import { findOverlaps, type NamedCidr } from './overlaps.js';

const n = (name: string, cidr: string): NamedCidr => ({ name, cidr: Cidr.parse(cidr) });
const pairs = (list: NamedCidr[]) => findOverlaps(list).map((o) => `${o.outer.name}>${o.inner.name}`);

describe('findOverlaps', () => {
  it('finds nothing among the seed example blocks', () => {
    // SEED.md: VPC 192.168.0.0/16, edge container CIDR 10.0.0.0/16.
    expect(
      pairs([n('vpc', '192.168.0.0/16'), n('edge-pods', '10.0.0.0/16'), n('service', '172.16.0.0/16')]),
    ).toEqual([]);
  });

  it('reports an edge pod CIDR that collides with a data-centre network', () => {
    expect(
      pairs([n('edge-pods', '10.0.0.0/16'), n('vpc', '192.168.0.0/16'), n('dc-lan', '10.0.128.0/24')]),
    ).toEqual(['edge-pods>dc-lan']);
  });

  it('reports every nesting pair and duplicates, never IPv4 against IPv6', () => {
    const got = pairs([
      n('a', '10.0.0.0/8'),
      n('b', '10.1.0.0/16'),
      n('c', '10.1.2.0/24'),
      n('d', '10.1.2.0/24'),
      n('v6', '::/0'),
      n('e', '11.0.0.0/8'),
    ]).sort();
    expect(got).toEqual(['a>b', 'a>c', 'a>d', 'b>c', 'b>d', 'c>d'].sort());
  });

  it('agrees with the pairwise check on random inputs', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let round = 0; round < 30; round++) {
      const list: NamedCidr[] = [];
      for (let i = 0; i < 60; i++) {
        const len = 8 + (rnd() % 17);
        const addr = `10.${rnd() % 4}.${rnd() % 256}.0`;
        list.push({ name: `n${i}`, cidr: Cidr.parse(`${addr}/${len}`, { strict: false }) });
      }
      const expected = new Set<string>();
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          if (list[i]!.cidr.overlaps(list[j]!.cidr))
            expected.add([list[i]!.name, list[j]!.name].sort().join('|'));
        }
      }
      const got = new Set(findOverlaps(list).map((o) => [o.outer.name, o.inner.name].sort().join('|')));
      expect(got).toEqual(expected);
    }
  });
});
