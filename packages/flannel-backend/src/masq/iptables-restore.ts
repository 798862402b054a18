/**
 * `iptables-save` parsing and `iptables-restore --noflush` input generation for the chains we own (pure).
 *
 * What the input relies on (iptables-restore(8), iptables/iptables-restore.c): with `--noflush` only the named
 * tables are touched and nothing else is flushed, but declaring an existing user-defined chain (`:CHAIN - [0:0]`)
 * flushes that chain; every table block is committed atomically at `COMMIT`. So one block rewrites our chain
 * whole, in order, and replaces the jump to it (`-D` of each copy present, then one `-A`) with no window in which
 * packets see a half-written chain — the way flannel's `ipTablesBootstrap` and kube-proxy program iptables.
 * @module
 */
import { type IptablesRule, type OwnedChain, ruleLine } from './masq-rules.js';

/** One table of `iptables-save` output. */
export interface SavedTable {
  /** Chains with their policy (`-` for user-defined). */
  readonly chains: Map<string, string>;
  /** The rule lines (`-A CHAIN …`) as printed, in order. */
  readonly rules: string[];
}

/** `iptables-save` output by table name. */
export type SavedTables = Map<string, SavedTable>;

/** Parses `iptables-save` / `ip6tables-save` output (comments and counters ignored). */
export function parseIptablesSave(text: string): SavedTables {
  const out: SavedTables = new Map();
  let current: SavedTable | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      current = { chains: new Map(), rules: [] };
      out.set(line.slice(1), current);
    } else if (line === 'COMMIT') {
      current = undefined;
    } else if (current && line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      if (name) current.chains.set(name, policy ?? '-');
    } else if (current) {
      const rule = line.replace(/^\[\d+:\d+\]\s+/, ''); // iptables-save -c puts counters first
      if (rule.startsWith('-A ')) current.rules.push(rule);
    }
  }
  return out;
}

/** The rule lines of one chain, in order. */
export function chainRules(saved: SavedTables, table: string, chain: string): string[] {
  const prefix = `-A ${chain} `;
  return (saved.get(table)?.rules ?? []).filter((r) => r.startsWith(prefix));
}

function count(saved: SavedTables, rule: IptablesRule): number {
  const line = ruleLine(rule);
  return (saved.get(rule.table)?.rules ?? []).filter((r) => r === line).length;
}

/** Rules outside `chain` that jump to it, other than our own jump. */
function foreignReferences(saved: SavedTables, owned: OwnedChain): number {
  const jump = ruleLine(owned.jump);
  const target = new RegExp(`\\s-[jg]\\s+${owned.chain.replace(/[-]/g, '\\-')}(\\s|$)`);
  return (saved.get(owned.table)?.rules ?? []).filter((r) => r !== jump && target.test(r)).length;
}

/**
 * How `saved` differs from what we own: the chain missing, the jump missing or repeated, a rule missing, extra
 * or out of order. Empty when in sync (flannel's `ensureIPTables` checks each rule exists; this also checks
 * their order and that nothing was added).
 */
export function chainDrift(owned: OwnedChain, saved: SavedTables): string[] {
  const problems: string[] = [];
  const table = saved.get(owned.table);
  if (!table?.chains.has(owned.chain)) problems.push(`chain ${owned.table}/${owned.chain} is missing`);
  const jumps = count(saved, owned.jump);
  if (jumps !== 1)
    problems.push(`${jumps === 0 ? 'no' : jumps} jump${jumps === 1 ? '' : 's'} ${ruleLine(owned.jump)}`);
  const want = owned.rules.map((r) => ruleLine(r));
  const have = chainRules(saved, owned.table, owned.chain);
  if (table?.chains.has(owned.chain)) {
    for (let i = 0; i < Math.max(want.length, have.length); i++) {
      if (want[i] !== have[i]) {
        problems.push(
          want[i] === undefined
            ? `extra rule ${have[i]}`
            : have[i] === undefined
              ? `missing rule ${want[i]}`
              : `rule ${i + 1} is ${have[i]}, expected ${want[i]}`,
        );
      }
    }
  }
  return problems;
}

function byTable(chains: readonly OwnedChain[]): Map<string, OwnedChain[]> {
  const out = new Map<string, OwnedChain[]>();
  for (const c of chains) out.set(c.table, [...(out.get(c.table) ?? []), c]);
  return out;
}

/**
 * The `iptables-restore --noflush` input that installs `chains` (of one family) exactly, given what
 * `iptables-save` shows now: per table, the chain declarations (which create or flush them), `-D` for each copy
 * of our jump present, one `-A` of the jump, and the chains' rules; `COMMIT`.
 */
export function renderApply(chains: readonly OwnedChain[], saved: SavedTables): string {
  const lines: string[] = [];
  for (const [table, owned] of byTable(chains)) {
    lines.push(`*${table}`);
    for (const c of owned) lines.push(`:${c.chain} - [0:0]`);
    for (const c of owned) {
      for (let i = count(saved, c.jump); i > 0; i--) lines.push(ruleLine(c.jump, '-D'));
      lines.push(ruleLine(c.jump, '-A'));
      for (const r of c.rules) lines.push(ruleLine(r, '-A'));
    }
    lines.push('COMMIT');
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * The `iptables-restore --noflush` input that removes `chains` and their jumps (flannel's clean-up on exit);
 * empty when nothing of ours is there. A chain still referenced by a rule that is not our jump is flushed but
 * not deleted (`-X` would fail the whole block).
 */
export function renderRemove(chains: readonly OwnedChain[], saved: SavedTables): string {
  const lines: string[] = [];
  for (const [table, owned] of byTable(chains)) {
    const body: string[] = [];
    const decls: string[] = [];
    for (const c of owned) {
      const exists = saved.get(table)?.chains.has(c.chain) === true;
      if (exists) decls.push(`:${c.chain} - [0:0]`);
      for (let i = count(saved, c.jump); i > 0; i--) body.push(ruleLine(c.jump, '-D'));
      if (exists && foreignReferences(saved, c) === 0) body.push(`-X ${c.chain}`);
    }
    if (decls.length === 0 && body.length === 0) continue;
    lines.push(`*${table}`, ...decls, ...body, 'COMMIT');
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
