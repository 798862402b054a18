import { describe, expect, it } from 'vitest';
import type { EmulatorState } from '../state/emulator-state.js';
import { call, callError, expectApiError, items, makeState, TOPOLOGY } from './vpc-test-support.js';

const R = { RegionId: 'cn-hangzhou' };
const BGP = 300; // TEST_TIMINGS.bgp

function group(state: EmulatorState, extra: Record<string, string | number> = {}): string {
  return call(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1', PeerAsn: 65001, Name: 'dc', ...extra })
    .BgpGroupId as string;
}
function peer(state: EmulatorState, groupId: string, ip: string): string {
  return call(state, 'CreateBgpPeer', { ...R, BgpGroupId: groupId, PeerIpAddress: ip, EnableBfd: true })
    .BgpPeerId as string;
}
function peers(state: EmulatorState, p: Record<string, string | number> = {}) {
  return items(call(state, 'DescribeBgpPeers', { ...R, ...p }), 'BgpPeers', 'BgpPeer');
}

describe('BGP groups', () => {
  it('creates a group Pending, Available after timings.bgp, with the VBR and ASNs', () => {
    const { state, clock, events } = makeState();
    const id = group(state, { AuthKey: 'secret', Description: 'edge' });
    expect(id).toMatch(/^bgpg-/);
    const show = () =>
      items(call(state, 'DescribeBgpGroups', { ...R, RouterId: 'vbr-1' }), 'BgpGroups', 'BgpGroup')[0];
    expect(show()).toMatchObject({
      BgpGroupId: id,
      RouterId: 'vbr-1',
      PeerAsn: '65001',
      LocalAsn: '45104',
      AuthKey: 'secret',
      Name: 'dc',
      IpVersion: 'IPv4',
      RouteLimit: '110',
      Status: 'Pending',
    });
    clock.advance(BGP);
    expect(show()!.Status).toBe('Available');
    expect(events.map((e) => [e.kind, e.change, e.status])).toEqual([
      ['BgpGroup', 'created', 'Pending'],
      ['BgpGroup', 'updated', 'Available'],
    ]);
  });

  it('answers OperationConflict for another BGP write on the VBR while one is in progress', () => {
    const { state, clock } = makeState();
    group(state);
    expect(callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1', PeerAsn: 65002 }).code).toBe(
      'OperationConflict',
    );
    clock.advance(BGP);
    group(state, { PeerAsn: 65002 });
  });

  it('refuses a group with peers (DependencyViolation.BgpPeer), then deletes it: Deleting, then gone', () => {
    const { state, clock } = makeState();
    const g = group(state);
    clock.advance(BGP);
    const p = peer(state, g, '10.0.0.2');
    clock.advance(BGP);
    expect(callError(state, 'DeleteBgpGroup', { ...R, BgpGroupId: g }).code).toBe(
      'DependencyViolation.BgpPeer',
    );
    call(state, 'DeleteBgpPeer', { ...R, BgpPeerId: p });
    expect(peers(state)[0]!.Status).toBe('Deleting');
    expect(callError(state, 'DeleteBgpGroup', { ...R, BgpGroupId: g }).code).toBe(
      'DependencyViolation.BgpPeer',
    );
    clock.advance(BGP);
    expect(peers(state)).toEqual([]);
    call(state, 'DeleteBgpGroup', { ...R, BgpGroupId: g });
    clock.advance(BGP);
    expect(call(state, 'DescribeBgpGroups', R).TotalCount).toBe(0);
  });

  it('names bad input and unknown resources', () => {
    const { state } = makeState();
    expect(callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-x', PeerAsn: 65001 })).toMatchObject({
      code: 'InvalidVbrId.NotFound',
      httpStatus: 404,
    });
    expect(callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1' }).message).toContain('PeerAsn');
    expect(callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1', PeerAsn: 45104 }).code).toBe(
      'InvalidPeerAsn.Malformed',
    );
    expect(callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1', PeerAsn: 'x' }).message).toContain(
      'PeerAsn',
    );
    expect(
      callError(state, 'CreateBgpGroup', { ...R, RouterId: 'vbr-1', PeerAsn: 1, IpVersion: 'v4' }).message,
    ).toContain('IpVersion');
    expect(callError(state, 'DeleteBgpGroup', { ...R, BgpGroupId: 'bgpg-x' }).code).toBe('InvalidBgpGroup');
  });
});

describe('BGP peers', () => {
  it('creates peers Pending → Available with BgpStatus Idle, and shows the group settings', () => {
    const { state, clock } = makeState();
    const g = group(state);
    clock.advance(BGP);
    const p = peer(state, g, '10.0.0.2');
    expect(peers(state, { BgpGroupId: g })[0]).toMatchObject({
      BgpPeerId: p,
      BgpGroupId: g,
      RouterId: 'vbr-1',
      PeerIpAddress: '10.0.0.2',
      PeerAsn: '65001',
      LocalAsn: '45104',
      EnableBfd: true,
      BfdMultiHop: 255,
      Status: 'Pending',
      BgpStatus: 'Idle',
      ReceivedRouteCount: 0,
      AdvertisedRouteCount: 0,
    });
    clock.advance(BGP);
    expect(peers(state, { BgpPeerId: p })[0]!.Status).toBe('Available');
  });

  it('allows at most 8 peers per VBR (QuotaExceeded.Bgp) and one peer per address', () => {
    const { state, clock } = makeState();
    const g = group(state);
    clock.advance(BGP);
    for (let i = 1; i <= 8; i++) {
      peer(state, g, `10.0.0.${i}`);
      clock.advance(BGP);
    }
    expect(callError(state, 'CreateBgpPeer', { ...R, BgpGroupId: g, PeerIpAddress: '10.0.0.9' }).code).toBe(
      'QuotaExceeded.Bgp',
    );
    expect(callError(state, 'CreateBgpPeer', { ...R, BgpGroupId: g, PeerIpAddress: '10.0.0.1' }).code).toBe(
      'InvalidParams.AlreadyExists',
    );
  });

  it('pages peers over more than one page', () => {
    const { state, clock } = makeState();
    const g = group(state);
    clock.advance(BGP);
    for (let i = 1; i <= 3; i++) {
      peer(state, g, `10.0.0.${i}`);
      clock.advance(BGP);
    }
    const page = (PageNumber: number) =>
      peers(state, { RouterId: 'vbr-1', PageSize: 2, PageNumber }).map((p) => p.PeerIpAddress);
    expect([page(1), page(2)]).toEqual([['10.0.0.1', '10.0.0.2'], ['10.0.0.3']]);
  });

  it('setBgpPeerStatus marks a session Established with route counts and emits the change', () => {
    const { state, clock, events } = makeState();
    const g = group(state);
    clock.advance(BGP);
    const p = peer(state, g, '10.0.0.2');
    clock.advance(BGP);
    events.length = 0;
    state.vpc.setBgpPeerStatus(p, 'Established', { received: 3, advertised: 1 });
    expect(peers(state)[0]).toMatchObject({
      BgpStatus: 'Established',
      ReceivedRouteCount: 3,
      AdvertisedRouteCount: 1,
    });
    expect(events).toMatchObject([
      { kind: 'BgpPeer', id: p, change: 'updated', resource: { BgpStatus: 'Established' } },
    ]);
    state.vpc.setBgpPeerStatus(p, 'Idle');
    expect(peers(state)[0]).toMatchObject({ BgpStatus: 'Idle', ReceivedRouteCount: 0 });
    expectApiError(() => state.vpc.setBgpPeerStatus('bgp-x', 'Established'), 'InvalidParams.NotFound');
  });

  it('names bad input and unknown resources', () => {
    const { state } = makeState();
    expect(callError(state, 'CreateBgpPeer', { ...R, BgpGroupId: 'bgpg-x' }).code).toBe('InvalidBgpGroup');
    expect(callError(state, 'CreateBgpPeer', R).message).toContain('BgpGroupId');
    const g = group(state);
    expect(callError(state, 'CreateBgpPeer', { ...R, BgpGroupId: g, PeerIpAddress: '10.0.0.300' }).code).toBe(
      'InvalidIP.Malformed',
    );
    expect(callError(state, 'CreateBgpPeer', { ...R, BgpGroupId: g, BfdMultiHop: 256 }).message).toContain(
      'BfdMultiHop',
    );
    expect(callError(state, 'DeleteBgpPeer', { ...R, BgpPeerId: 'bgp-x' }).code).toBe(
      'InvalidParams.NotFound',
    );
  });
});

describe('BGP networks', () => {
  it('adds a network Pending → Available, refuses a duplicate, deletes it', () => {
    const { state, clock, events } = makeState();
    call(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: '192.168.0.0/16', VpcId: 'vpc-1' });
    const list = () =>
      items(call(state, 'DescribeBgpNetworks', { ...R, RouterId: 'vbr-1' }), 'BgpNetworks', 'BgpNetwork');
    expect(list()).toEqual([
      { RouterId: 'vbr-1', VpcId: 'vpc-1', DstCidrBlock: '192.168.0.0/16', Status: 'Pending' },
    ]);
    expect(
      callError(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: '10.0.0.0/8' }).code,
    ).toBe('OperationConflict');
    clock.advance(BGP);
    expect(list()[0]!.Status).toBe('Available');
    expect(
      callError(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: '192.168.0.0/16' }).code,
    ).toBe('InvalidParams.AlreadyExists');
    call(state, 'DeleteBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: '192.168.0.0/16' });
    expect(list()[0]!.Status).toBe('Deleting');
    clock.advance(BGP);
    expect(list()).toEqual([]);
    expect(events.map((e) => [e.kind, e.change, e.status])).toEqual([
      ['BgpNetwork', 'created', 'Pending'],
      ['BgpNetwork', 'updated', 'Available'],
      ['BgpNetwork', 'updated', 'Deleting'],
      ['BgpNetwork', 'deleted', 'Deleting'],
    ]);
  });

  it('names bad input and unknown resources', () => {
    const { state } = makeState(TOPOLOGY);
    expect(callError(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: 'nope' }).code).toBe(
      'InvalidIP.Malformed',
    );
    expect(callError(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-1' }).message).toContain('DstCidrBlock');
    expect(
      callError(state, 'AddBgpNetwork', { ...R, RouterId: 'vbr-x', DstCidrBlock: '10.0.0.0/8' }).code,
    ).toBe('InvalidVbrId.NotFound');
    expect(
      callError(state, 'AddBgpNetwork', {
        ...R,
        RouterId: 'vbr-1',
        DstCidrBlock: '10.0.0.0/8',
        VpcId: 'vpc-x',
      }).code,
    ).toBe('InvalidParams.NotFound');
    expect(
      callError(state, 'DeleteBgpNetwork', { ...R, RouterId: 'vbr-1', DstCidrBlock: '10.0.0.0/8' }).code,
    ).toBe('InvalidParams.NotFound');
  });
});
