export type {
  Advertisement,
  Community,
  LargeCommunity,
  Peering,
  PeeringEvent,
  PeerState,
  PeerStatus,
  ReceivedRoute,
} from './peering.js';
