// The domain verifier: runs every domain rule (checker/rules) and the TypeScript compiler over
// domain folders, in one ts-morph program, and writes a check report for each domain that
// passed (what redleaf-sign consumes: the hashes of what was checked, and with which versions).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ts as morphTs } from 'ts-morph';
import type * as ts from 'typescript';
import { createIdlProject, repoRoot } from '../idl/load.ts';
import { createHost, defaultRuntimeDir } from '../policy/host.ts';
import type { TypeScript } from '../policy/host.ts';
import { compareDiagnostics } from '../diagnostics.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { domainRules } from '../rules/index.ts';
import { readManifest } from '../../runtime/kernel/manifest.ts';
import { domainFiles } from './files.ts';
import type { DomainManifest } from '../../runtime/kernel/manifest.ts';

import { POLICY_VERSION, TOOL_VERSION } from '../version.ts';

export { POLICY_VERSION, TOOL_VERSION };

export interface DomainResult {
  readonly dir: string;
  readonly manifest: DomainManifest | undefined;
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface CheckReport {
  readonly domain: string;
  readonly version: string;
  readonly tool: { readonly name: 'redleaf-check'; readonly version: string };
  readonly policy: string;
  /** SHA-256 of each input, by path relative to the repository: the domain's files and the IDL. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly checkedAt: string;
}

export { domainFiles };

/** Every domain of the repository: folders with a domain.json, except test fixtures. */
export function repositoryDomains(root: string = repoRoot): string[] {
  const found: string[] = [];
  const skip = new Set(['node_modules', 'fixtures', '.git', 'build', 'results', 'scratch']);
  const visit = (d: string): void => {
    if (existsSync(path.join(d, 'domain.json'))) { found.push(d); return; }
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (!skip.has(name) && !name.startsWith('.') && statSync(p).isDirectory()) visit(p);
    }
  };
  visit(root);
  return found;
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** Checks domain folders; diagnostics carry absolute paths. */
export function verifyDomains(dirs: readonly string[]): DomainResult[] {
  const project = createIdlProject();
  const idlDir = path.join(defaultRuntimeDir, 'idl');
  project.addSourceFilesAtPaths(readdirSync(idlDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(idlDir, f)));
  const perDomain = dirs.map((dir) => {
    const abs = path.resolve(dir);
    const files = domainFiles(abs);
    for (const f of files) project.addSourceFileAtPath(f);
    return { dir: abs, files };
  });
  const program = project.getProgram().compilerObject as unknown as ts.Program;
  const checker = program.getTypeChecker();
  const tsm = morphTs as unknown as TypeScript;
  const host = createHost(tsm, checker);
  return perDomain.map(({ dir, files }) => {
    const diagnostics: Diagnostic[] = [];
    const at = (sf: ts.SourceFile, pos: number): { line: number; column: number } => {
      const lc = sf.getLineAndCharacterOfPosition(pos);
      return { line: lc.line + 1, column: lc.character + 1 };
    };
    let manifest: DomainManifest | undefined;
    try {
      manifest = readManifest(dir);
    } catch (e) {
      diagnostics.push({ ruleId: 'create-signature', file: path.join(dir, 'domain.json'), line: 1, column: 1, message: e instanceof Error ? e.message : String(e) });
    }
    for (const file of files) {
      const sf = program.getSourceFile(file);
      if (sf === undefined) continue;
      // Code that does not type-check has types that lie: the rules cannot trust them.
      for (const d of program.getSemanticDiagnostics(sf).concat(program.getSyntacticDiagnostics(sf))) {
        if (d.category !== tsm.DiagnosticCategory.Error) continue;
        const pos = at(sf, d.start ?? 0);
        diagnostics.push({ ruleId: 'typescript', file, ...pos, message: `TS${d.code}: ${tsm.flattenDiagnosticMessageText(d.messageText, ' ')}` });
      }
      for (const rule of domainRules) {
        rule.check({
          ts: tsm, sourceFile: sf, host, program, runtimeDir: defaultRuntimeDir, domainDir: dir,
          report(node, message) {
            diagnostics.push({ ruleId: rule.id, file, ...at(sf, node.getStart(sf)), message });
          },
        });
      }
    }
    return { dir, manifest, files, diagnostics: diagnostics.sort(compareDiagnostics) };
  });
}

/** The check report of a domain that passed: hashes of its files and of the IDL it was checked against. */
export function checkReport(result: DomainResult): CheckReport {
  if (result.manifest === undefined || result.diagnostics.length > 0) throw new Error(`${result.dir} did not pass the check`);
  const inputs: Record<string, string> = {};
  const idlDir = path.join(defaultRuntimeDir, 'idl');
  const idl = readdirSync(idlDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(idlDir, f));
  for (const f of [path.join(result.dir, 'domain.json'), ...result.files, ...idl].sort()) {
    inputs[path.relative(repoRoot, f).split(path.sep).join('/')] = sha256(readFileSync(f));
  }
  return {
    domain: result.manifest.name,
    version: result.manifest.version,
    tool: { name: 'redleaf-check', version: TOOL_VERSION },
    policy: POLICY_VERSION,
    inputs,
    checkedAt: new Date().toISOString(),
  };
}

/** Where a domain's check report goes: build/check/<name>.json. */
export function reportPath(manifest: DomainManifest, root: string = repoRoot): string {
  return path.join(root, 'build', 'check', `${manifest.name}.json`);
}

export function writeReport(report: CheckReport, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
