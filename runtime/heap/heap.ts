// The shared heap: one SharedArrayBuffer holding every exchangeable object of the system, the
// registry describing each allocation, the type table, and the trusted operations that change
// ownership. This is trusted code; every operation validates its caller's claim (owner and
// generation) before it touches memory, and reports violations as HeapError, never silently.

import { SizeClassAllocator, SLAB_SIZE, sizeClass, blockSizeOfClass } from './allocator.ts';
import { Registry } from './registry.ts';
import { FREE, KERNEL, PARENT, ownerName } from './owners.ts';
import { HeapError } from './errors.ts';
import { detachedFromHost } from './buffer.ts';
import { Accounts, MAX_DOMAINS, rowOf } from './accounts.ts';
import { checkRoot, moveRoot, borrowRoot, unborrowRoot } from './moves.ts';
import type { OwnershipColumns } from './moves.ts';

/** What the heap must know of a type to drop it: which byte offsets hold nested references. */
export interface TypeInfo {
  readonly typeId: number;
  readonly canonical: string;
  readonly refOffsets: readonly number[];
}

/**
 * A registered type, with what makes "is this a reference field?" cheap: an RRefArray or
 * RRefDeque has thousands of reference fields, evenly spaced (first, stride, count); a struct
 * has a few, searched in its list.
 */
interface RegisteredType extends TypeInfo {
  readonly refFirst: number;
  readonly refStride: number;
  readonly refCount: number;
}

/** The first offset and stride of evenly spaced offsets (stride 0 when they are not). */
function evenSpacing(offsets: readonly number[]): [number, number] {
  if (offsets.length < 2) return [0, 0];
  const stride = offsets[1]! - offsets[0]!;
  for (let i = 2; i < offsets.length; i++) if (offsets[i]! - offsets[i - 1]! !== stride) return [0, 0];
  return stride > 0 ? [offsets[0]!, stride] : [0, 0];
}

export interface HeapOptions {
  /** Bytes of the data buffer (DMA memory for the devices). Default 64 MiB. */
  size?: number;
  /** Maximum number of live objects. Default 256 Ki. */
  maxObjects?: number;
}

export interface OwnerStats {
  objects: number;
  bytes: number;
}

/**
 * Blocks an owner freed, per size class, kept for its own next allocations: they hold only
 * bytes the owner could already read, so handing them back uninitialised leaks nothing.
 */
interface FreeCache {
  lists: number[][];
  count: number;
}

/** Blocks a domain may keep in its free cache (all classes together) before they go back to the heap. */
const CACHE_LIMIT = 256;

export const NO_QUOTA = Number.POSITIVE_INFINITY;


export class SharedHeap {
  /** The data: every object's bytes, and the memory devices DMA into. */
  readonly buffer: SharedArrayBuffer;
  readonly registry: Registry;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  private readonly allocator: SizeClassAllocator;
  private readonly types = new Map<number, RegisteredType>();
  private lastType: RegisteredType | undefined;
  /** Objects, bytes and quota of every owner, in shared memory (see accounts.ts). */
  readonly accounts: Accounts;
  /** The registry's and the accounts' columns, as moves.ts takes them. */
  readonly columns: OwnershipColumns;
  /** Free caches by account row; host-side only (allocation always goes through the kernel). */
  private readonly caches: (FreeCache | undefined)[] = new Array<FreeCache | undefined>(MAX_DOMAINS).fill(undefined);
  /** Type of each live slot, so drop needs no lookup by type id. */
  private readonly slotType: (RegisteredType | undefined)[];
  /** Violations detected and refused (double frees, stale handles, corrupt nested references). */
  readonly violations = { doubleFree: 0, useAfterFree: 0, corruptRef: 0 };

  constructor(options: HeapOptions = {}) {
    const size = options.size ?? 64 * 1024 * 1024;
    if (!Number.isSafeInteger(size) || size < 2 * SLAB_SIZE || size % SLAB_SIZE !== 0) {
      throw new RangeError(`heap size must be a multiple of ${SLAB_SIZE} bytes and at least ${2 * SLAB_SIZE}`);
    }
    if (size > 2 ** 32) throw new RangeError('heap size is limited to 4 GiB (offsets are u32)');
    this.buffer = detachedFromHost(new SharedArrayBuffer(size));
    this.u8 = new Uint8Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.allocator = new SizeClassAllocator(size);
    this.registry = new Registry(options.maxObjects ?? 256 * 1024);
    this.slotType = new Array<RegisteredType | undefined>(this.registry.capacity).fill(undefined);
    this.accounts = new Accounts();
    this.columns = columnsOf(this.registry, this.accounts);
  }

