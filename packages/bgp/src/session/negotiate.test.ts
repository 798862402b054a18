import { describe, expect, it } from 'vitest';
import type { OpenMessage } from '../wire/index.js';
import { Backoff } from './backoff.js';
import { SessionErrorCode } from './errors.js';
import { checkPeerOpen, negotiateCapabilities, validateSessionConfig } from './negotiate.js';
import { BgpSession } from './session.js';
import { testConfig } from './session.test-support.js';

function open(o: Partial<OpenMessage>): OpenMessage {
  return { type: 'open', version: 4, myAs: 65002, holdTime: 90, bgpId: '10.0.0.2', capabilities: [], ...o };
}

describe('negotiation', () => {
  it('checks peer AS (2/2), BGP identifier (2/3) and hold time (2/6)', () => {
    const c = testConfig();
    expect(checkPeerOpen(c, open({}))).toBeUndefined();
    expect(checkPeerOpen(c, open({ myAs: 65003 }))).toMatchObject({ code: 2, subcode: 2 });
    expect(checkPeerOpen(c, open({ bgpId: '0.0.0.0' }))).toMatchObject({ code: 2, subcode: 3 });
    // RFC 6286 §2.2: an equal identifier is an error only from an internal peer.
    expect(checkPeerOpen(c, open({ bgpId: '10.0.0.1' }))).toBeUndefined();
    const ibgp = testConfig({ peerAsn: 65001 });
    expect(checkPeerOpen(ibgp, open({ myAs: 65001, bgpId: '10.0.0.1' }))).toMatchObject({ subcode: 3 });
    expect(checkPeerOpen(c, open({ holdTime: 2 }))).toMatchObject({ code: 2, subcode: 6 });
  });

  it('intersects families, needs both sides for 4-octet AS, extended messages and route refresh', () => {
    const c = testConfig({ families: ['ipv4'], extendedMessages: true });
    expect(
      negotiateCapabilities(
        c,
        open({
          capabilities: [
            { type: 'multiprotocol', afi: 2, safi: 1 },
            { type: 'extended-message' },
            { type: 'four-octet-as', asn: 65002 },
            { type: 'route-refresh' },
            {
              type: 'graceful-restart',
              restarting: true,
              notification: false,
              restartTime: 90,
              families: [
                { afi: 2, safi: 1, forwardingPreserved: true },
                { afi: 25, safi: 65, forwardingPreserved: true },
              ],
            },
          ],
        }),
      ),
    ).toEqual({
      families: [],
      extendedMessages: true,
      fourOctetAs: true,
      routeRefresh: true,
      peerGracefulRestart: {
        restartTime: 90,
        restarting: true,
        families: [{ family: 'ipv6', forwardingPreserved: true }],
      },
    });
    expect(negotiateCapabilities(testConfig(), open({}))).toEqual({
      families: ['ipv4'],
      extendedMessages: false,
      fourOctetAs: false,
      routeRefresh: false,
    });
  });

  it('rejects bad configuration with ERR_BGP_SESSION_CONFIG naming the field', () => {
    const cases: [Partial<ReturnType<typeof testConfig>>, string][] = [
      [{ peerAddress: 'nope' }, 'peerAddress'],
      [{ peerAsn: 0 }, 'peerAsn'],
      [{ localAsn: 2 ** 32 }, 'localAsn'],
      [{ routerId: '1.2.3' }, 'routerId'],
      [{ routerId: '0.0.0.0' }, 'routerId'],
      [{ holdTime: 2 }, 'holdTime'],
      [{ peerPort: 0 }, 'peerPort'],
      [{ connectRetry: { minMs: 10, maxMs: 5 } }, 'connectRetry'],
      [
        { gracefulRestart: { restartTime: 5000, restarting: false, forwardingPreserved: false } },
        'gracefulRestart.restartTime',
      ],
    ];
    for (const [patch, field] of cases) {
      expect(() => validateSessionConfig(testConfig(patch))).toThrowError(
        expect.objectContaining({ code: SessionErrorCode.Config, details: { field } }),
      );
    }
    expect(() => new BgpSession(testConfig({ holdTime: 1 }))).toThrowError(/holdTime/);
  });
});

describe('Backoff', () => {
  it('grows exponentially with jitter between min and max, and resets', () => {
    let r = 1;
    const b = new Backoff({ minMs: 100, maxMs: 1000 }, () => r);
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    r = 0;
    expect(b.next()).toBe(100);
    b.reset();
    r = 0.5;
    expect(b.next()).toBe(100);
    expect(b.next()).toBe(150);
  });
});
