/**
 * Helpers of the BIRD interop suite that the shared harness does not have: BIRD's per-channel route change
 * counters (`show protocols all`), the neighbor's graceful-restart capability as BIRD decoded it, a config rewrite
 * before a restart, and a restart in graceful-restart recovery mode (`bird -R`).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { type BirdConfig, type BirdDaemon, birdConfig } from '../../test-support/index.js';

/** One row of BIRD's "Route change stats" (columns received / rejected / filtered / ignored / accepted). */
export interface BirdChangeStats {
  received: number;
  accepted: number;
}

/** Route change counters of one channel of a BGP protocol, from `show protocols all NAME`. */
export interface BirdChannelStats {
  importUpdates: BirdChangeStats;
  importWithdraws: BirdChangeStats;
  exportUpdates: BirdChangeStats;
  exportWithdraws: BirdChangeStats;
}

function row(text: string, label: string): BirdChangeStats {
  const m = text.match(new RegExp(`${label}:\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)`));
  if (!m) throw new Error(`no "${label}" row in:\n${text}`);
  const n = (s: string | undefined) => (s === undefined || s === '---' ? 0 : Number(s));
  return { received: n(m[1]), accepted: n(m[5]) };
}

/** Parses the route change stats of channel `family` (`ipv4`/`ipv6`) of `show protocols all` output. */
export function parseBirdChannelStats(text: string, family: 'ipv4' | 'ipv6'): BirdChannelStats {
  const start = text.indexOf(`Channel ${family}`);
  if (start < 0) throw new Error(`no channel ${family} in:\n${text}`);
  const next = text.indexOf('Channel ', start + 1);
  const block = text.slice(start, next < 0 ? undefined : next);
  return {
    importUpdates: row(block, 'Import updates'),
    importWithdraws: row(block, 'Import withdraws'),
    exportUpdates: row(block, 'Export updates'),
    exportWithdraws: row(block, 'Export withdraws'),
  };
}

/** Route change stats of channel `family` of protocol `name`, read with birdc. */
export async function birdChannelStats(
  bird: BirdDaemon,
  name: string,
  family: 'ipv4' | 'ipv6',
): Promise<BirdChannelStats> {
  return parseBirdChannelStats((await bird.protocol(name)).raw, family);
}

/** The "Graceful restart" block of "Neighbor capabilities", as BIRD printed it (RFC 4724 as BIRD decoded it). */
export interface BirdNeighborGr {
  /** "Restart time: N". */
  restartTime?: number;
  /** "Restart recovery": the neighbor's OPEN had the Restart State (R) bit. */
  restartRecovery: boolean;
  /** "AF preserved:" families (Forwarding State bit set). */
  preserved: string[];
}

/** Parses the neighbor's graceful-restart capability out of `show protocols all` output (undefined: none). */
export function parseBirdNeighborGr(text: string): BirdNeighborGr | undefined {
  const start = text.indexOf('Neighbor capabilities');
  if (start < 0) return undefined;
  const caps = text.slice(start).split('\n').slice(1);
  const end = caps.findIndex((l) => l.trim() !== '' && l.length - l.trimStart().length <= 4);
  const lines = (end < 0 ? caps : caps.slice(0, end)).map((l) => l.trim());
  const at = lines.indexOf('Graceful restart');
  if (at < 0) return undefined;
  const gr: BirdNeighborGr = { restartRecovery: false, preserved: [] };
  for (const l of lines.slice(at + 1)) {
    const time = l.match(/^Restart time:\s+(\d+)/);
    const preserved = l.match(/^AF preserved:\s*(.*)$/);
    if (time) gr.restartTime = Number(time[1]);
    else if (l === 'Restart recovery') gr.restartRecovery = true;
    else if (preserved) gr.preserved = preserved[1]!.split(/\s+/).filter(Boolean);
    else if (!/^AF supported:/.test(l)) break;
  }
  return gr;
}

/** Rewrites BIRD's config file in place (read at its next start; use `bird.reconfigure` while it runs). */
export function rewriteBirdConfig(bird: BirdDaemon, config: BirdConfig): void {
  writeFileSync(bird.path('bird.conf'), birdConfig(config, bird.node));
}

/**
 * Starts a stopped (e.g. SIGKILLed) BIRD again with `-R` (graceful restart recovery): its OPEN then carries the
 * Restart State bit and the Forwarding State bit per family (RFC 4724 §3), and it sends End-of-RIB after its
 * routes. Without `-R` BIRD announces forwarding state not preserved, and the helper must drop the stale routes at
 * once (RFC 4724 §4.2) instead of waiting for End-of-RIB.
 */
export async function startBirdRecovering(bird: BirdDaemon): Promise<void> {
  const d = bird as unknown as { argv(): string[] };
  const argv = d.argv.bind(bird);
  Object.defineProperty(bird, 'argv', { value: () => [...argv(), '-R'], configurable: true });
  try {
    await bird.restart();
  } finally {
    Reflect.deleteProperty(bird, 'argv');
  }
}
