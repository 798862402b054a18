import type { BgpPeerConfig, BgpSpeakerConfig } from '../config/speaker-config.js';
import type { SessionConfig } from '../session/index.js';

/** The session configuration of one configured peer (RFC 4271 §8 session attributes and our capabilities). */
export function sessionConfigFor(p: BgpPeerConfig, c: BgpSpeakerConfig): SessionConfig {
  return {
    name: p.name,
    peerAddress: p.address,
    peerAsn: p.asn,
    localAsn: c.asn,
    routerId: c.routerId,
    peerPort: p.port,
    ...(p.localAddress === undefined ? {} : { localAddress: p.localAddress }),
    ...(p.localPort === undefined ? {} : { localPort: p.localPort }),
    passive: p.passive,
    holdTime: p.holdTime,
    connectRetry: { minMs: c.connectRetry.minSeconds * 1000, maxMs: c.connectRetry.maxSeconds * 1000 },
    families: p.families,
    extendedMessages: c.extendedMessages,
    ...(p.gracefulRestart
      ? {
          gracefulRestart: {
            restartTime: c.gracefulRestart.restartTime,
            restarting: c.gracefulRestart.restarting,
            // RFC 4724 §3 F bit: the forwarding of what we announce (pod blocks) lives in the kernel, not in this
            // process, so it survives our restart.
            forwardingPreserved: true,
          },
        }
      : {}),
  };
}
