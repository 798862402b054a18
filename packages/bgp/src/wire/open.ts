import { BgpError, ErrorCode, OpenSubcode } from './bgp-error.js';
import { ByteReader, ByteWriter, ipv4ToString } from './bytes.js';
import { frame, HEADER_LENGTH, MessageType } from './header.js';

/** AS_TRANS, sent in My AS by a 4-octet AS speaker whose AS does not fit 2 octets (RFC 6793 §9). */
export const AS_TRANS = 23456;

/** Capability codes (IANA; RFC 4760, 2918, 8654, 4724, 6793). */
export const CapabilityCode = {
  Multiprotocol: 1,
  RouteRefresh: 2,
  ExtendedMessage: 6,
  GracefulRestart: 64,
  FourOctetAs: 65,
} as const;

/** A per-family entry of the graceful restart capability (RFC 4724 §3). */
export interface GracefulRestartFamily {
  readonly afi: number;
  readonly safi: number;
  readonly forwardingPreserved: boolean;
}

/** A BGP capability (RFC 5492 §4). */
export type Capability =
  | { readonly type: 'multiprotocol'; readonly afi: number; readonly safi: number }
  | { readonly type: 'route-refresh' }
  | { readonly type: 'extended-message' }
  | { readonly type: 'four-octet-as'; readonly asn: number }
  | {
      readonly type: 'graceful-restart';
      readonly restarting: boolean;
      readonly notification: boolean;
      readonly restartTime: number;
      readonly families: readonly GracefulRestartFamily[];
    }
  | { readonly type: 'unknown'; readonly code: number; readonly value: Uint8Array };

/** An OPEN message (RFC 4271 §4.2). */
export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The speaker's AS: from the 4-octet AS capability when present (RFC 6793 §4.1), else the My AS field. */
  readonly myAs: number;
  readonly holdTime: number;
  /** BGP Identifier, dotted quad. */
  readonly bgpId: string;
  readonly capabilities: readonly Capability[];
  /** Optional parameters other than capabilities (type ≠ 2), kept raw. */
  readonly parameters?: readonly { readonly type: number; readonly value: Uint8Array }[];
}

function openError(subcode: number, message: string, data?: Uint8Array): BgpError {
  return new BgpError(
    message,
    data === undefined
      ? { code: ErrorCode.OpenMessage, subcode }
      : { code: ErrorCode.OpenMessage, subcode, data },
  );
}

function decodeCapability(code: number, v: Uint8Array): Capability {
  const bad = (want: string) =>
    openError(OpenSubcode.Unspecific, `capability ${code} has length ${v.length}, want ${want}`);
  switch (code) {
    case CapabilityCode.Multiprotocol:
      if (v.length !== 4) throw bad('4');
      return { type: 'multiprotocol', afi: (v[0]! << 8) | v[1]!, safi: v[3]! };
    case CapabilityCode.RouteRefresh:
      if (v.length !== 0) throw bad('0');
      return { type: 'route-refresh' };
    case CapabilityCode.ExtendedMessage:
      if (v.length !== 0) throw bad('0');
      return { type: 'extended-message' };
    case CapabilityCode.FourOctetAs: {
      if (v.length !== 4) throw bad('4');
      const asn = ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
      if (asn === 0) throw openError(OpenSubcode.BadPeerAs, '4-octet AS capability carries AS 0');
      return { type: 'four-octet-as', asn };
    }
    case CapabilityCode.GracefulRestart: {
      if (v.length < 2 || (v.length - 2) % 4 !== 0) throw bad('2 + 4n');
      const families: GracefulRestartFamily[] = [];
      for (let i = 2; i < v.length; i += 4) {
        families.push({
          afi: (v[i]! << 8) | v[i + 1]!,
          safi: v[i + 2]!,
          forwardingPreserved: (v[i + 3]! & 0x80) !== 0,
        });
      }
      return {
        type: 'graceful-restart',
        restarting: (v[0]! & 0x80) !== 0,
        notification: (v[0]! & 0x40) !== 0,
        restartTime: ((v[0]! & 0x0f) << 8) | v[1]!,
        families,
      };
    }
    default:
      return { type: 'unknown', code, value: v };
  }
}

function encodeCapability(c: Capability): { code: number; value: Uint8Array } {
  switch (c.type) {
    case 'multiprotocol':
      return { code: 1, value: Uint8Array.of(c.afi >>> 8, c.afi & 0xff, 0, c.safi) };
    case 'route-refresh':
      return { code: 2, value: new Uint8Array(0) };
    case 'extended-message':
      return { code: 6, value: new Uint8Array(0) };
    case 'four-octet-as':
      return { code: 65, value: new ByteWriter(4).u32(c.asn).finish() };
    case 'graceful-restart': {
      const w = new ByteWriter();
      w.u16(((c.restarting ? 0x8 : 0) | (c.notification ? 0x4 : 0)) * 0x1000 + (c.restartTime & 0x0fff));
      for (const f of c.families)
        w.u16(f.afi)
          .u8(f.safi)
          .u8(f.forwardingPreserved ? 0x80 : 0);
      return { code: 64, value: w.finish() };
    }
    case 'unknown':
      return { code: c.code, value: c.value };
  }
}

