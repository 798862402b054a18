import { randomBytes } from 'node:crypto';
import type { EmulatorState } from '../state/emulator-state.js';

/** Token lifetimes the service accepts, in seconds (`X-aliyun-ecs-metadata-token-ttl-seconds`: 1–21600). */
export const TOKEN_TTL_RANGE = { min: 1, max: 21_600 } as const;

interface TokenRecord {
  readonly instanceId: string;
  readonly expiresAt: number;
}

/**
 * The security-hardening-mode tokens of one emulator: each is bound to the instance that asked for it and
 * expires after its TTL on the emulator's clock (a `FakeClock` steps through expiry in tests).
 * https://www.alibabacloud.com/help/en/ecs/user-guide/view-instance-metadata
 */
export class MetadataTokens {
  readonly #tokens = new Map<string, TokenRecord>();

  /** A new token for `instanceId`, valid for `ttlSeconds` from `now`. */
  issue(instanceId: string, ttlSeconds: number, now: number): string {
    this.#sweep(now);
    const token = randomBytes(42).toString('base64');
    this.#tokens.set(token, { instanceId, expiresAt: now + ttlSeconds * 1000 });
    return token;
  }

  /** Whether `token` was issued to `instanceId` and has not expired at `now`. */
  valid(token: string, instanceId: string, now: number): boolean {
    const rec = this.#tokens.get(token);
    return rec !== undefined && rec.instanceId === instanceId && now < rec.expiresAt;
  }

  /** Tokens not yet swept (expired ones go on the next issue). */
  get size(): number {
    return this.#tokens.size;
  }

  #sweep(now: number): void {
    for (const [t, rec] of this.#tokens) if (rec.expiresAt <= now) this.#tokens.delete(t);
  }
}

const byState = new WeakMap<EmulatorState, MetadataTokens>();

/** The token store of an emulator state (created on first use). */
export function tokensOf(state: EmulatorState): MetadataTokens {
  let tokens = byState.get(state);
  if (!tokens) {
    tokens = new MetadataTokens();
    byState.set(state, tokens);
  }
  return tokens;
}
