import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.js';
import { loadTopologyFile, parseTopology } from './topology.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-emu-topo-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('topology', () => {
  it('applies defaults', () => {
    expect(parseTopology({})).toEqual({ regionId: 'cn-hangzhou' });
  });

  it('names each offending field by its path', () => {
    expect(() =>
      parseTopology({
        regionId: 'Hangzhou',
        accessKeys: [{ accessKeyId: 'a' }],
        faults: { dropRate: 2 },
        throttling: { actions: { DescribeVpcs: { perSecond: -1 } } },
        tpyo: true,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_EMULATOR_TOPOLOGY',
        message: expect.stringMatching(
          /regionId: a region id like cn-hangzhou[\s\S]*accessKeys\.0\.accessKeySecret[\s\S]*throttling\.actions\.DescribeVpcs\.perSecond[\s\S]*faults\.dropRate[\s\S]*tpyo/,
        ),
      }),
    );
  });

  it('reads YAML and JSON files; reports unreadable and unparsable ones', async () => {
    const yaml = join(dir, 't.yaml');
    await writeFile(
      yaml,
      [
        'regionId: cn-beijing',
        'accessKeys:',
        '  - { accessKeyId: LTAIa, accessKeySecret: s, securityToken: t, expiration: "2030-01-01T00:00:00Z" }',
        'timings: { routeEntryCreate: 0 }',
        'throttling: { read: { perMinute: 800 } }',
        'faults: { latencyMs: [1, 5], seed: 3 }',
        'metadata: { defaultInstanceId: i-abc }',
      ].join('\n'),
    );
    const t = await loadTopologyFile(yaml);
    expect(t).toMatchObject({
      regionId: 'cn-beijing',
      timings: { routeEntryCreate: 0 },
      faults: { seed: 3 },
    });
    const json = join(dir, 't.json');
    await writeFile(json, JSON.stringify({ regionId: 'cn-shanghai' }));
    expect((await loadTopologyFile(json)).regionId).toBe('cn-shanghai');
    await expect(loadTopologyFile(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read topology file/);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'a: [1, 2\n');
    await expect(loadTopologyFile(broken)).rejects.toThrow(/not valid YAML\/JSON/);
  });

  it('configures an emulator from a file path', async () => {
    const file = join(dir, 'emu.yaml');
    await writeFile(
      file,
      'regionId: cn-shenzhen\naccessKeys: [{ accessKeyId: LTAIfile, accessKeySecret: file-secret }]\ntimings: { eniAttach: 5 }\n',
    );
    const emu = await startEmulator({ topology: file, actions: { vpc: {}, ecs: {} } });
    try {
      expect(emu.credentials).toEqual({ accessKeyId: 'LTAIfile', accessKeySecret: 'file-secret' });
      expect(emu.state.regionId).toBe('cn-shenzhen');
      expect(emu.state.timings.eniAttach).toBe(5);
    } finally {
      await emu.close();
    }
  });

  it('accepts the README example and seeds it', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const yaml = /## Topology file\s+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const file = join(dir, 'readme.yaml');
    await writeFile(file, yaml!);
    const emu = await startEmulator({ topology: file });
    try {
      expect(emu.credentials.accessKeyId).toBe('LTAIexampleexample0001');
      expect(JSON.stringify(emu.state.snapshot())).toContain('i-lab00000000000000000001');
      const res = await fetch(`${emu.metadataEndpoint()}/latest/api/token`, {
        method: 'PUT',
        headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': '10' },
      });
      expect(res.status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});
