// The registry: one metadata record per shared-heap allocation, stored column-wise in a
// SharedArrayBuffer so the trusted library in every domain realm can check a handle's generation
// with a single typed-array load, and device threads could inspect ownership if they had to.
//
// Slot 0 is never allocated: a nested reference of 0 means "empty".

import { FREE } from './owners.ts';
import { detachedFromHost } from './buffer.ts';

export const REGISTRY_COLUMNS = 8;

export class Registry {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  /** Owning domain id, or FREE / KERNEL / PARENT. */
  readonly owner: Int32Array;
  /** Borrows outstanding; an object may not move or be freed while this is non-zero. */
  readonly borrows: Int32Array;
  readonly typeId: Uint32Array;
  /** Bumped on every free and every change of owner: stale handles stop matching. */
  readonly gen: Uint32Array;
  readonly offset: Uint32Array;
  readonly size: Uint32Array;
  /** For a root: objects and bytes of it and everything nested in it (what its owner is charged). */
  readonly treeObjects: Uint32Array;
  readonly treeBytes: Uint32Array;

  private readonly freeSlots: Int32Array;
  private freeTop = 0;
  /** One past the highest slot ever handed out: scans of the registry stop here. */
  highWater = 1;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 2) throw new RangeError('registry capacity must be at least 2');
    this.capacity = capacity;
    this.buffer = detachedFromHost(new SharedArrayBuffer(capacity * 4 * REGISTRY_COLUMNS));
    const column = (i: number): number => i * capacity * 4;
    this.owner = new Int32Array(this.buffer, column(0), capacity);
    this.borrows = new Int32Array(this.buffer, column(1), capacity);
    this.typeId = new Uint32Array(this.buffer, column(2), capacity);
    this.gen = new Uint32Array(this.buffer, column(3), capacity);
    this.offset = new Uint32Array(this.buffer, column(4), capacity);
    this.size = new Uint32Array(this.buffer, column(5), capacity);
    this.treeObjects = new Uint32Array(this.buffer, column(6), capacity);
    this.treeBytes = new Uint32Array(this.buffer, column(7), capacity);
    this.owner.fill(FREE);
    this.freeSlots = new Int32Array(capacity);
    // Lowest slots first, so small heaps stay dense and tests read easily.
    for (let s = capacity - 1; s >= 1; s--) this.freeSlots[this.freeTop++] = s;
  }

  /** A free slot, or 0 when the registry is full. */
  takeSlot(): number {
    if (this.freeTop === 0) return 0;
    const slot = this.freeSlots[--this.freeTop]!;
    if (slot >= this.highWater) this.highWater = slot + 1;
    return slot;
  }

  returnSlot(slot: number): void {
    this.freeSlots[this.freeTop++] = slot;
  }

  get slotsInUse(): number {
    return this.capacity - 1 - this.freeTop;
  }
}
