// RRef handles: a domain's only way to reach a shared-heap object (invariant I3).
//
// A handle records (slot, generation) of the object it names. Every access compares that
// generation with the registry's: a move, a free or a nesting bumps the registry's value, so
// every older handle goes stale at once, in whatever realm it lives. Revoking a handle sets its
// own generation to a value the registry never holds. Handles cannot be constructed from
// outside this module (the constructor demands a module-private token) and keep their state in
// private fields.

import type { PrimLayout, PrimKind, PrimValue, ValueLayout, Infer, RRefLike } from '../heap/layout.ts';
import { REF_SIZE, isValueLayout, rrefBrand, u8 as u8Layout } from '../heap/layout.ts';
import { typeIdOf } from '../heap/typeid.ts';
import { HeapError } from '../heap/errors.ts';
import type { HeapViews } from './port.ts';
import { fieldTable, codeOf, codeSize, PrimArray, U8, I8, U16, I16, U32, I32, F32, F64, U64, I64 } from './fields.ts';
import type { FieldTable, Code } from './fields.ts';
import type { ScalarPath, ArrayPath, RefPath, OptionalRefPath, At, ElementAt, RefTargetAt } from './exchangeable.ts';
import { encodeUtf8Into, decodeUtf8, utf8Length } from './utf8.ts';
import { moveRoot, borrowRoot, unborrowRoot } from '../heap/moves.ts';
import { u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, bool } from '../heap/layout.ts';

const allPrims: readonly PrimLayout[] = [u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, bool];

const REVOKED = -1;
const token: unique symbol = Symbol('rref-mint');

// ---- the current domain -----------------------------------------------------------------------

let current: HeapViews | undefined;
const registered = new WeakMap<HeapViews, Set<number>>();

/** Binds the library to a domain's heap port; the kernel's entry glue calls it once per realm. */
export function enterDomain(views: HeapViews): HeapViews | undefined {
  const previous = current;
  current = views;
  return previous;
}

export function currentViews(): HeapViews {
  if (current === undefined) throw new HeapError('BAD_OWNER', 'no domain heap is bound: the library was not entered by the kernel');
  return current;
}

let lastViews: HeapViews | undefined;
let lastRegistered = new Set<number>();

function ensureType(v: HeapViews, t: TypeFacts): void {
  if (v !== lastViews) {
    let set = registered.get(v);
    if (!set) registered.set(v, (set = new Set()));
    lastViews = v;
    lastRegistered = set;
  }
  if (lastRegistered.has(t.typeId)) return;
  v.port.registerType({ typeId: t.typeId, canonical: t.canonical, refOffsets: t.refOffsets });
  lastRegistered.add(t.typeId);
}

// ---- what a handle names ----------------------------------------------------------------------

/** What the heap must know of a handle's type, computed once per kind. */
interface TypeFacts {
  readonly typeId: number;
  readonly canonical: string;
  readonly refOffsets: readonly number[];
}

/**
 * Describes the class and layout of a handle, so trusted glue can mint an equal one elsewhere.
 * Kinds are cached per layout (see rrefKind and friends): allocating creates no objects but the
 * handle itself.
 */
export type HandleKind =
  | (TypeFacts & { readonly kind: 'rref'; readonly layout: ValueLayout; readonly fields: FieldTable })
  | (TypeFacts & { readonly kind: 'vec'; readonly prim: PrimLayout })
  | (TypeFacts & { readonly kind: 'array'; readonly elem: ValueLayout; readonly length: number })
  | (TypeFacts & { readonly kind: 'deque'; readonly elem: ValueLayout; readonly capacity: number });

const rrefKinds = new WeakMap<ValueLayout, HandleKind>();
const vecKinds = new WeakMap<PrimLayout, HandleKind>();
const arrayKinds = new WeakMap<ValueLayout, Map<number, HandleKind>>();
const dequeKinds = new WeakMap<ValueLayout, Map<number, HandleKind>>();

export function rrefKind(layout: ValueLayout): HandleKind {
  let k = rrefKinds.get(layout);
  if (k === undefined) {
    k = Object.freeze({ kind: 'rref', layout, fields: fieldTable(layout), typeId: layout.typeId, canonical: layout.canonical, refOffsets: layout.refOffsets });
    rrefKinds.set(layout, k);
  }
  return k;
}

export function vecKind(prim: PrimLayout): HandleKind {
  let k = vecKinds.get(prim);
  if (k === undefined) {
    const canonical = `vec<${prim.canonical}>`;
    k = Object.freeze({ kind: 'vec', prim, typeId: typeIdOf(canonical), canonical, refOffsets: Object.freeze([]) });
    vecKinds.set(prim, k);
  }
  return k;
}

function sized(cache: WeakMap<ValueLayout, Map<number, HandleKind>>, elem: ValueLayout, n: number, make: () => HandleKind): HandleKind {
  let byLength = cache.get(elem);
  if (byLength === undefined) cache.set(elem, (byLength = new Map()));
  let k = byLength.get(n);
  if (k === undefined) byLength.set(n, (k = make()));
  return k;
}

export function arrayKind(elem: ValueLayout, length: number): HandleKind {
  return sized(arrayKinds, elem, length, () => {
    const canonical = `rrefarray<${elem.canonical};${length}>`;
    const refOffsets = Object.freeze(Array.from({ length }, (_, i) => i * REF_SIZE));
    return Object.freeze({ kind: 'array', elem, length, typeId: typeIdOf(canonical), canonical, refOffsets });
  });
}

export function dequeKind(elem: ValueLayout, capacity: number): HandleKind {
  return sized(dequeKinds, elem, capacity, () => {
    const canonical = `rrefdeque<${elem.canonical};${capacity}>`;
    const refOffsets = Object.freeze(Array.from({ length: capacity }, (_, i) => DEQUE_HEADER + i * REF_SIZE));
    return Object.freeze({ kind: 'deque', elem, capacity, typeId: typeIdOf(canonical), canonical, refOffsets });
  });
}

