/**
 * Device name ↔ ifindex resolution for one namespace (rtnetlink(7) `RTM_GETLINK`), cached and refreshed on
 * a miss. Interface indexes are not reused quickly by Linux (`dev_new_index` counts up), but a name may move
 * to a new index when a device is recreated: callers refresh on `ENODEV`.
 * @module
 */
import { decodeLinkMessage, encodeLinkDump, type LinkMessage } from './link-codec.js';
import type { RtnetlinkSocket } from './netlink-socket.js';
import { RtmType } from './rtnetlink-constants.js';

/** A cache of the namespace's link table. */
export class LinkDirectory {
  readonly #socket: RtnetlinkSocket;
  #byName = new Map<string, number>();
  #byIndex = new Map<number, string>();
  #refreshing: Promise<void> | undefined;
  #loaded = false;

  constructor(socket: RtnetlinkSocket) {
    this.#socket = socket;
  }

  /** Reloads every link (one `RTM_GETLINK` dump); concurrent callers share one dump. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#socket
      .dump(encodeLinkDump(), {
        decode: (m) => (m.type === RtmType.NEWLINK ? decodeLinkMessage(m) : undefined),
      })
      .then((links: LinkMessage[]) => {
        const byName = new Map<string, number>();
        const byIndex = new Map<number, string>();
        for (const l of links) {
          if (l.name === undefined) continue;
          byName.set(l.name, l.index);
          byIndex.set(l.index, l.name);
        }
        this.#byName = byName;
        this.#byIndex = byIndex;
        this.#loaded = true;
      })
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }

  /** The ifindex of `name`, refreshing once on a miss; undefined if there is no such device. */
  async indexOf(name: string): Promise<number | undefined> {
    const hit = this.#byName.get(name);
    if (hit !== undefined) return hit;
    await this.refresh();
    return this.#byName.get(name);
  }

  /** The cached name of an ifindex (no I/O; call {@link refresh} first for a current view). */
  nameOf(index: number): string | undefined {
    return this.#byIndex.get(index);
  }

  /** Whether the cache was loaded at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** Drops a name from the cache (after `ENODEV` for its index). */
  forget(name: string): void {
    const idx = this.#byName.get(name);
    this.#byName.delete(name);
    if (idx !== undefined) this.#byIndex.delete(idx);
  }
}
