import { describe, expect, it } from 'vitest';
import { hex, loadDatagrams } from './__fixtures__/load.js';
import { decodeAddressMessage, encodeAddressDump, encodeAddressRequest } from './address-codec.js';
import { NetlinkDecodeError } from './kernel-errors.js';
import { decodeLinkMessage, encodeLinkDump, encodeLinkRequest } from './link-codec.js';
import { HOST_LITTLE_ENDIAN, NlmsgType, setSequence, splitMessages } from './netlink-message.js';
import { AddressFlags, RtmType } from './rtnetlink-constants.js';

function withSeq(msg: Uint8Array, seq: number): Uint8Array {
  setSequence(msg, seq, msg[6]! | (msg[7]! << 8));
  return msg;
}

describe.runIf(HOST_LITTLE_ENDIAN)('link and address codecs (byte vectors = iproute2 6.1 requests)', () => {
  it('`ip link add a0 type veth peer name a1`', () => {
    expect(
      withSeq(encodeLinkRequest('create', { name: 'a0', kind: 'veth', peer: { name: 'a1' } }), 0x6b09345c),
    ).toEqual(
      hex(`
        54000000 1000 0506 5c34096b 00000000  // len 84, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
        00 00 0000 00000000 00000000 00000000 // ifinfomsg: family, pad, type, index 0, flags, change
        0700 0300 613000 00                   // IFLA_IFNAME "a0\\0"
        2c00 1200                             // IFLA_LINKINFO (len 44)
          0800 0100 76657468                  //   IFLA_INFO_KIND "veth" (no NUL, as iproute2)
          2000 0200                           //   IFLA_INFO_DATA (len 32)
            1c00 0100                         //     VETH_INFO_PEER (len 28)
              00 00 0000 00000000 00000000 00000000  // peer ifinfomsg
              0700 0300 613100 00             //       IFLA_IFNAME "a1\\0"
      `),
    );
  });

  it('`ip link add b0 type veth peer name b1 netns NS` (IFLA_NET_NS_FD 4 on the peer)', () => {
    const m = encodeLinkRequest('create', { name: 'b0', kind: 'veth', peer: { name: 'b1', netnsFd: 4 } });
    expect(withSeq(m, 0x6b09345c)).toEqual(
      hex(`
        5c000000 1000 0506 5c34096b 00000000
        00 00 0000 00000000 00000000 00000000
        0700 0300 623000 00                   // IFLA_IFNAME "b0"
        3400 1200                             // IFLA_LINKINFO
          0800 0100 76657468                  //   IFLA_INFO_KIND "veth"
          2800 0200                           //   IFLA_INFO_DATA
            2400 0100                         //     VETH_INFO_PEER
              00 00 0000 00000000 00000000 00000000
              0800 1c00 04000000              //       IFLA_NET_NS_FD 4
              0700 0300 623100 00             //       IFLA_IFNAME "b1"
      `),
    );
  });

  it('`ip link set a0 up`, `mtu 1400`, `netns`, `ip link del`', () => {
    const up = hex('20000000 1000 0500 5c34096b 00000000 00 00 0000 03000000 01000000 01000000');
    expect(withSeq(encodeLinkRequest('set', { index: 3, up: true }), 0x6b09345c)).toEqual(up); // flags=change=IFF_UP
    expect(withSeq(encodeLinkRequest('set', { index: 3, mtu: 1400 }), 0x6b09345c)).toEqual(
      hex('28000000 1000 0500 5c34096b 00000000 00 00 0000 03000000 00000000 00000000 0800 0400 78050000'),
    );
    expect(withSeq(encodeLinkRequest('set', { index: 2, netnsFd: 4 }), 0x6b09345c)).toEqual(
      hex('28000000 1000 0500 5c34096b 00000000 00 00 0000 02000000 00000000 00000000 0800 1c00 04000000'),
    );
    expect(withSeq(encodeLinkRequest('delete', { index: 3 }), 0x6b09345c)).toEqual(
      hex('20000000 1100 0500 5c34096b 00000000 00 00 0000 03000000 00000000 00000000'),
    );
    // down: flags 0, change IFF_UP
    expect(encodeLinkRequest('set', { index: 3, up: false }).subarray(24, 32)).toEqual(
      hex('00000000 01000000'),
    );
  });

  it('`ip -6 address add 2001:db8:1::1/64 dev b0 nodad` and `ip address del 198.51.100.9/24 dev b0`', () => {
    const a6 = encodeAddressRequest('add', {
      family: 10,
      prefixLength: 64,
      flags: AddressFlags.NODAD,
      scope: 0,
      index: 4,
      local: hex('20010db8000100000000000000000001'),
    });
    expect(withSeq(a6, 0x6b09345c)).toEqual(
      hex(`
        40000000 1400 0506 5c34096b 00000000  // len 64, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
        0a 40 02 00 04000000                  // AF_INET6, /64, IFA_F_NODAD, scope 0, index 4
        1400 0200 20010db8000100000000000000000001  // IFA_LOCAL
        1400 0100 20010db8000100000000000000000001  // IFA_ADDRESS
      `),
    );
    const del = encodeAddressRequest('delete', {
      family: 2,
      prefixLength: 24,
      flags: 0,
      scope: 0,
      index: 4,
      local: Uint8Array.of(198, 51, 100, 9),
    });
    expect(withSeq(del, 0x6b09345c)).toEqual(
      hex('28000000 1500 0500 5c34096b 00000000 02 18 00 00 04000000 0800 0200 c6336409 0800 0100 c6336409'),
    );
  });

  it('dump requests', () => {
    expect(encodeLinkDump(4)).toEqual(
      hex('20000000 1200 0103 04000000 00000000 00000000 00000000 00000000 00000000'),
    );
    expect(encodeAddressDump(0, 5)).toEqual(hex('18000000 1600 0103 05000000 00000000 00000000 00000000'));
  });
});

