import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RRef, RRefVec, array, bool, f32, f64, i16, i32, i8, i64, struct, u16, u32, u64, u8, HeapError } from '../../runtime/lib/index.ts';
import { world } from './support.ts';

const Header = struct({ src: u32, dst: u32 });
const Packet = struct({ len: u16, flags: u8, ok: bool, seq: u64, delta: i64, hdr: Header, temp: f64, ratio: f32, small: i8, mid: i16, big: i32, data: array(u8, 64) });

describe('RRef field access', () => {
  beforeEach(() => {
    world().as(1);
  });

  it('reads back every primitive kind it wrote, through dotted paths', () => {
    const p = RRef.new(Packet, { len: 60, seq: 2n ** 63n, hdr: { src: 0xffffffff, dst: 7 } });
    expect(p.get('len')).toBe(60);
    expect(p.get('seq')).toBe(2n ** 63n);
    expect(p.get('hdr.src')).toBe(0xffffffff);
    expect(p.get('hdr.dst')).toBe(7);
    expect(p.get('flags')).toBe(0);
    p.set('ok', true);
    p.set('delta', -5n);
    p.set('temp', Math.PI);
    p.set('ratio', 0.5);
    p.set('small', -128);
    p.set('mid', -32768);
    p.set('big', -(2 ** 31));
    expect([p.get('ok'), p.get('delta'), p.get('temp'), p.get('ratio'), p.get('small'), p.get('mid'), p.get('big')]).toEqual([
      true, -5n, Math.PI, 0.5, -128, -32768, -(2 ** 31),
    ]);
  });

  it('starts zeroed even when the block held another object before', () => {
    const a = RRef.new(Packet, { len: 9, seq: 9n, data: [1, 2, 3] });
    a.drop();
    const b = RRef.new(Packet);
    expect(b.get('len')).toBe(0);
    expect(b.get('seq')).toBe(0n);
    expect(b.getAt('data', 0)).toBe(0);
  });

  it('refuses values that do not fit the field instead of wrapping them', () => {
    const p = RRef.new(Packet);
    expect(() => p.set('len', 70000)).toThrow(/not a valid u16/);
    expect(() => p.set('len', -1)).toThrow(RangeError);
    expect(() => p.set('len', 1.5)).toThrow(RangeError);
    expect(() => p.set('flags', 256)).toThrow(RangeError);
    expect(() => p.set('small', 128)).toThrow(RangeError);
    expect(() => p.set('seq', -1n)).toThrow(RangeError);
    expect(() => p.set('seq', 2n ** 64n)).toThrow(RangeError);
    expect(() => p.set('seq', 1 as unknown as bigint)).toThrow(RangeError);
    expect(() => p.set('ok', 1 as unknown as boolean)).toThrow(RangeError);
    expect(p.get('len')).toBe(0);
  });

  it('bounds-checks array elements', () => {
    const p = RRef.new(Packet);
    p.setAt('data', 63, 255);
    expect(p.getAt('data', 63)).toBe(255);
    for (const bad of [64, -1, 0.5, Number.NaN]) {
      expect(() => p.getAt('data', bad)).toThrow(/out of bounds/);
      expect(() => p.setAt('data', bad, 1)).toThrow(HeapError);
    }
    expect(p.lengthOf('data')).toBe(64);
  });

  it('rejects unknown paths at run time too', () => {
    const p = RRef.new(Packet);
    expect(() => p.get('nope' as 'len')).toThrow(/no scalar field 'nope'/);
    expect(() => RRef.new(Packet, { bogus: 1 } as never)).toThrow(/no field 'bogus'/);
  });

  it('gives primitive and array roots their own accessors', () => {
    const n = RRef.new(u32, 41);
    n.value = n.value + 1;
    expect(n.value).toBe(42);
    const block = RRef.new(array(u8, 4096));
    block.setElem(4095, 7);
    expect(block.elem(4095)).toBe(7);
    expect(block.lengthOf()).toBe(4096);
    expect(() => block.elem(4096)).toThrow(/out of bounds/);
  });
});

