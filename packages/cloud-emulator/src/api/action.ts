import type { Clock } from '@edgeway/core';
import type { EmulatorState } from '../state/emulator-state.js';
import type { Params } from './params.js';

/** The API products the emulator serves, by their `x-acs-version` / `Version`. */
export const ApiVersion = { vpc: '2016-04-28', ecs: '2014-05-26' } as const;

/** What a handler gets for one call. */
export interface ActionContext {
  readonly action: string;
  readonly params: Params;
  readonly state: EmulatorState;
  readonly clock: Clock;
  /** The access key the call was signed with (already verified). */
  readonly accessKeyId: string;
  readonly requestId: string;
}

/**
 * One API action: returns the response body without `RequestId` (the server adds it), or throws an
 * {@link ApiError}. Handlers are synchronous: every state change of one call happens atomically, and
 * asynchronous status transitions are scheduled on the state's scheduler.
 */
export type ActionHandler = (ctx: ActionContext) => Record<string, unknown>;

/** The actions of one product version. */
export type ActionTable = Readonly<Record<string, ActionHandler>>;

/** Whether the action writes (only writes honour `ClientToken` and count against write throttles). */
export function isWriteAction(action: string): boolean {
  return !/^(Describe|List|Get|Query)/.test(action);
}