const DEQUE_HEADER = 8;

// ---- private-state accessors, bound in Handle's static block ----------------------------------

// Assigned once, while Handle is defined; copied into consts below the class, because V8
// inlines a call through a const binding but not through a reassignable one.
let bindLive: (h: Handle) => number;
let bindLiveW: (h: Handle) => number;
let bindViewsOf: (h: Handle) => HeapViews;
let bindRevoke: (h: Handle) => { slot: number; gen: number };
let bindIdentity: (h: Handle) => { slot: number; gen: number };
let bindKindOf: (h: Handle) => HandleKind;
let bindSizeOf: (h: Handle) => number;
let bindSlotOf: (h: Handle) => number;
let bindGenOf: (h: Handle) => number;
let bindDrop: (h: Handle) => void;

function stale(what: string, slot: number, revoked: boolean): HeapError {
  return revoked
    ? new HeapError('REVOKED', `${what} handle was moved away or its borrow ended (slot ${slot}); a moved RRef cannot be used again`)
    : new HeapError('USE_AFTER_FREE', `${what} handle is stale: its object was moved, nested or freed (slot ${slot})`);
}

/** Common state of every shared-heap handle. */
export abstract class Handle {
  #v: HeapViews;
  #slot: number;
  #gen: number;
  #base: number;
  #size: number;
  #readOnly: boolean;
  readonly #kind: HandleKind;

  /** @internal Handles are minted only by this library. */
  constructor(key: typeof token, v: HeapViews, slot: number, kind: HandleKind, readOnly: boolean) {
    if (key !== token) throw new TypeError('shared-heap handles cannot be constructed directly; use RRef.new, RRefVec.new, RRefArray.new or RRefDeque.new');
    this.#v = v;
    this.#slot = slot;
    this.#gen = v.gen[slot]!;
    this.#base = v.offset[slot]!;
    this.#size = v.size[slot]!;
    this.#readOnly = readOnly;
    this.#kind = kind;
  }

