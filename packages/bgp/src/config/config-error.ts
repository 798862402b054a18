import { EdgewayError } from '@edgeway/core';

/** Stable codes of {@link BgpConfigError}. */
export const BgpConfigErrorCode = {
  /**
   * The speaker configuration is invalid (ASN 0 or reserved, a router id that is not IPv4, hold time 1–2, a peer
   * address of another family than its local address, a bad policy…). `details.field` names the field
   * (`peers.1.asn`), `details.value` the value.
   */
  Config: 'ERR_BGP_CONFIG',
  /**
   * An advertisement cannot be carried: its prefix's family is negotiable with none of the peers it targets, or it
   * names an unknown peer. `details.field` (`advertisements.3.prefix`) and `details.value`.
   */
  Advertisement: 'ERR_BGP_ADVERTISEMENT',
  /** An operation named a peer that is not configured; `details.peer`. */
  UnknownPeer: 'ERR_BGP_UNKNOWN_PEER',
} as const;

/** A configuration or usage error of the speaker, thrown before anything touches the network. */
export class BgpConfigError extends EdgewayError {}
