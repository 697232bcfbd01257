import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SizeClassAllocator, sizeClass, blockSizeOfClass } from '../../runtime/heap/index.ts';

describe('size-class allocator', () => {
  it('rounds sizes up to power-of-two classes from 16 bytes', () => {
    expect([0, 1, 16, 17, 32, 33, 2048, 2049, 4096].map((s) => blockSizeOfClass(sizeClass(s)))).toEqual([
      16, 16, 16, 32, 32, 64, 2048, 4096, 4096,
    ]);
  });

  it('never hands out offset 0 (the reserved first slab)', () => {
    const a = new SizeClassAllocator(1 << 20);
    expect(a.alloc(16)).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('aligns every block to its size up to a page, and large blocks to pages', () => {
    const a = new SizeClassAllocator(8 << 20);
    for (const size of [16, 100, 2048, 4096, 3000, 9000, 70000]) {
      const off = a.alloc(size);
      expect(off).toBeGreaterThan(0);
      expect(off % Math.min(blockSizeOfClass(sizeClass(size)), 4096)).toBe(0);
    }
  });

  it('reuses a freed block of the same class first (LIFO)', () => {
    const a = new SizeClassAllocator(1 << 20);
    const x = a.alloc(2048);
    a.alloc(2048);
    a.free(x, 2048);
    expect(a.alloc(2000)).toBe(x);
  });

  it('reports exhaustion with -1 instead of overlapping', () => {
    const a = new SizeClassAllocator(256 * 1024);
    const got: number[] = [];
    for (;;) {
      const off = a.alloc(4096);
      if (off < 0) break;
      got.push(off);
    }
    expect(got.length).toBe((256 - 64) / 4);
    expect(new Set(got).size).toBe(got.length);
  });

  it('splits a larger free block when the bump region is used up', () => {
    const a = new SizeClassAllocator(192 * 1024);
    const big = a.alloc(64 * 1024);
    const rest = a.alloc(64 * 1024);
    expect(big).toBeGreaterThan(0);
    expect(rest).toBeGreaterThan(0);
    expect(a.alloc(64 * 1024)).toBe(-1);
    a.free(big, 64 * 1024);
    const small = a.alloc(2048);
    expect(small).toBe(big);
    expect(a.alloc(2048)).toBeGreaterThan(0);
  });

  it('keeps live blocks disjoint and inside the heap under random alloc/free', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant('alloc' as const), size: fc.integer({ min: 0, max: 20000 }) }), fc.record({ op: fc.constant('free' as const), pick: fc.nat() })), { maxLength: 300 }),
        (ops) => {
          const capacity = 1 << 20;
          const a = new SizeClassAllocator(capacity);
          const live: { off: number; size: number }[] = [];
          for (const op of ops) {
            if (op.op === 'alloc') {
              const off = a.alloc(op.size);
              if (off >= 0) live.push({ off, size: Math.max(op.size, 1) });
            } else if (live.length > 0) {
              const [b] = live.splice(op.pick % live.length, 1);
              a.free(b!.off, b!.size);
            }
          }
          const sorted = [...live].sort((x, y) => x.off - y.off);
          for (let i = 0; i < sorted.length; i++) {
            expect(sorted[i]!.off + sorted[i]!.size).toBeLessThanOrEqual(capacity);
            if (i > 0) expect(sorted[i - 1]!.off + sorted[i - 1]!.size).toBeLessThanOrEqual(sorted[i]!.off);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
