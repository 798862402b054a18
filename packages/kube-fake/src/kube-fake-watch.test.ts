import { makeInformer, type V1Node } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { type KubeFake, type KubeFakeOptions, startKubeFake } from './kube-fake.js';
import {
  type Clients,
  connect,
  eventually,
  PatchStrategy,
  patchAs,
} from './testing/client-node.test-support.js';

let fake: KubeFake;
let c: Clients;
const stoppers: (() => unknown)[] = [];

async function start(options: KubeFakeOptions = {}): Promise<void> {
  fake = await startKubeFake(options);
  c = connect(fake);
}

afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
  await fake.close();
});

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  object: Record<string, unknown>;
}

/** Open a client-node Watch on `path` and collect its events; `done` records how it ended. */
async function watchAll(path: string, query: Record<string, string | number | boolean | undefined>) {
  const events: Seen[] = [];
  const end: { done: boolean; err: unknown } = { done: false, err: undefined };
  const ctl = await c.watch.watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string } }) =>
      events.push({
        type,
        name: obj.metadata?.name,
        rv: obj.metadata?.resourceVersion,
        object: obj as Record<string, unknown>,
      }),
    (err) => {
      end.done = true;
      end.err = err;
    },
  );
  stoppers.push(() => ctl.abort());
  return { events, end };
}

const label = (name: string, value: string) =>
  c.core.patchNode(
    { name, body: { metadata: { labels: { role: value } } } },
    patchAs(PatchStrategy.MergePatch),
  );

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED after the given resourceVersion', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'before' } } });
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    const w = await watchAll('/api/v1/nodes', { resourceVersion: rv });
    const created = await c.core.createNode({ body: { metadata: { name: 'n1' } } });
    const modified = await label('n1', 'edge');
    await c.core.deleteNode({ name: 'n1' });
    await eventually(() => w.events.length >= 3, 3000, 'three events');
    expect(w.events.map((e) => [e.type, e.name])).toEqual([
      ['ADDED', 'n1'],
      ['MODIFIED', 'n1'],
      ['DELETED', 'n1'],
    ]);
    expect(w.events[0]!.rv).toBe(created.metadata?.resourceVersion);
    expect(w.events[1]!.rv).toBe(modified.metadata?.resourceVersion);
    expect(Number(w.events[2]!.rv)).toBeGreaterThan(Number(modified.metadata?.resourceVersion));
    expect(w.events[0]!.object.kind).toBe('Node');
    expect(fake.openWatches()).toBe(1);
    for (const s of stoppers.splice(0)) await s();
    await eventually(() => fake.openWatches() === 0, 3000, 'the server to drop the aborted watch');
  });

  it('replays the changes since an older resourceVersion still in the window', async () => {
    await start();
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    await c.core.createNode({ body: { metadata: { name: 'b' } } });
    const w = await watchAll('/api/v1/nodes', { resourceVersion: rv });
    await eventually(() => w.events.length >= 2);
    expect(w.events.map((e) => e.name)).toEqual(['a', 'b']);
  });

  it('sends an ERROR event with a 410 Expired Status for a version older than the window, then closes', async () => {
    await start({ watchHistorySize: 2 });
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    for (const n of ['a', 'b', 'c']) await c.core.createNode({ body: { metadata: { name: n } } });
    const w = await watchAll('/api/v1/nodes', { resourceVersion: rv });
    await eventually(() => w.end.done, 3000, 'the watch to close');
    expect(w.events).toHaveLength(1);
    expect(w.events[0]!.type).toBe('ERROR');
    expect(w.events[0]!.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(w.events[0]!.object.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    const w = await watchAll('/api/v1/nodes', {});
    await c.core.createNode({ body: { metadata: { name: 'b' } } });
    await eventually(() => w.events.length >= 2);
    expect(w.events.map((e) => [e.type, e.name])).toEqual([
      ['ADDED', 'a'],
      ['ADDED', 'b'],
    ]);
  });

  it('sends DELETED/ADDED when an object leaves/enters a label selector', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'n1', labels: { role: 'edge' } } } });
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    const w = await watchAll('/api/v1/nodes', { resourceVersion: rv, labelSelector: 'role=edge' });
    await label('n1', 'cloud');
    await c.core.createNode({ body: { metadata: { name: 'other', labels: { role: 'cloud' } } } });
    await label('n1', 'edge');
    await eventually(() => w.events.length >= 2);
    expect(w.events.map((e) => [e.type, e.name])).toEqual([
      ['DELETED', 'n1'],
      ['ADDED', 'n1'],
    ]);
  });

  it('serves the deprecated /watch/ path for a single object', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    await c.core.createNode({ body: { metadata: { name: 'b' } } });
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    const w = await watchAll('/api/v1/watch/nodes/b', { resourceVersion: rv });
    await label('a', 'x');
    await label('b', 'y');
    await eventually(() => w.events.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(w.events.map((e) => [e.type, e.name])).toEqual([['MODIFIED', 'b']]);
  });

  it('sends bookmarks when allowed, and closes after timeoutSeconds', async () => {
    await start({ bookmarkIntervalMs: 50 });
    const rv = (await c.core.listNode()).metadata?.resourceVersion;
    const w = await watchAll('/api/v1/nodes', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
      timeoutSeconds: 1,
    });
    await eventually(() => w.events.some((e) => e.type === 'BOOKMARK'), 2000, 'a bookmark');
    const bm = w.events.find((e) => e.type === 'BOOKMARK')!;
    expect(bm.object).toMatchObject({ kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: rv } });
    expect(w.end.done).toBe(false);
    await eventually(() => w.end.done, 2500, 'the timeout');
    const quiet = await watchAll('/api/v1/nodes', { resourceVersion: rv, timeoutSeconds: 1 });
    await eventually(() => quiet.end.done, 2500, 'the timeout');
    expect(quiet.events.filter((e) => e.type === 'BOOKMARK')).toEqual([]);
  });

  it('streams initial events and an initial-events-end bookmark with sendInitialEvents', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    const w = await watchAll('/api/v1/nodes', {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
      resourceVersion: '',
    });
    await eventually(() => w.events.length >= 2);
    expect(w.events[0]).toMatchObject({ type: 'ADDED', name: 'a' });
    expect(w.events[1]!.type).toBe('BOOKMARK');
    expect(w.events[1]!.object).toMatchObject({
      metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  });
});

