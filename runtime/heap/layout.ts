// Exchangeable layouts: the declaration language for values that may live in the shared heap.
//
// A layout is declared once, as data; its TypeScript type is inferred from it (Infer<L>), its
// byte layout is computed from it, and its type id is a hash of its canonical structure, so two
// domains that declare the same structure agree on the id without talking to each other.

import { typeIdOf } from './typeid.ts';

export type PrimKind = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'f32' | 'f64' | 'bool';

/** Byte size of each primitive; also its alignment. */
export const primSize: Readonly<Record<PrimKind, number>> = Object.freeze({
  u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8,
});

/** Value type of a primitive: 64-bit integers are bigints, bool is boolean, the rest numbers. */
export type PrimValue<K extends PrimKind> = K extends 'u64' | 'i64' ? bigint : K extends 'bool' ? boolean : number;

export interface PrimLayout<K extends PrimKind = PrimKind> {
  readonly kind: 'prim';
  readonly prim: K;
  readonly size: number;
  readonly align: number;
  readonly typeId: number;
  readonly canonical: string;
  readonly refOffsets: readonly number[];
}

export interface ArrayLayout<E extends ValueLayout = ValueLayout, N extends number = number> {
  readonly kind: 'array';
  readonly elem: E;
  readonly length: N;
  readonly size: number;
  readonly align: number;
  readonly typeId: number;
  readonly canonical: string;
  readonly refOffsets: readonly number[];
}

/** A nested RRef field: owned by its parent object (owner PARENT in the registry). */
export interface RefLayout<T extends ValueLayout = ValueLayout, Opt extends boolean = boolean> {
  readonly kind: 'ref';
  readonly target: T;
  readonly optional: Opt;
  readonly size: number;
  readonly align: number;
  readonly canonical: string;
}

export type FieldLayout = ValueLayout | RefLayout;
export type FieldMap = { readonly [name: string]: FieldLayout };

export interface StructField {
  readonly name: string;
  readonly layout: FieldLayout;
  readonly offset: number;
}

export interface StructLayout<F extends FieldMap = FieldMap> {
  readonly kind: 'struct';
  readonly fields: F;
  /** Fields in declaration order with their byte offsets. */
  readonly members: readonly StructField[];
  readonly size: number;
  readonly align: number;
  readonly typeId: number;
  readonly canonical: string;
  readonly refOffsets: readonly number[];
}

/** A layout that can be the whole value of an RRef (everything except a bare ref field). */
export type ValueLayout = PrimLayout | ArrayLayout<ValueLayout, number> | StructLayout<FieldMap>;

// ---- The TypeScript type of a layout -------------------------------------------------------

/**
 * Key of the type-level brand of RRef types. Handles never carry a property under it (it is
 * declared, not assigned); being a symbol, it cannot collide with a struct field name.
 */
export const rrefBrand: unique symbol = Symbol('RRef');

/** What a layout's type says a nested RRef is, without importing the handle classes. */
export interface RRefLike<T> {
  readonly [rrefBrand]: T;
}

export type Infer<L> =
  L extends PrimLayout<infer K> ? PrimValue<K>
  : L extends ArrayLayout<infer E, number> ? readonly Infer<E>[]
  : L extends StructLayout<infer F> ? InferStruct<F>
  : never;

type RequiredRefKeys<F> = { [K in keyof F]: F[K] extends RefLayout<ValueLayout, false> ? K : never }[keyof F];
type OptionalRefKeys<F> = { [K in keyof F]: F[K] extends RefLayout<ValueLayout, true> ? K : never }[keyof F];
type ValueKeys<F> = { [K in keyof F]: F[K] extends RefLayout ? never : K }[keyof F];

export type InferStruct<F extends FieldMap> = {
  readonly [K in ValueKeys<F>]: Infer<F[K]>;
} & {
  readonly [K in RequiredRefKeys<F>]: F[K] extends RefLayout<infer T> ? RRefLike<Infer<T>> : never;
} & {
  readonly [K in OptionalRefKeys<F>]?: F[K] extends RefLayout<infer T> ? RRefLike<Infer<T>> : never;
};

// ---- Constructors ---------------------------------------------------------------------------

function prim<K extends PrimKind>(k: K): PrimLayout<K> {
  const canonical = k;
  return Object.freeze({
    kind: 'prim', prim: k, size: primSize[k], align: primSize[k],
    typeId: typeIdOf(canonical), canonical, refOffsets: Object.freeze([]),
  });
}

