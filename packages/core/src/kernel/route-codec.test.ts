import { describe, expect, it } from 'vitest';
import { hex, loadDatagrams } from './__fixtures__/load.js';
import { KernelErrorCode, NetlinkDecodeError, NetlinkError } from './kernel-errors.js';
import {
  encodeMessage,
  HOST_LITTLE_ENDIAN,
  NlmFlags,
  NlmsgType,
  setSequence,
  splitMessages,
} from './netlink-message.js';
import {
  decodeRouteMessage,
  encodeRouteDump,
  encodeRouteRequest,
  ROUTE_OPERATION_FLAGS,
  type RouteMessage,
} from './route-codec.js';
import { RouteFlags, RouteScope, RouteType, RtmType } from './rtnetlink-constants.js';

const v4 = (...b: number[]) => Uint8Array.of(...b);

const hostGw: RouteMessage = {
  family: 2,
  dstLength: 24,
  srcLength: 0,
  tos: 0,
  table: 254,
  protocol: 69,
  scope: RouteScope.UNIVERSE,
  type: RouteType.UNICAST,
  flags: 0,
  destination: v4(10, 1, 0, 0),
  gateway: v4(198, 51, 100, 2),
  priority: 100,
  outputInterface: 3,
};

/** Our request with the sequence number iproute2 used in the captured one, for byte comparison. */
function withSeq(msg: Uint8Array, seq: number): Uint8Array {
  setSequence(msg, seq, msg[6]! | (msg[7]! << 8));
  return msg;
}

