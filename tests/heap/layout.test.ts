import { describe, expect, it } from 'vitest';
import { array, bool, f64, optionalRref, rref, struct, u16, u32, u64, u8, LayoutError } from '../../runtime/lib/index.ts';
import type { ValueLayout } from '../../runtime/lib/index.ts';

describe('exchangeable layouts', () => {
  it('lays out structs with C alignment rules', () => {
    const s = struct({ a: u8, b: u32, c: u16, d: u64 });
    expect(s.members.map((m) => [m.name, m.offset])).toEqual([['a', 0], ['b', 4], ['c', 8], ['d', 16]]);
    expect(s.size).toBe(24);
    expect(s.align).toBe(8);
  });

  it('sizes arrays and nested structs', () => {
    const inner = struct({ x: u16, y: u8 });
    expect(inner.size).toBe(4);
    const outer = struct({ flag: bool, pts: array(inner, 3), big: f64 });
    expect(outer.members.map((m) => m.offset)).toEqual([0, 2, 16]);
    expect(outer.size).toBe(24);
  });

  it('stores nested RRefs as 8-byte (slot, generation) words and lists their offsets', () => {
    const leaf = struct({ v: u32 });
    const node = struct({ tag: u8, left: optionalRref(leaf), right: rref(leaf), inner: struct({ z: u8, next: optionalRref(leaf) }) });
    expect(node.refOffsets).toEqual([4, 12, 24]);
  });

  it('derives the type id from structure alone: same structure, same id; any change, another id', () => {
    const a = struct({ len: u16, data: array(u8, 2048) });
    const b = struct({ len: u16, data: array(u8, 2048) });
    expect(a.typeId).toBe(b.typeId);
    const variants: ValueLayout[] = [
      struct({ len: u32, data: array(u8, 2048) }),
      struct({ len: u16, data: array(u8, 2047) }),
      struct({ size: u16, data: array(u8, 2048) }),
      struct({ data: array(u8, 2048), len: u16 }),
    ];
    for (const v of variants) expect(v.typeId).not.toBe(a.typeId);
    expect(a.typeId).toBeGreaterThan(0);
  });

  it('rejects what is not exchangeable, with a reason', () => {
    const leaf = struct({ v: u32 });
    expect(() => array(rref(leaf) as unknown as ValueLayout, 4)).toThrow(LayoutError);
    expect(() => array(struct({ r: rref(leaf) }), 2)).toThrow(/RRefArray/);
    expect(() => struct({ s: 'string' as unknown as ValueLayout })).toThrow(/not an exchangeable layout/);
    expect(() => struct({ f: (() => 0) as unknown as ValueLayout })).toThrow(LayoutError);
    expect(() => struct({ constructor: u8 })).toThrow(/invalid field name/);
    expect(() => struct({ ['__proto__']: u8 } as Record<string, ValueLayout>)).toThrow(/invalid field name/);
    expect(() => array(u8, -1)).toThrow(/non-negative/);
    expect(() => array(u8, 1.5)).toThrow(LayoutError);
  });

  it('freezes layouts so nobody can change one after its id was computed', () => {
    const s = struct({ a: u8 });
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.members)).toBe(true);
    expect(() => {
      (s as { size: number }).size = 100;
    }).toThrow(TypeError);
  });
});
