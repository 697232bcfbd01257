// redleaf-check: `redleaf-check --idl [--format text|json] [dir]`.
// Exit codes: 0 clean, 1 violations, 2 usage or internal error.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from './diagnostics.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = [
  'usage: redleaf-check --idl [--format text|json] [--generate | --check-generated] [dir]   (dir defaults to runtime/idl)',
  '  --generate         also write the glue (stubs, dispatchers, shadows, create glue, type ids) to <dir>/generated',
  '  --check-generated  fail (exit 1) when <dir>/generated is not what the IDL generates',
].join('\n');

interface Options {
  readonly format: 'text' | 'json';
  readonly dir: string;
  readonly glue: 'none' | 'write' | 'check';
}

function parse(args: readonly string[]): Options | string {
  let idl = false;
  let format: 'text' | 'json' = 'text';
  let dir: string | undefined;
  let glue: 'none' | 'write' | 'check' = 'none';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--idl') idl = true;
    else if (a === '--generate' || a === '--check-generated') {
      const want = a === '--generate' ? 'write' : 'check';
      if (glue !== 'none' && glue !== want) return '--generate and --check-generated exclude each other';
      glue = want;
    }
    else if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? args[++i] : a.slice('--format='.length);
      if (value !== 'text' && value !== 'json') return `--format takes text or json, got ${value ?? 'nothing'}`;
      format = value;
    } else if (a === '--help' || a === '-h') return '';
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else if (dir !== undefined) return 'only one dir may be given';
    else dir = a;
  }
  if (!idl) return 'nothing to check: pass --idl';
  return { format, glue, dir: path.resolve(dir ?? path.join(repoRoot, 'runtime/idl')) };
}

export async function main(args: readonly string[]): Promise<number> {
  const opts = parse(args);
  if (typeof opts === 'string') {
    process.stderr.write(`${opts === '' ? '' : `redleaf-check: ${opts}\n`}${usage}\n`);
    return 2;
  }
  if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory()) {
    process.stderr.write(`redleaf-check: not a directory: ${opts.dir}\n`);
    return 2;
  }
  try {
    // The compiler loads only once the arguments are known to be good.
    const { buildGlue, writeGlue, staleGlue, generatedDirOf } = await import('./idl/emit.ts');
    const { diagnostics, model, files } = buildGlue(opts.dir);
    if (opts.format === 'json') {
      const cwd = process.cwd();
      const out = { diagnostics: diagnostics.map((d) => ({ ...d, file: path.relative(cwd, d.file) || d.file })), model };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
      if (diagnostics.length > 0) process.stderr.write(`${diagnostics.length} violation${diagnostics.length === 1 ? '' : 's'}\n`);
    }
    if (diagnostics.length > 0) return 1;
    const out = generatedDirOf(opts.dir);
    if (opts.glue === 'write') {
      writeGlue(files, out);
      process.stderr.write(`wrote ${files.length} files to ${path.relative(process.cwd(), out) || out}\n`);
    } else if (opts.glue === 'check') {
      const stale = staleGlue(files, out);
      if (stale.length > 0) {
        process.stderr.write(`generated glue is stale: ${stale.join(', ')}; run redleaf-check --idl --generate\n`);
        return 1;
      }
    }
    return 0;
  } catch (e) {
    process.stderr.write(`redleaf-check: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