  // ---- types ----------------------------------------------------------------------------------

  /** Registers a type's drop information; idempotent, and refuses two structures with one id. */
  registerType(info: TypeInfo): void {
    const known = this.types.get(info.typeId);
    if (known) {
      if (known.canonical !== info.canonical) {
        throw new HeapError('BAD_TYPE', `type id ${info.typeId} is already registered for ${known.canonical}, not ${info.canonical}`);
      }
      return;
    }
    for (const off of info.refOffsets) {
      if (!Number.isSafeInteger(off) || off < 0 || off % 4 !== 0) throw new HeapError('BAD_TYPE', `bad nested reference offset ${off}`);
    }
    const refOffsets = Object.freeze([...info.refOffsets]);
    const [refFirst, refStride] = evenSpacing(refOffsets);
    this.types.set(info.typeId, Object.freeze({
      typeId: info.typeId, canonical: info.canonical, refOffsets, refFirst, refStride, refCount: refOffsets.length,
    }));
  }

  typeInfo(typeId: number): TypeInfo | undefined {
    return this.types.get(typeId);
  }

  // ---- accounts -------------------------------------------------------------------------------

  /** The open account row of `owner`, or -1. */
  private lookup(owner: number): number {
    const row = rowOf(owner);
    return row >= 0 && this.accounts.open[row] === 1 ? row : -1;
  }

  /** The account row of `owner`, opened (empty, without quota) if it was not. */
  private account(owner: number): number {
    const row = rowOf(owner);
    if (row < 0) throw new HeapError('BAD_OWNER', `${ownerName(owner)} cannot own a root object (domain ids are 1..${MAX_DOMAINS - 1})`);
    if (this.accounts.open[row] !== 1) this.openAccount(owner);
    return row;
  }

  /** Opens `owner`'s account, empty and without quota; the kernel does this when it creates a domain. */
  openAccount(owner: number): void {
    const row = rowOf(owner);
    if (row < 0) throw new HeapError('BAD_OWNER', `${ownerName(owner)} cannot own a root object (domain ids are 1..${MAX_DOMAINS - 1})`);
    const a = this.accounts;
    if (a.open[row] === 1) return;
    a.objects[row] = 0;
    a.bytes[row] = 0;
    a.quota[row] = NO_QUOTA;
    a.open[row] = 1;
  }

  /** True while `owner` has an open account (it may hold objects and receive moves). */
  isOpen(owner: number): boolean {
    return this.lookup(owner) >= 0;
  }

  /** Limits the bytes of root and nested objects a domain may hold; NO_QUOTA lifts the limit. */
  setQuota(owner: number, bytes: number): void {
    this.accounts.quota[this.account(owner)] = bytes;
  }

  /** Objects and bytes an owner holds: its roots and everything nested in them. */
  stats(owner: number): OwnerStats {
    const row = this.lookup(owner);
    return row < 0 ? { objects: 0, bytes: 0 } : { objects: this.accounts.objects[row]!, bytes: this.accounts.bytes[row]! };
  }

  /** Every owner with live roots, and the totals of the whole heap. */
  totals(): { objects: number; bytes: number; owners: Map<number, OwnerStats> } {
    const owners = new Map<number, OwnerStats>();
    const a = this.accounts;
    for (let row = 0; row < MAX_DOMAINS; row++) {
      if (a.open[row] === 1 && a.objects[row]! > 0) owners.set(row === 0 ? KERNEL : row, { objects: a.objects[row]!, bytes: a.bytes[row]! });
    }
    return { objects: this.registry.slotsInUse, bytes: this.liveBytes, owners };
  }

  private liveBytes = 0;

  // ---- allocation -----------------------------------------------------------------------------

