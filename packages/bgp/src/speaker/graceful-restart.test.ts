import { describe, expect, it } from 'vitest';
import type { Negotiated } from '../session/index.js';
import { familiesToSweepOnReturn, helperPlanOnDown } from './graceful-restart.js';

const negotiated = (gr?: Negotiated['peerGracefulRestart']): Negotiated => ({
  peerAsn: 65002,
  peerBgpId: '192.0.2.2',
  holdTime: 90,
  keepaliveTime: 30,
  fourOctetAs: true,
  extendedMessages: false,
  families: ['ipv4', 'ipv6'],
  routeRefresh: true,
  ...(gr ? { peerGracefulRestart: gr } : {}),
  localAddress: '198.51.100.1',
  localPort: 179,
  remoteAddress: '198.51.100.2',
  remotePort: 40000,
});

describe('helperPlanOnDown (RFC 4724 §4.2)', () => {
  const gr = {
    restartTime: 60,
    restarting: false,
    families: [{ family: 'ipv4' as const, forwardingPreserved: false }],
  };

  it('keeps the families in the peer capability as stale for its Restart Time and drops the others', () => {
    expect(helperPlanOnDown({ negotiated: negotiated(gr), graceful: true, enabled: true })).toEqual({
      keep: ['ipv4'],
      drop: ['ipv6'],
      restartTime: 60,
    });
  });

  it.each([
    ['a NOTIFICATION ended the session', { negotiated: negotiated(gr), graceful: false, enabled: true }],
    ['graceful restart is off for the peer', { negotiated: negotiated(gr), graceful: true, enabled: false }],
    ['the peer sent no capability', { negotiated: negotiated(), graceful: true, enabled: true }],
    [
      'the Restart Time is 0',
      { negotiated: negotiated({ ...gr, restartTime: 0 }), graceful: true, enabled: true },
    ],
    ['the session never was established', { negotiated: undefined, graceful: true, enabled: true }],
  ])('keeps nothing when %s', (_name, input) => {
    expect(helperPlanOnDown(input)).toBeUndefined();
  });
});

describe('familiesToSweepOnReturn (RFC 4724 §4.2)', () => {
  it('sweeps at once the families without the Forwarding State bit, missing, or with no capability', () => {
    const gr = {
      restartTime: 60,
      restarting: true,
      families: [
        { family: 'ipv4' as const, forwardingPreserved: true },
        { family: 'ipv6' as const, forwardingPreserved: false },
      ],
    };
    expect(familiesToSweepOnReturn(['ipv4', 'ipv6'], gr)).toEqual(['ipv6']);
    expect(familiesToSweepOnReturn(['ipv4', 'ipv6'], { ...gr, families: [gr.families[0]!] })).toEqual([
      'ipv6',
    ]);
    expect(familiesToSweepOnReturn(['ipv4', 'ipv6'], undefined)).toEqual(['ipv4', 'ipv6']);
  });
});
