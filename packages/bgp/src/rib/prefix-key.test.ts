import { describe, expect, it } from 'vitest';
import { keyFamily, prefixFromKey, prefixKey } from './prefix-key.js';
import { c } from './test-helpers.test-support.js';

describe('prefixKey', () => {
  const samples = [
    '0.0.0.0/0',
    '10.0.0.0/8',
    '10.1.2.0/24',
    '255.255.255.255/32',
    '128.0.0.0/1',
    '::/0',
    '2001:db8::/32',
    'ffff::/16',
    '2001:db8::1/128',
    '::ffff:0.0.0.0/96',
  ];

  it('round-trips through prefixFromKey for both families', () => {
    for (const s of samples) {
      const key = prefixKey(c(s));
      expect(prefixFromKey(key).equals(c(s))).toBe(true);
      expect(prefixFromKey(key).toString()).toBe(c(s).toString());
      expect(keyFamily(key)).toBe(s.includes(':') ? 'ipv6' : 'ipv4');
    }
  });

  it('is distinct for distinct prefixes, equal for equal ones', () => {
    const keys = new Set(samples.map((s) => prefixKey(c(s))));
    expect(keys.size).toBe(samples.length);
    expect(prefixKey(c('10.0.0.0/8'))).toBe(prefixKey(c('10.0.0.0/8')));
    expect(prefixKey(c('10.0.0.0/8'))).not.toBe(prefixKey(c('10.0.0.0/9')));
    // Same bits, other family.
    expect(prefixKey(c('0.0.0.0/0'))).not.toBe(prefixKey(c('::/0')));
  });

  it('is compact: 3 code units for IPv4', () => {
    expect(prefixKey(c('192.168.1.0/24'))).toHaveLength(3);
  });
});
