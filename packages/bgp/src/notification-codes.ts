/**
 * NOTIFICATION error codes and Cease subcodes (RFC 4271 §4.5, RFC 4486, RFC 8203): plain constants shared by the
 * wire codec and the FSM, so neither layer imports the other.
 * @module
 */

/** NOTIFICATION error codes (RFC 4271 §4.5; Cease from RFC 4271 §6.7; Route Refresh from RFC 7313 §5). */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FsmError: 5,
  Cease: 6,
  RouteRefresh: 7,
} as const;

/** Cease subcodes (RFC 4486 §4, RFC 8203). */
export const CeaseSubcode = {
  MaximumPrefixesReached: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
  BfdDown: 10,
} as const;
