// `npm run soak -- <name> [options]`: runs soak/<name>.ts, whose default export does the work
// and resolves to the process's exit code (1 when anything failed).
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export type SoakMain = (args: string[]) => Promise<number>;

const dir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || !available.includes(name)) {
  if (name && name !== '--help') console.error(`unknown soak '${name}'`);
  console.error(`usage: npm run soak -- <name> [options]\nsoaks: ${available.join(', ')}`);
  process.exit(name === '--help' ? 0 : 2);
}
const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { default: SoakMain };
process.exitCode = await mod.default(args);
