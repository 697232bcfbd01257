// RRef.newUninit skips zeroing, so it must never hand a domain bytes another domain wrote.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RRef, RRefVec, array, optionalRref, struct, u32, u8 } from '../../runtime/lib/index.ts';
import { world } from './support.ts';

const Buf = array(u8, 2048);

describe('uninitialised allocation', () => {
  it('hands a domain back its own freed bytes, and another domain zeros', () => {
    const w = world();
    w.as(1);
    const a = RRef.newUninit(Buf);
    a.fillBytes(0xaa);
    a.drop();
    const again = RRef.newUninit(Buf);
    expect(again.readU8(0)).toBe(0xaa);
    again.drop();
    w.as(2);
    const other = RRef.newUninit(Buf);
    expect(other.readU8(0)).toBe(0);
    w.as(1);
    const zeroed = RRef.new(Buf);
    expect(zeroed.readU8(0)).toBe(0);
  });

  it('zeroes the blocks of a reclaimed domain before anyone else gets them', () => {
    const w = world({ size: 256 * 1024 });
    w.as(1);
    for (let i = 0; i < 40; i++) RRef.newUninit(Buf).fillBytes(0x55);
    w.heap.reclaim(1);
    w.as(2);
    for (let i = 0; i < 40; i++) expect(RRef.newUninit(Buf).readU8(100)).toBe(0);
  });

  it('always zeroes layouts with nested RRefs (stale references must never be read)', () => {
    const w = world();
    w.as(1);
    const Node = struct({ v: u32, next: optionalRref(struct({ x: u8 })) });
    const n = RRef.new(Node, { v: 9, next: RRef.new(struct({ x: u8 })) });
    n.drop();
    const m = RRef.newUninit(Node);
    expect(m.get('v')).toBe(0);
    expect(m.has('next')).toBe(false);
    expect(w.heap.audit()).toEqual([]);
  });

  it('gives cached blocks to other domains when the heap runs out', () => {
    const w = world({ size: 256 * 1024 });
    w.as(1);
    const held = [];
    for (;;) {
      try {
        held.push(RRef.newUninit(Buf));
      } catch {
        break;
      }
    }
    for (const h of held) h.fillBytes(0x77);
    for (const h of held) h.drop();
    w.as(2);
    for (let i = 0; i < held.length; i++) expect(RRef.newUninit(Buf).readU8(0)).toBe(0);
  });

  it('never shows a domain bytes written by another, over random sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.integer({ min: 1, max: 3 }), free: fc.boolean(), len: fc.constantFrom(16, 100, 2048, 4096), pick: fc.nat() }), { minLength: 5, maxLength: 80 }),
        (steps) => {
          const w = world({ size: 512 * 1024 });
          const live: { d: number; v: RRefVec<number> }[] = [];
          for (const s of steps) {
            if (s.free && live.length > 0) {
              const [x] = live.splice(s.pick % live.length, 1);
              w.as(x!.d);
              x!.v.drop();
              continue;
            }
            w.as(s.d);
            let v: RRefVec<number>;
            try {
              v = RRefVec.newUninit(u8, s.len);
            } catch {
              continue;
            }
            // Every byte is 0 or this domain's own mark.
            const foreign = v.withBytes((bytes) => {
              const bad = bytes.findIndex((b) => b !== 0 && b !== s.d);
              const found = bad < 0 ? undefined : { at: bad, byte: bytes[bad] };
              bytes.fill(s.d);
              return found;
            });
            expect(foreign, `domain ${s.d} got another domain's byte`).toBeUndefined();
            live.push({ d: s.d, v });
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
