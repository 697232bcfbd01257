// RRef.new(layout, init): the initial value is typed by the layout.
import { expectError, expectType } from 'tsd';
import { RRef, u8, u16, u64, bool, array, struct, rref, optionalRref } from './index.js';
import type { Init, Infer } from './index.js';
import { Hdr, Packet, Payload } from './layouts.js';

declare const hdr: RRef<Hdr>;
declare const payload: RRef<Payload>;

// The result is an RRef of the layout's inferred type.
expectType<RRef<number>>(RRef.new(u16));
expectType<RRef<bigint>>(RRef.new(u64, 5n));
expectType<RRef<boolean>>(RRef.new(bool, true));
expectType<RRef<readonly number[]>>(RRef.new(array(u8, 4), [1, 2, 3, 4]));
expectType<RRef<Hdr>>(RRef.new(Hdr));
expectType<RRef<Hdr>>(RRef.new(Hdr, { src: 1 }));
expectType<RRef<Packet>>(RRef.new(Packet, { body: payload }));
expectType<RRef<Packet>>(RRef.new(Packet, { body: payload, next: hdr, len: 60, seq: 1n, ok: true, hdr: { dst: 2 }, data: [1, 2] }));

// Required nested RRefs must be given; optional ones and data fields may be left out.
expectError(RRef.new(Packet, {}));
expectError(RRef.new(Packet, { len: 60, next: hdr }));
expectError(RRef.new(Packet, { body: undefined }));
// Unknown fields are rejected, at the top and inside nested structs.
expectError(RRef.new(Packet, { body: payload, bogus: 1 }));
expectError(RRef.new(Hdr, { src: 1, source: 1 }));
expectError(RRef.new(Packet, { body: payload, hdr: { src: 1, port: 2 } }));
// Values must match the field types.
expectError(RRef.new(Packet, { body: payload, len: 60n }));
expectError(RRef.new(Packet, { body: payload, seq: 1 }));
expectError(RRef.new(Packet, { body: payload, ok: 1 }));
expectError(RRef.new(Packet, { body: payload, data: ['a'] }));
expectError(RRef.new(Packet, { body: hdr }));
expectError(RRef.new(Packet, { body: payload, next: payload }));
expectError(RRef.new(Packet, { body: { src: 1, dst: 2 } }));
expectError(RRef.new(u64, 5));
expectError(RRef.new(u16, 5n));
expectError(RRef.new(array(u8, 4), [1n]));
// An optional field is left out, not set to undefined (exactOptionalPropertyTypes).
expectError(RRef.new(Hdr, { src: undefined }));
expectError(RRef.new(Packet, { body: payload, next: undefined }));

// Only value layouts can be allocated: no bare refs, no look-alike objects, no strings.
expectError(RRef.new(rref(u8)));
expectError(RRef.new(optionalRref(Hdr)));
expectError(RRef.new({ kind: 'prim', prim: 'u8' }));
expectError(RRef.new('u8'));

// The Init type itself.
expectType<number>({} as Init<number>);
expectType<readonly bigint[]>({} as Init<readonly bigint[]>);
const Node = struct({ tag: u8, must: rref(Hdr), next: optionalRref(Hdr) });
type NodeInit = Init<Infer<typeof Node>>;
expectType<RRef<Hdr>>(({} as NodeInit).must);
expectType<RRef<Hdr> | undefined>(({} as NodeInit).next);
expectType<number | undefined>(({} as NodeInit).tag);
