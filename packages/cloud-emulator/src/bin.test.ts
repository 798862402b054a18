import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, loadSdk, vpcClient } from './server/sdk-test-support.js';

// Importing the SDK packages takes seconds under a parallel run: do it before the first test's clock starts.
beforeAll(() => loadSdk(), 60_000);

const BIN = fileURLToPath(new URL('./bin.ts', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgeway-emu-bin-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = () => {
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve(stdout.slice(0, nl));
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  firstLine.catch(() => {}); // only awaited by tests that expect the process to listen
  return { child, exited, firstLine, output: () => ({ stdout, stderr }) };
}

describe('edgeway-cloud-emulator (bin)', () => {
  it('starts from a topology file, prints endpoint and keys, serves the SDK, stops on SIGTERM', async () => {
    const config = join(dir, 'topo.yaml');
    await writeFile(
      config,
      'regionId: cn-shanghai\naccessKeys:\n  - accessKeyId: LTAIbintest\n    accessKeySecret: bin-secret\n',
    );
    const p = run(['--config', config, '--port', '0']);
    const line = JSON.parse(await p.firstLine) as {
      event: string;
      endpoint: string;
      port: number;
      regionId: string;
      accessKeys: { accessKeyId: string; accessKeySecret: string }[];
    };
    expect(line).toMatchObject({ event: 'listening', regionId: 'cn-shanghai' });
    expect(line.endpoint).toBe(`127.0.0.1:${line.port}`);
    expect(line.accessKeys).toEqual([{ accessKeyId: 'LTAIbintest', accessKeySecret: 'bin-secret' }]);

    // The real domains may or may not have DescribeVpcs yet; either way the call is authenticated and answered.
    const client = await vpcClient({ endpoint: line.endpoint, credentials: line.accessKeys[0]! });
    const { vpcModels } = await loadSdk();
    const call = client.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-shanghai' }));
    const outcome = await call.then(
      (r) => `ok ${r.statusCode}`,
      (e: { code?: string }) => e.code,
    );
    expect(['ok 200', 'InvalidAction.NotFound']).toContain(outcome);
    const bad = await failure(
      vpcClient({
        endpoint: line.endpoint,
        credentials: { accessKeyId: 'LTAIbintest', accessKeySecret: 'x' },
      }).then((c) => c.describeVpcs(new vpcModels.DescribeVpcsRequest({ regionId: 'cn-shanghai' }))),
    );
    expect(bad.code).toBe('SignatureDoesNotMatch');

    expect(p.output().stderr).toContain(`listening on http://${line.endpoint}`);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output().stderr).toContain('stopped (SIGTERM)');
  }, 30_000);

  it('generates a key pair without a config and stops on SIGINT', async () => {
    const p = run(['--port', '0']);
    const line = JSON.parse(await p.firstLine) as { accessKeys: { accessKeyId: string }[] };
    expect(line.accessKeys[0]?.accessKeyId).toMatch(/^LTAI/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  }, 30_000);

  it('exits 1 with a message naming the field for an invalid topology, and refuses non-loopback hosts', async () => {
    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'regionId: 42\naccessKeys:\n  - accessKeyId: x\n');
    const bad = run(['--config', config]);
    expect(await bad.exited).toBe(1);
    expect(bad.output().stderr).toMatch(/regionId/);
    expect(bad.output().stderr).toMatch(/accessKeys\.0\.accessKeySecret/);
    const open = run(['--host', '0.0.0.0']);
    expect(await open.exited).toBe(1);
    expect(open.output().stderr).toMatch(/loopback/);
  }, 30_000);
});
