// Type-level rules of exchangeability. A type is exchangeable when it is plain data with a
// fixed layout: number, bigint, boolean, arrays of exchangeable types, and object types whose
// properties are all exchangeable, with nested RRefs (optionally absent) as the only references.
// Functions, methods, strings, symbols, null, any, unions, index signatures, optional data
// fields and every built-in with methods (Map, Set, Date, Promise, typed arrays, Error...) are not.

import type { RRefLike } from '../heap/layout.ts';

type IsAny<T> = 0 extends 1 & T ? true : false;
type IsNever<T> = [T] extends [never] ? true : false;
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
// boolean is the union true | false but one primitive.
type IsUnionNotBoolean<T> = [T] extends [boolean] ? false : true extends IsUnion<T> ? true : false;

type AllTrue<T> = [T] extends [true] ? true : false;

type ExchangeableField<V> =
  IsAny<V> extends true ? false
  : [V] extends [RRefLike<infer U>] ? IsExchangeable<U>
  : [V] extends [RRefLike<infer U> | undefined] ? ([undefined] extends [V] ? IsExchangeable<U> : false)
  : undefined extends V ? false
  : IsExchangeable<V>;

type ExchangeableObject<T> =
  string extends keyof T ? false
  : number extends keyof T ? false
  : T extends (...args: never[]) => unknown ? false
  : T extends abstract new (...args: never[]) => unknown ? false
  : keyof T extends never ? false
  // A class with private members is nominal: its structural copy is not assignable back to it.
  : { [K in keyof T]: T[K] } extends T ? AllTrue<{ [K in keyof T]-?: K extends string ? ExchangeableField<T[K]> : false }[keyof T]>
  : false;

export type IsExchangeable<T> =
  IsAny<T> extends true ? false
  : IsNever<T> extends true ? false
  : IsUnionNotBoolean<T> extends true ? false
  : [T] extends [number | bigint | boolean] ? true
  : [T] extends [string | symbol | null | undefined | void] ? false
  // Array elements may not hold nested RRefs (layouts refuse them: RRefArray is the collection).
  : [T] extends [readonly (infer E)[]] ? (ContainsRef<E> extends true ? false : IsExchangeable<E>)
  : [T] extends [object] ? ExchangeableObject<T>
  : false;

/** True when a value of type T holds a nested RRef anywhere (optional ones included). */
type ContainsRef<T> = [T] extends [RRefLike<unknown>] ? true
  : [T] extends [number | bigint | boolean] ? false
  : [T] extends [readonly (infer E)[]] ? ContainsRef<E>
  : [T] extends [object] ? (true extends { [K in keyof T]-?: ContainsRef<NonNullable<T[K]>> }[keyof T] ? true : false)
  : false;

/**
 * The constraint of RRef<T> and the collections: plain data of a fixed shape. TypeScript forbids
 * a constraint that refers to its own parameter, so this is the structural part of the rule.
 * It lets through `any`, unions (of primitives or of records), index signatures, optional or
 * possibly-undefined data fields, enums, `{}` and `never`; IsExchangeable<T> is the exact
 * predicate, and the checker's rules apply it to domain code. Records must be type aliases (an
 * interface has no implicit index signature), which every Infer<> type is.
 */
export type Exchangeable = number | bigint | boolean | readonly Exchangeable[] | ExchangeableRecord;
export interface ExchangeableRecord {
  readonly [field: string]: Exchangeable | RRefLike<unknown> | undefined;
}

/** Element types of an RRefVec: one primitive type. */
export type VecElement = number | bigint | boolean;

// ---- paths into a value, for typed accessors ------------------------------------------------

type Scalar = number | bigint | boolean;

/** Dotted paths to every scalar field, through nested structs ("len", "hdr.src"). */
export type ScalarPath<T, P extends string = ''> = T extends Scalar | readonly unknown[] ? never : {
  [K in keyof T & string]-?: NonNullable<T[K]> extends RRefLike<unknown> ? never
    : T[K] extends Scalar ? `${P}${K}`
    : T[K] extends readonly unknown[] ? never
    : ScalarPath<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Dotted paths to every array-of-primitives field. */
export type ArrayPath<T, P extends string = ''> = T extends Scalar | readonly unknown[] ? never : {
  [K in keyof T & string]-?: NonNullable<T[K]> extends RRefLike<unknown> ? never
    : T[K] extends readonly Scalar[] ? `${P}${K}`
    : T[K] extends Scalar | readonly unknown[] ? never
    : ArrayPath<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Dotted paths to every nested RRef field; optional ones separately. */
export type RefPath<T, P extends string = ''> = T extends Scalar | readonly unknown[] ? never : {
  [K in keyof T & string]-?: NonNullable<T[K]> extends RRefLike<unknown> ? `${P}${K}`
    : T[K] extends Scalar | readonly unknown[] ? never
    : RefPath<T[K], `${P}${K}.`>;
}[keyof T & string];

export type OptionalRefPath<T, P extends string = ''> = T extends Scalar | readonly unknown[] ? never : {
  [K in keyof T & string]-?: NonNullable<T[K]> extends RRefLike<unknown> ? (undefined extends T[K] ? `${P}${K}` : never)
    : T[K] extends Scalar | readonly unknown[] ? never
    : OptionalRefPath<T[K], `${P}${K}.`>;
}[keyof T & string];

/** The type at a dotted path. */
export type At<T, P extends string> =
  P extends `${infer K}.${infer Rest}` ? (K extends keyof T ? At<NonNullable<T[K]>, Rest> : never)
  : P extends keyof T ? T[P] : never;

export type ElementAt<T, P extends string> = At<T, P> extends readonly (infer E)[] ? E : never;
export type RefTargetAt<T, P extends string> = NonNullable<At<T, P>> extends RRefLike<infer U> ? U : never;
