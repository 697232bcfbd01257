// The heap port: the narrow set of trusted operations a domain's copy of the library may ask of
// the kernel, bound to that domain's id when the kernel creates it (so a domain cannot act as
// another). Reads and writes of object bytes do not go through the port: the library has its own
// typed-array views of the shared buffers and checks each handle's generation in the registry.

import type { SharedHeap, TypeInfo } from '../heap/heap.ts';
import { REGISTRY_COLUMNS } from '../heap/registry.ts';

export interface HeapPort {
  readonly domain: number;
  readonly data: SharedArrayBuffer;
  readonly registry: SharedArrayBuffer;
  readonly registryCapacity: number;
  registerType(info: TypeInfo): void;
  alloc(typeId: number, size: number, zero: boolean): number;
  free(slot: number, gen: number): void;
  putRef(parent: number, parentGen: number, refOffset: number, child: number, childGen: number): number;
  takeRef(parent: number, parentGen: number, refOffset: number): number;
}

/** A port for `domain` on `heap`, for the kernel to hand to that domain's library. */
export function portFor(heap: SharedHeap, domain: number): HeapPort {
  return Object.freeze({
    domain,
    data: heap.buffer,
    registry: heap.registry.buffer,
    registryCapacity: heap.registry.capacity,
    registerType: (info: TypeInfo) => heap.registerType(info),
    alloc: (typeId: number, size: number, zero: boolean) => heap.alloc(domain, typeId, size, zero),
    free: (slot: number, gen: number) => heap.free(domain, slot, gen),
    putRef: (parent: number, parentGen: number, refOffset: number, child: number, childGen: number) =>
      heap.putRef(domain, parent, parentGen, refOffset, child, childGen),
    takeRef: (parent: number, parentGen: number, refOffset: number) => heap.takeRef(domain, parent, parentGen, refOffset),
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
}

export function viewsOf(port: HeapPort): HeapViews {
  const d = port.data;
  const cap = port.registryCapacity;
  if (port.registry.byteLength !== cap * 4 * REGISTRY_COLUMNS) throw new RangeError('registry buffer does not match its capacity');
  return Object.freeze({
    port,
    u8: new Uint8Array(d), i8: new Int8Array(d), u16: new Uint16Array(d), i16: new Int16Array(d),
    u32: new Uint32Array(d), i32: new Int32Array(d), f32: new Float32Array(d), f64: new Float64Array(d),
    u64: new BigUint64Array(d), i64: new BigInt64Array(d),
    gen: new Uint32Array(port.registry, 3 * cap * 4, cap),
    offset: new Uint32Array(port.registry, 4 * cap * 4, cap),
    size: new Uint32Array(port.registry, 5 * cap * 4, cap),
  });
}
