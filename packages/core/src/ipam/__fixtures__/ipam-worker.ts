/**
 * A CNI-like client of one FileIpam store, for the cross-process tests. Arguments: one JSON object
 * `{ path, block, prefix, count, releaseEvery?, reader? }` (`count` 0 = until killed). Writes one line per step to
 * stdout (synchronous on a pipe on Linux, so a line is out before the next step starts):
 *   READY | BEGIN <id> | OK <id> <address> | RBEGIN <id> | ROK <id> | DONE | ERR <code> <message>
 * A reader (`reader: true`) lists the store without the lock in a loop until killed, printing `READS <n>` every
 * 100 reads: it must never see a half-written file.
 */
import { FileIpam } from '../file-ipam.js';

interface WorkerArgs {
  path: string;
  block: string;
  prefix: string;
  count: number;
  releaseEvery?: number;
  reader?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

try {
  const ipam = await FileIpam.open({ path: args.path, block: args.block, lockTimeoutMs: 20_000 });
  say('READY');
  for (let n = 1; args.reader; n++) {
    await ipam.list();
    if (n % 100 === 0) say(`READS ${n}`);
  }
  for (let i = 0; args.count === 0 || i < args.count; i++) {
    const id = `${args.prefix}-${i}`;
    say(`BEGIN ${id}`);
    const a = await ipam.allocate({ containerId: id, ifName: 'eth0' });
    say(`OK ${id} ${a.address.toString()}`);
    if (args.releaseEvery && i % args.releaseEvery === 0) {
      say(`RBEGIN ${id}`);
      await ipam.release({ containerId: id, ifName: 'eth0' });
      say(`ROK ${id}`);
    }
  }
  await ipam.close();
  say('DONE');
} catch (error) {
  const e = error as { code?: string; message?: string };
  say(`ERR ${e.code ?? 'unknown'} ${e.message ?? String(error)}`);
  process.exitCode = 1;
}
