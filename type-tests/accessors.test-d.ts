// Typed accessors of RRef<T>: paths are checked against the layout, values against the field.
import { expectAssignable, expectError, expectType } from 'tsd';
import { RRef, u8, u16, u64, bool, f32, array, struct } from './index.js';
import type { Infer, ScalarPath, ArrayPath, RefPath, OptionalRefPath } from './index.js';
import { Hdr, Payload, Packet, Frame } from './layouts.js';

declare const p: RRef<Packet>;
declare const f: RRef<Frame>;
declare const hdr: RRef<Hdr>;
declare const payload: RRef<Payload>;

// ---- the path types ---------------------------------------------------------------------------
expectType<'len' | 'seq' | 'delta' | 'ratio' | 'ok' | 'hdr.src' | 'hdr.dst'>({} as ScalarPath<Packet>);
expectType<'data'>({} as ArrayPath<Packet>);
expectType<'body' | 'next'>({} as RefPath<Packet>);
expectType<'next'>({} as OptionalRefPath<Packet>);
expectType<'id' | 'outer.inner.flag' | 'outer.inner.stamp'>({} as ScalarPath<Frame>);
expectType<'outer.words'>({} as ArrayPath<Frame>);

// ---- get / set: the value type follows the field ----------------------------------------------
expectType<number>(p.get('len'));
expectType<bigint>(p.get('seq'));
expectType<bigint>(p.get('delta'));
expectType<number>(p.get('ratio'));
expectType<boolean>(p.get('ok'));
expectType<number>(p.get('hdr.src'));
expectType<boolean>(f.get('outer.inner.flag'));
expectType<bigint>(f.get('outer.inner.stamp'));
p.set('len', 1500);
p.set('seq', 7n);
p.set('ok', false);
f.set('outer.inner.stamp', 0n);
// wrong paths: unknown fields, typos, non-scalars (struct, array, nested RRef), RRef-crossing paths
expectError(p.get('length'));
expectError(p.get('hdr.source'));
expectError(p.get('hdr'));
expectError(p.get('data'));
expectError(p.get('body'));
expectError(p.get('next'));
expectError(f.get('link.len'));
expectError(f.get('outer.inner'));
// wrong values: number for a u64, bigint for a u16, number for a bool, strings anywhere
expectError(p.set('seq', 7));
expectError(p.set('len', 7n));
expectError(p.set('ok', 1));
expectError(p.set('len', '1500'));
expectError(p.set('hdr', { src: 1, dst: 2 }));
// a whole-array or whole-primitive RRef has no field paths
expectError(payload.get('length'));

// ---- getAt / setAt: array fields only ---------------------------------------------------------
expectType<number>(p.getAt('data', 0));
expectType<number>(f.getAt('outer.words', 3));
p.setAt('data', 0, 255);
expectError(p.getAt('len', 0));
expectError(p.getAt('hdr', 0));
expectError(p.getAt('body', 0));
expectError(p.setAt('data', 0, 1n));
expectError(p.setAt('data', 0, true));
expectType<number>(p.lengthOf('data'));
expectError(p.lengthOf('len'));

// ---- value / elem: whole-primitive and whole-array RRefs --------------------------------------
declare const small: RRef<Infer<typeof u16>>;
declare const big: RRef<Infer<typeof u64>>;
declare const flag: RRef<Infer<typeof bool>>;
expectType<number>(small.value);
expectType<bigint>(big.value);
expectType<boolean>(flag.value);
small.value = 3;
expectError((big.value = 3));
expectError((flag.value = 0));
expectType<never>(p.value);
expectError((p.value = 1));
expectType<number>(payload.elem(0));
payload.setElem(0, 1);
expectError(payload.setElem(0, 1n));
expectType<never>(p.elem(0));
expectType<never>(small.elem(0));

// ---- nested RRefs: has / take / put / replace / borrowField -----------------------------------
expectType<boolean>(p.has('body'));
expectType<boolean>(p.has('next'));
expectError(p.has('len'));
expectError(p.has('hdr'));
// take: optional nested RRef fields only
expectType<RRef<Hdr> | undefined>(p.take('next'));
expectType<RRef<Packet> | undefined>(f.take('link'));
expectError(p.take('body'));
expectError(p.take('len'));
expectError(p.take('data'));
// put and replace: any nested RRef field, with an RRef of the field's target type
p.put('next', hdr);
p.put('body', payload);
expectType<RRef<Payload> | undefined>(p.replace('body', payload));
expectType<RRef<Hdr> | undefined>(p.replace('next', hdr));
expectError(p.put('next', payload));
expectError(p.put('body', hdr));
expectError(p.put('len', hdr));
expectError(p.put('next', { src: 1, dst: 2 }));
expectError(p.replace('hdr', hdr));
// borrowField lends a possibly-absent child for one callback and returns the callback's result
expectType<number | undefined>(p.borrowField('next', (child) => {
  expectType<RRef<Hdr> | undefined>(child);
  return child?.get('src');
}));
expectType<boolean>(p.borrowField('body', (child) => child !== undefined));
expectError(p.borrowField('len', () => 0));

// ---- byte access and lifetime -----------------------------------------------------------------
expectType<number>(payload.readU8(0));
expectType<number>(payload.readU16BE(0));
expectType<number>(payload.readU32LE(0));
expectType<bigint>(payload.readU64BE(0));
payload.writeU16BE(0, 0x0800);
payload.writeU64LE(0, 1n);
expectError(payload.writeU64LE(0, 1));
expectError(payload.writeU16BE(0, 1n));
expectType<string>(payload.readUtf8(0, 4));
expectType<number>(payload.writeUtf8(0, 'text'));
expectType<number>(payload.withBytes((bytes) => {
  expectType<Uint8Array>(bytes);
  return bytes.length;
}));
expectType<number>(payload.compareBytes(hdr));
expectType<void>(p.drop());
expectType<boolean>(p.isValid);
expectType<boolean>(p.isBorrowed);
expectType<number>(p.typeId);
expectType<number>(p.byteLength);
expectError((p.typeId = 3));

// ---- handles are minted by the library only -----------------------------------------------------
expectError(new RRef(Symbol('rref-mint'), {} as never, 0, {} as never, false));
expectAssignable<RRef<Infer<typeof f32>>>(RRef.new(f32));
expectType<RRef<readonly number[]>>(RRef.new(array(u8, 8)));

// A struct field named like a brand is an ordinary scalar field.
{
  const Odd = struct({ inner: struct({ __rref: u8 }) });
  const odd = RRef.new(Odd);
  expectType<number>(odd.get('inner.__rref'));
  expectError(odd.take('inner'));
}
