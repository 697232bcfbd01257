// Size-class allocator over the byte offsets of the shared heap.
//
// Blocks are powers of two from 16 bytes up. Classes up to 4 KiB are carved from 64 KiB slabs,
// so every block is aligned to its own size (a 4 KiB block is page aligned, as NVMe PRPs need;
// a 2 KiB packet buffer never straddles a 2 KiB boundary). Larger blocks come straight from the
// bump pointer, page aligned. Freed blocks go to their class's free list: allocate and free are
// a stack pop and push for every size the system uses on its hot paths. When the bump region is
// used up, a block of a larger class is split (buddy-style, without coalescing).

export const MIN_BLOCK = 16;
const MIN_SHIFT = 4;
export const SLAB_SIZE = 64 * 1024;
const SLAB_MAX_BLOCK = 4096;
const PAGE = 4096;

export function sizeClass(size: number): number {
  if (size <= MIN_BLOCK) return 0;
  return 32 - Math.clz32(size - 1) - MIN_SHIFT;
}

export function blockSizeOfClass(cls: number): number {
  return MIN_BLOCK * 2 ** cls;
}

export class SizeClassAllocator {
  /** Per-class stacks of free block offsets. */
  private readonly freeLists: number[][] = [];
  /** Per small class: the next unused block of its current slab, and that slab's end. */
  private readonly slabCursor: number[] = [];
  private readonly slabEnd: number[] = [];
  private bump: number;
  private readonly maxClass: number;
  /** Whether the last block handed out came from never-used memory (still zero). */
  lastWasFresh = false;

  /**
   * @param capacity bytes managed, [reserved, capacity)
   * @param reserved bytes at the start never handed out, so offset 0 is never a valid address
   */
  constructor(readonly capacity: number, readonly reserved: number = SLAB_SIZE) {
    if (reserved % SLAB_SIZE !== 0) throw new RangeError('reserved must be a multiple of the slab size');
    this.bump = reserved;
    this.maxClass = sizeClass(Math.max(capacity, MIN_BLOCK));
    for (let c = 0; c <= this.maxClass; c++) {
      this.freeLists.push([]);
      this.slabCursor.push(0);
      this.slabEnd.push(0);
    }
  }

  /** Offset of a block of at least `size` bytes, or -1 when the heap cannot satisfy it. */
  alloc(size: number): number {
    const cls = sizeClass(size);
    if (cls > this.maxClass) return -1;
    const list = this.freeLists[cls]!;
    if (list.length > 0) {
      this.lastWasFresh = false;
      return list.pop()!;
    }
    this.lastWasFresh = true;
    const block = blockSizeOfClass(cls);
    if (block <= SLAB_MAX_BLOCK) {
      const cursor = this.slabCursor[cls]!;
      if (cursor < this.slabEnd[cls]!) {
        this.slabCursor[cls] = cursor + block;
        return cursor;
      }
      const slab = this.carve(SLAB_SIZE, SLAB_SIZE);
      if (slab >= 0) {
        this.slabCursor[cls] = slab + block;
        this.slabEnd[cls] = slab + SLAB_SIZE;
        return slab;
      }
    } else {
      const offset = this.carve(block, PAGE);
      if (offset >= 0) return offset;
    }
    return this.split(cls);
  }

  free(offset: number, size: number): void {
    this.freeLists[sizeClass(size)]!.push(offset);
  }

  /** Bytes never handed out yet plus bytes on free lists (unused slab tails not counted). */
  get freeBytes(): number {
    let total = this.capacity - this.bump;
    for (let c = 0; c < this.freeLists.length; c++) total += this.freeLists[c]!.length * blockSizeOfClass(c);
    return total;
  }

  private carve(size: number, align: number): number {
    const start = Math.ceil(this.bump / align) * align;
    if (start + size > this.capacity) return -1;
    // Alignment padding is handed to the free lists rather than lost.
    this.release(this.bump, start);
    this.bump = start + size;
    return start;
  }

  private split(cls: number): number {
    this.lastWasFresh = false;
    for (let bigger = cls + 1; bigger <= this.maxClass; bigger++) {
      const list = this.freeLists[bigger]!;
      if (list.length === 0) continue;
      const offset = list.pop()!;
      // Keep the first piece; hand back one buddy per halving down to the requested class.
      for (let c = bigger - 1; c >= cls; c--) this.freeLists[c]!.push(offset + blockSizeOfClass(c));
      return offset;
    }
    return -1;
  }

  /** Returns [from, to) to the free lists as aligned power-of-two blocks. */
  private release(from: number, to: number): void {
    let at = from;
    while (at < to) {
      let cls = Math.min(this.maxClass, sizeClass(to - at + 1) );
      while (cls > 0 && (blockSizeOfClass(cls) > to - at || at % blockSizeOfClass(cls) !== 0)) cls--;
      if (blockSizeOfClass(cls) > to - at || at % MIN_BLOCK !== 0) return;
      this.freeLists[cls]!.push(at);
      at += blockSizeOfClass(cls);
    }
  }
}
