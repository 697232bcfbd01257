// The heap port: the narrow set of trusted operations a domain's copy of the library may ask of
// the kernel, bound to that domain's id when the kernel creates it (so a domain cannot act as
// another). Reads and writes of object bytes do not go through the port: the library has its own
// typed-array views of the shared buffers and checks each handle's generation in the registry.

import type { SharedHeap, TypeInfo } from '../heap/heap.ts';
import { REGISTRY_COLUMNS } from '../heap/registry.ts';
import { Accounts } from '../heap/accounts.ts';
import { HeapError } from '../heap/errors.ts';
import type { HeapErrorCode } from '../heap/errors.ts';
import type { OwnershipColumns } from '../heap/moves.ts';

export interface HeapPort {
  readonly domain: number;
  readonly data: SharedArrayBuffer;
  readonly registry: SharedArrayBuffer;
  readonly registryCapacity: number;
  /** Owner accounts (accounts.ts): moves between domains update them in place. */
  readonly accounts: SharedArrayBuffer;
  registerType(info: TypeInfo): void;
  alloc(typeId: number, size: number, zero: boolean): number;
  free(slot: number, gen: number): void;
  putRef(parent: number, parentGen: number, refOffset: number, child: number, childGen: number): number;
  takeRef(parent: number, parentGen: number, refOffset: number): number;
  clone(slot: number, gen: number): number;
}

/** A port for `domain` on `heap`, for the kernel to hand to that domain's library. */
export function portFor(heap: SharedHeap, domain: number): HeapPort {
  return Object.freeze({
    domain,
    data: heap.buffer,
    registry: heap.registry.buffer,
    registryCapacity: heap.registry.capacity,
    accounts: heap.accounts.buffer,
    registerType: (info: TypeInfo) => heap.registerType(info),
    alloc: (typeId: number, size: number, zero: boolean) => heap.alloc(domain, typeId, size, zero),
    free: (slot: number, gen: number) => heap.free(domain, slot, gen),
    putRef: (parent: number, parentGen: number, refOffset: number, child: number, childGen: number) =>
      heap.putRef(domain, parent, parentGen, refOffset, child, childGen),
    takeRef: (parent: number, parentGen: number, refOffset: number) => heap.takeRef(domain, parent, parentGen, refOffset),
    clone: (slot: number, gen: number) => heap.clone(domain, slot, gen),
  });
}

/** The library's views of the shared buffers, made in the library's own realm. */
export interface HeapViews {
  readonly port: HeapPort;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly u64: BigUint64Array;
  readonly i64: BigInt64Array;
  /** Registry columns the library reads: generation (for every access) and size. */
  readonly gen: Uint32Array;
  readonly size: Uint32Array;
  readonly offset: Uint32Array;
  readonly typeId: Uint32Array;
  /** What moves and borrows between domains touch (moves.ts). */
  readonly cols: OwnershipColumns;
}

/**
 * The library's views of the shared buffers, made in the library's own realm. The port's
 * functions are the kernel's (the host's): whatever they throw is re-created here, so no host
 * error (whose constructor leads to the host's Function) ever reaches domain code.
 */
export function viewsOf(hostPort: HeapPort): HeapViews {
  const port = guardPort(hostPort);
  const d = port.data;
  const cap = port.registryCapacity;
  if (port.registry.byteLength !== cap * 4 * REGISTRY_COLUMNS) throw new RangeError('registry buffer does not match its capacity');
  const u32 = (i: number): Uint32Array => new Uint32Array(port.registry, i * cap * 4, cap);
  const i32 = (i: number): Int32Array => new Int32Array(port.registry, i * cap * 4, cap);
  const gen = u32(3);
  const accounts = new Accounts(port.accounts);
  return Object.freeze({
    port,
    u8: new Uint8Array(d), i8: new Int8Array(d), u16: new Uint16Array(d), i16: new Int16Array(d),
    u32: new Uint32Array(d), i32: new Int32Array(d), f32: new Float32Array(d), f64: new Float64Array(d),
    u64: new BigUint64Array(d), i64: new BigInt64Array(d),
    gen,
    typeId: u32(2),
    offset: u32(4),
    size: u32(5),
    cols: Object.freeze({
      owner: i32(0), borrows: i32(1), gen, treeObjects: u32(6), treeBytes: u32(7),
      acctObjects: accounts.objects, acctBytes: accounts.bytes, acctQuota: accounts.quota, acctOpen: accounts.open,
    }),
  });
}

/** An error of this realm standing for whatever a kernel function threw. */
function recreate(e: unknown): Error {
  if (typeof e === 'object' && e !== null) {
    const code: unknown = (e as { code?: unknown }).code;
    const message: unknown = (e as { message?: unknown }).message;
    const text = typeof message === 'string' ? message.replace(/ \[[A-Z_]+\]$/, '') : 'the kernel refused the operation';
    if (typeof code === 'string') return new HeapError(code as HeapErrorCode, text);
    return new Error(text);
  }
  return new Error(String(e));
}

function guardPort(p: HeapPort): HeapPort {
  return Object.freeze({
    domain: p.domain, data: p.data, registry: p.registry, registryCapacity: p.registryCapacity, accounts: p.accounts,
    registerType(info: TypeInfo): void {
      try { p.registerType({ typeId: info.typeId, canonical: info.canonical, refOffsets: [...info.refOffsets] }); } catch (e) { throw recreate(e); }
    },
    alloc(typeId: number, size: number, zero: boolean): number {
      try { return p.alloc(typeId, size, zero); } catch (e) { throw recreate(e); }
    },
    free(slot: number, gen: number): void {
      try { p.free(slot, gen); } catch (e) { throw recreate(e); }
    },
    putRef(parent: number, parentGen: number, refOffset: number, child: number, childGen: number): number {
      try { return p.putRef(parent, parentGen, refOffset, child, childGen); } catch (e) { throw recreate(e); }
    },
    takeRef(parent: number, parentGen: number, refOffset: number): number {
      try { return p.takeRef(parent, parentGen, refOffset); } catch (e) { throw recreate(e); }
    },
    clone(slot: number, gen: number): number {
      try { return p.clone(slot, gen); } catch (e) { throw recreate(e); }
    },
  });
}
