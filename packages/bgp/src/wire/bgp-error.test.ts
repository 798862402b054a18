import { EdgewayError, isEdgewayError } from '@edgeway/core';
import { describe, expect, it } from 'vitest';
import { decodeAttribute } from './attributes/codec.js';
import { BgpError, BgpErrorCode, isBgpError, UpdateSubcode } from './bgp-error.js';
import { catchBgp, hx } from './test-helpers.test-support.js';

describe('BgpError', () => {
  it('is an EdgewayError with a stable code, its NOTIFICATION and an action', () => {
    const e = new BgpError('x', { code: 3, subcode: 5 }, { action: 'treat-as-withdraw' });
    expect(e).toBeInstanceOf(EdgewayError);
    expect(isEdgewayError(e, BgpErrorCode.Malformed)).toBe(true);
    expect(isBgpError(e)).toBe(true);
    expect(isBgpError(new Error('x'))).toBe(false);
    expect(e.notification).toEqual({ code: 3, subcode: 5, data: new Uint8Array(0) });
    expect(e.action).toBe('treat-as-withdraw');
    expect(new BgpError('y', { code: 1, subcode: 1 }).action).toBe('session-reset');
  });

  it('carries the erroneous attribute as NOTIFICATION data (RFC 4271 §6.3)', () => {
    const e = catchBgp(() => decodeAttribute(1, 0xc0, hx('00')));
    expect(e.notification).toEqual({
      code: 3,
      subcode: UpdateSubcode.AttributeFlagsError,
      data: hx('c0 01 01 00'), // flags, type ORIGIN, length 1, value
    });
    const ext = catchBgp(() => decodeAttribute(4, 0x90, hx('000064')));
    expect(ext.notification.data).toEqual(hx('90 04 0003 000064')); // extended length kept
  });
});
