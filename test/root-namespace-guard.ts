/**
 * Global setup of the `integration` test project: a safety net for the rule that tests never touch the root
 * network namespace. It records the root namespace's routes (IPv4 and IPv6, every table), rules and links before
 * the integration tests and fails the run if any was added or removed by the end, or if a test left a network
 * namespace of ours (`ew-*`) behind.
 */
import { execFileSync } from 'node:child_process';

type Json = Record<string, unknown>;

function ipJson(args: string[]): Json[] {
  return JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' }) || '[]') as Json[];
}

function snapshot(): Set<string> {
  const out = new Set<string>();
  for (const family of ['-4', '-6']) {
    for (const r of ipJson([family, 'route', 'show', 'table', 'all'])) {
      out.add(
        `route ${family} ${r.table ?? 'main'} ${r.type ?? 'unicast'} ${r.dst} ${r.gateway ?? ''} ${r.dev ?? ''} ${r.protocol ?? ''}`,
      );
    }
    for (const r of ipJson([family, 'rule', 'show'])) out.add(`rule ${family} ${JSON.stringify(r)}`);
  }
  for (const l of ipJson(['link', 'show'])) out.add(`link ${l.ifname}`);
  return out;
}

function ourNamespaces(): string[] {
  return ipJson(['netns', 'list'])
    .map((n) => String(n.name))
    .filter((n) => n.startsWith('ew-'));
}

export default function setup(): () => void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'integration tests need root (network namespaces, rtnetlink): run them as root, as CI does',
    );
  }
  const before = snapshot();
  const nsBefore = new Set(ourNamespaces());
  return () => {
    const after = snapshot();
    const added = [...after].filter((x) => !before.has(x));
    const removed = [...before].filter((x) => !after.has(x));
    const leaked = ourNamespaces().filter((n) => !nsBefore.has(n));
    const problems: string[] = [];
    if (added.length || removed.length) {
      problems.push(
        `the root network namespace changed during the integration tests:\n  added: ${added.join('\n         ')}\n  removed: ${removed.join('\n           ')}`,
      );
    }
    if (leaked.length) problems.push(`network namespaces left behind: ${leaked.join(', ')}`);
    if (problems.length) throw new Error(problems.join('\n'));
  };
}
