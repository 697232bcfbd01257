// Shared loading for the checker's suites: one ts-morph project per suite file.
import { readFileSync } from 'node:fs';
import type { Project } from 'ts-morph';
import type * as ts from 'typescript';
import { createIdlProject, hostOf } from '../../checker/idl/load.ts';
import type { PolicyHost } from '../../checker/policy/host.ts';

export { fixturesDir, repoRoot } from './paths.ts';

export interface Loaded {
  readonly project: Project;
  readonly host: PolicyHost;
  readonly files: readonly ts.SourceFile[];
}

/** A project holding the given files (absolute paths), and the policy host over it. */
export function load(files: readonly string[]): Loaded {
  const project = createIdlProject();
  const added = files.map((f) => project.addSourceFileAtPath(f));
  const host = hostOf(project);
  return { project, host, files: added.map((f) => f.compilerNode as unknown as ts.SourceFile) };
}

/** Type aliases of a file whose names start with `prefix`, in source order. */
export function aliases(host: PolicyHost, sf: ts.SourceFile, prefix: string): { name: string; decl: ts.TypeAliasDeclaration; type: ts.Type }[] {
  const out: { name: string; decl: ts.TypeAliasDeclaration; type: ts.Type }[] = [];
  for (const st of sf.statements) {
    if (!host.ts.isTypeAliasDeclaration(st) || !st.name.text.startsWith(prefix)) continue;
    out.push({ name: st.name.text.slice(prefix.length), decl: st, type: host.checker.getTypeFromTypeNode(st.type) });
  }
  return out;
}

/** 1-based line and column of the first token after the `/*!*\/` marker in a fixture file. */
export function markerLocation(file: string): { line: number; column: number } {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('/*!*/');
  if (at < 0) throw new Error(`no marker in ${file}`);
  let i = at + '/*!*/'.length;
  while (text[i] === ' ') i++;
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
