// The domain verifier's rules: one implementation of each, over the TypeScript compiler's own
// syntax tree and type checker. redleaf-check runs them on a ts-morph program; the ESLint plugin
// runs the same code on typescript-eslint's program (eslint-plugin/adapter.ts). Which copy of
// TypeScript made the tree is passed in (`ts`), because ts-morph bundles its own.
import path from 'node:path';
import { existsSync } from 'node:fs';
import type * as ts from 'typescript';
import type { PolicyHost, TypeScript } from '../policy/host.ts';

export type DomainRuleId =
  | 'exchangeable-types'
  | 'no-cross-heap-pointer'
  | 'no-use-after-move'
  | 'safe-subset'
  | 'rpc-result-must-be-used'
  | 'create-signature';

export interface RuleContext {
  readonly ts: TypeScript;
  readonly sourceFile: ts.SourceFile;
  /** The policy host (type checker and trusted declarations); undefined when run without types. */
  readonly host: PolicyHost | undefined;
  /** The program the file belongs to, when run with types. */
  readonly program: ts.Program | undefined;
  /** Absolute path of the runtime/ folder (the trusted library and the IDL are under it). */
  readonly runtimeDir: string;
  /** The domain folder the file belongs to (the nearest folder with a domain.json), if any. */
  readonly domainDir: string | undefined;
  /** Reports a violation at `node`; `message` says what is wrong and how to fix it. */
  report(node: ts.Node, message: string): void;
}

export interface DomainRule {
  readonly id: DomainRuleId;
  /** One line: what the rule enforces. */
  readonly description: string;
  /** True when the rule needs the type checker (it then does nothing without one). */
  readonly needsTypes: boolean;
  check(ctx: RuleContext): void;
}

/** The nearest folder at or above `file`'s folder that holds a domain.json. */
export function domainDirOf(file: string): string | undefined {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'domain.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Calls `visit` for every node of the file, depth first. */
export function walk(ts: TypeScript, node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(ts, child, visit));
}
