/** Counts of one action's calls. */
export interface ActionStats {
  /** Every call that named this action (answered or dropped). */
  calls: number;
  /** Successful answers (replays of a `ClientToken` included). */
  ok: number;
  /** Error answers by error code. */
  errors: Record<string, number>;
  /** Connections dropped by fault injection. */
  dropped: number;
}

/** What `emulator.stats()` returns. */
export interface EmulatorStats {
  readonly total: ActionStats;
  /** By action name; calls that named no action count under `(none)`. */
  readonly actions: Record<string, ActionStats>;
}

/** The outcome of one call, for {@link CallStats.record}. */
export type CallOutcome = { readonly ok: true } | { readonly code: string } | { readonly dropped: true };

const empty = (): ActionStats => ({ calls: 0, ok: 0, errors: {}, dropped: 0 });

/** Call counters per action. */
export class CallStats {
  #total = empty();
  #actions = new Map<string, ActionStats>();

  record(action: string | undefined, outcome: CallOutcome): void {
    const name = action ?? '(none)';
    let a = this.#actions.get(name);
    if (!a) {
      a = empty();
      this.#actions.set(name, a);
    }
    for (const s of [a, this.#total]) {
      s.calls++;
      if ('ok' in outcome) s.ok++;
      else if ('code' in outcome) s.errors[outcome.code] = (s.errors[outcome.code] ?? 0) + 1;
      else s.dropped++;
    }
  }

  /** A copy of the counters. */
  snapshot(): EmulatorStats {
    return structuredClone({ total: this.#total, actions: Object.fromEntries(this.#actions) });
  }

  reset(): void {
    this.#total = empty();
    this.#actions.clear();
  }
}
