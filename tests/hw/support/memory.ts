// DMA memory for the tests: a SharedArrayBuffer standing in for the shared heap, with a bump
// allocator for rings and buffers.
export class DmaArena {
  readonly buffer: SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  private next: number;

  /** `buffer`: DMA into that memory (the shared heap's) instead of a fresh buffer of `size`. */
  constructor(size = 16 << 20, reserve = 4096, buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(size);
    this.u8 = new Uint8Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.next = reserve; // keep address 0 unused, like a null page
  }

  alloc(size: number, align = 4096): number {
    const a = Math.ceil(this.next / align) * align;
    if (a + size > this.buffer.byteLength) throw new RangeError('test DMA arena exhausted');
    this.next = a + size;
    this.u8.fill(0, a, a + size);
    return a;
  }
}
