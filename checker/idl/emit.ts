// Runs the IDL compiler end to end: load the IDL folder, validate it, generate the glue, and
// write it to (or compare it with) runtime/idl/generated.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as ts from 'typescript';
import { addIdlFolders, createIdlProject, hostOf, repoRoot } from './load.ts';
import { validateIdl } from './validate.ts';
import { generate } from './generate.ts';
import type { ExportIndex, GeneratedFile } from './generate.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { IdlModel } from './model.ts';

export const defaultIdlDir = path.join(repoRoot, 'runtime/idl');
export const generatedDirOf = (idlDir: string): string => path.join(idlDir, 'generated');

export interface GlueBuild {
  readonly diagnostics: readonly Diagnostic[];
  readonly model: IdlModel;
  /** Empty when there were diagnostics. */
  readonly files: readonly GeneratedFile[];
}

/** Names each IDL file exports (interfaces, types, consts), mapped to that file's name and whether a value has the name. */
export function exportIndex(files: readonly ts.SourceFile[]): ExportIndex {
  const index = new Map<string, { file: string; value: boolean }>();
  for (const sf of files) {
    const base = path.basename(sf.fileName);
    for (const st of sf.statements) {
      const mods = (st as { modifiers?: readonly ts.Node[] }).modifiers ?? [];
      if (!mods.some((m) => m.getText(sf) === 'export')) continue;
      const named = st as { name?: ts.Node; declarationList?: { declarations: readonly { name: ts.Node }[] } };
      if (named.name !== undefined) {
        const name = named.name.getText(sf);
        index.set(name, { file: base, value: index.get(name)?.value ?? false });
      }
      for (const d of named.declarationList?.declarations ?? []) index.set(d.name.getText(sf), { file: base, value: true });
    }
  }
  return index;
}

export function buildGlue(idlDir: string = defaultIdlDir): GlueBuild {
  const project = createIdlProject();
  const [files = []] = addIdlFolders(project, [idlDir]);
  const { diagnostics, model } = validateIdl(hostOf(project), files, repoRoot);
  if (diagnostics.length > 0) return { diagnostics, model, files: [] };
  return { diagnostics, model, files: generate(model, exportIndex(files)) };
}

/** Writes the glue, removing generated files that are no longer produced. */
export function writeGlue(files: readonly GeneratedFile[], outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const keep = new Set(files.map((f) => f.path));
  for (const f of readdirSync(outDir)) if (f.endsWith('.ts') && !keep.has(f)) rmSync(path.join(outDir, f));
  for (const f of files) {
    const target = path.join(outDir, f.path);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== f.text) writeFileSync(target, f.text);
  }
}

/** Generated files that are missing, differ, or should not be there. */
export function staleGlue(files: readonly GeneratedFile[], outDir: string): string[] {
  const stale: string[] = [];
  const present = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.ts')) : [];
  for (const f of files) {
    const target = path.join(outDir, f.path);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== f.text) stale.push(f.path);
  }
  for (const f of present) if (!files.some((g) => g.path === f)) stale.push(f);
  return stale.sort();
}