describe('informer (client-node makeInformer / ListWatch)', () => {
  async function nodeInformer() {
    let lists = 0;
    const seen: string[] = [];
    const informer = makeInformer<V1Node>(c.kc, '/api/v1/nodes', () => {
      lists++;
      return c.core.listNode();
    });
    informer.on('add', (n) => seen.push(`add ${n.metadata?.name}`));
    informer.on('update', (n) => seen.push(`update ${n.metadata?.name} ${n.metadata?.labels?.role ?? ''}`));
    informer.on('delete', (n) => seen.push(`delete ${n.metadata?.name}`));
    await informer.start();
    stoppers.push(() => informer.stop());
    const names = () =>
      informer
        .list()
        .map((n) => n.metadata?.name)
        .sort();
    return { informer, seen, lists: () => lists, names };
  }

  it('sees ADDED, MODIFIED and DELETED', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    const inf = await nodeInformer();
    await eventually(() => inf.names().length === 1);
    await c.core.createNode({ body: { metadata: { name: 'b' } } });
    await label('b', 'edge');
    await c.core.deleteNode({ name: 'a' });
    await eventually(() => inf.seen.length >= 4, 3000, 'four informer callbacks');
    expect(inf.seen).toEqual(['add a', 'add b', 'update b edge', 'delete a']);
    expect(inf.names()).toEqual(['b']);
    expect(inf.lists()).toBe(1);
  });

  it('relists after a watch expires with 410 and converges on changes made meanwhile', async () => {
    await start({ watchHistorySize: 3 });
    for (const n of ['a', 'b']) await c.core.createNode({ body: { metadata: { name: n } } });
    const inf = await nodeInformer();
    await eventually(
      () => inf.names().length === 2 && fake.openWatches() === 1,
      3000,
      'the informer to sync',
    );
    // Cut the informer's watch and hold its reconnect while more changes than the window happen.
    fake.faults.pauseWatches();
    fake.closeWatches();
    await c.core.deleteNode({ name: 'a' });
    await label('b', 'edge');
    for (const n of ['c', 'd', 'e']) await c.core.createNode({ body: { metadata: { name: n } } });
    fake.faults.resumeWatches();
    await eventually(() => inf.lists() === 2, 3000, 'a relist');
    await eventually(() => inf.names().join() === 'b,c,d,e', 3000, 'the cache to converge');
    expect(inf.informer.get('b')?.metadata?.labels?.role).toBe('edge');
    expect(inf.seen).toContain('delete a');
    // And it keeps watching from the relisted version.
    await c.core.createNode({ body: { metadata: { name: 'f' } } });
    await eventually(() => inf.names().includes('f'), 3000, 'f after the relist');
  });

  it('relists when the server expires open watches (expireWatches)', async () => {
    await start();
    await c.core.createNode({ body: { metadata: { name: 'a' } } });
    const inf = await nodeInformer();
    await eventually(() => fake.openWatches() === 1, 3000, 'the watch');
    expect(fake.expireWatches()).toBe(1);
    await eventually(() => inf.lists() === 2, 3000, 'a relist');
    await c.core.createNode({ body: { metadata: { name: 'b' } } });
    await eventually(() => inf.names().join() === 'a,b', 3000, 'b');
  });
});
