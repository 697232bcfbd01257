import { describe, expect, it } from 'vitest';
import { RRef, RRefVec, array, optionalRref, struct, u32, u8, HeapError } from '../../runtime/lib/index.ts';
import { FREE, KERNEL, PARENT, SharedHeap, HeapError as KernelHeapError } from '../../runtime/heap/index.ts';
import { identify } from '../../runtime/lib/internal.ts';
import { world } from './support.ts';

const Msg = struct({ n: u32 });

describe('owner sentinels', () => {
  it('FREE, KERNEL and PARENT are distinct from each other and from every domain id', () => {
    expect(new Set([FREE, KERNEL, PARENT]).size).toBe(3);
    for (const s of [FREE, KERNEL, PARENT]) expect(s).toBeLessThan(1);
  });

  it('lets the kernel own roots, never FREE, PARENT or domain 0', () => {
    const heap = new SharedHeap({ size: 1 << 20, maxObjects: 64 });
    heap.registerType({ typeId: Msg.typeId, canonical: Msg.canonical, refOffsets: [] });
    expect(heap.alloc(KERNEL, Msg.typeId, 4)).toBeGreaterThan(0);
    for (const bad of [FREE, PARENT, 0, -7, 1.5]) expect(() => heap.alloc(bad, Msg.typeId, 4)).toThrow(/cannot own a root/);
  });
});

describe('moving ownership (I3)', () => {
  it('revokes the sender handle and mints a working handle in the receiver', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg, { n: 7 });
    const moved = w.move(m, 1, 2);
    expect(() => m.get('n')).toThrow(/moved away/);
    expect(() => m.set('n', 1)).toThrow(HeapError);
    expect(() => m.drop()).toThrow(HeapError);
    expect(moved.get('n')).toBe(7);
    expect(w.heap.stats(1)).toEqual({ objects: 0, bytes: 0 });
    expect(w.heap.stats(2)).toEqual({ objects: 1, bytes: 4 });
  });

  it('makes every copy of the old handle stale, including after the object moves back', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg);
    const alias = m;
    const there = w.move(m, 1, 2);
    const back = w.move(there, 2, 1);
    expect(alias.isValid).toBe(false);
    expect(there.isValid).toBe(false);
    expect(back.isValid).toBe(true);
  });

  it('refuses to move an object the sender does not own, or with a stale generation', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg);
    const { slot, gen } = identify(m);
    expect(() => w.heap.move(slot, gen, 2, 3)).toThrow(/belongs to domain 1/);
    expect(() => w.heap.move(slot, gen + 1, 1, 2)).toThrow(/stale/);
    expect(() => w.heap.move(0, 0, 1, 2)).toThrow(/no such slot/);
  });
});

describe('borrowing', () => {
  it('gives the callee a read-only handle that dies when the call returns', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg, { n: 3 });
    const { handle, release } = w.borrow(m, 1, 2);
    expect(handle.get('n')).toBe(3);
    expect(() => handle.set('n', 4)).toThrow(/read-only/);
    expect(() => handle.drop()).toThrow(/read-only/);
    expect(() => w.move(m, 1, 2)).toThrow(/borrowed/);
    expect(() => m.drop()).toThrow(/borrowed/);
    // A refused move or free leaves the owner's handle working.
    expect(m.get('n')).toBe(3);
    release();
    expect(() => handle.get('n')).toThrow(/borrow ended/);
    m.drop();
    expect(w.heap.totals().objects).toBe(0);
  });

  it('counts nested borrows and only frees the object after the last release', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg);
    const a = w.borrow(m, 1, 2);
    const b = w.borrow(m, 1, 3);
    a.release();
    expect(() => m.drop()).toThrow(/borrowed/);
    b.release();
    m.drop();
  });

  it('tolerates the release of a borrow whose owner was reclaimed meanwhile', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg);
    const { handle, release } = w.borrow(m, 1, 2);
    w.heap.reclaim(1);
    expect(() => handle.get('n')).toThrow(/stale/);
    expect(() => release()).not.toThrow();
  });
});

