import { describe, expect, it } from 'vitest';
import { hex, loadDatagrams } from './__fixtures__/load.js';
import { NetlinkDecodeError } from './kernel-errors.js';
import {
  encodeMessage,
  HOST_LITTLE_ENDIAN,
  NlmsgType,
  setSequence,
  splitMessages,
} from './netlink-message.js';
import { RtmType, RuleAction } from './rtnetlink-constants.js';
import { decodeRuleMessage, encodeRuleDump, encodeRuleRequest, type RuleMessage } from './rule-codec.js';

const fromRule: RuleMessage = {
  family: 2,
  dstLength: 0,
  srcLength: 16,
  tos: 0,
  table: 1000,
  action: RuleAction.TO_TBL,
  flags: 0,
  source: Uint8Array.of(10, 9, 0, 0),
  priority: 1000,
  protocol: 69,
};

function withSeq(msg: Uint8Array, seq: number): Uint8Array {
  setSequence(msg, seq, msg[6]! | (msg[7]! << 8));
  return msg;
}

describe.runIf(HOST_LITTLE_ENDIAN)('rule codec (byte vectors, little-endian host)', () => {
  it('add = the bytes `ip rule add from 10.9.0.0/16 lookup 1000 priority 1000 protocol 69` sends', () => {
    expect(withSeq(encodeRuleRequest('add', fromRule), 1795765298)).toEqual(
      hex(`
        3c000000  // nlmsg_len = 60
        2000      // nlmsg_type = RTM_NEWRULE (32)
        0506      // REQUEST|ACK|EXCL|CREATE
        3234096b  // nlmsg_seq
        00000000  // nlmsg_pid
        02        // family = AF_INET
        00        // dst_len
        10        // src_len = 16
        00        // tos
        00        // table = RT_TABLE_UNSPEC (1000 is in FRA_TABLE)
        00 00     // res1, res2
        01        // action = FR_ACT_TO_TBL
        00000000  // flags
        0800 0200 0a090000  // FRA_SRC 10.9.0.0
        0800 0f00 e8030000  // FRA_TABLE 1000
        0800 0600 e8030000  // FRA_PRIORITY 1000
        0500 1500 45 000000 // FRA_PROTOCOL 69 (u8) + padding
      `),
    );
  });

  it('delete is RTM_DELRULE with REQUEST|ACK and the same selector', () => {
    const m = encodeRuleRequest('delete', fromRule);
    expect(m.subarray(4, 8)).toEqual(hex('2100 0500'));
    expect(m.subarray(16)).toEqual(encodeRuleRequest('add', fromRule).subarray(16));
  });

  it('a table below 256 goes in the header only', () => {
    const m = encodeRuleRequest('add', { ...fromRule, table: 100 });
    expect(m[16 + 4]).toBe(100);
    expect(m.length).toBe(60 - 8);
  });

  it('dump request', () => {
    expect(encodeRuleDump(10, 3)).toEqual(
      hex('1c000000 2200 0103 03000000 00000000 0a000000 00000000 00000000'),
    );
  });
});

describe('rule codec (round trips, captured dump)', () => {
  it('round-trips', () => {
    const full: RuleMessage = {
      ...fromRule,
      family: 10,
      srcLength: 0,
      source: undefined,
      dstLength: 48,
      destination: hex('20010db8000500000000000000000000'),
      table: 100,
      fwmark: 0x10,
      fwmask: 0xff,
      iifname: 'eth0',
      oifname: 'v0',
      suppressPrefixLength: 0,
    };
    const [msg] = splitMessages(encodeRuleRequest('add', full));
    expect(decodeRuleMessage(msg!)).toEqual(full);
  });

  it('decodes a captured AF_INET dump: our rule with FRA_PROTOCOL, a foreign one, the defaults', () => {
    const msgs = loadDatagrams('rule-dump-v4.hex').flatMap((d) => splitMessages(d));
    expect(msgs.at(-1)?.type).toBe(NlmsgType.DONE);
    const rules = msgs.filter((m) => m.type === RtmType.NEWRULE).map(decodeRuleMessage);
    expect(rules.find((r) => r.priority === 1000)).toMatchObject({
      srcLength: 16,
      source: Uint8Array.of(10, 9, 0, 0),
      table: 1000,
      protocol: 69,
      action: RuleAction.TO_TBL,
    });
    expect(rules.find((r) => r.priority === 1001)).toMatchObject({
      dstLength: 16,
      destination: Uint8Array.of(10, 8, 0, 0),
      table: 100,
      protocol: 0, // RTPROT_UNSPEC: what `ip rule add` without `protocol` sends
    });
    expect(rules.find((r) => r.priority === 32766)).toMatchObject({ table: 254, protocol: 2 }); // main, kernel
  });

  it('throws a typed error on a short fib_rule_hdr', () => {
    const [msg] = splitMessages(encodeMessage(32, 0, 0, new Uint8Array(8)));
    expect(() => decodeRuleMessage(msg!)).toThrow(NetlinkDecodeError);
  });
});