  static {
    bindLive = (h) => {
      if (h.#v.gen[h.#slot] !== h.#gen) throw stale('this', h.#slot, h.#gen === REVOKED);
      return h.#base;
    };
    bindLiveW = (h) => {
      if (h.#v.gen[h.#slot] !== h.#gen) throw stale('this', h.#slot, h.#gen === REVOKED);
      if (h.#readOnly) throw new HeapError('READ_ONLY', 'a borrowed RRef is read-only: it cannot be written, moved or freed');
      return h.#base;
    };
    bindViewsOf = (h) => h.#v;
    bindRevoke = (h) => {
      const id = { slot: h.#slot, gen: h.#gen };
      h.#gen = REVOKED;
      return id;
    };
    bindIdentity = (h) => ({ slot: h.#slot, gen: h.#gen });
    bindKindOf = (h) => h.#kind;
    bindSizeOf = (h) => h.#size;
    bindSlotOf = (h) => h.#slot;
    bindGenOf = (h) => h.#gen;
    bindDrop = (h) => { h.#gen = REVOKED; };
  }

  /** False once the handle was moved, revoked, or its object freed. */
  get isValid(): boolean {
    return this.#gen !== REVOKED && this.#v.gen[this.#slot] === this.#gen;
  }

  /** True for a borrowed handle: readable for the duration of one call, never writable. */
  get isBorrowed(): boolean {
    return this.#readOnly;
  }

  /** Size of the object in bytes. */
  get byteLength(): number {
    live(this);
    return this.#size;
  }

  /** The stable type id of the object's type (the same in every domain). */
  get typeId(): number {
    return this.#kind.typeId;
  }

  /**
   * Frees the object and everything nested in it. The handle (and every copy of it) is
   * unusable afterwards.
   */
  drop(): void {
    liveW(this);
    const v = this.#v;
    v.port.free(this.#slot, this.#gen);
    this.#gen = REVOKED;
  }
}

/** The handle's object base offset, after checking its generation. */
const live = bindLive;
/** The same, and the handle must be writable (not a borrow). */
const liveW = bindLiveW;
const viewsOf = bindViewsOf;
const revoke = bindRevoke;
const identity = bindIdentity;
const kindOf = bindKindOf;
const sizeOf = bindSizeOf;
const slotOf = bindSlotOf;
const genOf = bindGenOf;
const revokeQuietly = bindDrop;

function mint<H extends Handle>(v: HeapViews, kind: HandleKind, slot: number, readOnly: boolean): H {
  switch (kind.kind) {
    case 'rref': return new RRefImpl(token, v, slot, kind, readOnly) as unknown as H;
    case 'vec': return new RRefVecImpl(token, v, slot, kind, readOnly) as unknown as H;
    case 'array': return new RRefArrayImpl(token, v, slot, kind, readOnly) as unknown as H;
    case 'deque': return new RRefDequeImpl(token, v, slot, kind, readOnly) as unknown as H;
  }
}

function allocate(kind: HandleKind, size: number, zero = true): { v: HeapViews; slot: number } {
  const v = currentViews();
  ensureType(v, kind);
  return { v, slot: v.port.alloc(kind.typeId, size, zero) };
}

// ---- scalar load/store with range checks ------------------------------------------------------

function load(v: HeapViews, code: Code, at: number): number | bigint | boolean {
  switch (code) {
    case U8: return v.u8[at]!;
    case I8: return v.i8[at]!;
    case U16: return v.u16[at >>> 1]!;
    case I16: return v.i16[at >>> 1]!;
    case U32: return v.u32[at >>> 2]!;
    case I32: return v.i32[at >>> 2]!;
    case F32: return v.f32[at >>> 2]!;
    case F64: return v.f64[at >>> 3]!;
    case U64: return v.u64[at >>> 3]!;
    case I64: return v.i64[at >>> 3]!;
    default: return v.u8[at] !== 0;
  }
}

const primNames = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'f64', 'u64', 'i64', 'bool'] as const;

function badValue(code: Code, value: unknown): RangeError {
  return new RangeError(`${typeof value === 'bigint' ? `${value}n` : String(value)} is not a valid ${primNames[code]} value`);
}

function store(v: HeapViews, code: Code, at: number, value: unknown): void {
  switch (code) {
    case U8: if (typeof value !== 'number' || (value & 0xff) !== value) throw badValue(code, value); v.u8[at] = value; return;
    case I8: if (typeof value !== 'number' || ((value << 24) >> 24) !== value) throw badValue(code, value); v.i8[at] = value; return;
    case U16: if (typeof value !== 'number' || (value & 0xffff) !== value) throw badValue(code, value); v.u16[at >>> 1] = value; return;
    case I16: if (typeof value !== 'number' || ((value << 16) >> 16) !== value) throw badValue(code, value); v.i16[at >>> 1] = value; return;
    case U32: if (typeof value !== 'number' || value >>> 0 !== value) throw badValue(code, value); v.u32[at >>> 2] = value; return;
    case I32: if (typeof value !== 'number' || (value | 0) !== value) throw badValue(code, value); v.i32[at >>> 2] = value; return;
    case F32: if (typeof value !== 'number') throw badValue(code, value); v.f32[at >>> 2] = value; return;
    case F64: if (typeof value !== 'number') throw badValue(code, value); v.f64[at >>> 3] = value; return;
    case U64: if (typeof value !== 'bigint' || BigInt.asUintN(64, value) !== value) throw badValue(code, value); v.u64[at >>> 3] = value; return;
    case I64: if (typeof value !== 'bigint' || BigInt.asIntN(64, value) !== value) throw badValue(code, value); v.i64[at >>> 3] = value; return;
    default: if (typeof value !== 'boolean') throw badValue(code, value); v.u8[at] = value ? 1 : 0; return;
  }
}

function outOfBounds(what: string, index: number, limit: number): HeapError {
  return new HeapError('OUT_OF_BOUNDS', `${what} ${String(index)} is out of bounds (0..${limit - 1})`);
}

function checkIndex(index: number, length: number): void {
  // `>>> 0` also rejects negatives, fractions and NaN in one comparison.
  if (index >>> 0 !== index || index >= length) throw outOfBounds('index', index, length);
}

function checkRange(what: string, offset: number, len: number, size: number): void {
  if (offset >>> 0 !== offset || len >>> 0 !== len || offset + len > size) {
    throw new HeapError('OUT_OF_BOUNDS', `${what}: bytes [${String(offset)}, ${String(offset)}+${String(len)}) are outside the object's ${size} bytes`);
  }
}

// ---- plain-data handles: byte-level access shared by RRef and RRefVec ---------------------------

/** Handles whose bytes are plain data (no nested references), so byte-level access is safe. */
export abstract class DataHandle extends Handle {
  /** False for an RRef whose layout holds nested RRefs: its bytes are not offered raw. */
  protected abstract get plainData(): boolean;

  private bytesAt(offset: number, len: number, write: boolean): number {
    const base = write ? liveW(this) : live(this);
    if (!this.plainData) throw new HeapError('NOT_PLAIN_DATA', 'byte-level access is not allowed on an object with nested RRefs; use its typed accessors');
    checkRange('byte access', offset, len, sizeOf(this));
    return base + offset;
  }

  readU8(offset: number): number { return viewsOf(this).u8[this.bytesAt(offset, 1, false)]!; }
  readU16BE(offset: number): number { const a = this.bytesAt(offset, 2, false), u = viewsOf(this).u8; return (u[a]! << 8) | u[a + 1]!; }
  readU16LE(offset: number): number { const a = this.bytesAt(offset, 2, false), u = viewsOf(this).u8; return u[a]! | (u[a + 1]! << 8); }
  readU32BE(offset: number): number {
    const a = this.bytesAt(offset, 4, false), u = viewsOf(this).u8;
    return ((u[a]! << 24) | (u[a + 1]! << 16) | (u[a + 2]! << 8) | u[a + 3]!) >>> 0;
  }
  readU32LE(offset: number): number {
    const a = this.bytesAt(offset, 4, false), u = viewsOf(this).u8;
    return (u[a]! | (u[a + 1]! << 8) | (u[a + 2]! << 16) | (u[a + 3]! << 24)) >>> 0;
  }
  readU64LE(offset: number): bigint { return (BigInt(this.readU32LE(offset + 4)) << 32n) | BigInt(this.readU32LE(offset)); }
  readU64BE(offset: number): bigint { return (BigInt(this.readU32BE(offset)) << 32n) | BigInt(this.readU32BE(offset + 4)); }

  writeU8(offset: number, value: number): void {
    if ((value & 0xff) !== value) throw badValue(U8, value);
    viewsOf(this).u8[this.bytesAt(offset, 1, true)] = value;
  }
  writeU16BE(offset: number, value: number): void {
    if ((value & 0xffff) !== value) throw badValue(U16, value);
    const a = this.bytesAt(offset, 2, true), u = viewsOf(this).u8;
    u[a] = value >>> 8; u[a + 1] = value & 0xff;
  }
  writeU16LE(offset: number, value: number): void {
    if ((value & 0xffff) !== value) throw badValue(U16, value);
    const a = this.bytesAt(offset, 2, true), u = viewsOf(this).u8;
    u[a] = value & 0xff; u[a + 1] = value >>> 8;
  }
  writeU32BE(offset: number, value: number): void {
    if (value >>> 0 !== value) throw badValue(U32, value);
    const a = this.bytesAt(offset, 4, true), u = viewsOf(this).u8;
    u[a] = value >>> 24; u[a + 1] = (value >>> 16) & 0xff; u[a + 2] = (value >>> 8) & 0xff; u[a + 3] = value & 0xff;
  }
  writeU32LE(offset: number, value: number): void {
    if (value >>> 0 !== value) throw badValue(U32, value);
    const a = this.bytesAt(offset, 4, true), u = viewsOf(this).u8;
    u[a] = value & 0xff; u[a + 1] = (value >>> 8) & 0xff; u[a + 2] = (value >>> 16) & 0xff; u[a + 3] = value >>> 24;
  }
  writeU64LE(offset: number, value: bigint): void {
    if (typeof value !== 'bigint' || BigInt.asUintN(64, value) !== value) throw badValue(U64, value);
    this.bytesAt(offset, 8, true);
    this.writeU32LE(offset, Number(value & 0xffffffffn));
    this.writeU32LE(offset + 4, Number(value >> 32n));
  }
  writeU64BE(offset: number, value: bigint): void {
    if (typeof value !== 'bigint' || BigInt.asUintN(64, value) !== value) throw badValue(U64, value);
    this.bytesAt(offset, 8, true);
    this.writeU32BE(offset, Number(value >> 32n));
    this.writeU32BE(offset + 4, Number(value & 0xffffffffn));
  }

  /** Sets `len` bytes from `offset` (default: all of them) to `byte`. */
  fillBytes(byte: number, offset = 0, len?: number): void {
    if ((byte & 0xff) !== byte) throw badValue(U8, byte);
    const n = len ?? this.byteLength - offset;
    const a = this.bytesAt(offset, n, true);
    viewsOf(this).u8.fill(byte, a, a + n);
  }

  /** Copies `len` bytes of `source` (which may be borrowed) from `sourceOffset` to `offset` here. */
  copyFrom(source: DataHandle, sourceOffset = 0, offset = 0, len?: number): void {
    const n = len ?? Math.min(source.byteLength - sourceOffset, this.byteLength - offset);
    const from = source.bytesAt(sourceOffset, n, false);
    const to = this.bytesAt(offset, n, true);
    viewsOf(this).u8.copyWithin(to, from, from + n);
  }

  /** Lexicographic comparison of `len` bytes: negative, zero or positive. */
  compareBytes(other: DataHandle, offset = 0, otherOffset = 0, len?: number): number {
    const n = len ?? Math.min(this.byteLength - offset, other.byteLength - otherOffset);
    const a = this.bytesAt(offset, n, false), b = other.bytesAt(otherOffset, n, false);
    const u = viewsOf(this).u8;
    for (let i = 0; i < n; i++) {
      const d = u[a + i]! - u[b + i]!;
      if (d !== 0) return d;
    }
    return 0;
  }

  /** Decodes `len` bytes of UTF-8 from `offset`. */
  readUtf8(offset = 0, len?: number): string {
    const n = len ?? this.byteLength - offset;
    return decodeUtf8(viewsOf(this).u8, this.bytesAt(offset, n, false), n);
  }

  /** Encodes `text` at `offset`; returns the bytes written (stops before a character that does not fit). */
  writeUtf8(offset: number, text: string): number {
    const room = this.byteLength - offset;
    const a = this.bytesAt(offset, room, true);
    return encodeUtf8Into(String(text), viewsOf(this).u8, a, room);
  }

  /**
   * Runs `fn` with a raw byte view of the object (invariant I4): the view is valid only during
   * the callback, and domain code may not keep it (the checker rejects code that lets it escape).
   */
  withBytes<R>(fn: (bytes: Uint8Array) => R): R {
    const n = this.byteLength;
    const a = this.bytesAt(0, n, !this.isBorrowed);
    return fn(new Uint8Array(viewsOf(this).u8.buffer, a, n));
  }
}

// ---- RRef<T> ------------------------------------------------------------------------------------

type ScalarOrBool = number | bigint | boolean;
type IsRequiredRef<V> = [V] extends [RRefLike<unknown>] ? true : false;

/** What RRef.new accepts as the initial value: any subset of data fields, every required RRef. */
export type Init<T> = T extends ScalarOrBool ? T
  : T extends readonly (infer E)[] ? readonly Init<E>[]
  : { readonly [K in keyof T as IsRequiredRef<T[K]> extends true ? K : never]: T[K] extends RRefLike<infer U> ? RRefImpl<U> : never }
  & { readonly [K in keyof T as IsRequiredRef<T[K]> extends true ? never : K]?: NonNullable<T[K]> extends RRefLike<infer U> ? RRefImpl<U> : Init<T[K]> };

// Two cases are left to run time, with a clear error: RRef.new(layout) without an init for a
// layout with a required nested RRef, and a required RRef inside an inline struct that the init
// leaves out. Expressing them in Init exceeds TypeScript's instantiation depth.

export class RRefImpl<T> extends DataHandle {
  declare readonly [rrefBrand]: T;
  #fields: FieldTable;
  #layout: ValueLayout;

  /** @internal */
  constructor(key: typeof token, v: HeapViews, slot: number, kind: HandleKind, readOnly: boolean) {
    super(key, v, slot, kind, readOnly);
    if (kind.kind !== 'rref') throw new TypeError('not an RRef kind');
    this.#layout = kind.layout;
    this.#fields = kind.fields;
  }

  protected get plainData(): boolean {
    return this.#layout.refOffsets.length === 0;
  }

  /** Allocates a zeroed object of `layout` in the current domain and applies `init`. */
  static new<L extends ValueLayout>(layout: L, init?: NoInfer<Init<Infer<L>>>): RRefImpl<Infer<L>> {
    if (!isValueLayout(layout)) throw new TypeError('RRef.new needs an exchangeable layout (u8..f64, bool, array, struct)');
    const kind = rrefKind(layout);
    const { v, slot } = allocate(kind, layout.size);
    const handle = new RRefImpl<Infer<L>>(token, v, slot, kind, false);
    try {
      // All or nothing: data first, then every child is checked, and only then are children
      // moved in, so a failed creation leaves the caller holding every RRef it passed.
      const given: unknown = init;
      const children = given === undefined ? [] : initialise(handle as unknown as RRefImpl<unknown>, layout, given);
      for (const [path, f] of Object.entries(handle.#fields.refs)) {
        const given = children.find((c) => c.path === path);
        if (!f.layout.optional && given === undefined) throw new TypeError(`RRef.new: required nested RRef '${path}' was not given`);
        if (given !== undefined) checkMovable(handle, given.child, f.layout.target);
      }
      for (const { path, child } of children) handle.#putField(handle.#ref(path).offset, handle.#ref(path).layout.target, child);
    } catch (error) {
      handle.drop();
      throw error;
    }
    return handle;
  }

  /**
   * Allocates an object of a plain-data `layout` without zeroing it: it holds zeros or bytes this
   * domain itself wrote before, never another domain's data. For buffers about to be filled
   * entirely (DMA targets, copies), where zeroing 2 KB of shared memory would dominate the cost.
   * Layouts with nested RRefs are always zeroed.
   */
  static newUninit<L extends ValueLayout>(layout: L): RRefImpl<Infer<L>> {
    if (!isValueLayout(layout)) throw new TypeError('RRef.newUninit needs an exchangeable layout (u8..f64, bool, array, struct)');
    const kind = rrefKind(layout);
    const { v, slot } = allocate(kind, layout.size, false);
    return new RRefImpl<Infer<L>>(token, v, slot, kind, false);
  }

  /** The value of an RRef whose layout is a single primitive. */
  get value(): T extends ScalarOrBool ? T : never {
    const root = this.#fields.root;
    if (!root || root instanceof PrimArray) throw new TypeError('value is only defined for an RRef of a primitive');
    return load(viewsOf(this), root.code, live(this)) as T extends ScalarOrBool ? T : never;
  }
  set value(value: T extends ScalarOrBool ? T : never) {
    const root = this.#fields.root;
    if (!root || root instanceof PrimArray) throw new TypeError('value is only defined for an RRef of a primitive');
    store(viewsOf(this), root.code, liveW(this), value);
  }

  /** Reads a scalar field by its dotted path. */
  get<P extends ScalarPath<T>>(path: P): At<T, P> {
    const f = this.#fields.scalars[path];
    if (f === undefined) throw new TypeError(`no scalar field '${String(path)}' in ${this.#layout.canonical}`);
    return load(viewsOf(this), f.code, live(this) + f.offset) as At<T, P>;
  }

  /** Writes a scalar field; the value must fit the field's type. */
  set<P extends ScalarPath<T>>(path: P, value: At<T, P>): void {
    const f = this.#fields.scalars[path];
    if (f === undefined) throw new TypeError(`no scalar field '${String(path)}' in ${this.#layout.canonical}`);
    store(viewsOf(this), f.code, liveW(this) + f.offset, value);
  }

  /** Reads element `index` of an array-of-primitives field. */
  getAt<P extends ArrayPath<T>>(path: P, index: number): ElementAt<T, P> {
    const f = this.#array(path);
    checkIndex(index, f.length);
    return load(viewsOf(this), f.code, live(this) + f.offset + index * codeSize[f.code]!) as ElementAt<T, P>;
  }

  setAt<P extends ArrayPath<T>>(path: P, index: number, value: ElementAt<T, P>): void {
    const f = this.#array(path);
    checkIndex(index, f.length);
    store(viewsOf(this), f.code, liveW(this) + f.offset + index * codeSize[f.code]!, value);
  }

  /** Element `index` of an RRef whose layout is an array of primitives. */
  elem(index: number): T extends readonly (infer E)[] ? E : never {
    const root = this.#rootArray();
    checkIndex(index, root.length);
    return load(viewsOf(this), root.code, live(this) + index * codeSize[root.code]!) as T extends readonly (infer E)[] ? E : never;
  }

  setElem(index: number, value: T extends readonly (infer E)[] ? E : never): void {
    const root = this.#rootArray();
    checkIndex(index, root.length);
    store(viewsOf(this), root.code, liveW(this) + index * codeSize[root.code]!, value);
  }

  /** Number of elements of an array root, or of the array field at `path`. */
  lengthOf(path?: ArrayPath<T>): number {
    return path === undefined ? this.#rootArray().length : this.#array(path).length;
  }

  /** True when the nested RRef field at `path` holds an object. */
  has(path: RefPath<T>): boolean {
    live(this);
    return this.#refSlot(path) !== 0;
  }

  /** Moves the object out of an optional nested RRef field; undefined when it is empty. */
  take<P extends OptionalRefPath<T>>(path: P): RRefImpl<RefTargetAt<T, P>> | undefined {
    const f = this.#ref(path);
    if (!f.layout.optional) throw new TypeError(`nested RRef '${String(path)}' is required; use replace() to swap it`);
    return this.#takeField(f.offset, f.layout.target) as unknown as RRefImpl<RefTargetAt<T, P>> | undefined;
  }

  /** Moves `child` into the empty nested RRef field at `path`; the caller's handle is revoked. */
  put<P extends RefPath<T>>(path: P, child: RRefImpl<RefTargetAt<T, P>>): void {
    const f = this.#ref(path);
    this.#putField(f.offset, f.layout.target, child);
  }

  /** Moves `child` in and returns what the field held before (moved out to the caller). */
  replace<P extends RefPath<T>>(path: P, child: RRefImpl<RefTargetAt<T, P>>): RRefImpl<RefTargetAt<T, P>> | undefined {
    const f = this.#ref(path);
    checkMovable(this, child, f.layout.target);
    const old = this.#takeField(f.offset, f.layout.target);
    this.#putField(f.offset, f.layout.target, child);
    return old as unknown as RRefImpl<RefTargetAt<T, P>> | undefined;
  }

  /** Runs `fn` with a read-only borrowed handle to the nested RRef at `path` (undefined when empty). */
  borrowField<P extends RefPath<T>, R>(path: P, fn: (child: RRefImpl<RefTargetAt<T, P>> | undefined) => R): R {
    const f = this.#ref(path);
    const slot = this.#refSlot(path);
    if (slot === 0) return fn(undefined);
    const child = mint<RRefImpl<RefTargetAt<T, P>>>(viewsOf(this), rrefKind(f.layout.target), slot, true);
    try {
      return fn(child);
    } finally {
      revoke(child);
    }
  }

  #array(path: string): PrimArray {
    const f = this.#fields.arrays[path];
    if (f === undefined) throw new TypeError(`no array field '${path}' in ${this.#layout.canonical}`);
    return f;
  }

  #rootArray(): PrimArray {
    const root = this.#fields.root;
    if (!(root instanceof PrimArray)) throw new TypeError('elem() is only defined for an RRef of an array of primitives');
    return root;
  }

  #ref(path: string): { offset: number; layout: { optional: boolean; target: ValueLayout } } {
    const f = this.#fields.refs[path];
    if (f === undefined) throw new TypeError(`no nested RRef field '${path}' in ${this.#layout.canonical}`);
    return f;
  }

  #refSlot(path: string): number {
    const f = this.#ref(path);
    return viewsOf(this).u32[(live(this) + f.offset) >>> 2]!;
  }

  #takeField(offset: number, target: ValueLayout): RRefImpl<never> | undefined {
    liveW(this);
    const v = viewsOf(this);
    const { slot, gen } = identity(this);
    const child = v.port.takeRef(slot, gen, offset);
    return child === 0 ? undefined : mint<RRefImpl<never>>(v, rrefKind(target), child, false);
  }

  #putField(offset: number, target: ValueLayout, child: Handle): void {
    liveW(this);
    checkMovable(this, child, target);
    const v = viewsOf(this);
    const { slot, gen } = identity(this);
    const c = identity(child);
    v.port.putRef(slot, gen, offset, c.slot, c.gen);
    revoke(child);
  }
}

/** `child` may move into `container`: a live, writable RRef of the right type, of the same domain. */
function checkMovable(container: Handle, child: Handle, target: ValueLayout): void {
  if (!(child instanceof RRefImpl)) throw new TypeError('only an RRef can be stored in a nested RRef slot');
  liveW(child);
  if (child.typeId !== target.typeId) throw new TypeError(`cannot store an object of another type here (expected ${target.canonical})`);
  if (viewsOf(child) !== viewsOf(container)) throw new TypeError('cannot nest an RRef of another domain');
}

/** Writes the data fields of `init`; returns the children to move in, not yet moved. */
function initialise(h: RRefImpl<unknown>, layout: ValueLayout, init: unknown): { path: string; child: Handle }[] {
  const v = viewsOf(h);
  const base = live(h);
  const t = fieldTable(layout);
  const children: { path: string; child: Handle }[] = [];
  const visit = (l: ValueLayout | { kind: 'ref' }, p: string, value: unknown): void => {
    if (value === undefined) return;
    if (l.kind === 'ref') {
      if (!(value instanceof RRefImpl)) throw new TypeError(`RRef.new: field '${p}' needs an RRef`);
      if (children.some((c) => c.child === value)) throw new TypeError(`RRef.new: the same RRef was given for two fields`);
      children.push({ path: p, child: value });
      return;
    }
    if (l.kind === 'prim') {
      const f = p === '' ? t.root : t.scalars[p];
      if (!f) throw new TypeError(`RRef.new: no field '${p}'`);
      store(v, f.code, base + f.offset, value);
      return;
    }
    if (l.kind === 'array') {
      if (!Array.isArray(value)) throw new TypeError(`RRef.new: field '${p || '(root)'}' needs an array`);
      if (value.length > l.length) throw new RangeError(`RRef.new: field '${p || '(root)'}' holds ${l.length} elements, got ${value.length}`);
      const elemCode = l.elem.kind === 'prim' ? codeOf[l.elem.prim] : -1;
      if (elemCode < 0) throw new TypeError(`RRef.new: arrays of ${l.elem.canonical} cannot be initialised from values; use withBytes`);
      const f = p === '' ? t.root : t.arrays[p];
      if (!f) throw new TypeError(`RRef.new: no field '${p}'`);
      for (let i = 0; i < value.length; i++) store(v, elemCode, base + f.offset + i * l.elem.size, value[i]);
      return;
    }
    if (typeof value !== 'object' || value === null) throw new TypeError(`RRef.new: field '${p || '(root)'}' needs an object`);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(l.fields, key)) throw new TypeError(`RRef.new: ${l.canonical} has no field '${key}'`);
    }
    for (const m of l.members) {
      if (Object.hasOwn(record, m.name)) visit(m.layout as ValueLayout | { kind: 'ref' }, p === '' ? m.name : `${p}.${m.name}`, record[m.name]);
    }
  };
  visit(layout, '', init);
  return children;
}