describe('byte-level access', () => {
  beforeEach(() => {
    world().as(1);
  });

  it('reads and writes big- and little-endian integers at byte offsets', () => {
    const b = RRef.new(array(u8, 16));
    b.writeU16BE(0, 0x0800);
    b.writeU32BE(2, 0xc0a80001);
    b.writeU16LE(6, 0x1234);
    b.writeU32LE(8, 0xdeadbeef);
    expect([b.elem(0), b.elem(1)]).toEqual([0x08, 0x00]);
    expect([b.elem(6), b.elem(7)]).toEqual([0x34, 0x12]);
    expect(b.readU16BE(0)).toBe(0x0800);
    expect(b.readU32BE(2)).toBe(0xc0a80001);
    expect(b.readU16LE(6)).toBe(0x1234);
    expect(b.readU32LE(8)).toBe(0xdeadbeef);
    b.writeU64BE(8, 0x0102030405060708n);
    expect(b.readU64BE(8)).toBe(0x0102030405060708n);
    expect(b.readU64LE(8)).toBe(0x0807060504030201n);
    expect(() => b.readU32BE(13)).toThrow(/outside the object's 16 bytes/);
    expect(() => b.writeU16BE(15, 1)).toThrow(HeapError);
  });

  it('copies, fills and compares between objects', () => {
    const a = RRefVec.fromUtf8('hello world');
    const b = RRefVec.new(u8, 11);
    b.copyFrom(a);
    expect(b.readUtf8()).toBe('hello world');
    expect(a.compareBytes(b)).toBe(0);
    b.fillBytes(0x7a, 6, 5);
    expect(b.readUtf8()).toBe('hello zzzzz');
    expect(Math.sign(a.compareBytes(b))).toBe(-1);
    expect(() => b.copyFrom(a, 5, 0, 7)).toThrow(/outside/);
  });

  it('round-trips any string through UTF-8 exactly as TextEncoder/TextDecoder do', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const encoded = new TextEncoder().encode(text);
        const v = RRefVec.fromUtf8(text);
        expect(v.length).toBe(encoded.length);
        expect(v.toArray()).toEqual([...encoded]);
        expect(v.readUtf8()).toBe(new TextDecoder().decode(encoded));
        v.drop();
      }),
      { numRuns: 300 },
    );
  });

  it('decodes malformed UTF-8 to replacement characters, never throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const v = RRefVec.new(u8, bytes.length);
        bytes.forEach((x, i) => v.set(i, x));
        expect(v.readUtf8().length).toBeGreaterThanOrEqual(0);
        if (new TextDecoder('utf-8', { fatal: false }).decode(bytes).indexOf('\ufffd') < 0) expect(v.readUtf8()).toBe(new TextDecoder().decode(bytes));
        v.drop();
      }),
    );
  });

  it('writeUtf8 never splits a character that does not fit', () => {
    const v = RRefVec.new(u8, 4);
    expect(v.writeUtf8(0, 'ab€')).toBe(2);
    expect(v.writeUtf8(0, 'a€')).toBe(4);
  });

  it('offers a raw view only inside a callback, over exactly the object', () => {
    const v = RRefVec.new(u8, 8);
    const seen = v.withBytes((bytes) => {
      bytes[0] = 9;
      return bytes.length;
    });
    expect(seen).toBe(8);
    expect(v.get(0)).toBe(9);
  });

  it('refuses byte access to objects holding nested RRefs (their references must not be forged)', async () => {
    const { optionalRref } = await import('../../runtime/lib/index.ts');
    const node = RRef.new(struct({ v: u32, next: optionalRref(struct({ x: u8 })) }));
    expect(() => node.readU32LE(0)).toThrow(/nested RRefs/);
    expect(() => node.withBytes(() => 0)).toThrow(/nested RRefs/);
  });
});

describe('RRefVec', () => {
  beforeEach(() => {
    world().as(1);
  });

  it('holds a run-time sized array of one primitive', () => {
    const v = RRefVec.from(u16, [1, 2, 65535]);
    expect(v.length).toBe(3);
    expect(v.toArray()).toEqual([1, 2, 65535]);
    v.fill(7, 1);
    expect(v.toArray()).toEqual([1, 7, 7]);
    expect(() => v.set(3, 1)).toThrow(/out of bounds/);
    expect(() => v.set(0, 65536)).toThrow(RangeError);
    const w = RRefVec.new(u64, 2);
    w.set(1, 5n);
    expect(w.get(1)).toBe(5n);
    expect(RRefVec.new(u8, 0).length).toBe(0);
  });

  it('refuses lengths that are not 32-bit non-negative integers', () => {
    expect(() => RRefVec.new(u8, -1)).toThrow(RangeError);
    expect(() => RRefVec.new(u8, 2 ** 32)).toThrow(RangeError);
  });
});
