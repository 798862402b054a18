import { describe, expect, it } from 'vitest';
import { catchError } from '../testing/catch-error.test-support.js';
import { IpAddress } from './ip.js';
import { NetErrorCode } from './net-error.js';

const codeOf = (fn: () => unknown): string => catchError(fn).code;

describe('IpAddress', () => {
  it('parses IPv4 into its integer value and prints it back', () => {
    const a = IpAddress.parse('192.0.2.1');
    expect(a.family).toBe(4);
    expect(a.value).toBe(0xc0000201n);
    expect(a.toString()).toBe('192.0.2.1');
  });

  it('prints IPv6 in RFC 5952 form whatever the input form', () => {
    expect(IpAddress.parse('2001:0DB8:0000:0000:0000:0000:0000:0001').toString()).toBe('2001:db8::1');
    expect(IpAddress.parse('::ffff:192.0.2.1').value).toBe(0xffffc0000201n);
    expect(IpAddress.parse('::').value).toBe(0n);
  });

  it('keeps 128-bit values exact', () => {
    const max = IpAddress.parse('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(max.value).toBe((1n << 128n) - 1n);
    expect(max.add(-1).toString()).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe');
    expect(codeOf(() => max.add(1))).toBe(NetErrorCode.OutOfRange);
  });

  it.each(['', '1.2.3', '256.0.0.1', '010.0.0.1', ' 1.2.3.4', '1.2.3.4/32', 'fe80::1%eth0', ':::', 'x'])(
    'rejects %j with ERR_IP_INVALID naming the input',
    (text) => {
      try {
        IpAddress.parse(text);
        expect.unreachable();
      } catch (err) {
        expect((err as { code: string }).code).toBe('ERR_IP_INVALID');
        expect((err as { details: { input: string } }).details.input).toBe(text);
      }
    },
  );

  it('round-trips network byte order for both families', () => {
    const v4 = IpAddress.parse('10.1.2.3');
    expect(Array.from(v4.toBytes())).toEqual([10, 1, 2, 3]);
    expect(IpAddress.fromBytes(v4.toBytes()).equals(v4)).toBe(true);
    const v6 = IpAddress.parse('2001:db8::a:b');
    const bytes = v6.toBytes();
    expect(bytes.length).toBe(16);
    expect(bytes[0]).toBe(0x20);
    expect(bytes[15]).toBe(0x0b);
    expect(IpAddress.fromBytes(bytes).toString()).toBe('2001:db8::a:b');
    expect(codeOf(() => IpAddress.fromBytes(new Uint8Array(5)))).toBe('ERR_IP_INVALID');
  });

  it.each(['255.255.255.255', '128.0.0.1', '0.0.0.0', '198.51.100.254'])(
    'reads IPv4 %s from bytes with the top bit set or not',
    (text) => {
      const ip = IpAddress.parse(text);
      const back = IpAddress.fromBytes(ip.toBytes());
      expect(back.toString()).toBe(text);
      expect(back.value).toBe(ip.value);
    },
  );

  it.each(['255.255.255.255', '128.0.0.1', '0.0.0.0', '198.51.100.254', '1.2.3.4'])(
    'writes IPv4 %s to bytes like the bigint shifts',
    (text) => {
      const ip = IpAddress.parse(text);
      const expected = [24n, 16n, 8n, 0n].map((s) => Number((ip.value >> s) & 0xffn));
      expect(Array.from(ip.toBytes())).toEqual(expected);
      expect(ip.toBytes()).toBeInstanceOf(Uint8Array);
    },
  );

  it('orders IPv4 before IPv6, then by value', () => {
    const list = ['2001:db8::1', '10.0.0.2', '10.0.0.1', '::1'].map((s) => IpAddress.parse(s));
    list.sort(IpAddress.compare);
    expect(list.map(String)).toEqual(['10.0.0.1', '10.0.0.2', '::1', '2001:db8::1']);
  });

  it('refuses values outside the family', () => {
    expect(codeOf(() => IpAddress.fromBigInt(1n << 32n, 4))).toBe('ERR_CIDR_OUT_OF_RANGE');
    expect(codeOf(() => IpAddress.fromBigInt(-1n, 6))).toBe('ERR_CIDR_OUT_OF_RANGE');
  });
});
