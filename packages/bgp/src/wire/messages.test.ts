import { describe, expect, it } from 'vitest';
import { CeaseSubcode } from './bgp-error.js';
import { decodeMessage, encodeMessage } from './message.js';
import { encodeNotification, notification } from './notification.js';
import { encodeRouteRefresh } from './route-refresh.js';
import { catchBgp, hx, MARKER } from './test-helpers.test-support.js';

describe('NOTIFICATION (RFC 4271 §4.5, RFC 9003)', () => {
  it('decodes a Hold Timer Expired vector', () => {
    const bytes = hx(`${MARKER} # marker
      0015 # length 21
      03   # type NOTIFICATION
      04   # code Hold Timer Expired
      00   # subcode 0`);
    expect(decodeMessage(bytes)).toEqual({
      type: 'notification',
      code: 4,
      subcode: 0,
      data: new Uint8Array(0),
    });
    expect(encodeNotification({ code: 4, subcode: 0, data: new Uint8Array(0) })).toEqual(bytes);
  });

  it('encodes and decodes a shutdown communication for Cease/2', () => {
    const bytes = hx(`${MARKER} # marker
      001b         # length 27
      03           # type NOTIFICATION
      06           # code Cease
      02           # subcode Administrative Shutdown
      05           # shutdown communication length 5
      68656c6c6f   # "hello" UTF-8`);
    const msg = notification(6, CeaseSubcode.AdministrativeShutdown, undefined, 'hello');
    expect(encodeMessage(msg)).toEqual(bytes);
    expect(decodeMessage(bytes)).toEqual(msg);
  });

  it('decodes UTF-8 beyond ASCII for Cease/4 and keeps invalid UTF-8 raw', () => {
    const msg = notification(6, CeaseSubcode.AdministrativeReset, undefined, 'maintenance ✓');
    expect(decodeMessage(encodeMessage(msg))).toMatchObject({ shutdownCommunication: 'maintenance ✓' });
    const bad = decodeMessage(hx(`${MARKER} 0018 03 06 02 02 c328`));
    expect(bad).toEqual({ type: 'notification', code: 6, subcode: 2, data: hx('02c328') });
  });

  it('refuses a shutdown communication over 255 bytes or on another code', () => {
    expect(catchBgp(() => notification(6, 2, undefined, 'x'.repeat(256))).code).toBe('ERR_BGP_UNENCODABLE');
    expect(catchBgp(() => notification(6, 3, undefined, 'x')).code).toBe('ERR_BGP_UNENCODABLE');
  });
});

describe('ROUTE-REFRESH (RFC 2918 §3, RFC 7313 §3)', () => {
  it('round-trips a byte vector', () => {
    const bytes = hx(`${MARKER} # marker
      0017 # length 23
      05   # type ROUTE-REFRESH
      0002 # AFI IPv6
      01   # subtype BoRR (RFC 7313)
      01   # SAFI unicast`);
    const msg = { type: 'route-refresh', afi: 2, safi: 1, subtype: 1 } as const;
    expect(decodeMessage(bytes)).toEqual(msg);
    expect(encodeRouteRefresh(msg)).toEqual(bytes);
  });

  it('rejects a 24-byte ROUTE-REFRESH with 7/1 carrying the message', () => {
    const bytes = hx(`${MARKER} 0018 05 0001 00 01 00`);
    expect(catchBgp(() => decodeMessage(bytes)).notification).toEqual({ code: 7, subcode: 1, data: bytes });
  });
});
