// Copying small frames into DMA memory. TypedArray.set costs a call into the runtime and, for a
// part of a buffer, a subarray allocation; a 60-byte frame copies faster as 15 word moves.

const WORD_COPY_LIMIT = 512;

export class FrameCopier {
  private srcBuffer: ArrayBufferLike | undefined;
  private srcWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  /** Copies `len` bytes of `src` at `srcOff` to byte `dstOff` of the DMA views. */
  copy(dst8: Uint8Array, dst32: Uint32Array, dstOff: number, src: Uint8Array, srcOff: number, len: number): void {
    const abs = src.byteOffset + srcOff;
    if (len <= WORD_COPY_LIMIT && ((dstOff | abs) & 3) === 0) {
      if (src.buffer !== this.srcBuffer) {
        this.srcBuffer = src.buffer;
        this.srcWords = new Uint32Array(src.buffer, 0, src.buffer.byteLength >>> 2);
      }
      const s32 = this.srcWords;
      const words = len >>> 2;
      const sw = abs >>> 2, dw = dstOff >>> 2;
      for (let i = 0; i < words; i++) dst32[dw + i] = s32[sw + i]!;
      for (let k = words << 2; k < len; k++) dst8[dstOff + k] = src[srcOff + k]!;
      return;
    }
    if (src.buffer === dst8.buffer) dst8.copyWithin(dstOff, abs, abs + len);
    else if (srcOff === 0 && len === src.length) dst8.set(src, dstOff);
    else dst8.set(src.subarray(srcOff, srcOff + len), dstOff);
  }
}
