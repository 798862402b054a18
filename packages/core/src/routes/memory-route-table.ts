import { EdgewayError } from '../errors/edgeway-error.js';
import type { RouteTable } from './route-table.js';

/** Options of {@link MemoryRouteTable}. */
export interface MemoryRouteTableOptions<R> {
  name?: string;
  key(route: R): string;
  equals(a: R, b: R): boolean;
  format?(route: R): string;
  /** Routes present from the start. */
  initial?: readonly R[];
  /** Fault injection: return an error to make that operation fail. */
  fail?(op: 'add' | 'remove' | 'replace', route: R): Error | undefined;
}

/**
 * A route table in memory, with the same contract as the kernel and cloud tables (add refuses an existing key,
 * remove and replace refuse a missing one): for tests, dry runs, and computing what a table would become.
 */
export class MemoryRouteTable<R> implements RouteTable<R> {
  readonly name: string;
  readonly #opts: MemoryRouteTableOptions<R>;
  readonly #routes = new Map<string, R>();
  /** Operations applied, in order, for assertions. */
  readonly log: { op: 'add' | 'remove' | 'replace'; route: R }[] = [];

  constructor(options: MemoryRouteTableOptions<R>) {
    this.#opts = options;
    this.name = options.name ?? 'memory';
    for (const r of options.initial ?? []) this.#routes.set(options.key(r), r);
  }

  key(route: R): string {
    return this.#opts.key(route);
  }

  equals(a: R, b: R): boolean {
    return this.#opts.equals(a, b);
  }

  format(route: R): string {
    return this.#opts.format ? this.#opts.format(route) : this.key(route);
  }

  /** The routes held now. */
  snapshot(): R[] {
    return [...this.#routes.values()];
  }

  async list(): Promise<R[]> {
    return this.snapshot();
  }

  async add(route: R): Promise<void> {
    this.#inject('add', route);
    const k = this.key(route);
    if (this.#routes.has(k)) {
      throw new EdgewayError('ERR_ROUTE_EXISTS', `${this.name}: ${this.format(route)} already exists`, {
        details: { table: this.name, route: this.format(route) },
      });
    }
    this.#routes.set(k, route);
    this.log.push({ op: 'add', route });
  }

  async remove(route: R): Promise<void> {
    this.#inject('remove', route);
    if (!this.#routes.delete(this.#existing(route))) return;
    this.log.push({ op: 'remove', route });
  }

  async replace(route: R, _previous: R): Promise<void> {
    this.#inject('replace', route);
    this.#routes.set(this.#existing(route), route);
    this.log.push({ op: 'replace', route });
  }

  #existing(route: R): string {
    const k = this.key(route);
    if (!this.#routes.has(k)) {
      throw new EdgewayError('ERR_ROUTE_NOT_FOUND', `${this.name}: ${this.format(route)} does not exist`, {
        details: { table: this.name, route: this.format(route) },
      });
    }
    return k;
  }

  #inject(op: 'add' | 'remove' | 'replace', route: R): void {
    const err = this.#opts.fail?.(op, route);
    if (err) throw err;
  }
}
