/**
 * A route table that one programmer owns part of: the Linux kernel FIB (rtnetlink protocol number as owner),
 * an Alibaba Cloud VPC or VBR route table (custom entries), or a {@link MemoryRouteTable}.
 *
 * Implementations only do I/O. What to change is decided by {@link reconcile}, which hands the table the whole
 * desired state, in the declarative style of flannel's `RouteNetwork` and MetalLB's `Session.Set`.
 *
 * @typeParam R - the table's route type.
 */
export interface RouteTable<R> {
  /** A name for logs and errors, e.g. `kernel:main` or `vtb-xyz`. */
  readonly name: string;
  /**
   * The identity of a route in this table: two routes with the same key occupy the same slot, so the second
   * replaces the first (in the kernel: table, family, destination, metric; in a VPC table: the destination CIDR).
   */
  key(route: R): string;
  /** Whether an installed route already is the desired one (keep) or must be replaced. */
  equals(installed: R, desired: R): boolean;
  /** The routes this programmer owns (never foreign ones). */
  list(signal?: AbortSignal): Promise<R[]>;
  /** Adds a route whose key is not installed. */
  add(route: R): Promise<void>;
  /** Removes an owned route. */
  remove(route: R): Promise<void>;
  /** Replaces the installed route `previous` by `route` (same key). */
  replace(route: R, previous: R): Promise<void>;
  /** A one-line human form of a route, for logs, plans and errors. */
  format(route: R): string;
}
