// What the policy predicates need from a TypeScript program, and how they recognise the trusted
// library's declarations: by the file that declares them, never by name alone, so a domain
// cannot declare a look-alike RRef or RpcResult.
//
// The compiler module is passed in rather than imported: ts-morph bundles its own copy of
// TypeScript (@ts-morph/common/dist/typescript.js) while typescript-eslint uses the `typescript`
// package, and enums, node kinds and types of one copy must only meet the same copy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ts from 'typescript';

// Under NodeNext a namespace import of the CommonJS compiler also has 'default'; a default import has not.
export type TypeScript = Omit<typeof ts, 'default'>;

export interface PolicyHost {
  readonly ts: TypeScript;
  readonly checker: ts.TypeChecker;
  /** Absolute path of the runtime/ folder whose lib/ and heap/ hold the trusted declarations. */
  readonly runtimeDir: string;
}

export const defaultRuntimeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../runtime');

export function createHost(tsModule: TypeScript, checker: ts.TypeChecker, runtimeDir: string = defaultRuntimeDir): PolicyHost {
  return { ts: tsModule, checker, runtimeDir: path.resolve(runtimeDir) };
}

/** The trusted declarations, each by the runtime file that declares it. */
export const trusted = {
  RRefImpl: 'lib/handles.ts',
  RRefVecImpl: 'lib/handles.ts',
  RRefArrayImpl: 'lib/handles.ts',
  RRefDequeImpl: 'lib/handles.ts',
  Borrowed: 'lib/index.ts',
  RpcResult: 'lib/rpc.ts',
  RpcOk: 'lib/rpc.ts',
  RpcErr: 'lib/rpc.ts',
  rrefBrand: 'heap/layout.ts',
} as const;

export type TrustedName = keyof typeof trusted;

/** Names a domain might give a look-alike of a trusted declaration. */
export const handleNames: ReadonlySet<string> = new Set([
  'RRef', 'RRefImpl', 'RRefVec', 'RRefVecImpl', 'RRefArray', 'RRefArrayImpl', 'RRefDeque', 'RRefDequeImpl',
  'RRefLike', 'Borrowed', 'RpcResult', 'RpcOk', 'RpcErr',
]);

export function resolveAlias(host: PolicyHost, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & host.ts.SymbolFlags.Alias ? host.checker.getAliasedSymbol(symbol) : symbol;
}

export function declarationFile(symbol: ts.Symbol): string | undefined {
  const decl = symbol.declarations?.[0];
  return decl === undefined ? undefined : path.resolve(decl.getSourceFile().fileName);
}

/** True when `symbol` is the trusted declaration `name`. */
export function isTrusted(host: PolicyHost, symbol: ts.Symbol | undefined, name: TrustedName): boolean {
  if (symbol === undefined) return false;
  const s = resolveAlias(host, symbol);
  if (s.getName() !== name) return false;
  const decls = s.declarations ?? [];
  const expected = path.join(host.runtimeDir, trusted[name]);
  return decls.length > 0 && decls.every((d) => path.resolve(d.getSourceFile().fileName) === expected);
}

/** True when the file is part of the trusted library (runtime/lib or runtime/heap). */
export function inTrustedLibrary(host: PolicyHost, file: string | undefined): boolean {
  if (file === undefined) return false;
  return [path.join(host.runtimeDir, 'lib'), path.join(host.runtimeDir, 'heap')].some((d) => file.startsWith(d + path.sep));
}

/** True when the symbol is declared by a default library file (lib.*.d.ts). */
export function isBuiltin(symbol: ts.Symbol | undefined): boolean {
  // Anonymous types of the lib (Record's mapped type: '__type') are judged by their structure.
  if (symbol === undefined || symbol.getName().startsWith('__')) return false;
  const decls = symbol?.declarations ?? [];
  // Some are augmented elsewhere (@types/node adds to Uint8Array); one lib declaration suffices.
  return decls.some((d) => d.getSourceFile().hasNoDefaultLib);
}

/** A file named relative to the repository (the folder holding runtime/), for messages. */
export function repoRelative(host: PolicyHost, file: string): string {
  return path.relative(path.dirname(host.runtimeDir), file).split(path.sep).join('/');
}