describe('link and address codecs (captured dump, round trips)', () => {
  it('decodes a captured link dump: lo and the veth pair with IFLA_INFO_KIND', () => {
    const msgs = loadDatagrams('link-dump.hex').flatMap((d) => splitMessages(d));
    expect(msgs.at(-1)?.type).toBe(NlmsgType.DONE);
    const links = msgs.filter((m) => m.type === RtmType.NEWLINK).map(decodeLinkMessage);
    expect(links.map((l) => l.name).sort()).toEqual(['lo', 'v0', 'v1']);
    const lo = links.find((l) => l.name === 'lo');
    expect(lo).toMatchObject({ index: 1, type: 772 }); // ARPHRD_LOOPBACK
    const v0 = links.find((l) => l.name === 'v0');
    const v1 = links.find((l) => l.name === 'v1');
    expect(v0).toMatchObject({ kind: 'veth', mtu: 1500, type: 1, link: v1?.index });
    expect(v0?.address?.length).toBe(6);
    expect((v0?.flags ?? 0) & 1).toBe(1); // IFF_UP
  });

  it('round-trips an address message with IFA_FLAGS above 8 bits and a label', () => {
    const msg = {
      family: 2,
      prefixLength: 24,
      flags: 0x300,
      scope: 0,
      index: 3,
      local: Uint8Array.of(198, 51, 100, 1),
      address: Uint8Array.of(198, 51, 100, 1),
      label: 'v0:1',
    };
    const [m] = splitMessages(encodeAddressRequest('add', msg));
    expect(decodeAddressMessage(m!)).toEqual(msg);
  });

  it('rejects short headers with typed errors', () => {
    const [m] = splitMessages(
      encodeAddressRequest('add', { family: 2, prefixLength: 24, flags: 0, scope: 0, index: 1 }),
    );
    expect(() => decodeLinkMessage(m!)).toThrow(NetlinkDecodeError); // 8-byte ifaddrmsg < 16-byte ifinfomsg
    expect(() =>
      encodeAddressRequest('add', {
        family: 2,
        prefixLength: 24,
        flags: 0,
        scope: 0,
        index: 1,
        local: new Uint8Array(16),
      }),
    ).toThrow(/IFA_LOCAL/);
  });
});
