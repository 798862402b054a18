/** Reads a captured `.hex` fixture of this folder: one datagram per line, `#` lines are comments. */
import { readFileSync } from 'node:fs';

export function loadDatagrams(name: string): Uint8Array[] {
  const text = readFileSync(new URL(name, import.meta.url), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((hex) => new Uint8Array(Buffer.from(hex, 'hex')));
}

/** Bytes from a hex string with spaces, newlines and `//` comments allowed (for byte-vector tests). */
export function hex(text: string): Uint8Array {
  const clean = text
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
