import { describe, expect, it } from 'vitest';
import { decodeMessage } from './message.js';
import { decodeOpen, encodeOpen, type OpenMessage } from './open.js';
import { catchBgp, hx, MARKER } from './test-helpers.test-support.js';

const OPEN = hx(`${MARKER}  # marker
  0031                      # length 49
  01                        # type OPEN
  04                        # version 4
  5ba0                      # My AS 23456 (AS_TRANS)
  00b4                      # hold time 180
  c0000201                  # BGP identifier 192.0.2.1
  14                        # optional parameters length 20
  02 06 01 04 0001 00 01    # capability: multiprotocol, AFI 1, reserved, SAFI 1
  02 02 02 00               # capability: route refresh
  02 06 41 04 00010000      # capability: 4-octet AS 65536`);

/** Builds an OPEN with the given body hex after the header. */
function open(bodyHex: string): Uint8Array {
  const body = hx(bodyHex);
  const len = 19 + body.length;
  return hx(`${MARKER} ${len.toString(16).padStart(4, '0')} 01 ${bodyHex.replace(/#.*$/gm, '')}`);
}

describe('OPEN (RFC 4271 §4.2, RFC 5492)', () => {
  const decoded: OpenMessage = {
    type: 'open',
    version: 4,
    myAs: 65536,
    holdTime: 180,
    bgpId: '192.0.2.1',
    capabilities: [
      { type: 'multiprotocol', afi: 1, safi: 1 },
      { type: 'route-refresh' },
      { type: 'four-octet-as', asn: 65536 },
    ],
  };

  it('decodes a byte vector', () => {
    expect(decodeMessage(OPEN)).toEqual(decoded);
  });

  it('encodes the same bytes', () => {
    expect(encodeOpen(decoded)).toEqual(OPEN);
  });

  it('round-trips graceful restart, extended message and unknown capabilities', () => {
    const msg: OpenMessage = {
      type: 'open',
      version: 4,
      myAs: 65001,
      holdTime: 0,
      bgpId: '10.0.0.1',
      capabilities: [
        {
          type: 'graceful-restart',
          restarting: true,
          notification: false,
          restartTime: 120,
          families: [
            { afi: 1, safi: 1, forwardingPreserved: true },
            { afi: 2, safi: 1, forwardingPreserved: false },
          ],
        },
        { type: 'extended-message' },
        { type: 'unknown', code: 70, value: new Uint8Array(0) },
        { type: 'unknown', code: 73, value: hx('0a68656c6c6f') },
      ],
    };
    const bytes = encodeOpen(msg);
    expect(decodeOpen(bytes)).toEqual(msg);
    // graceful restart: code 64, length 10, R bit + time 120 = 0x8078
    expect(Buffer.from(bytes).toString('hex')).toContain('400a8078000101800002010' + '0');
  });

  it('writes AS_TRANS for a 4-octet AS and refuses one without the capability', () => {
    const bytes = encodeOpen({
      ...decoded,
      myAs: 4200000000,
      capabilities: [{ type: 'four-octet-as', asn: 4200000000 }],
    });
    expect(bytes[20]).toBe(0x5b);
    expect(bytes[21]).toBe(0xa0);
    expect(decodeOpen(bytes).myAs).toBe(4200000000);
    expect(catchBgp(() => encodeOpen({ ...decoded, myAs: 70000, capabilities: [] })).code).toBe(
      'ERR_BGP_UNENCODABLE',
    );
  });

  it('uses RFC 9072 extended parameter lengths beyond 255 bytes, and decodes them', () => {
    const caps = Array.from({ length: 40 }, (_, i) => ({
      type: 'multiprotocol' as const,
      afi: 1,
      safi: i + 1,
    }));
    const bytes = encodeOpen({ ...decoded, myAs: 65001, capabilities: caps });
    expect(bytes[28]).toBe(255); // Non-Ext OP Len
    expect(bytes[29]).toBe(255); // Non-Ext OP Type
    expect(decodeOpen(bytes).capabilities).toEqual(caps);
  });

  const bad: [string, string, number, string][] = [
    ['version 3', '03 fde8 00b4 c0000201 00', 1, '0004'],
    ['hold time 1', '04 fde8 0001 c0000201 00', 6, ''],
    ['hold time 2', '04 fde8 0002 c0000201 00', 6, ''],
    ['BGP identifier 0', '04 fde8 00b4 00000000 00', 3, ''],
    ['My AS 0', '04 0000 00b4 c0000201 00', 2, ''],
    ['4-octet AS capability with AS 0', '04 5ba0 00b4 c0000201 08 02 06 41 04 00000000', 2, ''],
    ['multiprotocol capability of length 3', '04 fde8 00b4 c0000201 07 02 05 01 03 000100', 0, ''],
    ['4-octet AS capability of length 2', '04 fde8 00b4 c0000201 06 02 04 41 02 fde8', 0, ''],
    ['graceful restart capability of length 3', '04 fde8 00b4 c0000201 07 02 05 40 03 0078 00', 0, ''],
    ['route refresh capability of length 1', '04 fde8 00b4 c0000201 05 02 03 02 01 00', 0, ''],
    ['extended message capability of length 1', '04 fde8 00b4 c0000201 05 02 03 06 01 00', 0, ''],
    ['capability overrunning its parameter', '04 fde8 00b4 c0000201 06 02 04 01 04 0001', 0, ''],
    ['parameter overrunning the parameters', '04 fde8 00b4 c0000201 04 02 06 02 00', 0, ''],
    ['optional parameters length beyond the message', '04 fde8 00b4 c0000201 09 02 02 02 00', 0, ''],
    ['authentication parameter (type 1)', '04 fde8 00b4 c0000201 03 01 01 00', 4, ''],
  ];
  for (const [name, body, subcode, data] of bad) {
    it(`rejects ${name} with 2/${subcode}`, () => {
      const e = catchBgp(() => decodeMessage(open(body)));
      expect(e.notification).toEqual({ code: 2, subcode, data: hx(data) });
    });
  }
});