/**
 * Decodes a whole OPEN message (RFC 4271 §4.2, §6.2; RFC 5492; RFC 9072 extended parameters length).
 * @throws BgpError 2/1 (data: version 4 as 2 bytes), 2/2, 2/3, 2/4, 2/6, or 2/0 for malformed parameters.
 */
export function decodeOpen(message: Uint8Array): OpenMessage {
  const r = new ByteReader(message, { code: ErrorCode.OpenMessage, subcode: OpenSubcode.Unspecific });
  r.pos = HEADER_LENGTH;
  const version = r.u8();
  if (version !== 4) {
    throw openError(
      OpenSubcode.UnsupportedVersionNumber,
      `unsupported BGP version ${version}`,
      Uint8Array.of(0, 4),
    );
  }
  const as2 = r.u16();
  const holdTime = r.u16();
  if (holdTime === 1 || holdTime === 2) {
    throw openError(OpenSubcode.UnacceptableHoldTime, `unacceptable hold time ${holdTime}`);
  }
  const id = r.u32();
  if (id === 0) throw openError(OpenSubcode.BadBgpIdentifier, 'BGP identifier is 0');
  let optLen = r.u8();
  let extended = false;
  if (optLen === 255 && r.remaining >= 1 && message[r.pos] === 255) {
    // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, then a 2-byte length.
    r.pos++;
    optLen = r.u16();
    extended = true;
  }
  if (optLen !== r.remaining) {
    throw openError(OpenSubcode.Unspecific, `optional parameters length ${optLen} != ${r.remaining}`);
  }
  const capabilities: Capability[] = [];
  const parameters: { type: number; value: Uint8Array }[] = [];
  while (r.remaining > 0) {
    const ptype = r.u8('parameter type');
    const plen = extended ? r.u16('parameter length') : r.u8('parameter length');
    const pval = r.bytes(plen, 'parameter value');
    if (ptype !== 2) {
      parameters.push({ type: ptype, value: pval });
      continue;
    }
    const cr = new ByteReader(pval, { code: ErrorCode.OpenMessage, subcode: OpenSubcode.Unspecific });
    while (cr.remaining > 0) {
      const code = cr.u8('capability code');
      const len = cr.u8('capability length');
      capabilities.push(decodeCapability(code, cr.bytes(len, 'capability value')));
    }
  }
  if (parameters.length > 0) {
    throw openError(
      OpenSubcode.UnsupportedOptionalParameter,
      `unsupported optional parameter ${parameters[0]!.type}`,
    );
  }
  const four = capabilities.find((c) => c.type === 'four-octet-as');
  const myAs = four ? four.asn : as2;
  if (myAs === 0) throw openError(OpenSubcode.BadPeerAs, 'My AS is 0');
  return { type: 'open', version, myAs, holdTime, bgpId: ipv4ToString(id), capabilities };
}

function parseIpv4(text: string): number {
  const parts = text.split('.');
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  if (nums.length !== 4 || nums.some((n) => !(n >= 0 && n <= 255))) {
    throw new BgpError(
      `bad IPv4 address ${text}`,
      { code: ErrorCode.OpenMessage, subcode: OpenSubcode.BadBgpIdentifier },
      { code: 'ERR_BGP_UNENCODABLE' },
    );
  }
  return ((nums[0]! << 24) | (nums[1]! << 16) | (nums[2]! << 8) | nums[3]!) >>> 0;
}

/**
 * Encodes an OPEN (RFC 4271 §4.2). My AS is AS_TRANS when `myAs` needs 4 octets (RFC 6793 §4.2.1);
 * one capability parameter per capability; RFC 9072 extended lengths when the parameters exceed 255 bytes.
 */
export function encodeOpen(msg: Omit<OpenMessage, 'type' | 'version'> & { version?: number }): Uint8Array {
  if (msg.myAs > 0xffff && !msg.capabilities.some((c) => c.type === 'four-octet-as')) {
    throw new BgpError(
      `AS ${msg.myAs} needs the 4-octet AS capability`,
      { code: ErrorCode.OpenMessage, subcode: OpenSubcode.BadPeerAs },
      { code: 'ERR_BGP_UNENCODABLE' },
    );
  }
  const params: { type: number; value: Uint8Array }[] = [];
  for (const c of msg.capabilities) {
    const { code, value } = encodeCapability(c);
    params.push({ type: 2, value: new ByteWriter().u8(code).u8(value.length).bytes(value).finish() });
  }
  for (const p of msg.parameters ?? []) params.push({ type: p.type, value: p.value });
  const shortLen = params.reduce((n, p) => n + 2 + p.value.length, 0);
  const extended = shortLen > 255 || params.some((p) => p.value.length > 255);
  const w = new ByteWriter();
  w.u8(msg.version ?? 4)
    .u16(msg.myAs > 0xffff ? AS_TRANS : msg.myAs)
    .u16(msg.holdTime)
    .u32(parseIpv4(msg.bgpId));
  if (extended) {
    w.u8(255)
      .u8(255)
      .u16(shortLen + params.length);
    for (const p of params) w.u8(p.type).u16(p.value.length).bytes(p.value);
  } else {
    w.u8(shortLen);
    for (const p of params) w.u8(p.type).u8(p.value.length).bytes(p.value);
  }
  return frame(MessageType.Open, w.finish());
}