// ---- RRefVec<T> ---------------------------------------------------------------------------------

export class RRefVecImpl<T> extends DataHandle {
  declare readonly __rrefVecValue?: T;
  #code: Code;
  #length: number;

  /** @internal */
  constructor(key: typeof token, v: HeapViews, slot: number, kind: HandleKind, readOnly: boolean) {
    super(key, v, slot, kind, readOnly);
    if (kind.kind !== 'vec') throw new TypeError('not an RRefVec kind');
    this.#code = codeOf[kind.prim.prim];
    this.#length = v.size[slot]! / kind.prim.size;
  }

  protected get plainData(): boolean {
    return true;
  }

  /** A zeroed vector of `length` elements of the primitive `elem`. */
  static new<K extends PrimKind>(elem: PrimLayout<K>, length: number): RRefVecImpl<PrimValue<K>> {
    if (elem?.kind !== 'prim') throw new TypeError('RRefVec.new needs a primitive layout (u8..f64, bool)');
    if (length >>> 0 !== length) throw new RangeError(`RRefVec length must be a non-negative 32-bit integer, got ${String(length)}`);
    const kind = vecKind(elem);
    const { v, slot } = allocate(kind, length * elem.size);
    return new RRefVecImpl(token, v, slot, kind, false);
  }

  /** Like {@link RRefVec.new}, without zeroing: zeros or this domain's own earlier bytes (see RRef.newUninit). */
  static newUninit<K extends PrimKind>(elem: PrimLayout<K>, length: number): RRefVecImpl<PrimValue<K>> {
    if (elem?.kind !== 'prim') throw new TypeError('RRefVec.newUninit needs a primitive layout (u8..f64, bool)');
    if (length >>> 0 !== length) throw new RangeError(`RRefVec length must be a non-negative 32-bit integer, got ${String(length)}`);
    const kind = vecKind(elem);
    const { v, slot } = allocate(kind, length * elem.size, false);
    return new RRefVecImpl(token, v, slot, kind, false);
  }