describe.runIf(HOST_LITTLE_ENDIAN)('route codec (byte vectors, little-endian host)', () => {
  it('add = the bytes `ip route add 10.1.0.0/24 via 198.51.100.2 dev v0 metric 100 proto 69` sends', () => {
    // Captured from iproute2 6.1 with strace (sendmsg iov), seq 0x6b093432 = 1795765298.
    expect(withSeq(encodeRouteRequest('add', hostGw), 1795765298)).toEqual(
      hex(`
        3c000000  // nlmsg_len = 60
        1800      // nlmsg_type = RTM_NEWROUTE (24)
        0506      // nlmsg_flags = REQUEST|ACK|EXCL|CREATE (0x605)
        3234096b  // nlmsg_seq
        00000000  // nlmsg_pid
        02        // rtm_family = AF_INET
        18        // rtm_dst_len = 24
        00        // rtm_src_len
        00        // rtm_tos
        fe        // rtm_table = RT_TABLE_MAIN (254)
        45        // rtm_protocol = 69
        00        // rtm_scope = RT_SCOPE_UNIVERSE
        01        // rtm_type = RTN_UNICAST
        00000000  // rtm_flags
        0800 0100 0a010000  // RTA_DST 10.1.0.0
        0800 0500 c6336402  // RTA_GATEWAY 198.51.100.2
        0800 0600 64000000  // RTA_PRIORITY 100
        0800 0400 03000000  // RTA_OIF 3
      `),
    );
  });

  it('replace sets CREATE|REPLACE (`ip route replace`)', () => {
    const m = encodeRouteRequest('replace', { ...hostGw, gateway: v4(198, 51, 100, 3) });
    expect(m.subarray(4, 8)).toEqual(hex('1800 0505')); // RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE (0x505)
    expect(m.subarray(m.length - 20, m.length - 16)).toEqual(v4(198, 51, 100, 3));
    expect(ROUTE_OPERATION_FLAGS.replace).toBe(
      NlmFlags.REQUEST | NlmFlags.ACK | NlmFlags.CREATE | NlmFlags.REPLACE,
    );
  });

  it('delete = the bytes `ip route del 10.1.0.0/24 metric 100 proto 69` sends', () => {
    const del: RouteMessage = {
      ...hostGw,
      scope: RouteScope.NOWHERE,
      type: RouteType.UNSPEC,
      gateway: undefined,
      outputInterface: undefined,
    };
    expect(withSeq(encodeRouteRequest('delete', del), 1795765298)).toEqual(
      hex(`
        2c000000 1900 0500 3234096b 00000000  // len 44, RTM_DELROUTE (25), REQUEST|ACK
        02 18 00 00  // AF_INET, /24, src_len 0, tos 0
        fe 45        // table main, protocol 69 (the kernel only deletes a route of this protocol)
        ff           // rtm_scope = RT_SCOPE_NOWHERE: any scope
        00           // rtm_type = RTN_UNSPEC: any type
        00000000     // rtm_flags
        0800 0100 0a010000  // RTA_DST
        0800 0600 64000000  // RTA_PRIORITY 100
      `),
    );
  });

  it('table > 255 travels in RTA_TABLE with rtm_table = 0; onlink is RTNH_F_ONLINK (`... onlink table 1000`)', () => {
    const m = encodeRouteRequest('add', {
      ...hostGw,
      dstLength: 16,
      destination: v4(10, 2, 0, 0),
      gateway: v4(203, 0, 113, 1),
      table: 1000,
      flags: RouteFlags.ONLINK,
      priority: undefined,
    });
    expect(withSeq(m, 1795765298)).toEqual(
      hex(`
        3c000000 1800 0506 3234096b 00000000  // len 60, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
        02 10 00 00  // AF_INET, /16
        00           // rtm_table = RT_TABLE_UNSPEC: see RTA_TABLE
        45 00 01     // proto 69, scope universe, unicast
        04000000     // rtm_flags = RTNH_F_ONLINK
        0800 0100 0a020000  // RTA_DST 10.2.0.0
        0800 0500 cb007101  // RTA_GATEWAY 203.0.113.1
        0800 0f00 e8030000  // RTA_TABLE 1000
        0800 0400 03000000  // RTA_OIF 3
      `),
    );
  });

  it('IPv6 = the bytes `ip -6 route add 2001:db8:99::/64 via 2001:db8:1::2 dev v0 proto 69 metric 1024` sends', () => {
    const m = encodeRouteRequest('add', {
      ...hostGw,
      family: 10,
      dstLength: 64,
      destination: hex('20010db8009900000000000000000000'),
      gateway: hex('20010db8000100000000000000000002'),
      priority: 1024,
    });
    expect(withSeq(m, 1795765298)).toEqual(
      hex(`
        54000000 1800 0506 3234096b 00000000  // len 84
        0a 40 00 00 fe 45 00 01 00000000      // AF_INET6, /64, main, proto 69, universe, unicast
        1400 0100 20010db8009900000000000000000000  // RTA_DST (16 bytes)
        1400 0500 20010db8000100000000000000000002  // RTA_GATEWAY
        0800 0600 00040000                          // RTA_PRIORITY 1024
        0800 0400 03000000                          // RTA_OIF 3
      `),
    );
  });

  it('blackhole = `ip route add blackhole 10.3.0.0/16 proto 69`', () => {
    const m = encodeRouteRequest('add', {
      ...hostGw,
      dstLength: 16,
      destination: v4(10, 3, 0, 0),
      type: RouteType.BLACKHOLE,
      gateway: undefined,
      outputInterface: undefined,
      priority: undefined,
    });
    expect(withSeq(m, 1795765298)).toEqual(
      hex(`
        24000000 1800 0506 3234096b 00000000  // len 36
        02 10 00 00 fe 45 00 06 00000000      // AF_INET /16, main, proto 69, universe, RTN_BLACKHOLE
        0800 0100 0a030000                    // RTA_DST
      `),
    );
  });

  it('dump request: RTM_GETROUTE with NLM_F_DUMP and the family', () => {
    expect(encodeRouteDump({ family: 10 }, 9)).toEqual(
      hex(`
        1c000000 1a00 0103 09000000 00000000  // len 28, RTM_GETROUTE (26), REQUEST|DUMP (0x301), seq 9
        0a 00 00 00 00 00 00 00 00000000      // rtmsg: AF_INET6, everything else 0
      `),
    );
    expect(encodeRouteDump({ family: 2, table: 1000 }).subarray(28)).toEqual(hex('0800 0f00 e8030000'));
  });

  it('rejects addresses of the wrong length and out-of-range fields', () => {
    expect(() => encodeRouteRequest('add', { ...hostGw, gateway: v4(1, 2, 3) })).toThrow(NetlinkError);
    expect(() => encodeRouteRequest('add', { ...hostGw, dstLength: 256 })).toThrow(/rtm_dst_len/);
    expect(() => encodeRouteRequest('add', { ...hostGw, priority: -1 })).toThrow(/RTA_PRIORITY/);
    try {
      encodeRouteRequest('add', { ...hostGw, destination: new Uint8Array(16) });
    } catch (err) {
      expect((err as NetlinkError).code).toBe(KernelErrorCode.InvalidArgument);
    }
  });
});

