// What the constraint of RRef<T> cannot see, and the exact predicate does.
//
// TypeScript forbids a constraint that refers to its own type parameter, so `T extends
// Exchangeable` is structural: `any` satisfies every constraint, a union of exchangeable types
// satisfies it, and a type literal with an index signature or optional data fields matches the
// record part. These compile as handle types; IsExchangeable<T> is false for each of them, and
// the checker's safe-subset and exchangeable-types rules reject them in domain code.
import { expectAssignable, expectType } from 'tsd';
import type { Exchangeable, IsExchangeable, RRef } from './index.js';

// any
expectType<RRef<any>>({} as RRef<any>);
expectType<false>({} as IsExchangeable<any>);
// unions of primitives
expectType<RRef<number | boolean>>({} as RRef<number | boolean>);
expectType<false>({} as IsExchangeable<number | boolean>);
expectAssignable<Exchangeable>({} as number | bigint);
expectType<false>({} as IsExchangeable<number | bigint>);
// index signatures
expectAssignable<Exchangeable>({} as Record<string, number>);
expectType<false>({} as IsExchangeable<Record<string, number>>);
// optional and possibly-undefined data fields
expectAssignable<Exchangeable>({} as { readonly a?: number });
expectType<false>({} as IsExchangeable<{ readonly a?: number }>);
expectAssignable<Exchangeable>({} as { readonly a: number | undefined });
expectType<false>({} as IsExchangeable<{ readonly a: number | undefined }>);
// unions of records, and the empty record
expectAssignable<Exchangeable>({} as { readonly a: number } | { readonly b: bigint });
expectType<false>({} as IsExchangeable<{ readonly a: number } | { readonly b: bigint }>);
expectAssignable<Exchangeable>({});
expectType<false>({} as IsExchangeable<{}>);
