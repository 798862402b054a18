import { describe, expect, it } from 'vitest';
import { bgpIdToNumber, resolveCollision } from './collision.js';

const base = { localBgpId: '10.0.0.1', remoteBgpId: '10.0.0.2' } as const;
const closeOf = (side: 'ours' | 'theirs') => ({ collision: true, close: side, code: 6, subcode: 7 });

describe('resolveCollision (RFC 4271 §6.8)', () => {
  it('our identifier lower → close the connection we initiated', () => {
    expect(resolveCollision({ ...base, ours: 'OpenConfirm', theirs: 'OpenConfirm' })).toEqual(
      closeOf('ours'),
    );
  });

  it('our identifier higher → close the connection the peer initiated', () => {
    expect(
      resolveCollision({
        localBgpId: '10.0.0.2',
        remoteBgpId: '10.0.0.1',
        ours: 'OpenConfirm',
        theirs: 'OpenConfirm',
      }),
    ).toEqual(closeOf('theirs'));
  });

  it('compares identifiers as unsigned 32-bit numbers, not as strings', () => {
    // '9.0.0.0' < '10.0.0.0' numerically, '9' > '1' as text.
    expect(
      resolveCollision({
        localBgpId: '9.0.0.0',
        remoteBgpId: '10.0.0.0',
        ours: 'OpenConfirm',
        theirs: 'OpenSent',
      }),
    ).toEqual(closeOf('ours'));
    expect(
      resolveCollision({
        localBgpId: 0xffffffff,
        remoteBgpId: 1,
        ours: 'OpenConfirm',
        theirs: 'OpenConfirm',
      }),
    ).toEqual(closeOf('theirs'));
  });

  it('no collision unless both connections are past OPEN', () => {
    for (const other of [undefined, 'Idle', 'Connect', 'Active'] as const) {
      expect(resolveCollision({ ...base, ours: other, theirs: 'OpenConfirm' })).toEqual({ collision: false });
      expect(resolveCollision({ ...base, ours: 'OpenConfirm', theirs: other })).toEqual({ collision: false });
    }
  });

  it('OpenSent is examined only when allowed', () => {
    expect(resolveCollision({ ...base, ours: 'OpenSent', theirs: 'OpenConfirm' })).toEqual(closeOf('ours'));
    expect(
      resolveCollision({ ...base, ours: 'OpenSent', theirs: 'OpenConfirm', examineOpenSent: false }),
    ).toEqual({ collision: false });
  });

  it('an Established connection wins unless CollisionDetectEstablishedState is set', () => {
    // Identifiers alone would close ours; Established ours is kept.
    expect(resolveCollision({ ...base, ours: 'Established', theirs: 'OpenConfirm' })).toEqual(
      closeOf('theirs'),
    );
    expect(
      resolveCollision({
        localBgpId: '10.0.0.2',
        remoteBgpId: '10.0.0.1',
        ours: 'OpenConfirm',
        theirs: 'Established',
      }),
    ).toEqual(closeOf('ours'));
    expect(
      resolveCollision({
        ...base,
        ours: 'Established',
        theirs: 'OpenConfirm',
        collisionDetectEstablished: true,
      }),
    ).toEqual(closeOf('ours'));
  });

  it('equal identifiers: the connection of the speaker with the larger ASN is kept (RFC 6286 §2.3)', () => {
    const same = {
      localBgpId: 5,
      remoteBgpId: '0.0.0.5',
      ours: 'OpenConfirm',
      theirs: 'OpenConfirm',
    } as const;
    expect(resolveCollision({ ...same, localAsn: 65002, remoteAsn: 65001 })).toEqual(closeOf('theirs'));
    expect(resolveCollision({ ...same, localAsn: 65001, remoteAsn: 4200000001 })).toEqual(closeOf('ours'));
  });

  it('bgpIdToNumber parses dotted quads and rejects junk', () => {
    expect(bgpIdToNumber('192.0.2.1')).toBe(0xc0000201);
    expect(bgpIdToNumber(7)).toBe(7);
    for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1.2.3.4.5', -1, 2 ** 32, 1.5]) {
      expect(() => bgpIdToNumber(bad)).toThrow(RangeError);
    }
  });
});
