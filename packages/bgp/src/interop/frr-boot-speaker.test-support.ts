/**
 * A speaker module for the interop runner (`startSpeakerInNamespace(…, { modulePath })`) that calls `set()` with
 * `config.advertisements` before any session can come up: `BgpSpeaker.start()` resolves before a socket event is
 * handled, so the routes are in place when the first OPEN is exchanged. The graceful-restart tests need this: a
 * restarted speaker that reached Established before the test's `set()` would send End-of-RIB with nothing, and the
 * peer would (rightly) sweep our routes. Used by the FRR and GoBGP suites.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Cidr, IpAddress } from '@edgeway/core';
import type { AdvertisementJson } from '../../test-support/index.js';
import { BgpSpeaker } from '../speaker/bgp-speaker.js';

/** Path to give `startSpeakerInNamespace` as `modulePath` (export `BootSpeaker`). */
export const BOOT_SPEAKER_MODULE = fileURLToPath(import.meta.url);

/** `BgpSpeaker.start` with the speaker config plus `advertisements` (JSON, as the runner's `set()` takes them). */
export const BootSpeaker = {
  async start(config: Record<string, unknown>, deps: Record<string, unknown>): Promise<BgpSpeaker> {
    const { advertisements = [], ...speakerConfig } = config as { advertisements?: AdvertisementJson[] };
    const speaker = await BgpSpeaker.start(speakerConfig, deps);
    await speaker.set(
      advertisements.map(({ prefix, nextHop, ...rest }) => ({
        ...rest,
        prefix: Cidr.parse(prefix),
        ...(nextHop === undefined ? {} : { nextHop: IpAddress.parse(nextHop) }),
      })),
    );
    return speaker;
  },
};
