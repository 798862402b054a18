#!/usr/bin/env node
import type { Logger } from '@edgeway/core';
/**
 * `edgeway-cloud-emulator`: runs the Alibaba Cloud VPC/ECS/metadata emulator standalone.
 *
 *     edgeway-cloud-emulator --config topo.yaml --port 0 [--host 127.0.0.1]
 *
 * Prints one JSON line on stdout once listening (`{"event":"listening","endpoint":…,"accessKeys":[…]}`) and the same
 * in human form on stderr; stops cleanly on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startEmulator } from './emulator.js';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number 0-65535');
  return n;
}

function stderrLogger(bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object, msg?: string) => {
    const o = obj as Record<string, unknown>;
    const err = o.err instanceof Error ? { err: { message: o.err.message, stack: o.err.stack } } : {};
    process.stderr.write(`${JSON.stringify({ level, ...bindings, ...o, ...err, msg })}\n`);
  };
  return {
    debug: () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (b) => stderrLogger({ ...bindings, ...b }),
  };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('edgeway-cloud-emulator')
    .description('A local emulator of the Alibaba Cloud VPC and ECS APIs and the instance metadata service')
    .option('-c, --config <file>', 'topology file (YAML or JSON)')
    .option('-p, --port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option(
      '--host <address>',
      'address to listen on (loopback only unless --allow-non-loopback)',
      '127.0.0.1',
    )
    .option('--allow-non-loopback', 'allow listening on a non-loopback address')
    .option('--region <regionId>', 'region id (overrides the topology)')
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{
    config?: string;
    port: number;
    host: string;
    allowNonLoopback?: boolean;
    region?: string;
  }>();

  const emulator = await startEmulator({
    port: opts.port,
    host: opts.host,
    allowNonLoopback: opts.allowNonLoopback === true,
    ...(opts.config ? { topology: opts.config } : {}),
    ...(opts.region ? { regionId: opts.region } : {}),
    logger: stderrLogger({ name: 'cloud-emulator' }),
  });
  // Signal handlers before the readiness line: a supervisor may send SIGINT/SIGTERM the moment it reads it.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => {
        process.stderr.write(`stopped (${signal})\n`);
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const keys = emulator.accessKeys.list();
  process.stdout.write(
    `${JSON.stringify({
      event: 'listening',
      endpoint: emulator.endpoint,
      port: emulator.port,
      metadataEndpoint: emulator.metadataEndpoint(),
      regionId: emulator.state.regionId,
      accessKeys: keys,
    })}\n`,
  );
  const lines = [
    `edgeway cloud emulator listening on http://${emulator.endpoint} (region ${emulator.state.regionId})`,
    `  SDK config: { endpoint: '${emulator.endpoint}', protocol: 'http', accessKeyId, accessKeySecret }`,
    `  metadata:   ${emulator.metadataEndpoint()}/<instanceId>/latest/meta-data/`,
    ...keys.map(
      (k) => `  access key: ${k.accessKeyId} / ${k.accessKeySecret}${k.securityToken ? ' (STS)' : ''}`,
    ),
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`edgeway-cloud-emulator: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
