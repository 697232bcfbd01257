// The kernel's view of the shared heap.
export { SharedHeap, NO_QUOTA } from './heap.ts';
export type { HeapOptions, OwnerStats, TypeInfo } from './heap.ts';
export { FREE, KERNEL, PARENT, MIN_DOMAIN_ID, ownerName } from './owners.ts';
export { HeapError } from './errors.ts';
export type { HeapErrorCode } from './errors.ts';
export { SizeClassAllocator, sizeClass, blockSizeOfClass } from './allocator.ts';
export { typeIdOf } from './typeid.ts';
export { detachedFromHost } from './buffer.ts';