  /**
   * Allocates an object of `size` bytes for `owner` and returns its registry slot. The memory is
   * zeroed, unless `zero` is false and the type holds no nested references: then it holds zeros
   * or bytes `owner` itself wrote before (a block from its own free cache), never another
   * owner's data. Zeroing shared memory costs about 0.1 ns a byte in V8; packet paths skip it.
   */
  alloc(owner: number, typeId: number, size: number, zero = true): number {
    // Allocation runs usually allocate one type many times: skip the Map lookup then.
    let info = this.lastType;
    if (info === undefined || info.typeId !== typeId) {
      info = this.types.get(typeId);
      if (info === undefined) throw new HeapError('BAD_TYPE', `type id ${typeId} is not registered`);
      this.lastType = info;
    }
    if (!Number.isSafeInteger(size) || size < 0) throw new HeapError('BAD_SIZE', `cannot allocate ${String(size)} bytes`);
    const row = this.account(owner);
    const a = this.accounts;
    if (a.bytes[row]! + size > a.quota[row]!) {
      throw new HeapError('QUOTA_EXCEEDED', `${ownerName(owner)} would exceed its shared-heap quota of ${a.quota[row]} bytes (holds ${a.bytes[row]}, asked for ${size})`);
    }
    const r = this.registry;
    const slot = r.takeSlot();
    if (slot === 0) throw new HeapError('REGISTRY_FULL', `shared heap registry is full (${r.capacity - 1} live objects)`);
    const cls = sizeClass(size);
    const cache = this.caches[row];
    const own = cache?.lists[cls];
    let offset: number;
    let dirty: boolean;
    if (own !== undefined && own.length > 0) {
      offset = own.pop()!;
      cache!.count--;
      dirty = zero || info.refOffsets.length > 0;
    } else {
      offset = this.allocator.alloc(size);
      if (offset < 0) {
        this.flushCaches();
        offset = this.allocator.alloc(size);
      }
      if (offset < 0) {
        r.returnSlot(slot);
        throw new HeapError('HEAP_EXHAUSTED', `shared heap exhausted: no block for ${size} bytes (${this.freeBytes} bytes free, fragmented or too small)`);
      }
      dirty = !this.allocator.lastWasFresh;
    }
    if (dirty) this.u8.fill(0, offset, offset + size);
    r.owner[slot] = owner;
    r.borrows[slot] = 0;
    r.typeId[slot] = typeId;
    this.slotType[slot] = info;
    r.offset[slot] = offset;
    r.size[slot] = size;
    r.treeObjects[slot] = 1;
    r.treeBytes[slot] = size;
    a.objects[row]!++;
    a.bytes[row] = a.bytes[row]! + size;
    this.liveBytes += size;
    return slot;
  }

  /** Frees a root object owned by `owner`, and everything nested in it. */
  free(owner: number, slot: number, gen: number): void {
    this.checkRoot(owner, slot, gen, 'free');
    if (this.registry.borrows[slot] !== 0) throw new HeapError('BORROWED', `cannot free slot ${slot}: it is borrowed`);
    this.uncharge(owner, slot);
    this.drop(slot, this.cacheOf(this.lookup(owner)));
  }

  /** Frees every root `owner` holds (and their nested objects), whatever their borrow state. */
  reclaim(owner: number): OwnerStats {
    const row = this.lookup(owner);
    if (row < 0) return { objects: 0, bytes: 0 };
    const a = this.accounts;
    const freed = { objects: a.objects[row]!, bytes: a.bytes[row]! };
    // Scanning the owner column (up to the highest slot ever used) keeps moves, allocations
    // and frees free of list bookkeeping; a scan of 256 Ki slots takes well under a millisecond.
    const r = this.registry;
    for (let slot = 1; slot < r.highWater; slot++) {
      if (r.owner[slot] === owner) this.drop(slot, undefined);
    }
    const cache = this.caches[row];
    if (cache !== undefined) this.flushCache(cache);
    this.caches[row] = undefined;
    a.objects[row] = 0;
    a.bytes[row] = 0;
    // A reclaimed domain's account closes: nothing can be moved to it any more.
    if (owner !== KERNEL) a.open[row] = 0;
    return freed;
  }

  // ---- ownership ------------------------------------------------------------------------------

  /** Moves a root from one owner to another; returns the new generation (old handles go stale). */
  move(slot: number, gen: number, from: number, to: number): number {
    this.countViolation(slot, gen, 'move');
    this.account(to);
    return moveRoot(this.columns, slot, gen, from, to);
  }

  /** Counts a borrow of a root; the object cannot move or be freed until {@link unborrow}. */
  borrow(owner: number, slot: number, gen: number): void {
    this.countViolation(slot, gen, 'borrow');
    borrowRoot(this.columns, owner, slot, gen);
  }

  unborrow(slot: number, gen: number): void {
    unborrowRoot(this.columns, slot, gen);
  }

