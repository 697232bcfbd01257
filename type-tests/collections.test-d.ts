// RRefVec, RRefArray and RRefDeque: element types, moves in and out, and their results.
import { expectError, expectType } from 'tsd';
import { RRef, RRefVec, RRefArray, RRefDeque, u8, u32, u64, i64, f64, bool, array, rref } from './index.js';
import { Hdr, Packet, Payload } from './layouts.js';

declare const hdr: RRef<Hdr>;
declare const payload: RRef<Payload>;

// ---- RRefVec<T>: a run-time sized vector of one primitive -------------------------------------
expectType<RRefVec<number>>(RRefVec.new(u8, 1500));
expectType<RRefVec<number>>(RRefVec.new(f64, 4));
expectType<RRefVec<bigint>>(RRefVec.new(u64, 4));
expectType<RRefVec<boolean>>(RRefVec.new(bool, 4));
expectType<RRefVec<number>>(RRefVec.fromUtf8('hello'));
expectType<RRefVec<number>>(RRefVec.from(u32, [1, 2, 3]));
expectType<RRefVec<bigint>>(RRefVec.from(i64, [1n, -1n]));
expectError(RRefVec.from(u64, [1, 2]));
expectError(RRefVec.from(u8, [1n]));
expectError(RRefVec.from(u8, ['1']));
expectError(RRefVec.new(Hdr, 4));
expectError(RRefVec.new(array(u8, 4), 4));
expectError(RRefVec.new(rref(u8), 4));
expectError(RRefVec.fromUtf8(42));
declare const bytes: RRefVec<number>;
declare const longs: RRefVec<bigint>;
expectType<number>(bytes.get(0));
expectType<bigint>(longs.get(0));
expectType<number>(bytes.length);
expectType<number[]>(bytes.toArray());
expectType<bigint[]>(longs.toArray());
bytes.set(0, 255);
bytes.fill(0);
expectError(bytes.set(0, 1n));
expectError(longs.set(0, 1));
expectError(bytes.set(0, '1'));
expectError(bytes.fill(false));
expectType<number>(bytes.readU16BE(0));
expectType<number>(bytes.withBytes((raw) => raw.byteLength));

// ---- RRefArray<T, N>: N slots of RRef<T> --------------------------------------------------------
const slots = RRefArray.new(Hdr, 8);
expectType<RRefArray<Hdr, 8>>(slots);
expectType<8>(slots.length);
expectType<boolean>(slots.has(0));
expectType<RRef<Hdr> | undefined>(slots.set(0, hdr));
expectType<RRef<Hdr> | undefined>(slots.take(0));
expectType<bigint | undefined>(slots.borrow(0, (item) => {
  expectType<RRef<Hdr> | undefined>(item);
  return item === undefined ? undefined : BigInt(item.get('src'));
}));
expectError(slots.set(0, payload));
expectError(slots.set(0, { src: 1, dst: 2 }));
expectError(slots.set(0, undefined));
expectError(RRefArray.new(rref(Hdr), 8));
expectError(RRefArray.new('Hdr', 8));

// ---- RRefDeque<T, N>: a ring of up to N RRef<T> -------------------------------------------------
const ring = RRefDeque.new(Packet, 32);
expectType<RRefDeque<Packet, 32>>(ring);
expectType<32>(ring.capacity);
expectType<number>(ring.length);
expectType<boolean>(ring.isEmpty);
expectType<boolean>(ring.isFull);
declare const packet: RRef<Packet>;
// pushBack hands the item back when the ring is full, so its result must be looked at
expectType<RRef<Packet> | undefined>(ring.pushBack(packet));
// popFront is undefined when the ring is empty
expectType<RRef<Packet> | undefined>(ring.popFront());
const front = ring.popFront();
if (front !== undefined) expectType<number>(front.get('len'));
else expectType<undefined>(front);
expectError(ring.pushBack(hdr));
expectError(ring.pushBack(undefined));
expectError(RRefDeque.new(rref(Packet), 32));
// a deque of byte buffers, the shape of a driver's submit_and_poll
const buffers = RRefDeque.new(Payload, 32);
expectType<RRef<Payload> | undefined>(buffers.pushBack(payload));
expectType<RRef<readonly number[]> | undefined>(buffers.popFront());
