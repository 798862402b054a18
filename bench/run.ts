/**
 * `pnpm bench [name…]`: runs every benchmark module in this folder (or those whose file name contains a given
 * name), one after another. Each module exports `run(): Promise<void>` and prints its own table and `BENCH` lines:
 * `BENCH <name> ours=<n> peer=<n> ratio=<ours/peer> unit=<unit> peer_name=<peer>`.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('-util.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  try {
    const mod = (await import(pathToFileURL(dir + f).href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error(`${f} exports no run()`);
    await mod.run();
  } catch (err) {
    failed++;
    console.error(`benchmark ${f} failed:`, err);
  }
}
process.exit(failed === 0 ? 0 : 1);
