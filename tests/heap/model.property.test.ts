// Model-based test of the shared heap: random sequences of allocate, move, borrow, release,
// nested put/take, free and reclaim run against the real heap and against a plain model; after
// every step the two must agree (no object lost, none freed twice, statistics exact), and once
// every domain is reclaimed the heap must be empty.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RRef, RRefVec, array, optionalRref, struct, u32, u8 } from '../../runtime/lib/index.ts';
import type { Handle } from '../../runtime/lib/index.ts';
import { identify } from '../../runtime/lib/internal.ts';
import { world } from './support.ts';

const Msg = struct({ n: u32 });
const Buf = array(u8, 2048);
const Node = struct({ tag: u32, next: optionalRref(Msg) });
const DOMAINS = [1, 2, 3];

type Kind = 'msg' | 'buf' | 'node' | 'vec';
interface Obj {
  handle: Handle;
  kind: Kind;
  bytes: number;
  owner: number;
  borrows: number;
  child: Obj | undefined;
  live: boolean;
  /** Marks the object so the test can check no value was mixed up. */
  mark: number;
  /** Registry identity the handle had when it died: the heap must refuse it from then on. */
  slot: number;
  gen: number;
}

const op = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('alloc' as const), d: fc.constantFrom(...DOMAINS), kind: fc.constantFrom<Kind>('msg', 'buf', 'node', 'vec'), len: fc.nat(300) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('move' as const), i: fc.nat(), to: fc.constantFrom(...DOMAINS) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('borrow' as const), i: fc.nat(), by: fc.constantFrom(...DOMAINS) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), i: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('put' as const), parent: fc.nat(), child: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('take' as const), parent: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('free' as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reclaim' as const), d: fc.constantFrom(...DOMAINS) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('stale' as const), i: fc.nat() }) },
);

function sizeOf(kind: Kind, len: number): number {
  return kind === 'msg' ? Msg.size : kind === 'buf' ? Buf.size : kind === 'node' ? Node.size : len;
}

function readMark(o: Obj): number {
  const h = o.handle as RRef<{ readonly n: number }> & RRef<{ readonly tag: number }> & RRef<readonly number[]> & RRefVec<number>;
  switch (o.kind) {
    case 'msg': return h.get('n');
    case 'node': return h.get('tag');
    case 'buf': return h.readU32LE(0);
    case 'vec': return h.length >= 4 ? h.readU32LE(0) : o.mark;
  }
}

function writeMark(o: Obj): void {
  const h = o.handle as RRef<{ readonly n: number }> & RRef<{ readonly tag: number }> & RRefVec<number>;
  if (o.kind === 'msg') h.set('n', o.mark);
  else if (o.kind === 'node') h.set('tag', o.mark);
  else if (o.kind === 'buf' || h.byteLength >= 4) h.writeU32LE(0, o.mark);
}