describe('unforgeable handles', () => {
  it('cannot be constructed, subclassed into existence, or faked with a prototype', () => {
    world().as(1);
    const Ctor = RRef as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Ctor(Symbol('rref-mint'), {}, 1, { kind: 'rref', layout: Msg }, false)).toThrow(/cannot be constructed/);
    class Evil extends (RRef as unknown as new (...a: unknown[]) => object) {
      constructor() {
        super(undefined, undefined, 1);
      }
    }
    expect(() => new Evil()).toThrow(/cannot be constructed/);
    const fake = Object.create(RRef.prototype) as RRef<{ readonly n: number }>;
    expect(() => fake.get('n')).toThrow(TypeError);
    const real = RRef.new(Msg, { n: 1 });
    const borrowedMethod = Reflect.get(RRef.prototype, 'get') as (this: unknown, path: string) => unknown;
    expect(() => borrowedMethod.call({ ...real }, 'n')).toThrow(TypeError);
  });

  it('keeps no public state: copying or JSON-serialising a handle carries nothing usable', () => {
    world().as(1);
    const real = RRef.new(Msg, { n: 1 });
    expect(Object.keys(real)).toEqual([]);
    expect(JSON.stringify(real)).toBe('{}');
  });
});

describe('violations are detected and reported, never silent', () => {
  it('detects a double free', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg);
    const { slot, gen } = identify(m);
    m.drop();
    expect(() => m.drop()).toThrow(/moved away or its borrow ended|stale/);
    expect(() => w.heap.free(1, slot, gen)).toThrow(/double free/);
    expect(w.heap.violations.doubleFree).toBe(1);
  });

  it('detects use after free through a stale handle even when the slot was reused', () => {
    const w = world();
    w.as(1);
    const m = RRef.new(Msg, { n: 1 });
    const { slot, gen } = identify(m);
    w.heap.free(1, slot, gen);
    const other = RRef.new(Msg, { n: 2 });
    expect(identify(other).slot).toBe(slot);
    expect(() => m.get('n')).toThrow(/stale/);
    expect(() => w.heap.free(1, slot, gen)).toThrow(/USE_AFTER_FREE/);
    expect(other.get('n')).toBe(2);
  });

  it('reports quota and heap exhaustion with codes, and leaves the heap consistent', () => {
    const w = world({ size: 256 * 1024, maxObjects: 8 });
    w.as(1);
    w.heap.setQuota(1, 4096);
    const a = RRef.new(array(u8, 4096));
    const err = (() => {
      try {
        RRef.new(Msg);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KernelHeapError);
    expect((err as KernelHeapError).code).toBe('QUOTA_EXCEEDED');
    expect(String(err)).toMatch(/domain 1 would exceed its shared-heap quota of 4096 bytes/);
    a.drop();
    w.as(2);
    const many: RRefVec<number>[] = [];
    expect(() => {
      for (;;) many.push(RRefVec.new(u8, 16));
    }).toThrow(/registry is full/);
    for (const v of many) v.drop();
    expect(() => RRefVec.new(u8, 1 << 20)).toThrow(/HEAP_EXHAUSTED/);
    expect(w.heap.audit()).toEqual([]);
  });

  it('reclaims every root of a domain, with everything nested, and nothing of the others', () => {
    const w = world();
    w.as(1);
    for (let i = 0; i < 10; i++) RRef.new(Msg);
    w.as(2);
    const keep = RRef.new(Msg, { n: 9 });
    expect(w.heap.reclaim(1)).toEqual({ objects: 10, bytes: 40 });
    expect(w.heap.stats(1)).toEqual({ objects: 0, bytes: 0 });
    expect(keep.get('n')).toBe(9);
    expect(w.heap.audit()).toEqual([]);
  });
});

