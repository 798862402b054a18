/**
 * A change of emulated state, for subscribers (the lab turns a created VBR route entry into a kernel route).
 * `resource` is the resource as `Describe*` would show it after the change (before it, for `deleted`).
 */
export interface ChangeEvent {
  /** `RouteEntry`, `VSwitch`, `NetworkInterface`, `PrivateIpAddress`, `BgpPeer`, … */
  readonly kind: string;
  readonly id: string;
  readonly change: 'created' | 'updated' | 'deleted';
  /** The status after the change, where the resource has one. */
  readonly status?: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

/** A listener of {@link ChangeEvent}s. */
export type ChangeListener = (event: ChangeEvent) => void;

/** Fan-out of change events; a throwing listener never breaks the emulator. */
export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ChangeEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch {
        // A subscriber's bug must not fail an API call.
      }
    }
  }
}
