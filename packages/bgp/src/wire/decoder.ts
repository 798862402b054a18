import { BgpError, ErrorCode, HeaderSubcode } from './bgp-error.js';
import { HEADER_LENGTH, parseHeader } from './header.js';
import { type BgpMessage, type CodecOptions, decodeMessage, maxMessageLength } from './message.js';

/**
 * An incremental decoder for a BGP byte stream (RFC 4271 §4): `push(chunk)` returns every message the
 * bytes complete and holds a partial one until its rest arrives.
 *
 * After a decode error the decoder is failed: messages decoded before the error in the same chunk are
 * returned, and that push's next call (and every one after) throws the {@link BgpError}, whose
 * `notification` is the reply. Call {@link BgpDecoder.end} at end of stream to detect a truncated message.
 */
export class BgpDecoder {
  #options: CodecOptions;
  #buf: Uint8Array = new Uint8Array(0);
  #error: BgpError | undefined;

  constructor(options: CodecOptions = {}) {
    this.#options = { ...options };
  }

  /** Changes the options after negotiation (e.g. extended messages, 4-octet AS; RFC 8654, RFC 6793). */
  setOptions(options: CodecOptions): void {
    this.#options = { ...options };
  }

  /** Bytes held for an incomplete message. */
  get pending(): number {
    return this.#buf.length;
  }

  /** The error that failed this decoder, if any. */
  get error(): BgpError | undefined {
    return this.#error;
  }

  /**
   * Feeds bytes; returns the complete messages.
   * @throws BgpError the first decode error (immediately when no message preceded it in this chunk).
   */
  push(chunk: Uint8Array): BgpMessage[] {
    if (this.#error) throw this.#error;
    let buf: Uint8Array;
    if (this.#buf.length === 0) buf = chunk;
    else {
      buf = new Uint8Array(this.#buf.length + chunk.length);
      buf.set(this.#buf);
      buf.set(chunk, this.#buf.length);
    }
    const out: BgpMessage[] = [];
    const max = maxMessageLength(this.#options);
    let p = 0;
    try {
      while (buf.length - p >= HEADER_LENGTH) {
        const h = parseHeader(buf, p, max);
        if (buf.length - p < h.length) break;
        out.push(decodeMessage(buf.subarray(p, p + h.length), this.#options));
        p += h.length;
      }
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      this.#error = e;
      this.#buf = new Uint8Array(0);
      if (out.length === 0) throw e;
      return out;
    }
    this.#buf = buf.slice(p);
    return out;
  }

  /**
   * Ends the stream.
   * @throws BgpError `ERR_BGP_TRUNCATED` (1/2) when a partial message is held, or the pending decode error.
   */
  end(): void {
    if (this.#error) throw this.#error;
    if (this.#buf.length > 0) {
      throw new BgpError(
        `stream ended inside a message (${this.#buf.length} bytes held)`,
        { code: ErrorCode.MessageHeader, subcode: HeaderSubcode.BadMessageLength },
        { code: 'ERR_BGP_TRUNCATED', details: { pending: this.#buf.length } },
      );
    }
  }
}
