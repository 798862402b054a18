import { describe, expect, it } from 'vitest';
import { encodeKeepalive } from './keepalive.js';
import { decodeMessage } from './message.js';
import { catchBgp, hx, MARKER } from './test-helpers.test-support.js';

describe('header (RFC 4271 §4.1, §6.1)', () => {
  it('encodes a KEEPALIVE as the bare header', () => {
    expect(encodeKeepalive()).toEqual(
      hx(`${MARKER} # marker
          0013     # length 19
          04       # type KEEPALIVE`),
    );
    expect(decodeMessage(encodeKeepalive())).toEqual({ type: 'keepalive' });
  });

  const cases: [string, string, number, number, string][] = [
    ['marker not all ones', `ffffffffffffffffffffffffffff7fff 0013 04`, 1, 1, ''],
    ['length 18', `${MARKER} 0012 04`, 1, 2, '0012'],
    ['length 4097', `${MARKER} 1001 04`, 1, 2, '1001'],
    ['type 0', `${MARKER} 0013 00`, 1, 3, '00'],
    ['type 6', `${MARKER} 0013 06`, 1, 3, '06'],
    ['KEEPALIVE of 20 bytes', `${MARKER} 0014 04 00`, 1, 2, '0014'],
    ['OPEN of 28 bytes', `${MARKER} 001c 01 04 fde8 00b4 c0000201`, 1, 2, '001c'],
    ['UPDATE of 22 bytes', `${MARKER} 0016 02 0000 00`, 1, 2, '0016'],
    ['NOTIFICATION of 20 bytes', `${MARKER} 0014 03 06`, 1, 2, '0014'],
    ['ROUTE-REFRESH of 22 bytes', `${MARKER} 0016 05 0001 00`, 1, 2, '0016'],
  ];
  for (const [name, bytes, code, subcode, data] of cases) {
    it(`rejects ${name} with ${code}/${subcode}`, () => {
      const e = catchBgp(() => decodeMessage(hx(bytes)));
      expect(e.notification.code).toBe(code);
      expect(e.notification.subcode).toBe(subcode);
      expect(e.notification.data).toEqual(hx(data));
      expect(e.action).toBe('session-reset');
    });
  }

  it('accepts up to 65535 bytes only with extended messages (RFC 8654)', () => {
    const body = new Uint8Array(5000 - 19);
    body[0] = 6; // Cease
    const msg = new Uint8Array(5000);
    msg.fill(0xff, 0, 16);
    msg[16] = 5000 >> 8;
    msg[17] = 5000 & 0xff;
    msg[18] = 3;
    msg.set(body, 19);
    expect(catchBgp(() => decodeMessage(msg)).code).toBe('ERR_BGP_MESSAGE_TOO_LONG');
    const n = decodeMessage(msg, { extendedMessages: true });
    expect(n).toMatchObject({ type: 'notification', code: 6, subcode: 0 });
    expect(catchBgp(() => decodeMessage(msg, { maxLength: 4999 })).code).toBe('ERR_BGP_MESSAGE_TOO_LONG');
  });

  it('never accepts an OPEN over 4096 bytes, even with extended messages (RFC 8654 §4)', () => {
    const msg = new Uint8Array(4097);
    msg.fill(0xff, 0, 16);
    msg.set([0x10, 0x01, 0x01, 0x04, 0xfd, 0xe8, 0x00, 0xb4, 0xc0, 0x00, 0x02, 0x01, 0xff], 16);
    const e = catchBgp(() => decodeMessage(msg, { extendedMessages: true }));
    expect(e.notification).toEqual({ code: 1, subcode: 2, data: Uint8Array.of(0x10, 0x01) });
  });
});
