import { BgpError } from './bgp-error.js';

/** Hex with `#` comments and whitespace to bytes (tests only). */
export function hx(text: string): Uint8Array {
  const clean = text.replace(/#.*$/gm, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex: ${clean}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

/** The 16-byte all-ones marker as hex. */
export const MARKER = 'ffffffffffffffffffffffffffffffff';

/** Runs `fn`, expecting a BgpError; returns it. */
export function catchBgp(fn: () => unknown): BgpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BgpError) return e;
    throw new Error(`expected BgpError, got ${String(e)}`);
  }
  throw new Error('expected BgpError, nothing thrown');
}
