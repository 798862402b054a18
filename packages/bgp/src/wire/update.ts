import type { Cidr } from '@edgeway/core';
import { decodeAttribute, encodeAttribute } from './attributes/codec.js';
import { Afi, decodePrefixes, encodePrefixes, Safi } from './attributes/prefix.js';
import { AttrCode, AttrFlag, type AttributeCodecOptions, type PathAttribute } from './attributes/types.js';
import { BgpError, type ErrorAction, ErrorCode, type NotificationInfo, UpdateSubcode } from './bgp-error.js';
import { ByteWriter } from './bytes.js';
import { frame, HEADER_LENGTH, MAX_MESSAGE_LENGTH, MessageType } from './header.js';

/** A non-fatal error found in an UPDATE, handled as RFC 7606 §2 says. */
export interface UpdateError {
  readonly action: Exclude<ErrorAction, 'session-reset'>;
  readonly notification: NotificationInfo;
  /** The attribute type code, when the error is in one attribute. */
  readonly attribute?: number;
  readonly message: string;
}

/** An UPDATE message (RFC 4271 §4.3). */
export interface UpdateMessage {
  readonly type: 'update';
  /** IPv4 withdrawn routes. */
  readonly withdrawn: readonly Cidr[];
  readonly attributes: readonly PathAttribute[];
  /** IPv4 NLRI. */
  readonly nlri: readonly Cidr[];
  /** Errors handled without a session reset (RFC 7606 §2); absent when none. */
  readonly errors?: readonly UpdateError[];
  /**
   * The strongest action taken: with `treat-as-withdraw` every NLRI of the message has been turned into a
   * withdrawal (`withdrawn` and `mp-unreach`) and the other attributes dropped (RFC 7606 §2).
   */
  readonly action?: Exclude<ErrorAction, 'session-reset'>;
}

/** Options of the UPDATE codec. */
export interface UpdateCodecOptions extends AttributeCodecOptions {
  /** Largest message to encode (4096, or 65535 with extended messages, RFC 8654). */
  readonly maxLength?: number;
}

const NLRI_CTX = {
  code: ErrorCode.UpdateMessage,
  subcode: UpdateSubcode.InvalidNetworkField,
  action: 'session-reset',
} as const;

function malformedList(message: string): BgpError {
  return new BgpError(message, {
    code: ErrorCode.UpdateMessage,
    subcode: UpdateSubcode.MalformedAttributeList,
  });
}

/**
 * Decodes a whole UPDATE message (RFC 4271 §4.3, §6.3) with RFC 7606 error handling: session-reset errors
 * throw; treat-as-withdraw and attribute-discard are reported in `errors` / `action`.
 * @throws BgpError whose `action` is `session-reset`.
 */