describe('refusals leave everything as it was', () => {
  it('a move the receiver has no quota for fails and the sender keeps a working handle', () => {
    const w = world();
    w.as(1);
    const big = RRef.new(array(u8, 4096));
    big.writeU32LE(0, 0xfeedface);
    w.heap.setQuota(2, 1024);
    expect(() => w.move(big, 1, 2)).toThrow(/domain 2 would exceed its shared-heap quota receiving 4096 bytes/);
    expect(big.readU32LE(0)).toBe(0xfeedface);
    expect(w.heap.stats(1)).toEqual({ objects: 1, bytes: 4096 });
    expect(w.heap.stats(2)).toEqual({ objects: 0, bytes: 0 });
    expect(w.heap.audit()).toEqual([]);
  });

  it('a quota counts what is nested: nesting cannot hide memory from it', () => {
    const w = world();
    w.as(1);
    const Holder = struct({ n: u32, inner: optionalRref(array(u8, 2048)) });
    const h = RRef.new(Holder, { inner: RRef.new(array(u8, 2048)) });
    expect(w.heap.stats(1)).toEqual({ objects: 2, bytes: 2048 + Holder.size });
    w.heap.setQuota(2, 2048);
    expect(() => w.move(h, 1, 2)).toThrow(/quota/);
    expect(h.has('inner')).toBe(true);
  });
});

describe('heap configuration', () => {
  it('refuses sizes that are not whole slabs, too small, or beyond 32-bit offsets', () => {
    expect(() => new SharedHeap({ size: 100_000 })).toThrow(/multiple of 65536/);
    expect(() => new SharedHeap({ size: 65536 })).toThrow(/at least/);
    expect(() => new SharedHeap({ size: 2 ** 33 })).toThrow(/4 GiB/);
    expect(() => new SharedHeap({ size: 1 << 20, maxObjects: 1 })).toThrow(/capacity/);
  });

  it('refuses a second structure under a type id that is taken', () => {
    const heap = new SharedHeap({ size: 1 << 20, maxObjects: 16 });
    heap.registerType({ typeId: 77, canonical: '{a:u8}', refOffsets: [] });
    heap.registerType({ typeId: 77, canonical: '{a:u8}', refOffsets: [] });
    expect(() => heap.registerType({ typeId: 77, canonical: '{b:u8}', refOffsets: [] })).toThrow(/already registered/);
    expect(() => heap.registerType({ typeId: 78, canonical: 'x', refOffsets: [3] })).toThrow(/bad nested reference offset/);
    expect(() => heap.alloc(1, 79, 8)).toThrow(/not registered/);
  });

  it('nests only at reference fields: a few listed ones, or evenly spaced ones of an array', () => {
    const heap = new SharedHeap({ size: 1 << 20, maxObjects: 64 });
    heap.openAccount(1);
    heap.registerType({ typeId: 90, canonical: '{v:u32}', refOffsets: [] });
    heap.registerType({ typeId: 91, canonical: '{a:&x,b:u32,c:&x}', refOffsets: [0, 12] }); // not evenly spaced
    heap.registerType({ typeId: 92, canonical: '[&x;4]', refOffsets: [8, 16, 24, 32] }); // a header, then slots
    const child = (): number => heap.alloc(1, 90, 4);
    const genOf = (slot: number): number => heap.registry.gen[slot]!;
    const struct = heap.alloc(1, 91, 20);
    const arr = heap.alloc(1, 92, 40);
    for (const [parent, bad] of [[struct, [4, 8, 16, -4]], [arr, [0, 4, 12, 40, 48, -8]]] as const) {
      for (const off of bad) {
        const c = child();
        expect(() => heap.putRef(1, parent, genOf(parent), off, c, genOf(c)), `offset ${off}`).toThrow(/not a nested reference field/);
      }
    }
    for (const [parent, good] of [[struct, [0, 12]], [arr, [8, 16, 24, 32]]] as const) {
      for (const off of good) {
        const c = child();
        heap.putRef(1, parent, genOf(parent), off, c, genOf(c));
        expect(heap.takeRef(1, parent, genOf(parent), off)).toBe(c);
      }
    }
  });
});