describe('shared heap against a reference model', () => {
  it('agrees with the model after every step of random operation sequences', () => {
    const succeeded = new Map<string, number>();
    const count = (what: string): void => void succeeded.set(what, (succeeded.get(what) ?? 0) + 1);
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 150, size: 'large' }), (ops) => {
        const w = world({ size: 4 * 1024 * 1024, maxObjects: 512 });
        const roots: Obj[] = [];
        const dead: Obj[] = [];
        const leases: { obj: Obj; handle: Handle; release: () => void }[] = [];
        let marks = 0;
        const remember = (o: Obj): Obj => {
          const { slot, gen } = identify(o.handle);
          return { ...o, slot, gen, live: false, child: undefined };
        };
        const kill = (o: Obj): void => {
          o.live = false;
          dead.push(o);
          if (o.child) kill(o.child);
        };
        const expectThrow = (f: () => unknown): void => {
          expect(f).toThrow();
        };

        for (const o of ops) {
          switch (o.t) {
            case 'alloc': {
              w.as(o.d);
              const handle = o.kind === 'msg' ? RRef.new(Msg) : o.kind === 'buf' ? RRef.new(Buf) : o.kind === 'node' ? RRef.new(Node) : RRefVec.new(u8, o.len);
              const obj: Obj = { handle, kind: o.kind, bytes: sizeOf(o.kind, o.len), owner: o.d, borrows: 0, child: undefined, live: true, mark: ++marks, slot: 0, gen: 0 };
              writeMark(obj);
              roots.push(obj);
              count('alloc');
              break;
            }
            case 'move': {
              if (roots.length === 0) break;
              const obj = roots[o.i % roots.length]!;
              if (obj.borrows > 0) {
                expect(() => w.move(obj.handle, obj.owner, o.to)).toThrow(/borrowed/);
                break;
              }
              const before = remember(obj);
              obj.handle = w.move(obj.handle, obj.owner, o.to);
              obj.owner = o.to;
              dead.push(before);
              count('move');
              break;
            }
            case 'borrow': {
              if (roots.length === 0) break;
              const obj = roots[o.i % roots.length]!;
              const lease = w.borrow(obj.handle, obj.owner, o.by);
              obj.borrows++;
              expect(readMark({ ...obj, handle: lease.handle })).toBe(obj.mark);
              leases.push({ obj, ...lease });
              count('borrow');
              break;
            }
            case 'release': {
              if (leases.length === 0) break;
              const [lease] = leases.splice(o.i % leases.length, 1);
              lease!.release();
              if (lease!.obj.live) lease!.obj.borrows--;
              expect(lease!.handle.isValid).toBe(false);
              break;
            }
            case 'put': {
              const nodes = roots.filter((r) => r.kind === 'node');
              const msgs = roots.filter((r) => r.kind === 'msg');
              if (nodes.length === 0 || msgs.length === 0) break;
              const parent = nodes[o.parent % nodes.length]!;
              // Mostly a child of the same owner (the legal case), sometimes any (must be refused).
              const same = msgs.filter((m) => m.owner === parent.owner);
              const child = o.child % 4 !== 0 && same.length > 0 ? same[o.child % same.length]! : msgs[o.child % msgs.length]!;
              w.as(parent.owner);
              const node = parent.handle as RRef<{ readonly tag: number; readonly next?: RRef<{ readonly n: number }> }>;
              const msg = child.handle as RRef<{ readonly n: number }>;
              if (parent.child !== undefined || child.owner !== parent.owner || child.borrows > 0) {
                expectThrow(() => node.put('next', msg));
                expect(msg.isValid).toBe(true);
                break;
              }
              const before = remember(child);
              node.put('next', msg);
              parent.child = child;
              roots.splice(roots.indexOf(child), 1);
              dead.push(before);
              count('put');
              break;
            }
            case 'take': {
              const nodes = roots.filter((r) => r.kind === 'node');
              if (nodes.length === 0) break;
              // Prefer a parent that holds a child, so takes that move something are common.
              const full = nodes.filter((n) => n.child !== undefined);
              const parent = full.length > 0 && o.parent % 3 !== 0 ? full[o.parent % full.length]! : nodes[o.parent % nodes.length]!;
              const node = parent.handle as RRef<{ readonly tag: number; readonly next?: RRef<{ readonly n: number }> }>;
              w.as(parent.owner);
              const got = node.take('next');
              if (parent.child === undefined) {
                expect(got).toBeUndefined();
                break;
              }
              const child = parent.child;
              parent.child = undefined;
              child.handle = got!;
              child.owner = parent.owner;
              child.borrows = 0;
              roots.push(child);
              expect(readMark(child)).toBe(child.mark);
              count('take');
              break;
            }
            case 'free': {
              if (roots.length === 0) break;
              const obj = roots[o.i % roots.length]!;
              if (obj.borrows > 0) {
                expect(() => obj.handle.drop()).toThrow(/borrowed/);
                break;
              }
              const before = remember(obj);
              obj.handle.drop();
              roots.splice(roots.indexOf(obj), 1);
              kill(obj);
              dead.push(before);
              count('free');
              break;
            }
            case 'reclaim': {
              const objects = roots.filter((r) => r.owner === o.d);
              const expected = { objects: 0, bytes: 0 };
              const tally = (x: Obj): void => {
                expected.objects++;
                expected.bytes += x.bytes;
                if (x.child) tally(x.child);
              };
              objects.forEach(tally);
              const before = objects.map(remember);
              expect(w.heap.reclaim(o.d)).toEqual(expected);
              dead.push(...before);
              for (const x of objects) {
                roots.splice(roots.indexOf(x), 1);
                kill(x);
              }
              if (objects.length > 0) count('reclaim');
              break;
            }
            case 'stale': {
              if (dead.length === 0) break;
              const d = dead[o.i % dead.length]!;
              expect(d.handle.isValid).toBe(false);
              expectThrow(() => readMark(d));
              // The heap itself refuses the old identity, whatever the handle object says.
              if (d.slot !== 0) for (const owner of DOMAINS) expect(w.heap.isLiveRoot(owner, d.slot, d.gen)).toBe(false);
              count('stale');
              break;
            }
          }

          // Invariants after every step.
          for (const d of DOMAINS) {
            const expected = { objects: 0, bytes: 0 };
            const tally = (x: Obj): void => {
              expected.objects++;
              expected.bytes += x.bytes;
              if (x.child) tally(x.child);
            };
            roots.filter((r) => r.owner === d).forEach(tally);
            expect(w.heap.stats(d)).toEqual(expected);
          }
          for (const r of roots) {
            expect(r.handle.isValid).toBe(true);
            expect(readMark(r)).toBe(r.mark);
          }
          expect(w.heap.audit()).toEqual([]);
        }

        for (const lease of leases) lease.release();
        for (const d of DOMAINS) w.heap.reclaim(d);
        expect(w.heap.totals().objects).toBe(0);
        expect(w.heap.totals().bytes).toBe(0);
        expect(w.heap.audit()).toEqual([]);
        expect(w.heap.violations.corruptRef).toBe(0);
      }),
      { numRuns: 100 },
    );
    // The runs must have exercised every operation's successful path, or they proved little.
    for (const what of ['alloc', 'move', 'borrow', 'put', 'take', 'free', 'reclaim', 'stale']) {
      expect(succeeded.get(what) ?? 0, what).toBeGreaterThan(10);
    }
  });
});
