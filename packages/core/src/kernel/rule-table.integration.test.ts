/** RuleTable against the real kernel, with `ip -j rule show` as the witness. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cidr } from '../net/index.js';
import { KernelErrorCode, KernelRuleError } from './kernel-errors.js';
import { EDGEWAY_ROUTE_PROTOCOL } from './kernel-route.js';
import { KernelRouteTable } from './kernel-route-table.js';
import { requireNetnsPrerequisites, TestNetns } from './netns-fixture.js';
import { type PolicyRule, RuleTable } from './rule-table.js';

interface IpRule {
  priority: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  table?: string;
  protocol?: string;
}

const cidr = Cidr.parse;

function rules(ns: TestNetns, family: '-4' | '-6'): IpRule[] {
  return ns.ipJson<IpRule>(family, 'rule', 'show');
}

describe('RuleTable (integration, own namespaces)', () => {
  let ns: TestNetns;
  let table: RuleTable;

  beforeAll(() => requireNetnsPrerequisites());

  afterEach(async () => {
    table?.close();
    await ns?.destroy();
  });

  async function setup(): Promise<void> {
    ns = await TestNetns.create();
    table = await RuleTable.open({ netns: ns.name });
  }

  it('adds rules that ip shows with selector, table, priority and our protocol; lists only ours', async () => {
    await setup();
    ns.ip('rule', 'add', 'from', '10.8.0.0/16', 'lookup', '100', 'priority', '900'); // foreign
    const wanted: PolicyRule[] = [
      { from: cidr('10.9.0.0/16'), table: 1000, priority: 1000 },
      { to: cidr('10.10.0.0/16'), table: 100, priority: 1001 },
      { from: cidr('2001:db8:5::/48'), table: 1000, priority: 1000 },
      { table: 200, priority: 1002, family: 6 },
    ];
    await Promise.all(wanted.map((r) => table.add(r)));
    const v4 = rules(ns, '-4');
    expect(v4.find((r) => r.priority === 1000)).toMatchObject({
      src: '10.9.0.0',
      srclen: 16,
      table: '1000',
      protocol: String(EDGEWAY_ROUTE_PROTOCOL),
    });
    expect(v4.find((r) => r.priority === 1001)).toMatchObject({ dst: '10.10.0.0', dstlen: 16, table: '100' });
    const v6 = rules(ns, '-6');
    expect(v6.find((r) => r.priority === 1000)).toMatchObject({
      src: '2001:db8:5::',
      srclen: 48,
      table: '1000',
    });
    expect(v6.find((r) => r.priority === 1002)).toMatchObject({ src: 'all', table: '200' });

    const listed = await table.list();
    expect(listed.map((r) => table.key(r)).sort()).toEqual(wanted.map((r) => table.key(r)).sort());
    for (const r of listed)
      expect(table.equals(r, wanted.find((w) => table.key(w) === table.key(r))!)).toBe(true);
    expect(rules(ns, '-4').find((r) => r.priority === 900)).toMatchObject({ src: '10.8.0.0', table: '100' });
  });

  it('replaces a changed table (make before break) and removes rules; a foreign rule survives', async () => {
    await setup();
    ns.ip('rule', 'add', 'from', '10.9.0.0/16', 'lookup', '300', 'priority', '1000'); // foreign, same selector
    const old: PolicyRule = { from: cidr('10.9.0.0/16'), table: 1000, priority: 1000 };
    await table.add(old);
    await table.replace({ ...old, table: 2000 }, old);
    const at1000 = rules(ns, '-4').filter((r) => r.priority === 1000);
    expect(at1000.map((r) => r.table).sort()).toEqual(['2000', '300']);
    await table.remove({ ...old, table: 2000 });
    expect(rules(ns, '-4').filter((r) => r.priority === 1000)).toEqual([
      expect.objectContaining({ table: '300', src: '10.9.0.0' }),
    ]);
    expect(await table.list()).toEqual([]);
  });

  it('typed errors: EEXIST for a duplicate, ENOENT for a missing or foreign rule', async () => {
    await setup();
    const r: PolicyRule = { from: cidr('10.9.0.0/16'), table: 1000, priority: 1000 };
    await table.add(r);
    const dup = await table.add(r).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(KernelRuleError);
    expect(dup).toMatchObject({ code: KernelErrorCode.RuleExists, errno: 17 });
    expect((dup as Error).message).toContain('1000: from 10.9.0.0/16 lookup 1000');
    ns.ip('rule', 'add', 'from', '10.7.0.0/16', 'lookup', '100', 'priority', '700');
    const foreign = await table
      .remove({ from: cidr('10.7.0.0/16'), table: 100, priority: 700 })
      .catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: KernelErrorCode.RuleNotFound, errno: 2 });
    expect(rules(ns, '-4').some((x) => x.priority === 700)).toBe(true);
  });

  it('shares a socket with a KernelRouteTable', async () => {
    ns = await TestNetns.create();
    const routes = await KernelRouteTable.open({ netns: ns.name });
    try {
      table = await RuleTable.open({ socket: routes.socket });
      await table.add({ to: cidr('10.11.0.0/16'), table: 1000, priority: 1000 });
      await routes.add({ destination: cidr('10.11.0.0/16'), type: 'blackhole', table: 254 });
      expect(await table.list()).toHaveLength(1);
      table.close(); // does not close the shared socket
      expect(await routes.list()).toHaveLength(1);
    } finally {
      routes.close();
    }
  });
});
