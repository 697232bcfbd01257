// Layout declarations and the TypeScript types inferred from them (Infer<typeof Layout>).
import { expectAssignable, expectError, expectNotAssignable, expectType } from 'tsd';
import { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, bool, array, struct, rref, optionalRref } from './index.js';
import type { Infer, Exchangeable, IsExchangeable, RRef, RRefLike } from './index.js';
import { Hdr, Packet, Frame } from './layouts.js';

// 32-bit and narrower integers and floats are numbers.
expectType<number>({} as Infer<typeof u8>);
expectType<number>({} as Infer<typeof i8>);
expectType<number>({} as Infer<typeof u16>);
expectType<number>({} as Infer<typeof i16>);
expectType<number>({} as Infer<typeof u32>);
expectType<number>({} as Infer<typeof i32>);
expectType<number>({} as Infer<typeof f32>);
expectType<number>({} as Infer<typeof f64>);
// 64-bit integers are bigints, bool is boolean.
expectType<bigint>({} as Infer<typeof u64>);
expectType<bigint>({} as Infer<typeof i64>);
expectType<boolean>({} as Infer<typeof bool>);

// Arrays are readonly arrays of their element's type.
const Words = array(u16, 8);
const Longs = array(u64, 2);
const Grid = array(array(u8, 4), 4);
expectType<readonly number[]>({} as Infer<typeof Words>);
expectType<readonly bigint[]>({} as Infer<typeof Longs>);
expectType<readonly (readonly number[])[]>({} as Infer<typeof Grid>);
expectType<readonly Hdr[]>({} as Infer<ReturnType<typeof array<typeof Hdr, 4>>>);

// Structs: readonly data fields; nested structs inline; nested RRefs as RRef brands.
declare const packet: Packet;
expectType<number>(packet.len);
expectType<bigint>(packet.seq);
expectType<bigint>(packet.delta);
expectType<number>(packet.ratio);
expectType<boolean>(packet.ok);
expectType<number>(packet.hdr.src);
expectType<readonly number[]>(packet.data);
expectAssignable<RRefLike<readonly number[]>>(packet.body);
expectType<RRefLike<Hdr> | undefined>(packet.next);
declare const frame: Frame;
expectType<boolean>(frame.outer.inner.flag);
expectType<bigint>(frame.outer.inner.stamp);
expectType<readonly number[]>(frame.outer.words);

// A required nested RRef is a required property; an optional one is an optional property.
expectNotAssignable<Packet>({ len: 1, seq: 1n, delta: 0n, ratio: 0, ok: true, hdr: { src: 1, dst: 2 }, data: [] });
expectAssignable<Packet>({ len: 1, seq: 1n, delta: 0n, ratio: 0, ok: true, hdr: { src: 1, dst: 2 }, data: [], body: {} as RRefLike<readonly number[]> });

// Inferred values are readonly.
expectError((packet.len = 3));
expectError((packet.hdr.src = 3));

// Every inferred type is exchangeable, by the exact predicate and by the constraint.
expectType<true>({} as IsExchangeable<Packet>);
expectType<true>({} as IsExchangeable<Frame>);
expectType<true>({} as IsExchangeable<Infer<typeof Grid>>);
expectType<true>({} as IsExchangeable<Infer<typeof u64>>);
expectAssignable<Exchangeable>(packet);
expectAssignable<Exchangeable>(frame);
expectType<RRef<Packet>>({} as RRef<Infer<typeof Packet>>);

// The layout language has no strings, no functions, and no bare refs as values.
expectError(struct({ name: 'text' }));
expectError(struct({ name: String }));
expectError(struct({ cb: () => 0 }));
expectError(array(rref(u8), 4));
expectError(rref(rref(u8)));
expectError(optionalRref(optionalRref(u8)));
expectError(array({ kind: 'prim', prim: 'u8' }, 4));

// Infer of anything that is not a value layout is never.
expectType<never>({} as Infer<string>);
expectType<never>({} as Infer<ReturnType<typeof rref<typeof u8>>>);
