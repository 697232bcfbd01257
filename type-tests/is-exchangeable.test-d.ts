// IsExchangeable<T>: the exact predicate (true or false) behind the checker's exchangeable-types
// rule. It also decides the cases the constraint of RRef<T> cannot (any, unions, optional data
// fields, index signatures).
import { expectType } from 'tsd';
import type { IsExchangeable, RRef, RRefLike } from './index.js';
import type { Hdr, Packet, Frame } from './layouts.js';

class Counter {
  #count = 0;
  bump(): number { return ++this.#count; }
}
class Reader {
  constructor(readonly fd: number) {}
  read(): number { return this.fd; }
}
enum Mode { Read, Write }

// ---- true: plain data of a fixed shape ---------------------------------------------------------
expectType<true>({} as IsExchangeable<number>);
expectType<true>({} as IsExchangeable<bigint>);
expectType<true>({} as IsExchangeable<boolean>);
expectType<true>({} as IsExchangeable<readonly number[]>);
expectType<true>({} as IsExchangeable<number[]>);
expectType<true>({} as IsExchangeable<readonly [number, number]>);
expectType<true>({} as IsExchangeable<readonly (readonly bigint[])[]>);
expectType<true>({} as IsExchangeable<readonly { readonly a: number }[]>);
expectType<true>({} as IsExchangeable<{ readonly a: number; readonly b: { readonly c: bigint; readonly d: readonly boolean[] } }>);
expectType<true>({} as IsExchangeable<Hdr>);
expectType<true>({} as IsExchangeable<Packet>);
expectType<true>({} as IsExchangeable<Frame>);
// nested RRef fields: required, optional, or explicitly possibly-undefined
expectType<true>({} as IsExchangeable<{ readonly a: number; readonly child: RRef<Hdr> }>);
expectType<true>({} as IsExchangeable<{ readonly a: number; readonly child?: RRef<Hdr> }>);
expectType<true>({} as IsExchangeable<{ readonly a: number; readonly child: RRef<Hdr> | undefined }>);
expectType<true>({} as IsExchangeable<{ readonly inner: { readonly child: RRef<Packet> } }>);

// ---- false: functions, methods, class instances ------------------------------------------------
expectType<false>({} as IsExchangeable<() => void>);
expectType<false>({} as IsExchangeable<new () => object>);
expectType<false>({} as IsExchangeable<typeof Counter>);
expectType<false>({} as IsExchangeable<{ (): void; readonly a: number }>);
expectType<false>({} as IsExchangeable<{ readonly a: number; read(): number }>);
expectType<false>({} as IsExchangeable<{ readonly a: number; readonly cb: () => void }>);
expectType<false>({} as IsExchangeable<{ readonly a: number; readonly cb?: () => void }>);
expectType<false>({} as IsExchangeable<Counter>);
expectType<false>({} as IsExchangeable<Reader>);
// ---- false: built-ins -------------------------------------------------------------------------
expectType<false>({} as IsExchangeable<Map<string, number>>);
expectType<false>({} as IsExchangeable<Set<number>>);
expectType<false>({} as IsExchangeable<WeakMap<object, number>>);
expectType<false>({} as IsExchangeable<WeakRef<object>>);
expectType<false>({} as IsExchangeable<Date>);
expectType<false>({} as IsExchangeable<Promise<number>>);
expectType<false>({} as IsExchangeable<RegExp>);
expectType<false>({} as IsExchangeable<Error>);
expectType<false>({} as IsExchangeable<Number>);
expectType<false>({} as IsExchangeable<Iterable<number>>);
// ---- false: raw memory ------------------------------------------------------------------------
expectType<false>({} as IsExchangeable<Uint8Array>);
expectType<false>({} as IsExchangeable<BigInt64Array>);
expectType<false>({} as IsExchangeable<DataView>);
expectType<false>({} as IsExchangeable<ArrayBuffer>);
expectType<false>({} as IsExchangeable<SharedArrayBuffer>);
expectType<false>({} as IsExchangeable<{ readonly bytes: Uint8Array }>);
// ---- false: strings, symbols, null, undefined, void -------------------------------------------
expectType<false>({} as IsExchangeable<string>);
expectType<false>({} as IsExchangeable<'literal'>);
expectType<false>({} as IsExchangeable<`id-${number}`>);
expectType<false>({} as IsExchangeable<{ readonly name: string }>);
expectType<false>({} as IsExchangeable<{ readonly hdr: { readonly name: string } }>);
expectType<false>({} as IsExchangeable<symbol>);
expectType<false>({} as IsExchangeable<{ readonly [Symbol.iterator]: number; readonly a: number }>);
expectType<false>({} as IsExchangeable<null>);
expectType<false>({} as IsExchangeable<undefined>);
expectType<false>({} as IsExchangeable<void>);
expectType<false>({} as IsExchangeable<{ readonly a: number | null }>);
// ---- false: arrays of non-exchangeable types --------------------------------------------------
expectType<false>({} as IsExchangeable<readonly string[]>);
expectType<false>({} as IsExchangeable<readonly Date[]>);
expectType<false>({} as IsExchangeable<readonly (() => void)[]>);
expectType<false>({} as IsExchangeable<readonly (readonly string[])[]>);
expectType<false>({} as IsExchangeable<readonly RRef<Hdr>[]>);
// ---- false: index signatures and shapeless objects --------------------------------------------
expectType<false>({} as IsExchangeable<Record<string, number>>);
expectType<false>({} as IsExchangeable<Record<number, number>>);
expectType<false>({} as IsExchangeable<{ readonly [i: number]: number }>);
expectType<false>({} as IsExchangeable<{ readonly 0: number; readonly a: number }>);
expectType<false>({} as IsExchangeable<{}>);
expectType<false>({} as IsExchangeable<object>);
// ---- false: optional or possibly-undefined data fields ----------------------------------------
expectType<false>({} as IsExchangeable<{ readonly a?: number; readonly b: number }>);
expectType<false>({} as IsExchangeable<{ readonly a: number | undefined }>);
expectType<false>({} as IsExchangeable<{ readonly inner: { readonly flag?: boolean } }>);
// ---- false: unions (boolean, one primitive, is not a union here) ------------------------------
expectType<false>({} as IsExchangeable<number | bigint>);
expectType<false>({} as IsExchangeable<number | boolean>);
expectType<false>({} as IsExchangeable<{ readonly a: number } | { readonly b: number }>);
expectType<false>({} as IsExchangeable<{ readonly a: number | bigint }>);
expectType<false>({} as IsExchangeable<Mode>);
expectType<false>({} as IsExchangeable<{ readonly r: RRef<Hdr> | RRef<Packet> }>);
// ---- false: any, unknown, never ---------------------------------------------------------------
expectType<false>({} as IsExchangeable<any>);
expectType<false>({} as IsExchangeable<unknown>);
expectType<false>({} as IsExchangeable<never>);
expectType<false>({} as IsExchangeable<{ readonly a: any }>);
expectType<false>({} as IsExchangeable<readonly any[]>);
// ---- false: handles themselves, and RRefs to non-exchangeable targets -------------------------
expectType<false>({} as IsExchangeable<RRef<Hdr>>);
expectType<false>({} as IsExchangeable<RRef<any>>);
expectType<false>({} as IsExchangeable<RRef<number | boolean>>);
expectType<false>({} as IsExchangeable<{ readonly child: RRef<any> }>);
expectType<false>({} as IsExchangeable<{ readonly child: RRefLike<{ readonly name: string }> }>);
expectType<false>({} as IsExchangeable<{ readonly child: RRefLike<Date> }>);

// ---- classes with private members are nominal, hence not plain data ------------------------------
class WithHashPrivate {
  #secret = 1;
  visible = 2;
  peek(): number { return this.#secret; }
}
class WithTsPrivate {
  private hidden = 1;
  visible = 2;
}
class WithProtected {
  protected hidden = 1;
  visible = 2;
}
class PlainDataClass {
  a = 1;
  b = 2n;
}
type DataOnly<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };
expectType<false>({} as IsExchangeable<DataOnly<WithHashPrivate> & WithHashPrivate>);
expectType<false>({} as IsExchangeable<WithTsPrivate>);
expectType<false>({} as IsExchangeable<WithProtected>);
expectType<true>({} as IsExchangeable<PlainDataClass>);

// ---- field names cannot collide with the RRef brand (a symbol) -----------------------------------
expectType<true>({} as IsExchangeable<{ readonly __rref: number; readonly inner: { readonly __rref: bigint } }>);

// ---- arrays whose elements hold nested RRefs cannot be laid out ----------------------------------
expectType<false>({} as IsExchangeable<readonly { readonly r: RRefLike<number> }[]>);
expectType<false>({} as IsExchangeable<{ readonly rows: readonly { readonly a: number; readonly r?: RRefLike<number> }[] }>);
expectType<true>({} as IsExchangeable<readonly { readonly a: number; readonly b: readonly bigint[] }[]>);
