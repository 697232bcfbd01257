// Loads IDL folders into a ts-morph project configured by the repository's tsconfig.json, and
// hands the policy the same TypeScript copy that ts-morph's program was built with.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Project, ts as morphTs } from 'ts-morph';
import type * as ts from 'typescript';
import { createHost, defaultRuntimeDir } from '../policy/host.ts';
import type { PolicyHost, TypeScript } from '../policy/host.ts';

export const repoRoot = path.resolve(defaultRuntimeDir, '..');

/**
 * The repository's compiler options, without Node's globals: domains run in realms that have
 * none, so the IDL and the library it imports must not name them (and loading is 3x faster).
 */
export function createIdlProject(tsConfigFilePath: string = path.join(repoRoot, 'tsconfig.json')): Project {
  return new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: { types: [] } });
}

/** The .ts files directly inside `dir` (declaration files excluded), sorted. */
export function idlFilesIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`not a directory: ${dir}`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => path.resolve(dir, f));
}

/** Adds the folders' files; returns their compiler source files per folder, in order. */
export function addIdlFolders(project: Project, dirs: readonly string[]): ts.SourceFile[][] {
  const added = dirs.map((d) => project.addSourceFilesAtPaths(idlFilesIn(d)));
  return added.map((files) => files.map((f) => f.compilerNode as unknown as ts.SourceFile));
}

/** The policy host over the project's current program (take it after adding every file). */
export function hostOf(project: Project, runtimeDir: string = defaultRuntimeDir): PolicyHost {
  const checker = project.getTypeChecker().compilerObject as unknown as ts.TypeChecker;
  return createHost(morphTs as unknown as TypeScript, checker, runtimeDir);
}
