import { describe, expect, it } from 'vitest';
import { apiErrorOf, makeWorld, type TestWorld } from './ecs-fixtures.test-support.js';
import { createNetworkInterface } from './eni-actions.js';
import { listTagResources, tagResources, untagResources } from './tag-actions.js';

function newEni(world: TestWorld): string {
  return world.call(createNetworkInterface, { VSwitchId: 'vsw-a', SecurityGroupId: 'sg-one' })
    .NetworkInterfaceId as string;
}

type Listed = {
  TagResources: {
    TagResource: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[];
  };
  NextToken: string;
};

describe('TagResources / UntagResources / ListTagResources', () => {
  it('tags ENIs and instances, overwriting a key, and lists them', () => {
    const world = makeWorld();
    const a = newEni(world);
    const b = newEni(world);
    world.call(tagResources, {
      ResourceType: 'eni',
      'ResourceId.1': a,
      'ResourceId.2': b,
      'Tag.1.Key': 'k8s.io/pool',
      'Tag.1.Value': 'one',
      'Tag.2.Key': 'empty',
    });
    world.call(tagResources, {
      ResourceType: 'eni',
      'ResourceId.1': b,
      'Tag.1.Key': 'k8s.io/pool',
      'Tag.1.Value': 'two',
    });
    world.call(tagResources, {
      ResourceType: 'instance',
      'ResourceId.1': 'i-two',
      'Tag.1.Key': 'zone',
      'Tag.1.Value': 'j',
    });
    const listed = world.call(listTagResources, {
      ResourceType: 'eni',
      'ResourceId.1': a,
      'ResourceId.2': b,
    }) as Listed;
    expect(listed.TagResources.TagResource).toEqual([
      { ResourceId: a, ResourceType: 'eni', TagKey: 'k8s.io/pool', TagValue: 'one' },
      { ResourceId: a, ResourceType: 'eni', TagKey: 'empty', TagValue: '' },
      { ResourceId: b, ResourceType: 'eni', TagKey: 'k8s.io/pool', TagValue: 'two' },
      { ResourceId: b, ResourceType: 'eni', TagKey: 'empty', TagValue: '' },
    ]);
    expect(listed.NextToken).toBe('');
    const byTag = world.call(listTagResources, {
      ResourceType: 'eni',
      'Tag.1.Key': 'k8s.io/pool',
      'Tag.1.Value': 'two',
    }) as Listed;
    expect(new Set(byTag.TagResources.TagResource.map((t) => t.ResourceId))).toEqual(new Set([b]));
    const instanceTags = world.call(listTagResources, {
      ResourceType: 'instance',
      'ResourceId.1': 'i-two',
    }) as Listed;
    expect(instanceTags.TagResources.TagResource).toEqual([
      { ResourceId: 'i-two', ResourceType: 'instance', TagKey: 'zone', TagValue: 'j' },
    ]);
    expect(world.events.at(-1)).toMatchObject({ kind: 'Instance', id: 'i-two', change: 'updated' });
    expect(world.state.ecs.networkInterface(b)?.tags.get('k8s.io/pool')).toBe('two');
  });

  it('untags by key or all', () => {
    const world = makeWorld();
    const a = newEni(world);
    world.call(tagResources, {
      ResourceType: 'eni',
      'ResourceId.1': a,
      'Tag.1.Key': 'x',
      'Tag.1.Value': '1',
      'Tag.2.Key': 'y',
      'Tag.2.Value': '2',
    });
    world.call(untagResources, {
      ResourceType: 'eni',
      'ResourceId.1': a,
      'TagKey.1': 'x',
      'TagKey.2': 'absent',
    });
    expect([...world.state.ecs.networkInterface(a)!.tags]).toEqual([['y', '2']]);
    world.call(untagResources, { ResourceType: 'eni', 'ResourceId.1': a, All: 'true' });
    expect(world.state.ecs.networkInterface(a)!.tags.size).toBe(0);
    expect(world.events.at(-1)).toMatchObject({ kind: 'NetworkInterface', id: a, change: 'updated' });
  });

  it('pages ListTagResources 50 entries at a time', () => {
    const world = makeWorld();
    const enis = Array.from({ length: 3 }, () => newEni(world));
    const tags = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        [`Tag.${i + 1}.Key`, `key${i}`],
        [`Tag.${i + 1}.Value`, `v${i}`],
      ]).flat(),
    );
    for (const id of enis) world.call(tagResources, { ResourceType: 'eni', 'ResourceId.1': id, ...tags });
    const first = world.call(listTagResources, { ResourceType: 'eni' }) as Listed;
    expect(first.TagResources.TagResource).toHaveLength(50);
    const second = world.call(listTagResources, {
      ResourceType: 'eni',
      NextToken: first.NextToken,
    }) as Listed;
    expect(second.TagResources.TagResource).toHaveLength(10);
    expect(second.NextToken).toBe('');
  });

  it('answers the documented codes for bad types, ids, keys, counts and quotas', () => {
    const world = makeWorld();
    const a = newEni(world);
    const tag = (params: Record<string, string>) => () =>
      world.call(tagResources, { ResourceType: 'eni', 'ResourceId.1': a, ...params });
    expect(
      apiErrorOf(() =>
        world.call(tagResources, { ResourceType: 'disk', 'ResourceId.1': a, 'Tag.1.Key': 'k' }),
      ),
    ).toMatchObject({
      code: 'InvalidResourceType.NotFound',
      httpStatus: 404,
    });
    expect(
      apiErrorOf(() =>
        world.call(tagResources, { ResourceType: 'eni', 'ResourceId.1': 'eni-nope', 'Tag.1.Key': 'k' }),
      ),
    ).toMatchObject({
      code: 'InvalidResourceId.NotFound',
    });
    expect(apiErrorOf(tag({}))).toMatchObject({ code: 'MissingParameter.Tags' });
    expect(apiErrorOf(tag({ 'Tag.1.Key': 'aliyun-x' }))).toMatchObject({ code: 'InvalidTagKey.Malformed' });
    expect(apiErrorOf(tag({ 'Tag.1.Key': 'k', 'Tag.1.Value': 'acs:v' }))).toMatchObject({
      code: 'InvalidTagValue.Malformed',
    });
    expect(apiErrorOf(tag({ 'Tag.1.Key': 'k', 'Tag.2.Key': 'k' }))).toMatchObject({
      code: 'Duplicate.TagKey',
    });
    const many = (from: number, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`Tag.${i + 1}.Key`, `key${from + i}`]));
    expect(apiErrorOf(tag(many(0, 21)))).toMatchObject({ code: 'NumberExceed.Tags' });
    world.call(tagResources, { ResourceType: 'eni', 'ResourceId.1': a, ...many(0, 15) });
    expect(apiErrorOf(tag(many(100, 6)))).toMatchObject({ code: 'OperationDenied.QuotaExceed' });
    expect(world.state.ecs.networkInterface(a)!.tags.size).toBe(15);
    const ids = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`ResourceId.${i + 1}`, a]));
    expect(
      apiErrorOf(() => world.call(tagResources, { ResourceType: 'eni', ...ids, 'Tag.1.Key': 'k' })),
    ).toMatchObject({
      code: 'NumberExceed.ResourceIds',
    });
    expect(
      apiErrorOf(() => world.call(untagResources, { ResourceType: 'eni', 'ResourceId.1': a })),
    ).toMatchObject({
      code: 'MissingParameter.Tags',
    });
    expect(
      apiErrorOf(() => world.call(listTagResources, { ResourceType: 'eni', 'TagFilter.1.TagKey': 'k*' })),
    ).toMatchObject({
      code: 'UnsupportedParameter',
    });
  });
});
