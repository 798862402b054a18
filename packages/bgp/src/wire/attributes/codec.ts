import { IpAddress } from '@edgeway/core';
import { BgpError, type ErrorAction, ErrorCode, UpdateSubcode } from '../bgp-error.js';
import { ByteWriter, ipv4ToString, readUint } from '../bytes.js';
import { Afi, decodePrefixes, encodePrefixes, Safi } from './prefix.js';
import {
  type AsPathSegment,
  AttrCode,
  AttrFlag,
  type AttributeCodecOptions,
  type PathAttribute,
} from './types.js';

interface AttrSpec {
  /** Expected Optional and Transitive bits (RFC 4271 §5). */
  readonly flags: number;
  /** What RFC 7606 says to do when the attribute is malformed. */
  readonly action: ErrorAction;
}

/** Flags and RFC 7606 §7 handling of each attribute this codec knows. */
export const ATTRIBUTE_SPECS: Readonly<Record<number, AttrSpec>> = {
  [AttrCode.Origin]: { flags: 0x40, action: 'treat-as-withdraw' }, // RFC 7606 §7.1
  [AttrCode.AsPath]: { flags: 0x40, action: 'treat-as-withdraw' }, // §7.2
  [AttrCode.NextHop]: { flags: 0x40, action: 'treat-as-withdraw' }, // §7.3
  [AttrCode.MultiExitDisc]: { flags: 0x80, action: 'treat-as-withdraw' }, // §7.4
  [AttrCode.LocalPref]: { flags: 0x40, action: 'treat-as-withdraw' }, // §7.5
  [AttrCode.AtomicAggregate]: { flags: 0x40, action: 'attribute-discard' }, // §7.6
  [AttrCode.Aggregator]: { flags: 0xc0, action: 'attribute-discard' }, // §7.7
  [AttrCode.Communities]: { flags: 0xc0, action: 'treat-as-withdraw' }, // §7.8
  [AttrCode.MpReachNlri]: { flags: 0x80, action: 'session-reset' }, // §7.11
  [AttrCode.MpUnreachNlri]: { flags: 0x80, action: 'session-reset' }, // §7.11
  [AttrCode.As4Path]: { flags: 0xc0, action: 'attribute-discard' }, // RFC 6793 §6
  [AttrCode.As4Aggregator]: { flags: 0xc0, action: 'attribute-discard' }, // RFC 6793 §6
  [AttrCode.LargeCommunity]: { flags: 0xc0, action: 'treat-as-withdraw' }, // RFC 8092 §6
};

const SEGMENT_TYPES = ['set', 'sequence', 'confed-sequence', 'confed-set'] as const;
const SEGMENT_CODES: Record<AsPathSegment['type'], number> = {
  set: 1,
  sequence: 2,
  'confed-sequence': 3,
  'confed-set': 4,
};

function fail(code: number, subcode: number, message: string, value: Uint8Array, flags: number): BgpError {
  const spec = ATTRIBUTE_SPECS[code];
  // RFC 4271 §6.3: the data is the erroneous attribute (type, length, value).
  const w = new ByteWriter(value.length + 4).u8(flags).u8(code);
  if (flags & AttrFlag.ExtendedLength) w.u16(value.length);
  else w.u8(value.length);
  return new BgpError(
    message,
    { code: ErrorCode.UpdateMessage, subcode, data: w.bytes(value).finish() },
    { action: spec?.action ?? 'session-reset', details: { attribute: code } },
  );
}

