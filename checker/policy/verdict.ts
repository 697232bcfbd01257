// Verdicts of the policy predicates: a value, or a violation that says which part of which type
// is not allowed and why, as a path read left to right.
import type * as ts from 'typescript';

export interface Violation {
  readonly ok: false;
  /** Steps from the checked position to the offending part: "parameter 'req'", "field 'cb'". */
  readonly path: readonly string[];
  readonly reason: string;
  /** The most precise source node known for the offending part, for the diagnostic's location. */
  readonly node: ts.Node | undefined;
}

export interface Accepted<T> {
  readonly ok: true;
  readonly value: T;
}

export type Verdict<T> = Accepted<T> | Violation;

export function accept<T>(value: T): Accepted<T> {
  return { ok: true, value };
}

export function reject(path: readonly string[], reason: string, node: ts.Node | undefined): Violation {
  return { ok: false, path, reason, node };
}

/** "parameter 'req' : field 'cb' : function types cannot cross a domain boundary" */
export function explain(v: Violation): string {
  return [...v.path, v.reason].join(' : ');
}