  /**
   * Moves root `child` into the empty nested-reference field at byte `refOffset` of root
   * `parent`, both owned by `owner`. The child becomes PARENT-owned; returns its new generation.
   */
  putRef(owner: number, parent: number, parentGen: number, refOffset: number, child: number, childGen: number): number {
    this.checkRoot(owner, parent, parentGen, 'store into');
    this.checkRoot(owner, child, childGen, 'store');
    if (parent === child) throw new HeapError('BAD_REF', 'an object cannot be nested inside itself');
    const r = this.registry;
    if (r.borrows[child] !== 0) throw new HeapError('BORROWED', `cannot store slot ${child}: it is borrowed`);
    const word = this.refWord(parent, refOffset);
    if (this.u32[word] !== 0) throw new HeapError('REF_OCCUPIED', `nested reference at offset ${refOffset} of slot ${parent} is not empty; take it first`);
    // The owner is still charged for the child, now through the parent's tree.
    r.treeObjects[parent] = r.treeObjects[parent]! + r.treeObjects[child]!;
    r.treeBytes[parent] = r.treeBytes[parent]! + r.treeBytes[child]!;
    r.owner[child] = PARENT;
    const newGen = (r.gen[child] = (r.gen[child]! + 1) >>> 0);
    this.u32[word] = child;
    this.u32[word + 1] = newGen;
    return newGen;
  }

  /**
   * Takes the object out of the nested-reference field at `refOffset` of root `parent`; it
   * becomes a root of `owner`. Returns its slot (0 when the field was empty).
   */
  takeRef(owner: number, parent: number, parentGen: number, refOffset: number): number {
    this.checkRoot(owner, parent, parentGen, 'take from');
    const word = this.refWord(parent, refOffset);
    const child = this.u32[word]!;
    if (child === 0) return 0;
    const r = this.registry;
    if (!this.validNested(child, this.u32[word + 1]!)) {
      this.violations.corruptRef++;
      throw new HeapError('BAD_REF', `nested reference at offset ${refOffset} of slot ${parent} is corrupt`);
    }
    this.u32[word] = 0;
    this.u32[word + 1] = 0;
    r.treeObjects[parent] = r.treeObjects[parent]! - r.treeObjects[child]!;
    r.treeBytes[parent] = r.treeBytes[parent]! - r.treeBytes[child]!;
    r.owner[child] = owner;
    r.gen[child] = (r.gen[child]! + 1) >>> 0;
    return child;
  }

  /**
   * A deep copy of root (slot, gen), owned by `owner` as a new root: the same type, bytes and
   * nested objects (copied too). Shadows keep one of each moved argument, so a call can be
   * replayed after its callee crashed with the arguments as they were sent.
   */
  clone(owner: number, slot: number, gen: number): number {
    this.checkRoot(owner, slot, gen, 'clone');
    const r = this.registry;
    const copy = this.alloc(owner, r.typeId[slot]!, r.size[slot]!, false);
    try {
      this.u8.copyWithin(r.offset[copy]!, r.offset[slot]!, r.offset[slot]! + r.size[slot]!);
      for (const off of this.slotType[slot]!.refOffsets) {
        const word = (r.offset[copy]! + off) >>> 2;
        const child = this.u32[word]!;
        this.u32[word] = 0;
        this.u32[word + 1] = 0;
        if (child === 0 || !this.validNested(child, this.u32[((r.offset[slot]! + off) >>> 2) + 1]!)) continue;
        // The child is PARENT-owned: copy it as a root of `owner`, then nest the copy.
        r.owner[child] = owner;
        let childCopy: number;
        try { childCopy = this.clone(owner, child, r.gen[child]!); } finally { r.owner[child] = PARENT; }
        this.putRef(owner, copy, r.gen[copy]!, off, childCopy, r.gen[childCopy]!);
      }
    } catch (e) {
      this.free(owner, copy, r.gen[copy]!);
      throw e;
    }
    return copy;
  }

  // ---- inspection -----------------------------------------------------------------------------

  /** True when (slot, gen) names a live root owned by `owner`. */
  isLiveRoot(owner: number, slot: number, gen: number): boolean {
    const r = this.registry;
    return slot > 0 && slot < r.capacity && r.owner[slot] === owner && r.gen[slot] === gen;
  }

