import { describe, expect, it } from 'vitest';
import { hex, loadDatagrams } from './__fixtures__/load.js';
import { KernelErrorCode, NetlinkDecodeError } from './kernel-errors.js';
import {
  align4,
  decodeAck,
  encodeMessage,
  forEachAttribute,
  HOST_LITTLE_ENDIAN,
  MessageBuilder,
  messageFlags,
  NetlinkDecoder,
  NlmFlags,
  NlmsgType,
  parseAttributes,
  readString,
  readU32,
  setSequence,
  splitMessages,
} from './netlink-message.js';

// The byte vectors are little-endian (x86-64, arm64): netlink integers are in host byte order.
describe.runIf(HOST_LITTLE_ENDIAN)('netlink framing (little-endian host)', () => {
  it('encodes nlmsghdr and aligned attributes', () => {
    const b = new MessageBuilder(24, NlmFlags.REQUEST | NlmFlags.ACK, 7);
    b.u8(2).u8(0).u16(0x0102); // a 4-byte family header
    b.attrU8(5, 0xaa); // 1-byte payload: nla_len 5, padded to 8
    b.attrU32(6, 0x01020304);
    b.attrString(3, 'v0'); // "v0\0": nla_len 7, padded to 8
    expect(b.finish()).toEqual(
      hex(`
        2c000000  // nlmsg_len = 44
        1800      // nlmsg_type = 24 (RTM_NEWROUTE)
        0500      // nlmsg_flags = REQUEST|ACK
        07000000  // nlmsg_seq = 7
        00000000  // nlmsg_pid = 0
        02 00 0201              // family header: u8 2, u8 0, u16 0x0102
        0500 0500 aa 000000     // nla_len 5, nla_type 5, 0xaa + 3 bytes padding
        0800 0600 04030201      // nla_len 8, nla_type 6, u32 0x01020304
        0700 0300 763000 00     // nla_len 7, nla_type 3 (IFNAME), "v0\\0" + 1 byte padding
      `),
    );
  });

  it('nests attributes with NLA_F_NESTED and a length covering the padded members', () => {
    const b = new MessageBuilder(16, NlmFlags.REQUEST);
    const outer = b.beginNested(18); // IFLA_LINKINFO
    b.attrString(1, 'veth'); // IFLA_INFO_KIND "veth\0" = 9 bytes → padded 12
    b.endNested(outer);
    expect(b.finish()).toEqual(
      hex(`
        20000000 1000 0100 00000000 00000000  // header: len 32, type 16, REQUEST, seq 0, pid 0
        1000 1280                             // nla_len 16, nla_type 18 | NLA_F_NESTED (0x8000)
        0900 0100 7665746800 000000           // nla_len 9, type 1, "veth\\0" + 3 padding
      `),
    );
  });

  it('encodeMessage frames a payload; setSequence rewrites seq and flags in place', () => {
    const m = encodeMessage(26, NlmFlags.REQUEST | NlmFlags.DUMP, 1, Uint8Array.of(2, 0, 0, 0));
    expect(m).toEqual(hex('14000000 1a00 0103 01000000 00000000 02000000'));
    setSequence(m, 0xdeadbeef, NlmFlags.REQUEST | NlmFlags.ACK);
    expect(m.subarray(6, 12)).toEqual(hex('0500 efbeadde'));
    expect(messageFlags(m)).toBe(NlmFlags.REQUEST | NlmFlags.ACK);
  });

  it('splits concatenated messages, the last one possibly unpadded', () => {
    const a = encodeMessage(16, 0, 1, Uint8Array.of(1, 2, 3, 4, 5)); // len 21, padded to 24
    const b = encodeMessage(17, 0, 2, Uint8Array.of(9));
    const datagram = new Uint8Array([...a, ...b.subarray(0, 17)]); // b unpadded at the end
    const msgs = splitMessages(datagram);
    expect(msgs.map((m) => [m.type, m.seq, [...m.payload]])).toEqual([
      [16, 1, [1, 2, 3, 4, 5]],
      [17, 2, [9]],
    ]);
  });

  it('throws a typed truncation error for a cut header or message', () => {
    const m = encodeMessage(16, 0, 1, new Uint8Array(8));
    for (let cut = 1; cut < m.length; cut++) {
      const err = catchErr(() => splitMessages(m.subarray(0, cut)));
      expect(err).toBeInstanceOf(NetlinkDecodeError);
      expect((err as NetlinkDecodeError).code).toBe(KernelErrorCode.Truncated);
    }
  });

  it('rejects impossible lengths as malformed', () => {
    const bad = hex('08000000 1000 0000 00000000 00000000'); // nlmsg_len 8 < 16
    expect(catchErr(() => splitMessages(bad))).toMatchObject({ code: KernelErrorCode.Malformed });
    const huge = hex('00001000 1000 0000 00000000 00000000'); // 1 MiB + … over maxMessageSize
    expect(catchErr(() => splitMessages(huge, { maxMessageSize: 4096 }))).toMatchObject({
      code: KernelErrorCode.Malformed,
    });
  });

  it('decodes the same messages whatever the chunking (every split offset)', () => {
    const datagrams = loadDatagrams('route-dump-v4.hex');
    const stream = concat(datagrams);
    const whole = splitAll(datagrams);
    for (let cut = 0; cut <= stream.length; cut += 7) {
      const d = new NetlinkDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      d.end();
      expect(got.length).toBe(whole.length);
      expect(got.map((m) => m.seq)).toEqual(whole.map((m) => m.seq));
    }
    // and byte by byte
    const d = new NetlinkDecoder();
    const got = [];
    for (let i = 0; i < stream.length; i++) got.push(...d.push(stream.subarray(i, i + 1)));
    d.end();
    expect(got.map((m) => [m.type, [...m.payload]])).toEqual(whole.map((m) => [m.type, [...m.payload]]));
  });

  it('NetlinkDecoder.end() reports a partial message', () => {
    const d = new NetlinkDecoder();
    d.push(encodeMessage(16, 0, 1, new Uint8Array(8)).subarray(0, 20));
    expect(d.buffered).toBe(20);
    expect(catchErr(() => d.end())).toMatchObject({ code: KernelErrorCode.Truncated });
  });

  it('iterates attributes and rejects truncated or short ones', () => {
    const attrs = hex(`
      0800 0100 0a010000  // type 1, u32
      0500 0200 ff 000000 // type 2, 1 byte
      0400 0300           // type 3, empty
    `);
    expect([...parseAttributes(attrs).entries()].map(([t, v]) => [t, v.length])).toEqual([
      [1, 4],
      [2, 1],
      [3, 0],
    ]);
    expect(catchErr(() => forEachAttribute(attrs, 0, 6, () => {}))).toMatchObject({
      code: KernelErrorCode.Truncated,
    });
    expect(catchErr(() => parseAttributes(hex('0200 0100')))).toMatchObject({
      code: KernelErrorCode.Malformed,
    });
    expect(catchErr(() => parseAttributes(hex('0800 0100 0a01')))).toMatchObject({
      code: KernelErrorCode.Truncated,
    });
    // NLA_F_NESTED / NLA_F_NET_BYTEORDER are masked off the type
    expect([...parseAttributes(hex('0400 1280')).keys()]).toEqual([18]);
    expect(readU32(hex('0a000000'))).toBe(10);
    expect(catchErr(() => readU32(hex('0a00')))).toMatchObject({ code: KernelErrorCode.Truncated });
    expect(readString(hex('76300000'))).toBe('v0');
  });

  it('decodes a captured EEXIST error with the echoed request', () => {
    const [datagram] = loadDatagrams('error-eexist.hex');
    const [msg] = splitMessages(datagram as Uint8Array);
    expect(msg?.type).toBe(NlmsgType.ERROR);
    const ack = decodeAck(msg!);
    expect(ack.error).toBe(-17); // -EEXIST
    expect(ack.request).toMatchObject({ type: 24, seq: 5, length: 52 });
  });

  it('decodes extended-ack TLVs (NLM_F_ACK_TLVS), capped and uncapped', () => {
    // Hand-built like net/netlink/af_netlink.c netlink_ack(): error, request header, [request body], TLVs.
    const tlvMsg = (capped: boolean) => {
      const b = new MessageBuilder(NlmsgType.ERROR, NlmFlags.ACK_TLVS | (capped ? NlmFlags.CAPPED : 0), 9);
      b.s32(-22) // error = -EINVAL
        .u32(capped ? 16 : 20) // echoed nlmsg_len (20: header + 4-byte body)
        .u16(24)
        .u16(5)
        .u32(9)
        .u32(0);
      if (!capped) b.u32(0xdeadbeef); // the echoed request body
      b.attrString(1, 'Invalid prefix for given prefix length'); // NLMSGERR_ATTR_MSG
      b.attrU32(2, 28); // NLMSGERR_ATTR_OFFS
      const [m] = splitMessages(b.finish());
      return decodeAck(m!);
    };
    for (const capped of [true, false]) {
      expect(tlvMsg(capped)).toMatchObject({
        error: -22,
        extackMessage: 'Invalid prefix for given prefix length',
        extackOffset: 28,
      });
    }
  });

  it('survives random bytes with typed errors only (fuzz)', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const base = concat(loadDatagrams('route-dump-v4.hex'));
    for (let i = 0; i < 2000; i++) {
      const b = base.slice(0, rand() % base.length);
      for (let k = 0; k < 4; k++) b[rand() % Math.max(1, b.length)] = rand() & 0xff;
      try {
        for (const m of splitMessages(b)) {
          if (m.type === NlmsgType.ERROR) decodeAck(m);
          else if (m.payload.length >= 12) parseAttributes(m.payload, 12);
        }
      } catch (err) {
        expect(err).toBeInstanceOf(NetlinkDecodeError);
      }
    }
  });

  it('align4 rounds up to 4', () => {
    expect([0, 1, 2, 3, 4, 5, 17].map(align4)).toEqual([0, 4, 4, 4, 4, 8, 20]);
  });
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function splitAll(datagrams: Uint8Array[]) {
  return datagrams.flatMap((d) => splitMessages(d));
}