export const u8 = prim('u8');
export const i8 = prim('i8');
export const u16 = prim('u16');
export const i16 = prim('i16');
export const u32 = prim('u32');
export const i32 = prim('i32');
export const u64 = prim('u64');
export const i64 = prim('i64');
export const f32 = prim('f32');
export const f64 = prim('f64');
export const bool = prim('bool');

/** Size of a nested reference in the heap: u32 slot id (0 = none) and u32 generation. */
export const REF_SIZE = 8;

const MAX_LAYOUT_SIZE = 0x4000_0000;

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export class LayoutError extends Error {
  override name = 'LayoutError';
}

function checkValueLayout(l: unknown, where: string): asserts l is ValueLayout {
  const kind = (l as { kind?: unknown } | null)?.kind;
  if (kind === 'ref') {
    throw new LayoutError(`${where}: a nested RRef may only be a struct field (use RRefArray for a collection of RRefs)`);
  }
  if (kind !== 'prim' && kind !== 'array' && kind !== 'struct') {
    throw new LayoutError(`${where}: not an exchangeable layout (declare it with u8..f64, bool, array, struct, rref)`);
  }
}

/** A fixed-size array of `length` elements of an exchangeable layout (no RRefs inside). */
export function array<E extends ValueLayout, N extends number>(elem: E, length: N): ArrayLayout<E, N> {
  checkValueLayout(elem, 'array element');
  if (!Number.isSafeInteger(length) || length < 0) throw new LayoutError(`array length must be a non-negative integer, got ${String(length)}`);
  if (elem.refOffsets.length > 0) throw new LayoutError('array elements may not contain nested RRefs; use RRefArray');
  const size = elem.size * length;
  if (size > MAX_LAYOUT_SIZE) throw new LayoutError(`array of ${length} x ${elem.size} bytes exceeds the maximum layout size`);
  const canonical = `[${elem.canonical};${length}]`;
  return Object.freeze({
    kind: 'array', elem, length, size, align: elem.align,
    typeId: typeIdOf(canonical), canonical, refOffsets: Object.freeze([]),
  });
}

/** A nested RRef field; present from creation to drop. */
export function rref<T extends ValueLayout>(target: T): RefLayout<T, false> {
  checkValueLayout(target, 'rref target');
  return Object.freeze({ kind: 'ref', target, optional: false, size: REF_SIZE, align: 4, canonical: `&${target.canonical}` });
}

/** A nested RRef field that may be empty. */
export function optionalRref<T extends ValueLayout>(target: T): RefLayout<T, true> {
  checkValueLayout(target, 'optionalRref target');
  return Object.freeze({ kind: 'ref', target, optional: true, size: REF_SIZE, align: 4, canonical: `&?${target.canonical}` });
}

const fieldName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const forbiddenNames = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A struct with fields in declaration order, each aligned to its natural alignment (C rules),
 * so a struct declared here matches the same struct written in C or Rust with repr(C).
 */
export function struct<F extends FieldMap>(fields: F): StructLayout<F> {
  if (fields === null || typeof fields !== 'object') throw new LayoutError('struct fields must be an object');
  const members: StructField[] = [];
  const refOffsets: number[] = [];
  let offset = 0;
  let align = 1;
  const canonicalParts: string[] = [];
  for (const name of Object.keys(fields)) {
    if (!fieldName.test(name) || forbiddenNames.has(name)) throw new LayoutError(`invalid field name '${name}'`);
    const layout = fields[name]!;
    const kind = (layout as { kind?: unknown } | null)?.kind;
    if (kind !== 'ref') checkValueLayout(layout, `field '${name}'`);
    offset = alignUp(offset, layout.align);
    members.push(Object.freeze({ name, layout, offset }));
    if (layout.kind === 'ref') refOffsets.push(offset);
    else for (const inner of layout.refOffsets) refOffsets.push(offset + inner);
    offset += layout.size;
    align = Math.max(align, layout.align);
    canonicalParts.push(`${name}:${layout.canonical}`);
  }
  const size = alignUp(offset, align);
  if (size > MAX_LAYOUT_SIZE) throw new LayoutError('struct exceeds the maximum layout size');
  const canonical = `{${canonicalParts.join(',')}}`;
  return Object.freeze({
    kind: 'struct', fields: Object.freeze({ ...fields }), members: Object.freeze(members), size, align,
    typeId: typeIdOf(canonical), canonical, refOffsets: Object.freeze(refOffsets),
  });
}

export function isValueLayout(value: unknown): value is ValueLayout {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'prim' || kind === 'array' || kind === 'struct';
}