  /** A byte vector holding `text` in UTF-8. */
  static fromUtf8(text: string): RRefVecImpl<number> {
    const s = String(text);
    const { v, slot } = allocate(U8_VEC, utf8Length(s));
    const vec = new RRefVecImpl<number>(token, v, slot, U8_VEC, false);
    vec.writeUtf8(0, s);
    return vec;
  }

  /** A vector initialised from `values`. */
  static from<K extends PrimKind>(elem: PrimLayout<K>, values: readonly PrimValue<K>[]): RRefVecImpl<PrimValue<K>> {
    const vec = RRefVecImpl.new(elem, values.length);
    for (let i = 0; i < values.length; i++) vec.set(i, values[i]!);
    return vec;
  }

  get length(): number {
    live(this);
    return this.#length;
  }

  get(index: number): T {
    const base = live(this);
    checkIndex(index, this.#length);
    return load(viewsOf(this), this.#code, base + index * codeSize[this.#code]!) as T;
  }

  set(index: number, value: T): void {
    const base = liveW(this);
    checkIndex(index, this.#length);
    store(viewsOf(this), this.#code, base + index * codeSize[this.#code]!, value);
  }

  /** Sets elements [start, end) to `value`. */
  fill(value: T, start = 0, end = this.#length): void {
    liveW(this);
    checkRange('fill', start, end - start, this.#length);
    for (let i = start; i < end; i++) this.set(i, value);
  }

  /** Copies the elements into a new array of this domain. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) out.push(this.get(i));
    return out;
  }
}

const U8_VEC: HandleKind = vecKind(u8Layout);

// ---- RRefArray<T, N> ----------------------------------------------------------------------------

export class RRefArrayImpl<T, N extends number = number> extends Handle {
  declare readonly __rrefArrayValue?: [T, N];
  #elem: ValueLayout;
  #length: number;

  /** @internal */
  constructor(key: typeof token, v: HeapViews, slot: number, kind: HandleKind, readOnly: boolean) {
    super(key, v, slot, kind, readOnly);
    if (kind.kind !== 'array') throw new TypeError('not an RRefArray kind');
    this.#elem = kind.elem;
    this.#length = kind.length;
  }

  /** An array of `length` empty slots, each able to hold an RRef of `elem`. */
  static new<L extends ValueLayout, N extends number>(elem: L, length: N): RRefArrayImpl<Infer<L>, N> {
    if (!isValueLayout(elem)) throw new TypeError('RRefArray.new needs an exchangeable element layout');
    if (length >>> 0 !== length || length > 1 << 20) throw new RangeError(`RRefArray length must be an integer in 0..${1 << 20}`);
    const kind = arrayKind(elem, length);
    const { v, slot } = allocate(kind, length * REF_SIZE);
    return new RRefArrayImpl(token, v, slot, kind, false);
  }

  get length(): N {
    live(this);
    return this.#length as N;
  }

  has(index: number): boolean {
    const base = live(this);
    checkIndex(index, this.#length);
    return viewsOf(this).u32[(base + index * REF_SIZE) >>> 2] !== 0;
  }

  /** Moves `item` into slot `index`; returns the previous occupant (moved out), if any. */
  set(index: number, item: RRefImpl<T>): RRefImpl<T> | undefined {
    liveW(this);
    checkIndex(index, this.#length);
    checkMovable(this, item, this.#elem);
    const old = this.take(index);
    const { slot, gen } = identity(this);
    const c = identity(item);
    viewsOf(this).port.putRef(slot, gen, index * REF_SIZE, c.slot, c.gen);
    revoke(item);
    return old;
  }

  /** Moves the occupant of slot `index` out; undefined when the slot is empty. */
  take(index: number): RRefImpl<T> | undefined {
    liveW(this);
    checkIndex(index, this.#length);
    const { slot, gen } = identity(this);
    const v = viewsOf(this);
    const child = v.port.takeRef(slot, gen, index * REF_SIZE);
    return child === 0 ? undefined : mint<RRefImpl<T>>(v, rrefKind(this.#elem), child, false);
  }

  /** Runs `fn` with a read-only borrowed handle to slot `index` (undefined when empty). */
  borrow<R>(index: number, fn: (item: RRefImpl<T> | undefined) => R): R {
    const base = live(this);
    checkIndex(index, this.#length);
    const v = viewsOf(this);
    const child = v.u32[(base + index * REF_SIZE) >>> 2]!;
    if (child === 0) return fn(undefined);
    const h = mint<RRefImpl<T>>(v, rrefKind(this.#elem), child, true);
    try {
      return fn(h);
    } finally {
      revoke(h);
    }
  }
}

// ---- RRefDeque<T, N> ----------------------------------------------------------------------------

export class RRefDequeImpl<T, N extends number = number> extends Handle {
  declare readonly __rrefDequeValue?: [T, N];
  #elem: ValueLayout;
  #capacity: number;

  /** @internal */
  constructor(key: typeof token, v: HeapViews, slot: number, kind: HandleKind, readOnly: boolean) {
    super(key, v, slot, kind, readOnly);
    if (kind.kind !== 'deque') throw new TypeError('not an RRefDeque kind');
    this.#elem = kind.elem;
    this.#capacity = kind.capacity;
  }

  /** An empty ring that holds up to `capacity` RRefs of `elem`. */
  static new<L extends ValueLayout, N extends number>(elem: L, capacity: N): RRefDequeImpl<Infer<L>, N> {
    if (!isValueLayout(elem)) throw new TypeError('RRefDeque.new needs an exchangeable element layout');
    if (capacity >>> 0 !== capacity || capacity < 1 || capacity > 1 << 20) throw new RangeError(`RRefDeque capacity must be an integer in 1..${1 << 20}`);
    const kind = dequeKind(elem, capacity);
    const { v, slot } = allocate(kind, DEQUE_HEADER + capacity * REF_SIZE);
    return new RRefDequeImpl(token, v, slot, kind, false);
  }

  get capacity(): N {
    live(this);
    return this.#capacity as N;
  }

  get length(): number {
    return viewsOf(this).u32[(live(this) + 4) >>> 2]!;
  }

  get isEmpty(): boolean {
    return this.length === 0;
  }

  get isFull(): boolean {
    return this.length === this.#capacity;
  }

  /** Moves `item` to the back; when the ring is full, hands `item` back unmoved. */
  pushBack(item: RRefImpl<T>): RRefImpl<T> | undefined {
    const base = liveW(this);
    const u32 = viewsOf(this).u32;
    const head = u32[base >>> 2]!, len = u32[(base + 4) >>> 2]!;
    if (len >= this.#capacity) return item;
    checkMovable(this, item, this.#elem);
    const { slot, gen } = identity(this);
    const c = identity(item);
    const index = (head + len) % this.#capacity;
    viewsOf(this).port.putRef(slot, gen, DEQUE_HEADER + index * REF_SIZE, c.slot, c.gen);
    revoke(item);
    u32[(base + 4) >>> 2] = len + 1;
    return undefined;
  }

  /** Moves the front item out; undefined when the ring is empty. */
  popFront(): RRefImpl<T> | undefined {
    const base = liveW(this);
    const v = viewsOf(this);
    const head = v.u32[base >>> 2]!, len = v.u32[(base + 4) >>> 2]!;
    if (len === 0) return undefined;
    const { slot, gen } = identity(this);
    const child = v.port.takeRef(slot, gen, DEQUE_HEADER + head * REF_SIZE);
    v.u32[base >>> 2] = (head + 1) % this.#capacity;
    v.u32[(base + 4) >>> 2] = len - 1;
    if (child === 0) throw new HeapError('BAD_REF', 'RRefDeque is corrupt: a counted slot was empty');
    return mint<RRefImpl<T>>(v, rrefKind(this.#elem), child, false);
  }
}

// ---- trusted glue: moving and lending handles between domains --------------------------------

/**
 * Hands `h`'s object to the kernel: `transfer(slot, gen)` performs the move (and may refuse it,
 * by throwing); only when it succeeds is `h` revoked. A refused move leaves `h` usable.
 */
export function detach(h: Handle, transfer: (slot: number, gen: number) => void): { slot: number; kind: HandleKind } {
  liveW(h);
  const { slot, gen } = identity(h);
  transfer(slot, gen);
  revoke(h);
  return { slot, kind: kindOf(h) };
}

/** Mints an owned handle in `views`'s domain for a root the kernel just moved there. */
export function attach<H extends Handle>(views: HeapViews, kind: HandleKind, slot: number): H {
  return mint<H>(views, kind, slot, false);
}

/** Mints a read-only handle for a borrow; revoke it with {@link endBorrow} when the call returns. */
export function lend<H extends Handle>(views: HeapViews, kind: HandleKind, slot: number): H {
  return mint<H>(views, kind, slot, true);
}

export function endBorrow(h: Handle): void {
  revoke(h);
}

/** Slot and generation of a live handle (for the kernel's borrow accounting). */
export function identify(h: Handle): { slot: number; gen: number; kind: HandleKind } {
  live(h);
  return { ...identity(h), kind: kindOf(h) };
}

// ---- the call path: what generated proxies use, without allocating --------------------------

/** Type id of a handle's object (no liveness check; reading private state also proves `h` is a handle). */
export function handleTypeId(h: Handle): number {
  return kindOf(h).typeId;
}

/**
 * Moves `h`'s object from `self` to domain `to` for a call and revokes `h`; returns the slot the
 * receiver attaches. A refused move (stale, borrowed, read-only, receiver gone) throws and
 * leaves `h` usable.
 */
export function sendHandle(h: Handle, self: number, to: number): number {
  liveW(h);
  const slot = slotOf(h);
  moveRoot(viewsOf(h).cols, slot, genOf(h), self, to);
  revokeQuietly(h);
  return slot;
}

/** The slot of a live handle. */
export function handleSlot(h: Handle): number {
  live(h);
  return slotOf(h);
}

/** Counts a borrow of `h`'s object for a call; returns its slot (the generation does not change). */
export function lendHandle(h: Handle, self: number): number {
  live(h);
  if (h.isBorrowed) throw new HeapError('READ_ONLY', 'a borrowed RRef cannot be lent on: only its owner lends it');
  const slot = slotOf(h);
  borrowRoot(viewsOf(h).cols, self, slot, genOf(h));
  return slot;
}

/** Ends a borrow started by {@link lendHandle} (the lender's side). */
export function unlend(v: HeapViews, slot: number, gen: number): void {
  unborrowRoot(v.cols, slot, gen);
}

/** A new handle of the caller's to a deep copy of `h`'s object (shadows keep these to replay calls). */
export function cloneHandle<H extends Handle>(h: H): H {
  live(h);
  const v = viewsOf(h);
  return mint<H>(v, kindOf(h), v.port.clone(slotOf(h), genOf(h)), false);
}

/** Frees an object the receiver could not take (its call failed while the object was in flight). */
export function discard(h: Handle): void {
  if (h.isValid && !h.isBorrowed) h.drop();
}

const vecKindsById = new Map<number, HandleKind>();

/** The RRefVec kind whose object type is `typeId`, if it is one (a vec of any primitive). */
export function vecKindOfTypeId(typeId: number): HandleKind | undefined {
  if (vecKindsById.size === 0) for (const p of allPrims) { const k = vecKind(p); vecKindsById.set(k.typeId, k); }
  return vecKindsById.get(typeId);
}
