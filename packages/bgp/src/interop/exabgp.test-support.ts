/**
 * Helpers of the ExaBGP interop suite that the shared harness does not have.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { type ExabgpConfig, type ExabgpDaemon, exabgpConfig } from '../../test-support/index.js';

/** Rewrites ExaBGP's config file in place (read at its next start, e.g. `exa.restart()` after `exa.kill()`). */
export function rewriteExabgpConfig(exa: ExabgpDaemon, config: ExabgpConfig): void {
  writeFileSync(exa.path('exabgp.conf'), exabgpConfig(config, exa.path('recorder.sh'), exa.node));
}
