// redleaf-check: the IDL compiler (`--idl`) and the domain verifier (`<domain-dir...>`, `--all`).
// Exit codes: 0 clean, 1 violations, 2 usage or internal error.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from './diagnostics.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const usage = [
  'usage: redleaf-check [--format text|json|sarif] [--no-report] <domain-dir...> | --all',
  '       redleaf-check --idl [--format text|json] [--generate | --check-generated] [dir]   (dir defaults to runtime/idl)',
  '  <domain-dir...>    verify domains (every rule of docs/rules); a report goes to build/check/<name>.json for each that passes',
  '  --all              verify every domain of the repository',
  '  --generate         also write the glue (stubs, dispatchers, shadows, create glue, type ids) to <dir>/generated',
  '  --check-generated  fail (exit 1) when <dir>/generated is not what the IDL generates',
].join('\n');

interface Options {
  readonly format: 'text' | 'json';
  readonly dir: string;
  readonly glue: 'none' | 'write' | 'check';
}

interface DomainOptions {
  readonly format: 'text' | 'json' | 'sarif';
  readonly dirs: readonly string[];
  readonly all: boolean;
  readonly report: boolean;
}

function parseDomains(args: readonly string[]): DomainOptions | string {
  let format: 'text' | 'json' | 'sarif' = 'text';
  let all = false;
  let report = true;
  const dirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? args[++i] : a.slice('--format='.length);
      if (value !== 'text' && value !== 'json' && value !== 'sarif') return `--format takes text, json or sarif, got ${value ?? 'nothing'}`;
      format = value;
    } else if (a === '--all') all = true;
    else if (a === '--no-report') report = false;
    else if (a === '--help' || a === '-h') return '';
    else if (a.startsWith('-')) return `unknown option ${a}`;
    else dirs.push(path.resolve(a));
  }
  if (!all && dirs.length === 0) return 'nothing to check: name domain folders, or pass --all (or --idl)';
  if (all && dirs.length > 0) return '--all checks every domain: do not name folders too';
  return { format, dirs, all, report };
}

async function verify(opts: DomainOptions): Promise<number> {
  for (const d of opts.dirs) {
    if (!existsSync(path.join(d, 'domain.json'))) {
      process.stderr.write(`redleaf-check: not a domain folder (no domain.json): ${d}\n`);
      return 2;
    }
  }
  try {
    const { verifyDomains, repositoryDomains, checkReport, reportPath, writeReport, TOOL_VERSION } = await import('./domain/verify.ts');
    const { domainRules } = await import('./rules/index.ts');
    const dirs = opts.all ? repositoryDomains() : opts.dirs;
    const results = verifyDomains(dirs);
    const diagnostics = results.flatMap((r) => r.diagnostics);
    if (opts.format === 'sarif') {
      const { toSarif } = await import('./sarif.ts');
      const rules = [...domainRules.map((r) => ({ id: r.id, description: r.description })), { id: 'typescript', description: 'domain code type-checks' }];
      process.stdout.write(`${JSON.stringify(toSarif(diagnostics, rules, TOOL_VERSION, repoRoot), null, 2)}\n`);
    } else if (opts.format === 'json') {
      const cwd = process.cwd();
      const out = results.map((r) => ({ domain: r.manifest?.name ?? path.basename(r.dir), dir: path.relative(cwd, r.dir) || '.', diagnostics: r.diagnostics.map((d) => ({ ...d, file: path.relative(cwd, d.file) || d.file })) }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
      const failed = results.filter((r) => r.diagnostics.length > 0).length;
      process.stderr.write(`${results.length} domain${results.length === 1 ? '' : 's'} checked, ${failed} with violations (${diagnostics.length})\n`);
    }
    if (opts.report) {
      for (const r of results) if (r.diagnostics.length === 0 && r.manifest !== undefined) writeReport(checkReport(r), reportPath(r.manifest));
    }
    return diagnostics.length === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`redleaf-check: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
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
  if (!args.includes('--idl')) {
    const d = parseDomains(args);
    if (typeof d === 'string') {
      process.stderr.write(`${d === '' ? '' : `redleaf-check: ${d}\n`}${usage}\n`);
      return 2;
    }
    return verify(d);
  }
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