function decodeSegments(code: number, flags: number, v: Uint8Array, asSize: 2 | 4): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  const subcode =
    code === AttrCode.AsPath ? UpdateSubcode.MalformedAsPath : UpdateSubcode.OptionalAttributeError;
  let p = 0;
  while (p < v.length) {
    if (p + 2 > v.length) throw fail(code, subcode, 'truncated AS path segment header', v, flags);
    const t = v[p]!;
    const n = v[p + 1]!;
    p += 2;
    const type = SEGMENT_TYPES[t - 1];
    if (type === undefined) throw fail(code, subcode, `bad AS path segment type ${t}`, v, flags);
    if (n === 0) throw fail(code, subcode, 'empty AS path segment', v, flags);
    if (p + n * asSize > v.length) throw fail(code, subcode, 'AS path segment overruns', v, flags);
    const asns: number[] = new Array(n);
    for (let i = 0; i < n; i++, p += asSize) asns[i] = readUint(v, p, asSize);
    segments.push({ type, asns });
  }
  return segments;
}

function decodeMpReach(flags: number, v: Uint8Array): PathAttribute {
  const code = AttrCode.MpReachNlri;
  const sub = UpdateSubcode.OptionalAttributeError;
  if (v.length < 5) throw fail(code, sub, 'MP_REACH_NLRI too short', v, flags);
  const afi = (v[0]! << 8) | v[1]!;
  const safi = v[2]!;
  const nhLen = v[3]!;
  if (4 + nhLen + 1 > v.length) throw fail(code, sub, 'MP_REACH_NLRI next hop overruns', v, flags);
  if (safi !== Safi.Unicast || (afi !== Afi.Ipv4 && afi !== Afi.Ipv6)) {
    return { type: 'unknown', code, flags, value: v };
  }
  const nh = v.subarray(4, 4 + nhLen);
  let nextHop: string;
  let linkLocalNextHop: string | undefined;
  if (afi === Afi.Ipv4 && nhLen === 4) nextHop = IpAddress.fromBytes(nh).toString();
  else if (afi === Afi.Ipv6 && (nhLen === 16 || nhLen === 32)) {
    nextHop = IpAddress.fromBytes(nh.subarray(0, 16)).toString();
    if (nhLen === 32) linkLocalNextHop = IpAddress.fromBytes(nh.subarray(16, 32)).toString();
  } else {
    throw fail(code, sub, `MP_REACH_NLRI next hop length ${nhLen} for AFI ${afi}`, v, flags);
  }
  const nlri = decodePrefixes(v, 4 + nhLen + 1, v.length, afi === Afi.Ipv4 ? 4 : 6, {
    code: ErrorCode.UpdateMessage,
    subcode: sub,
    action: 'session-reset',
  });
  return linkLocalNextHop === undefined
    ? { type: 'mp-reach', afi, safi, nextHop, nlri }
    : { type: 'mp-reach', afi, safi, nextHop, linkLocalNextHop, nlri };
}

function decodeMpUnreach(flags: number, v: Uint8Array): PathAttribute {
  const code = AttrCode.MpUnreachNlri;
  const sub = UpdateSubcode.OptionalAttributeError;
  if (v.length < 3) throw fail(code, sub, 'MP_UNREACH_NLRI too short', v, flags);
  const afi = (v[0]! << 8) | v[1]!;
  const safi = v[2]!;
  if (safi !== Safi.Unicast || (afi !== Afi.Ipv4 && afi !== Afi.Ipv6)) {
    return { type: 'unknown', code, flags, value: v };
  }
  const withdrawn = decodePrefixes(v, 3, v.length, afi === Afi.Ipv4 ? 4 : 6, {
    code: ErrorCode.UpdateMessage,
    subcode: sub,
    action: 'session-reset',
  });
  return { type: 'mp-unreach', afi, safi, withdrawn };
}

/**
 * Decodes one attribute value (RFC 4271 §4.3/§5 and per-type RFCs), checking its flags (RFC 7606 §3c).
 * @throws BgpError with the NOTIFICATION and the RFC 7606 action of this attribute.
 */
