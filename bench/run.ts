// `npm run bench -- <name> [options]`: runs bench/<name>.ts, whose default export does the work.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export type BenchMain = (args: string[]) => Promise<void>;

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || !available.includes(name)) {
  if (name && name !== '--help') console.error(`unknown benchmark '${name}'`);
  console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ')}\nsee docs/benchmarks.md`);
  process.exit(name === '--help' ? 0 : 2);
}
const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { default: BenchMain };
await mod.default(args);
