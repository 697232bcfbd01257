// The constraint of RRef<T> and the collections (Exchangeable): what may be named as the
// content of a shared-heap handle at all.
import { expectAssignable, expectError, expectNotAssignable, expectType } from 'tsd';
import type { Exchangeable, RRef, RRefVec, RRefArray, RRefDeque, VecElement } from './index.js';
import type { Hdr, Packet } from './layouts.js';

class Counter {
  #count = 0;
  bump(): number { return ++this.#count; }
}
class Secret {
  #key = 1;
  readonly id: number = 0;
}
interface WithMethod { readonly a: number; read(): number }

// ---- accepted -------------------------------------------------------------------------------
expectType<RRef<number>>({} as RRef<number>);
expectType<RRef<bigint>>({} as RRef<bigint>);
expectType<RRef<boolean>>({} as RRef<boolean>);
expectType<RRef<readonly number[]>>({} as RRef<readonly number[]>);
expectType<RRef<readonly (readonly bigint[])[]>>({} as RRef<readonly (readonly bigint[])[]>);
expectType<RRef<{ readonly a: number; readonly b: { readonly c: bigint } }>>({} as RRef<{ readonly a: number; readonly b: { readonly c: bigint } }>);
// Records may hold nested RRefs, required or optional.
expectType<RRef<{ readonly a: number; readonly child: RRef<Hdr> }>>({} as RRef<{ readonly a: number; readonly child: RRef<Hdr> }>);
expectType<RRef<{ readonly a: number; readonly child?: RRef<Hdr> }>>({} as RRef<{ readonly a: number; readonly child?: RRef<Hdr> }>);
expectType<RRef<Packet>>({} as RRef<Packet>);
expectAssignable<Exchangeable>(1);
expectAssignable<Exchangeable>(1n);
expectAssignable<Exchangeable>(true);
expectAssignable<Exchangeable>([1, 2, 3] as const);
expectAssignable<Exchangeable>({ a: 1, b: [1n, 2n], c: { d: false } });

// ---- rejected: not plain data -----------------------------------------------------------------
// functions and objects with methods
expectError({} as RRef<() => void>);
expectError({} as RRef<(x: number) => number>);
expectError({} as RRef<{ readonly a: number; read(): number }>);
expectError({} as RRef<{ readonly a: number; readonly f: () => void }>);
expectError({} as RRef<WithMethod>);
expectNotAssignable<Exchangeable>(() => 0);
expectNotAssignable<Exchangeable>({ a: 1, f: () => 0 });
// class instances, with methods or with private fields
expectError({} as RRef<Counter>);
expectError({} as RRef<Secret>);
expectNotAssignable<Exchangeable>(new Counter());
expectNotAssignable<Exchangeable>(new Secret());
// built-ins with methods
expectError({} as RRef<Map<string, number>>);
expectError({} as RRef<Set<number>>);
expectError({} as RRef<WeakMap<object, number>>);
expectError({} as RRef<Date>);
expectError({} as RRef<Promise<number>>);
expectError({} as RRef<RegExp>);
expectError({} as RRef<Error>);
expectNotAssignable<Exchangeable>(new Map<string, number>());
expectNotAssignable<Exchangeable>(new Set<number>());
expectNotAssignable<Exchangeable>(new WeakMap<object, number>());
expectNotAssignable<Exchangeable>(new Date());
expectNotAssignable<Exchangeable>(Promise.resolve(1));
expectNotAssignable<Exchangeable>(/x/);
expectNotAssignable<Exchangeable>(new Error('x'));
// raw memory: typed arrays, views and buffers (bytes are reached through handles only)
expectError({} as RRef<Uint8Array>);
expectError({} as RRef<Float64Array>);
expectError({} as RRef<BigUint64Array>);
expectError({} as RRef<DataView>);
expectError({} as RRef<ArrayBuffer>);
expectError({} as RRef<SharedArrayBuffer>);
expectNotAssignable<Exchangeable>(new Uint8Array(4));
expectNotAssignable<Exchangeable>(new DataView(new ArrayBuffer(4)));
expectNotAssignable<Exchangeable>(new ArrayBuffer(4));
expectNotAssignable<Exchangeable>(new SharedArrayBuffer(4));
// strings, bare or inside records and arrays; symbols; null and undefined
expectError({} as RRef<string>);
expectError({} as RRef<'literal'>);
expectError({} as RRef<{ readonly name: string }>);
expectError({} as RRef<readonly string[]>);
expectError({} as RRef<symbol>);
expectError({} as RRef<{ readonly tag: symbol }>);
expectError({} as RRef<null>);
expectError({} as RRef<undefined>);
expectError({} as RRef<{ readonly a: number | null }>);
expectNotAssignable<Exchangeable>('text');
expectNotAssignable<Exchangeable>({ name: 'text' });
expectNotAssignable<Exchangeable>(Symbol('s'));
expectNotAssignable<Exchangeable>(null);
expectNotAssignable<Exchangeable>(undefined);
// arrays of non-exchangeable types
expectError({} as RRef<readonly Date[]>);
expectError({} as RRef<readonly (() => void)[]>);
expectError({} as RRef<readonly Map<string, number>[]>);
expectError({} as RRef<readonly { readonly s: string }[]>);
expectNotAssignable<Exchangeable>([new Date()]);
expectNotAssignable<Exchangeable>([() => 0]);
// nested RRefs only as record fields, never inside arrays
expectError({} as RRef<readonly RRef<Hdr>[]>);
// unknown and object carry no shape
expectError({} as RRef<unknown>);
expectError({} as RRef<object>);

// ---- the collections share the constraint ---------------------------------------------------
expectType<RRefArray<Hdr, 4>>({} as RRefArray<Hdr, 4>);
expectType<RRefDeque<Packet, 32>>({} as RRefDeque<Packet, 32>);
expectError({} as RRefArray<string, 4>);
expectError({} as RRefArray<Date>);
expectError({} as RRefDeque<() => void, 8>);
expectError({} as RRefDeque<Map<number, number>>);

// ---- RRefVec holds one primitive type -------------------------------------------------------
expectType<RRefVec<number>>({} as RRefVec<number>);
expectType<RRefVec<bigint>>({} as RRefVec<bigint>);
expectType<RRefVec<boolean>>({} as RRefVec<boolean>);
expectError({} as RRefVec<string>);
expectError({} as RRefVec<Hdr>);
expectError({} as RRefVec<readonly number[]>);
expectError({} as RRefVec<symbol>);
expectAssignable<VecElement>(1);
expectNotAssignable<VecElement>('a');
