import { beforeEach, describe, expect, it } from 'vitest';
import { RRef, RRefArray, RRefDeque, optionalRref, rref, struct, u32, u8, array } from '../../runtime/lib/index.ts';
import { PARENT } from '../../runtime/heap/index.ts';
import { identify } from '../../runtime/lib/internal.ts';
import { world } from './support.ts';
import type { World } from './support.ts';

const Leaf = struct({ v: u32 });
const Node = struct({ tag: u8, next: optionalRref(Leaf), must: rref(Leaf) });

describe('nested RRefs', () => {
  let w: World;
  beforeEach(() => {
    w = world();
    w.as(1);
  });

  it('moves a child in (owner PARENT, old handle revoked) and back out (a fresh root)', () => {
    const child = RRef.new(Leaf, { v: 5 });
    const node = RRef.new(Node, { must: RRef.new(Leaf, { v: 1 }) });
    const { slot } = identify(child);
    node.put('next', child);
    expect(child.isValid).toBe(false);
    expect(() => child.get('v')).toThrow(/moved away/);
    expect(w.heap.registry.owner[slot]).toBe(PARENT);
    expect(node.has('next')).toBe(true);
    const back = node.take('next')!;
    expect(back.get('v')).toBe(5);
    expect(w.heap.registry.owner[slot]).toBe(1);
    expect(node.take('next')).toBeUndefined();
    expect(w.heap.audit()).toEqual([]);
  });

  it('requires required children at creation; a failed creation leaves every given RRef with the caller', () => {
    expect(() => RRef.new(Node, {} as never)).toThrow(/required nested RRef 'must'/);
    const given = RRef.new(Leaf, { v: 4 });
    const optional = RRef.new(Leaf);
    expect(() => RRef.new(Node, { must: given, next: optional, tag: 300 })).toThrow(RangeError);
    expect(() => RRef.new(Node, { must: given, next: RRef.new(struct({ v: u8 })) as never })).toThrow(/another type/);
    expect(() => RRef.new(Node, { must: given, next: given })).toThrow(/same RRef/);
    expect(given.get('v')).toBe(4);
    expect(optional.isValid).toBe(true);
    expect(w.heap.stats(1).objects).toBe(3);
    expect(w.heap.audit()).toEqual([]);
  });

  it('swaps a required child with replace(), never take()', () => {
    const node = RRef.new(Node, { must: RRef.new(Leaf, { v: 1 }) });
    expect(() => node.take('must' as 'next')).toThrow(/required/);
    const old = node.replace('must', RRef.new(Leaf, { v: 2 }))!;
    expect(old.get('v')).toBe(1);
    node.borrowField('must', (c) => expect(c?.get('v')).toBe(2));
  });

  it('refuses to overwrite an occupied field, to nest the wrong type, or to nest into itself', () => {
    const node = RRef.new(Node, { must: RRef.new(Leaf), next: RRef.new(Leaf) });
    const extra = RRef.new(Leaf);
    expect(() => node.put('next', extra)).toThrow(/not empty/);
    expect(extra.isValid).toBe(true);
    const wrong = RRef.new(struct({ v: u8 }));
    expect(() => node.put('next', wrong as never)).toThrow(/another type/);
    expect(wrong.isValid).toBe(true);
  });

  it('frees nested objects recursively with their root, and counts them to the root owner', () => {
    const chainLayout = struct({ v: u32, next: optionalRref(Leaf) });
    const outer = RRef.new(struct({ a: optionalRref(chainLayout), b: optionalRref(Leaf) }));
    const mid = RRef.new(chainLayout, { next: RRef.new(Leaf) });
    outer.put('a', mid);
    outer.put('b', RRef.new(Leaf));
    expect(w.heap.stats(1).objects).toBe(4);
    outer.drop();
    expect(w.heap.stats(1)).toEqual({ objects: 0, bytes: 0 });
    expect(w.heap.totals().objects).toBe(0);
  });

  it('lends a nested child read-only, only for the callback', () => {
    const node = RRef.new(Node, { must: RRef.new(Leaf, { v: 3 }) });
    let kept: RRef<{ readonly v: number }> | undefined;
    node.borrowField('must', (c) => {
      expect(c!.isBorrowed).toBe(true);
      expect(() => c!.set('v', 1)).toThrow(/read-only/);
      expect(() => c!.drop()).toThrow(/read-only/);
      kept = c;
    });
    expect(() => kept!.get('v')).toThrow(/borrow ended/);
  });
});

describe('RRefArray', () => {
  beforeEach(() => {
    world().as(1);
  });

  it('has optional slots: set moves in and returns the previous occupant, take moves out', () => {
    const arr = RRefArray.new(Leaf, 4);
    expect(arr.length).toBe(4);
    expect(arr.has(2)).toBe(false);
    const a = RRef.new(Leaf, { v: 1 });
    expect(arr.set(2, a)).toBeUndefined();
    expect(a.isValid).toBe(false);
    const prev = arr.set(2, RRef.new(Leaf, { v: 2 }));
    expect(prev?.get('v')).toBe(1);
    expect(arr.borrow(2, (x) => x?.get('v'))).toBe(2);
    expect(arr.take(2)?.get('v')).toBe(2);
    expect(arr.take(2)).toBeUndefined();
    expect(() => arr.set(4, RRef.new(Leaf))).toThrow(/out of bounds/);
  });
});

describe('RRefDeque', () => {
  beforeEach(() => {
    world().as(1);
  });

  it('is a FIFO ring: pushBack hands the item back when full, popFront returns undefined when empty', () => {
    const q = RRefDeque.new(Leaf, 3);
    expect(q.popFront()).toBeUndefined();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) expect(q.pushBack(RRef.new(Leaf, { v: round * 10 + i }))).toBeUndefined();
      expect(q.isFull).toBe(true);
      const extra = RRef.new(Leaf, { v: 99 });
      expect(q.pushBack(extra)).toBe(extra);
      expect(extra.isValid).toBe(true);
      extra.drop();
      expect([0, 1, 2].map(() => q.popFront()!.get('v'))).toEqual([round * 10, round * 10 + 1, round * 10 + 2]);
      expect(q.isEmpty).toBe(true);
    }
  });

  it('moves a whole batch of buffers when the deque itself moves', () => {
    const w = world();
    w.as(1);
    const Buf = array(u8, 2048);
    const q = RRefDeque.new(Buf, 32);
    for (let i = 0; i < 32; i++) {
      const b = RRef.new(Buf);
      b.setElem(0, i);
      q.pushBack(b);
    }
    expect(w.heap.stats(1).objects).toBe(33);
    const moved = w.move(q, 1, 2);
    expect(q.isValid).toBe(false);
    expect(w.heap.stats(1)).toEqual({ objects: 0, bytes: 0 });
    expect(w.heap.stats(2).objects).toBe(33);
    w.as(2);
    expect(moved.popFront()!.elem(0)).toBe(0);
    expect(w.heap.audit()).toEqual([]);
  });
});
