import { CeaseSubcode, ErrorCode, notification } from '../wire/index.js';

const utf8 = new TextEncoder();

/** The RFC 8203 / RFC 9003 shutdown communication for Cease 2 and 4 (length byte + UTF-8, ≤ 255 bytes). */
export function shutdownData(subcode: number, message: string | undefined): Uint8Array | undefined {
  if (message === undefined) return undefined;
  if (subcode !== CeaseSubcode.AdministrativeShutdown && subcode !== CeaseSubcode.AdministrativeReset) {
    return undefined;
  }
  let text = message;
  while (utf8.encode(text).length > 255) text = text.slice(0, -1);
  return notification(ErrorCode.Cease, subcode, undefined, text).data;
}

/** The shutdown communication carried by a Cease 2/4 NOTIFICATION's data, if valid UTF-8 (RFC 9003 §2). */
export function shutdownText(code: number, subcode: number, data: Uint8Array): string | undefined {
  if (code !== ErrorCode.Cease || data.length === 0) return undefined;
  if (subcode !== CeaseSubcode.AdministrativeShutdown && subcode !== CeaseSubcode.AdministrativeReset) {
    return undefined;
  }
  const len = data[0]!;
  if (len + 1 > data.length) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(1, 1 + len));
  } catch {
    return undefined;
  }
}