export function decodeUpdate(message: Uint8Array, options: AttributeCodecOptions = {}): UpdateMessage {
  const buf = message;
  const end = buf.length;
  let p = HEADER_LENGTH;
  const wLen = (buf[p]! << 8) | buf[p + 1]!;
  p += 2;
  // RFC 7606 §5.3: when the withdrawn or attribute lengths overrun, NLRI cannot be located: reset.
  if (p + wLen + 2 > end) throw malformedList(`withdrawn routes length ${wLen} overruns the message`);
  const withdrawn = decodePrefixes(buf, p, p + wLen, 4, NLRI_CTX);
  p += wLen;
  const aLen = (buf[p]! << 8) | buf[p + 1]!;
  p += 2;
  if (p + aLen > end) throw malformedList(`total path attribute length ${aLen} overruns the message`);
  const aEnd = p + aLen;
  const nlri = decodePrefixes(buf, aEnd, end, 4, NLRI_CTX);

  const errors: UpdateError[] = [];
  const attributes: PathAttribute[] = [];
  const seen = new Set<number>();
  const note = (e: BgpError, attribute?: number) => {
    if (e.action === 'session-reset') throw e;
    errors.push({
      action: e.action,
      notification: e.notification,
      message: e.message,
      ...(attribute === undefined ? {} : { attribute }),
    });
  };
  while (p < aEnd) {
    if (p + 3 > aEnd) {
      note(
        new BgpError(
          'truncated attribute header',
          { code: ErrorCode.UpdateMessage, subcode: UpdateSubcode.AttributeLengthError },
          { action: 'treat-as-withdraw' },
        ),
      );
      break;
    }
    const flags = buf[p]!;
    const code = buf[p + 1]!;
    const ext = (flags & AttrFlag.ExtendedLength) !== 0;
    const hdr = ext ? 4 : 3;
    if (p + hdr > aEnd) {
      note(
        new BgpError(
          'truncated attribute header',
          { code: ErrorCode.UpdateMessage, subcode: UpdateSubcode.AttributeLengthError },
          { action: 'treat-as-withdraw' },
        ),
        code,
      );
      break;
    }
    const len = ext ? (buf[p + 2]! << 8) | buf[p + 3]! : buf[p + 2]!;
    if (p + hdr + len > aEnd) {
      // RFC 7606 §4: an attribute overrunning the attribute field; MP attributes cannot be trusted then.
      const e = new BgpError(
        `attribute ${code} of length ${len} overruns the attributes`,
        { code: ErrorCode.UpdateMessage, subcode: UpdateSubcode.AttributeLengthError },
        {
          action:
            code === AttrCode.MpReachNlri || code === AttrCode.MpUnreachNlri
              ? 'session-reset'
              : 'treat-as-withdraw',
        },
      );
      note(e, code);
      break;
    }
    const value = buf.slice(p + hdr, p + hdr + len);
    p += hdr + len;
    if (seen.has(code)) {
      // RFC 7606 §3g: keep the first; MP_REACH/MP_UNREACH more than once resets the session.
      if (code === AttrCode.MpReachNlri || code === AttrCode.MpUnreachNlri) {
        throw malformedList(`attribute ${code} appears twice`);
      }
      note(
        new BgpError(
          `attribute ${code} appears twice`,
          { code: ErrorCode.UpdateMessage, subcode: UpdateSubcode.MalformedAttributeList },
          { action: 'attribute-discard' },
        ),
        code,
      );
      continue;
    }
    seen.add(code);
    try {
      attributes.push(decodeAttribute(code, flags, value, options));
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      note(e, code);
    }
  }

  // RFC 7606 §3d / RFC 4271 §6.3: missing well-known mandatory attributes when there is NLRI to advertise.
  const hasMpReach = attributes.some((a) => a.type === 'mp-reach' && a.nlri.length > 0) || seen.has(14);
  if (nlri.length > 0 || hasMpReach) {
    const required: number[] = [AttrCode.Origin, AttrCode.AsPath];
    if (nlri.length > 0) required.push(AttrCode.NextHop);
    for (const code of required) {
      if (!seen.has(code)) {
        errors.push({
          action: 'treat-as-withdraw',
          attribute: code,
          message: `missing well-known attribute ${code}`,
          notification: {
            code: ErrorCode.UpdateMessage,
            subcode: UpdateSubcode.MissingWellKnownAttribute,
            data: Uint8Array.of(code),
          },
        });
      }
    }
  }

  if (errors.length === 0) return { type: 'update', withdrawn, attributes, nlri };
  if (errors.some((e) => e.action === 'treat-as-withdraw')) {
    const withdrawals: PathAttribute[] = [];
    for (const a of attributes) {
      if (a.type === 'mp-reach') {
        withdrawals.push({ type: 'mp-unreach', afi: a.afi, safi: a.safi, withdrawn: a.nlri });
      } else if (a.type === 'mp-unreach') withdrawals.push(a);
    }
    return {
      type: 'update',
      withdrawn: [...withdrawn, ...nlri],
      attributes: withdrawals,
      nlri: [],
      errors,
      action: 'treat-as-withdraw',
    };
  }
  return { type: 'update', withdrawn, attributes, nlri, errors, action: 'attribute-discard' };
}

/**
 * Encodes an UPDATE (RFC 4271 §4.3). `errors` and `action` are ignored.
 * @throws BgpError `ERR_BGP_UNENCODABLE` when it exceeds `maxLength`.
 */
export function encodeUpdate(
  msg: Pick<UpdateMessage, 'withdrawn' | 'attributes' | 'nlri'>,
  options: UpdateCodecOptions = {},
): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(0);
  encodePrefixes(w, msg.withdrawn);
  w.setU16(0, w.length - 2);
  const aStart = w.length;
  w.u16(0);
  for (const a of msg.attributes) encodeAttribute(w, a, options);
  w.setU16(aStart, w.length - aStart - 2);
  encodePrefixes(w, msg.nlri);
  return frame(MessageType.Update, w.finish(), options.maxLength ?? MAX_MESSAGE_LENGTH);
}

/**
 * Recognizes an End-of-RIB marker (RFC 4724 §2): an empty UPDATE for IPv4 unicast, or an UPDATE holding only
 * an empty MP_UNREACH_NLRI for other families. Returns its AFI/SAFI, or undefined.
 */
export function endOfRib(msg: UpdateMessage): { afi: number; safi: number } | undefined {
  if (msg.withdrawn.length > 0 || msg.nlri.length > 0 || msg.errors !== undefined) return undefined;
  if (msg.attributes.length === 0) return { afi: Afi.Ipv4, safi: Safi.Unicast };
  if (msg.attributes.length !== 1) return undefined;
  const a = msg.attributes[0]!;
  if (a.type === 'mp-unreach' && a.withdrawn.length === 0) return { afi: a.afi, safi: a.safi };
  if (a.type === 'unknown' && a.code === AttrCode.MpUnreachNlri && a.value.length === 3) {
    return { afi: (a.value[0]! << 8) | a.value[1]!, safi: a.value[2]! };
  }
  return undefined;
}

/** Builds an End-of-RIB marker for a family (RFC 4724 §2). */
export function encodeEndOfRib(afi: number, safi: number): Uint8Array {
  if (afi === Afi.Ipv4 && safi === Safi.Unicast)
    return encodeUpdate({ withdrawn: [], attributes: [], nlri: [] });
  const attr: PathAttribute = {
    type: 'unknown',
    code: AttrCode.MpUnreachNlri,
    flags: AttrFlag.Optional,
    value: Uint8Array.of(afi >>> 8, afi & 0xff, safi),
  };
  return encodeUpdate({ withdrawn: [], attributes: [attr], nlri: [] });
}