export function decodeAttribute(
  code: number,
  flags: number,
  v: Uint8Array,
  options: AttributeCodecOptions = {},
): PathAttribute {
  const spec = ATTRIBUTE_SPECS[code];
  if (spec === undefined) {
    if ((flags & AttrFlag.Optional) === 0) {
      throw new BgpError(
        `unrecognized well-known attribute ${code}`,
        { code: ErrorCode.UpdateMessage, subcode: UpdateSubcode.UnrecognizedWellKnownAttribute, data: v },
        { details: { attribute: code } },
      );
    }
    return { type: 'unknown', code, flags, value: v };
  }
  if ((flags & 0xc0) !== spec.flags) {
    throw fail(
      code,
      UpdateSubcode.AttributeFlagsError,
      `attribute ${code} flags 0x${flags.toString(16)}`,
      v,
      flags,
    );
  }
  const len = (want: number | boolean): void => {
    if (want === true || v.length === want) return;
    throw fail(
      code,
      UpdateSubcode.AttributeLengthError,
      `attribute ${code} has length ${v.length}`,
      v,
      flags,
    );
  };
  const asSize = options.fourOctetAs ? 4 : 2;
  switch (code) {
    case AttrCode.Origin:
      len(1);
      if (v[0]! > 2) throw fail(code, UpdateSubcode.InvalidOriginAttribute, `ORIGIN ${v[0]}`, v, flags);
      return { type: 'origin', origin: v[0]! };
    case AttrCode.AsPath:
      return { type: 'as-path', segments: decodeSegments(code, flags, v, asSize) };
    case AttrCode.NextHop:
      len(4);
      return { type: 'next-hop', nextHop: ipv4ToString(readUint(v, 0, 4)) };
    case AttrCode.MultiExitDisc:
      len(4);
      return { type: 'med', med: readUint(v, 0, 4) };
    case AttrCode.LocalPref:
      len(4);
      return { type: 'local-pref', localPref: readUint(v, 0, 4) };
    case AttrCode.AtomicAggregate:
      len(0);
      return { type: 'atomic-aggregate' };
    case AttrCode.Aggregator:
    case AttrCode.As4Aggregator: {
      const size = code === AttrCode.Aggregator ? asSize : 4;
      len(size + 4);
      const asn = readUint(v, 0, size);
      const address = ipv4ToString(readUint(v, size, 4));
      return code === AttrCode.Aggregator
        ? { type: 'aggregator', asn, address }
        : { type: 'as4-aggregator', asn, address };
    }
    case AttrCode.Communities: {
      len(v.length > 0 && v.length % 4 === 0);
      const communities: number[] = [];
      for (let i = 0; i < v.length; i += 4) communities.push(readUint(v, i, 4));
      return { type: 'communities', communities };
    }
    case AttrCode.LargeCommunity: {
      len(v.length > 0 && v.length % 12 === 0);
      const communities = [];
      for (let i = 0; i < v.length; i += 12) {
        communities.push({
          globalAdmin: readUint(v, i, 4),
          local1: readUint(v, i + 4, 4),
          local2: readUint(v, i + 8, 4),
        });
      }
      return { type: 'large-communities', communities };
    }
    case AttrCode.As4Path:
      return { type: 'as4-path', segments: decodeSegments(code, flags, v, 4) };
    case AttrCode.MpReachNlri:
      return decodeMpReach(flags, v);
    default:
      return decodeMpUnreach(flags, v);
  }
}

function ipv4Bytes(text: string): Uint8Array {
  const ip = IpAddress.parse(text);
  if (ip.family !== 4) {
    throw new BgpError(`${text} is not IPv4`, { code: 3, subcode: 0 }, { code: 'ERR_BGP_UNENCODABLE' });
  }
  return ip.toBytes();
}

function encodeSegments(w: ByteWriter, segments: readonly AsPathSegment[], asSize: 2 | 4): void {
  for (const s of segments) {
    // A segment holds at most 255 ASNs (RFC 4271 §4.3); longer runs are split.
    for (let i = 0; i < s.asns.length; i += 255) {
      const chunk = s.asns.slice(i, i + 255);
      w.u8(SEGMENT_CODES[s.type]).u8(chunk.length);
      for (const a of chunk) {
        if (asSize === 2) w.u16(a);
        else w.u32(a);
      }
    }
  }
}

