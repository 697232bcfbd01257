// Field tables: for each layout, the byte offset and primitive code of every scalar path
// ("len", "hdr.src"), every array of primitives and every nested RRef field, computed once per
// layout and cached, so a handle access is a table lookup and a typed-array load.

import type { FieldLayout, PrimKind, ValueLayout, RefLayout } from '../heap/layout.ts';

// Primitive codes (plain constants, so the JIT folds them into the access switch).
export const U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, F64 = 7, U64 = 8, I64 = 9, BOOL = 10;
export type Code = number;

export const codeOf: Readonly<Record<PrimKind, Code>> = {
  u8: U8, i8: I8, u16: U16, i16: I16, u32: U32, i32: I32, f32: F32, f64: F64, u64: U64, i64: I64, bool: BOOL,
};

export const codeSize = [1, 1, 2, 2, 4, 4, 4, 8, 8, 8, 1] as const;

export class Scalar {
  constructor(readonly offset: number, readonly code: Code, readonly prim: PrimKind) {}
}
export class PrimArray {
  constructor(readonly offset: number, readonly code: Code, readonly prim: PrimKind, readonly length: number) {}
}
export class RefField {
  constructor(readonly offset: number, readonly layout: RefLayout) {}
}

export interface FieldTable {
  readonly scalars: Readonly<Record<string, Scalar>>;
  readonly arrays: Readonly<Record<string, PrimArray>>;
  readonly refs: Readonly<Record<string, RefField>>;
  /** The whole value when the layout itself is a primitive or an array of primitives. */
  readonly root: Scalar | PrimArray | undefined;
}

const cache = new WeakMap<ValueLayout, FieldTable>();

// Lookup tables inherit from a frozen object with a null prototype: no 'constructor' or
// 'toString' can be looked up through them, yet V8 keeps them in fast mode (an object made by
// Object.create(null) is a dictionary, about ten times slower to index).
const NO_INHERITED_KEYS: object = Object.freeze(Object.create(null) as object);
function table<V>(): Record<string, V> {
  return Object.create(NO_INHERITED_KEYS) as Record<string, V>;
}

export function fieldTable(layout: ValueLayout): FieldTable {
  let table = cache.get(layout);
  if (!table) {
    table = build(layout);
    cache.set(layout, table);
  }
  return table;
}

function build(layout: ValueLayout): FieldTable {
  const scalars = table<Scalar>();
  const arrays = table<PrimArray>();
  const refs = table<RefField>();
  const visit = (l: FieldLayout, path: string, offset: number): void => {
    switch (l.kind) {
      case 'prim':
        scalars[path] = new Scalar(offset, codeOf[l.prim], l.prim);
        break;
      case 'array':
        if (l.elem.kind === 'prim') arrays[path] = new PrimArray(offset, codeOf[l.elem.prim], l.elem.prim, l.length);
        break;
      case 'struct':
        for (const m of l.members) visit(m.layout, path === '' ? m.name : `${path}.${m.name}`, offset + m.offset);
        break;
      case 'ref':
        refs[path] = new RefField(offset, l);
        break;
    }
  };
  let root: Scalar | PrimArray | undefined;
  if (layout.kind === 'prim') root = new Scalar(0, codeOf[layout.prim], layout.prim);
  else if (layout.kind === 'array' && layout.elem.kind === 'prim') root = new PrimArray(0, codeOf[layout.elem.prim], layout.elem.prim, layout.length);
  else visit(layout, '', 0);
  return Object.freeze({ scalars: Object.freeze(scalars), arrays: Object.freeze(arrays), refs: Object.freeze(refs), root });
}
