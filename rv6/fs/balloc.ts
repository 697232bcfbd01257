// The block allocator (xv6's balloc/bfree): one bit per block in the bitmap blocks. Only data
// blocks are handed out, whatever the bitmap says of the metadata, so a corrupt bitmap cannot
// give away the log, an inode block or the bitmap itself.
import { ENOSPC } from '../../runtime/idl/errno.ts';
import type { Buf, Cache } from './bio.ts';
import type { Log } from './log.ts';
import type { Superblock } from './superblock.ts';
import { BPB, BSIZE, FsError, corrupt } from './param.ts';

export class Allocator {
  readonly #cache: Cache;
  readonly #log: Log;
  readonly #sb: Superblock;
  /** Where the last search ended: the next starts there, so a full disk is not rescanned per block. */
  #hint: number;

  constructor(cache: Cache, log: Log, sb: Superblock) {
    this.#cache = cache;
    this.#log = log;
    this.#sb = sb;
    this.#hint = sb.datastart;
  }

  /** A zeroed data block, marked in use. ENOSPC when none is free. */
  alloc(): number {
    const { datastart, size } = this.#sb;
    const span = size - datastart;
    for (let k = 0; k < span; ) {
      const b = datastart + ((this.#hint - datastart + k) % span);
      const buf = this.#bitmapBlock(b);
      const bit = b % BPB;
      const byte = buf.off + (bit >> 3);
      const value = buf.data.readU8(byte);
      if (value === 0xff && (bit & 7) === 0 && b + 8 <= size) {
        k += 8;
        continue;
      }
      k++;
      const mask = 1 << (bit & 7);
      if ((value & mask) !== 0) continue;
      buf.data.writeU8(byte, value | mask);
      this.#log.write(buf.block);
      this.#zero(b);
      this.#hint = b + 1 < size ? b + 1 : datastart;
      return b;
    }
    throw new FsError(ENOSPC, 'no free data block');
  }

  /** Marks data block `b` free. EIO for a block that is not a data block or is already free. */
  free(b: number): void {
    if (b < this.#sb.datastart || b >= this.#sb.size) throw corrupt(`cannot free block ${b}: not a data block`);
    const buf = this.#bitmapBlock(b);
    const byte = buf.off + ((b % BPB) >> 3);
    const mask = 1 << (b & 7);
    const value = buf.data.readU8(byte);
    if ((value & mask) === 0) throw corrupt(`block ${b} is freed twice`);
    buf.data.writeU8(byte, value & ~mask);
    this.#log.write(buf.block);
  }

  /** True when the bitmap marks `b` in use. */
  inUse(b: number): boolean {
    const buf = this.#bitmapBlock(b);
    return (buf.data.readU8(buf.off + ((b % BPB) >> 3)) & (1 << (b & 7))) !== 0;
  }

  #bitmapBlock(b: number): Buf {
    return this.#cache.bread(this.#sb.bmapstart + Math.floor(b / BPB));
  }

  #zero(b: number): void {
    const buf = this.#cache.bread(b);
    buf.data.fillBytes(0, buf.off, BSIZE);
    this.#log.write(b);
  }
}
