// JSON-able descriptions of accepted types: what the IDL model records and a generator reads.

/** The shape of a value that lives in the shared heap (the T of RRef<T>). */
export type LayoutShape =
  | { readonly kind: 'number' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'boolean' }
  /** An array; `length` only for a tuple, whose length the type fixes. */
  | { readonly kind: 'array'; readonly element: LayoutShape; readonly length?: number }
  | { readonly kind: 'struct'; readonly fields: readonly LayoutField[] };

export type LayoutField =
  | { readonly name: string; readonly kind: 'value'; readonly type: LayoutShape }
  /** A nested RRef owned by the struct; `optional` when it may be absent. */
  | { readonly name: string; readonly kind: 'ref'; readonly optional: boolean; readonly target: LayoutShape };

/** A layout as the IDL names it: the type text as written and its shape. */
export interface LayoutType {
  readonly text: string;
  /** The heap's canonical layout string (with widths), when the layout is declared statically. */
  readonly canonical?: string;
  readonly shape: LayoutShape;
}

export type CrossingKind =
  | 'number' | 'bigint' | 'boolean' | 'string' | 'undefined'
  | 'rref' | 'rrefvec' | 'rrefarray' | 'rrefdeque' | 'borrowed' | 'interface' | 'record';

export type PrimitiveCrossing = { readonly kind: 'number' | 'bigint' | 'boolean' | 'string' | 'undefined' };

/** A handle that moves: the caller's handle is revoked, the callee gets its own. */
export type HandleCrossing =
  | { readonly kind: 'rref'; readonly layout: LayoutType }
  | { readonly kind: 'rrefvec'; readonly element: 'number' | 'bigint' | 'boolean' }
  | { readonly kind: 'rrefarray'; readonly layout: LayoutType; readonly length: number }
  | { readonly kind: 'rrefdeque'; readonly layout: LayoutType; readonly capacity: number };

/** What an IDL method may take or return, one case per way the proxy carries it across. */
export type CrossingType =
  | PrimitiveCrossing
  | HandleCrossing
  /** A handle lent for the call: read-only for the callee, revoked on return. */
  | { readonly kind: 'borrowed'; readonly handle: HandleCrossing }
  /** A reference to another @idl interface: the receiver gets a stub in its own realm. */
  | { readonly kind: 'interface'; readonly name: string }
  /** A record copied field by field into a frozen null-prototype object of the receiver. */
  | { readonly kind: 'record'; readonly name: string; readonly fields: readonly RecordField[] };

export interface RecordField {
  readonly name: string;
  readonly type: CrossingType;
}