describe('route codec (round trips, captured kernel dumps)', () => {
  const roundTrip = (m: RouteMessage) => {
    const [msg] = splitMessages(encodeRouteRequest('add', m));
    return decodeRouteMessage(msg!);
  };

  it('round-trips every attribute', () => {
    const full: RouteMessage = {
      ...hostGw,
      table: 100000,
      preferredSource: v4(198, 51, 100, 1),
      mark: 7,
      via: undefined,
    };
    expect(roundTrip(full)).toEqual(full);
    const v6: RouteMessage = {
      family: 10,
      dstLength: 48,
      srcLength: 0,
      tos: 0,
      table: 254,
      protocol: 69,
      scope: 0,
      type: 1,
      flags: RouteFlags.ONLINK,
      destination: hex('20010db8000500000000000000000000'),
      gateway: hex('fe800000000000000000000000000001'),
      priority: 1024,
      outputInterface: 7,
      preference: 0,
    };
    expect(roundTrip(v6)).toEqual(v6);
  });

  it('round-trips RTA_VIA (IPv4 via an IPv6 next hop) and RTA_MULTIPATH', () => {
    const via: RouteMessage = {
      ...hostGw,
      gateway: undefined,
      via: { family: 10, address: hex('fe800000000000000000000000000001') },
    };
    expect(roundTrip(via)).toEqual(via);
    const mp: RouteMessage = {
      ...hostGw,
      gateway: undefined,
      outputInterface: undefined,
      multipath: [
        { flags: 0, hops: 0, ifindex: 3, gateway: v4(198, 51, 100, 3) },
        { flags: RouteFlags.ONLINK, hops: 1, ifindex: 4, gateway: v4(198, 51, 100, 4) },
      ],
    };
    expect(roundTrip(mp)).toEqual(mp);
  });

  it('decodes a captured IPv4 dump: gateway, onlink, RTA_TABLE > 255, blackhole, multipath, kernel routes', () => {
    const msgs = loadDatagrams('route-dump-v4.hex').flatMap((d) => splitMessages(d));
    expect(msgs.at(-1)?.type).toBe(NlmsgType.DONE);
    expect(msgs.every((m) => m.seq === 1)).toBe(true);
    const routes = msgs.filter((m) => m.type === RtmType.NEWROUTE).map((m) => decodeRouteMessage(m));
    const byDst = (a: number, b: number, len: number, table = 254) =>
      routes.find(
        (r) =>
          r.destination?.[0] === a && r.destination?.[1] === b && r.dstLength === len && r.table === table,
      );
    expect(byDst(10, 1, 24)).toMatchObject({
      family: 2,
      protocol: 69,
      scope: RouteScope.UNIVERSE,
      type: RouteType.UNICAST,
      gateway: v4(198, 51, 100, 2),
      priority: 100,
      outputInterface: expect.any(Number),
    });
    const onlink = byDst(10, 2, 16, 1000);
    expect(onlink).toMatchObject({ table: 1000, flags: RouteFlags.ONLINK, gateway: v4(203, 0, 113, 1) });
    expect(byDst(10, 3, 16)).toMatchObject({ type: RouteType.BLACKHOLE, protocol: 69 });
    expect(byDst(10, 4, 16)?.multipath).toEqual([
      { flags: 0, hops: 0, ifindex: expect.any(Number), gateway: v4(198, 51, 100, 3) },
      { flags: 0, hops: 1, ifindex: expect.any(Number), gateway: v4(198, 51, 100, 4) },
    ]);
    expect(byDst(198, 51, 24)).toMatchObject({
      protocol: 2, // RTPROT_KERNEL: the connected route
      scope: RouteScope.LINK,
      preferredSource: v4(198, 51, 100, 1),
    });
    expect(routes.some((r) => r.table === 255 && r.type === RouteType.LOCAL)).toBe(true);
  });

  it('decodes a captured IPv6 dump (RTA_TABLE, RTA_PREF, prefsrc, metric 1024)', () => {
    const routes = loadDatagrams('route-dump-v6.hex')
      .flatMap((d) => splitMessages(d))
      .filter((m) => m.type === RtmType.NEWROUTE)
      .map((m) => decodeRouteMessage(m));
    const ours = routes.find((r) => r.protocol === 69);
    expect(ours).toMatchObject({
      family: 10,
      dstLength: 64,
      table: 254,
      priority: 1024,
      destination: hex('20010db8009900000000000000000000'),
      gateway: hex('20010db8000100000000000000000002'),
      preferredSource: hex('20010db8000100000000000000000001'),
      preference: 0,
    });
  });

  it('copies addresses by default; `copy: false` gives views into the datagram', () => {
    const bytes = encodeRouteRequest('add', hostGw);
    const [msg] = splitMessages(bytes);
    const copied = decodeRouteMessage(msg!);
    const viewed = decodeRouteMessage(msg!, { copy: false });
    expect(viewed).toEqual(copied);
    bytes[40] = 99; // first byte of RTA_GATEWAY's value (16 nlmsghdr + 12 rtmsg + 8 RTA_DST + 4)
    expect(copied.gateway?.[0]).toBe(198);
    expect(viewed.gateway?.[0]).toBe(99);
  });

  it('throws typed errors on a truncated rtmsg or attribute', () => {
    const good = encodeRouteRequest('add', hostGw);
    for (let cut = 16; cut < good.length; cut++) {
      const truncated = good.slice(0, cut);
      truncated[0] = cut; // a consistent nlmsg_len so only the payload is short
      const [msg] = splitMessages(truncated);
      if (cut - 16 >= 12 && (cut - 16 - 12) % 8 === 0) {
        expect(() => decodeRouteMessage(msg!)).not.toThrow(); // ends on an attribute boundary
      } else {
        expect(() => decodeRouteMessage(msg!)).toThrow(NetlinkDecodeError);
      }
    }
    const bad = encodeMessage(24, 0, 0, hex('02180000fe450001 00000000 0200 0100')); // nla_len 2
    expect(() => decodeRouteMessage(splitMessages(bad)[0]!)).toThrow(NetlinkDecodeError);
  });
});