  /** Bytes free for allocation: never used, on the heap's free lists, or in owners' free caches. */
  get freeBytes(): number {
    let cached = 0;
    for (const c of this.caches) c?.lists.forEach((list, cls) => (cached += list.length * blockSizeOfClass(cls)));
    return this.allocator.freeBytes + cached;
  }

  /** Returns every owner's cached free blocks to the heap (they are zeroed when next handed out). */
  flushCaches(): void {
    for (const c of this.caches) if (c !== undefined) this.flushCache(c);
  }

  private flushCache(cache: FreeCache): void {
    cache.lists.forEach((list, cls) => {
      for (const offset of list) this.allocator.free(offset, blockSizeOfClass(cls));
      list.length = 0;
    });
    cache.count = 0;
  }

  /**
   * Full consistency check (for tests and debugging): every live object is reachable exactly
   * once, from its owner's root list or from one parent's nested reference; accounts match;
   * blocks do not overlap. Returns a list of problems, empty when consistent.
   */
  audit(): string[] {
    const problems: string[] = [];
    const r = this.registry;
    const seen = new Uint8Array(r.capacity);
    const stack: number[] = [];
    const totals = new Map<number, { objects: number; bytes: number }>();
    for (let s = 1; s < r.highWater; s++) {
      const owner = r.owner[s]!;
      if (owner === FREE || owner === PARENT) continue;
      seen[s] = 1;
      stack.push(s);
      const t = totals.get(owner) ?? { objects: 0, bytes: 0 };
      t.objects += r.treeObjects[s]!;
      t.bytes += r.treeBytes[s]!;
      totals.set(owner, t);
    }
    const a = this.accounts;
    for (let row = 0; row < MAX_DOMAINS; row++) {
      if (a.open[row] !== 1) continue;
      const owner = row === 0 ? KERNEL : row;
      const t = totals.get(owner) ?? { objects: 0, bytes: 0 };
      if (t.objects !== a.objects[row] || t.bytes !== a.bytes[row]) {
        problems.push(`${ownerName(owner)} accounts ${a.objects[row]} objects / ${a.bytes[row]} bytes, holds ${t.objects} / ${t.bytes}`);
      }
      totals.delete(owner);
    }
    for (const [owner] of totals) problems.push(`${ownerName(owner)} holds objects but has no account`);
    const roots = [...stack];
    while (stack.length > 0) {
      const s = stack.pop()!;
      const info = this.types.get(r.typeId[s]!);
      if (!info) { problems.push(`slot ${s} has unknown type ${r.typeId[s]}`); continue; }
      for (const off of info.refOffsets) {
        const word = (r.offset[s]! + off) >>> 2;
        const c = this.u32[word]!;
        if (c === 0) continue;
        if (!this.validNested(c, this.u32[word + 1]!)) { problems.push(`slot ${s} holds a corrupt reference to ${c}`); continue; }
        if (seen[c]) { problems.push(`slot ${c} reachable twice`); continue; }
        seen[c] = 1;
        stack.push(c);
      }
    }
    for (const root of roots) {
      const [objects, bytes] = this.measureTree(root);
      if (objects !== r.treeObjects[root] || bytes !== r.treeBytes[root]) {
        problems.push(`root ${root} records a tree of ${r.treeObjects[root]} objects / ${r.treeBytes[root]} bytes, holds ${objects} / ${bytes}`);
      }
    }
    const blocks: [number, number][] = [];
    let live = 0;
    for (let s = 1; s < r.capacity; s++) {
      if (r.owner[s] === FREE) continue;
      live++;
      if (!seen[s]) problems.push(`slot ${s} (${ownerName(r.owner[s]!)}) is unreachable: leaked`);
      blocks.push([r.offset[s]!, r.size[s]!]);
    }
    if (live !== r.slotsInUse) problems.push(`registry counts ${r.slotsInUse} slots in use, found ${live}`);
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) {
      const [o0, s0] = blocks[i - 1]!;
      if (o0 + Math.max(s0, 1) > blocks[i]![0]) problems.push(`blocks at ${o0} and ${blocks[i]![0]} overlap`);
    }
    return problems;
  }

  // ---- internals ------------------------------------------------------------------------------

  private checkRoot(owner: number, slot: number, gen: number, what: string): void {
    this.countViolation(slot, gen, what);
    checkRoot(this.columns, owner, slot, gen, what);
  }

  /** Counts a stale handle or a double free before checkRoot refuses it. */
  private countViolation(slot: number, gen: number, what: string): void {
    const r = this.registry;
    if (!(slot > 0 && slot < r.capacity) || r.gen[slot] === gen) return;
    if (r.owner[slot] === FREE && what === 'free') this.violations.doubleFree++;
    else this.violations.useAfterFree++;
  }

  private validNested(slot: number, gen: number): boolean {
    const r = this.registry;
    return slot > 0 && slot < r.capacity && r.owner[slot] === PARENT && r.gen[slot] === gen;
  }

  private refWord(slot: number, refOffset: number): number {
    const info = this.slotType[slot]!;
    const k = (refOffset - info.refFirst) / info.refStride;
    const isRef = info.refStride > 0 ? Number.isInteger(k) && k >= 0 && k < info.refCount : info.refOffsets.includes(refOffset);
    if (!isRef) {
      throw new HeapError('BAD_REF', `offset ${refOffset} of ${info.canonical} is not a nested reference field`);
    }
    return (this.registry.offset[slot]! + refOffset) >>> 2;
  }

  private measureTree(root: number): [number, number] {
    const r = this.registry;
    let objects = 0, bytes = 0;
    const stack = [root];
    while (stack.length > 0) {
      const s = stack.pop()!;
      objects++;
      bytes += r.size[s]!;
      for (const off of this.types.get(r.typeId[s]!)?.refOffsets ?? []) {
        const word = (r.offset[s]! + off) >>> 2;
        const c = this.u32[word]!;
        if (c !== 0 && this.validNested(c, this.u32[word + 1]!)) stack.push(c);
      }
    }
    return [objects, bytes];
  }

  /**
   * Trusted drop: frees an unlinked object and, by type id, everything nested in it. Never calls
   * domain code. Blocks go to `cacheOwner`'s free cache while it has room, else to the heap.
   */
  private drop(root: number, cacheOwner: FreeCache | undefined): void {
    if (this.slotType[root]!.refOffsets.length === 0) {
      this.release(root, cacheOwner);
      return;
    }
    const r = this.registry;
    const stack = [root];
    while (stack.length > 0) {
      const slot = stack.pop()!;
      const base = r.offset[slot]!;
      for (const off of this.slotType[slot]!.refOffsets) {
        const word = (base + off) >>> 2;
        const child = this.u32[word]!;
        if (child === 0) continue;
        if (this.validNested(child, this.u32[word + 1]!)) stack.push(child);
        else this.violations.corruptRef++;
      }
      this.release(slot, cacheOwner);
    }
  }

  /** Returns one slot and its block: to the owner's free cache while it has room, else to the heap. */
  private release(slot: number, cacheOwner: FreeCache | undefined): void {
    const r = this.registry;
    const base = r.offset[slot]!, size = r.size[slot]!;
    if (cacheOwner !== undefined && cacheOwner.count < CACHE_LIMIT) {
      const cls = sizeClass(size);
      (cacheOwner.lists[cls] ??= []).push(base);
      cacheOwner.count++;
    } else this.allocator.free(base, size);
    this.liveBytes -= size;
    r.owner[slot] = FREE;
    r.borrows[slot] = 0;
    r.typeId[slot] = 0;
    this.slotType[slot] = undefined;
    r.gen[slot] = (r.gen[slot]! + 1) >>> 0;
    r.returnSlot(slot);
  }

  private uncharge(owner: number, slot: number): void {
    const row = this.lookup(owner);
    const a = this.accounts;
    a.objects[row] = a.objects[row]! - this.registry.treeObjects[slot]!;
    a.bytes[row] = a.bytes[row]! - this.registry.treeBytes[slot]!;
  }

  /** The free cache of account `row` (created on first use), or undefined for no row. */
  private cacheOf(row: number): FreeCache | undefined {
    if (row < 0) return undefined;
    return (this.caches[row] ??= { lists: [], count: 0 });
  }

}

/** The columns moves.ts works on, as views of the registry's and the accounts' buffers. */
export function columnsOf(r: Pick<Registry, 'owner' | 'borrows' | 'gen' | 'treeObjects' | 'treeBytes'>, a: Accounts): OwnershipColumns {
  return Object.freeze({
    owner: r.owner, borrows: r.borrows, gen: r.gen, treeObjects: r.treeObjects, treeBytes: r.treeBytes,
    acctObjects: a.objects, acctBytes: a.bytes, acctQuota: a.quota, acctOpen: a.open,
  });
}