/** The type code of an attribute. */
export function attributeCode(a: PathAttribute): number {
  switch (a.type) {
    case 'origin':
      return AttrCode.Origin;
    case 'as-path':
      return AttrCode.AsPath;
    case 'next-hop':
      return AttrCode.NextHop;
    case 'med':
      return AttrCode.MultiExitDisc;
    case 'local-pref':
      return AttrCode.LocalPref;
    case 'atomic-aggregate':
      return AttrCode.AtomicAggregate;
    case 'aggregator':
      return AttrCode.Aggregator;
    case 'communities':
      return AttrCode.Communities;
    case 'mp-reach':
      return AttrCode.MpReachNlri;
    case 'mp-unreach':
      return AttrCode.MpUnreachNlri;
    case 'as4-path':
      return AttrCode.As4Path;
    case 'as4-aggregator':
      return AttrCode.As4Aggregator;
    case 'large-communities':
      return AttrCode.LargeCommunity;
    case 'unknown':
      return a.code;
  }
}

function encodeValue(a: PathAttribute, asSize: 2 | 4): Uint8Array {
  const w = new ByteWriter();
  switch (a.type) {
    case 'origin':
      w.u8(a.origin);
      break;
    case 'as-path':
      encodeSegments(w, a.segments, asSize);
      break;
    case 'as4-path':
      encodeSegments(w, a.segments, 4);
      break;
    case 'next-hop':
      w.bytes(ipv4Bytes(a.nextHop));
      break;
    case 'med':
      w.u32(a.med);
      break;
    case 'local-pref':
      w.u32(a.localPref);
      break;
    case 'atomic-aggregate':
      break;
    case 'aggregator':
      if (asSize === 2) w.u16(a.asn);
      else w.u32(a.asn);
      w.bytes(ipv4Bytes(a.address));
      break;
    case 'as4-aggregator':
      w.u32(a.asn).bytes(ipv4Bytes(a.address));
      break;
    case 'communities':
      for (const c of a.communities) w.u32(c);
      break;
    case 'large-communities':
      for (const c of a.communities) w.u32(c.globalAdmin).u32(c.local1).u32(c.local2);
      break;
    case 'mp-reach': {
      const nh = IpAddress.parse(a.nextHop).toBytes();
      const ll = a.linkLocalNextHop === undefined ? undefined : IpAddress.parse(a.linkLocalNextHop).toBytes();
      w.u16(a.afi)
        .u8(a.safi)
        .u8(nh.length + (ll?.length ?? 0))
        .bytes(nh);
      if (ll) w.bytes(ll);
      w.u8(0);
      encodePrefixes(w, a.nlri);
      break;
    }
    case 'mp-unreach':
      w.u16(a.afi).u8(a.safi);
      encodePrefixes(w, a.withdrawn);
      break;
    case 'unknown':
      w.bytes(a.value);
      break;
  }
  return w.finish();
}

/**
 * Appends one attribute as flags, type, length, value (RFC 4271 §4.3); the Extended Length bit is set
 * when the value exceeds 255 bytes. Known attributes get their RFC flags; unknown ones keep theirs.
 */
export function encodeAttribute(w: ByteWriter, a: PathAttribute, options: AttributeCodecOptions = {}): void {
  const code = attributeCode(a);
  const value = encodeValue(a, options.fourOctetAs ? 4 : 2);
  const base = a.type === 'unknown' ? a.flags & 0xe0 : ATTRIBUTE_SPECS[code]!.flags;
  const ext = value.length > 255;
  w.u8(base | (ext ? AttrFlag.ExtendedLength : 0)).u8(code);
  if (ext) w.u16(value.length);
  else w.u8(value.length);
  w.bytes(value);
}
