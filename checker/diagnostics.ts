// Diagnostics of redleaf-check and their text form.
import path from 'node:path';

import type { DomainRuleId } from './rules/rule.ts';

/** Rules of the IDL compiler, of the domain verifier, and `typescript` for code that does not type-check. */
export type RuleId = 'idl-shape' | 'typescript' | DomainRuleId;

export interface Diagnostic {
  readonly ruleId: RuleId;
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** `file:line:col rule-id message`, the file relative to `cwd`. */
export function formatDiagnostic(d: Diagnostic, cwd: string = process.cwd()): string {
  return `${path.relative(cwd, d.file) || d.file}:${d.line}:${d.column} ${d.ruleId} ${d.message}`;
}
