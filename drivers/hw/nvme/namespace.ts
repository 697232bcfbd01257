// An NVMe namespace: fixed-size logical blocks (512 bytes or 4 KB) on a backing store (shared
// memory or a file), behind an optional volatile write cache. The cache is what makes power-cut
// testing meaningful: a write that completed is only durable after a Flush, when it was written
// with FUA, when the cache wrote it back on its own to make room, or at a normal shutdown.
import { closeSync, fstatSync, ftruncateSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

/** Where the blocks live. Offsets and lengths are in bytes. */
export interface BlockStore {
  readonly size: number;
  read(dst: Uint8Array, dstOff: number, offset: number, len: number): void;
  write(src: Uint8Array, srcOff: number, offset: number, len: number): void;
  /** Makes writes so far durable on the host (fsync for files). */
  sync(): void;
  close(): void;
}

/** A store in a SharedArrayBuffer, so the host can inspect it and a worker can share it. */
export class MemoryStore implements BlockStore {
  readonly bytes: Uint8Array;
  readonly size: number;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.size = buffer.byteLength;
  }
  static create(size: number): MemoryStore {
    return new MemoryStore(new SharedArrayBuffer(size));
  }
  read(dst: Uint8Array, dstOff: number, offset: number, len: number): void {
    dst.set(this.bytes.subarray(offset, offset + len), dstOff);
  }
  write(src: Uint8Array, srcOff: number, offset: number, len: number): void {
    this.bytes.set(src.subarray(srcOff, srcOff + len), offset);
  }
  sync(): void {}
  close(): void {}
}

/** A store in a host file (a disk image). The file is grown to `size` if shorter. */
export class FileStore implements BlockStore {
  private fd: number;
  readonly size: number;
  constructor(readonly path: string, size?: number, readonly durable = false) {
    this.fd = openSync(path, 'r+');
    const actual = fstatSync(this.fd).size;
    this.size = size ?? actual;
    if (actual < this.size) ftruncateSync(this.fd, this.size);
  }
  read(dst: Uint8Array, dstOff: number, offset: number, len: number): void {
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, dst, dstOff + done, len - done, offset + done);
      if (n <= 0) {
        dst.fill(0, dstOff + done, dstOff + len);
        return;
      }
      done += n;
    }
  }
  write(src: Uint8Array, srcOff: number, offset: number, len: number): void {
    let done = 0;
    while (done < len) done += writeSync(this.fd, src, srcOff + done, len - done, offset + done);
  }
  sync(): void {
    if (this.durable) fsyncSync(this.fd);
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** What a power cut keeps of the data that sat in the volatile write cache. */
export type PowerCutMode =
  /** Nothing: every unflushed write is lost (the default, and the strictest for consistency tests). */
  | 'discard'
  /** Everything, as if the drive had power-loss protection. */
  | 'persist'
  /** A pseudo-random subset of the cached blocks, chosen by a seed: writes may land out of order. */
  | { seed: number };

/**
 * Write-back cache of whole logical blocks, evicted oldest first when full. Buffers of evicted
 * and flushed blocks are recycled, so steady-state writes do not allocate.
 */
export class WriteCache {
  private readonly blocks = new Map<number, Uint8Array>();
  /**
   * Where eviction goes on in the map's (insertion) order. Kept between evictions: a new
   * iterator would step over every entry deleted since the start each time, and a full cache
   * under steady writes deletes one per write.
   */
  private order: Iterator<[number, Uint8Array]> | undefined;
  private readonly spare: Uint8Array[] = [];
  enabled = true;
  constructor(private readonly store: BlockStore, private readonly blockSize: number, private readonly capacity: number) {}

  get size(): number {
    return this.blocks.size;
  }

  /** Copies `count` blocks from `src` into the cache, writing back the oldest if it is full. */
  write(src: Uint8Array, srcOff: number, lba: number, count: number): void {
    const bs = this.blockSize;
    for (let i = 0; i < count; i++) {
      let b = this.blocks.get(lba + i);
      if (b !== undefined) this.blocks.delete(lba + i); // re-insert: it is now the newest
      else b = this.spare.pop() ?? new Uint8Array(bs);
      b.set(src.subarray(srcOff + i * bs, srcOff + (i + 1) * bs));
      this.blocks.set(lba + i, b);
      if (this.blocks.size > this.capacity) this.evictOldest();
    }
  }

  private evictOldest(): void {
    // A live iterator: entries deleted after it was made are skipped, and a block rewritten
    // since (deleted and set again) is met again at the end, where the newest are.
    for (let tries = 0; tries < 2 && this.blocks.size > 0; tries++) {
      this.order ??= this.blocks.entries();
      const next = this.order.next();
      if (next.done === true) {
        this.order = undefined;
        continue;
      }
      const [lba, b] = next.value;
      this.store.write(b, 0, lba * this.blockSize, this.blockSize);
      this.blocks.delete(lba);
      this.spare.push(b);
      return;
    }
  }

  /** Overlays cached blocks onto data already read from the store. */
  overlay(dst: Uint8Array, dstOff: number, lba: number, count: number): void {
    if (this.blocks.size === 0) return;
    const bs = this.blockSize;
    for (let i = 0; i < count; i++) {
      const b = this.blocks.get(lba + i);
      if (b !== undefined) dst.set(b, dstOff + i * bs);
    }
  }

  /** Drops cached copies of blocks that were just written through (FUA). */
  forget(lba: number, count: number): void {
    if (this.blocks.size === 0) return;
    for (let i = 0; i < count; i++) {
      const b = this.blocks.get(lba + i);
      if (b !== undefined) {
        this.blocks.delete(lba + i);
        this.spare.push(b);
      }
    }
  }

  /** Writes every cached block back, oldest first. */
  flush(): void {
    for (const [lba, b] of this.blocks) {
      this.store.write(b, 0, lba * this.blockSize, this.blockSize);
      this.spare.push(b);
    }
    this.blocks.clear();
    this.order = undefined;
    this.store.sync();
  }

  /** Loses the cache's contents the way a power cut does. Returns how many blocks were lost. */
  powerCut(mode: PowerCutMode): number {
    let lost = 0;
    if (mode === 'persist') {
      this.flush();
      return 0;
    }
    let state = typeof mode === 'object' ? mode.seed >>> 0 || 1 : 0;
    for (const [lba, b] of this.blocks) {
      let keep = false;
      if (state !== 0) {
        // xorshift32: deterministic per seed, so a failing crash test can be replayed.
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        keep = (state & 1) === 1;
      }
      if (keep) this.store.write(b, 0, lba * this.blockSize, this.blockSize);
      else lost++;
      this.spare.push(b);
    }
    this.blocks.clear();
    this.order = undefined;
    this.store.sync();
    return lost;
  }
}

export interface NamespaceOptions {
  /** 512 or 4096. */
  blockSize: number;
  store: BlockStore;
  /** Volatile write cache size in blocks; 0 means no cache. */
  cacheBlocks: number;
}

export class Namespace {
  readonly blockSize: number;
  /** Namespace size in logical blocks (NSZE). */
  readonly blocks: number;
  readonly store: BlockStore;
  readonly cache: WriteCache | undefined;

  constructor(options: NamespaceOptions) {
    if (options.blockSize !== 512 && options.blockSize !== 4096) throw new RangeError('block size must be 512 or 4096');
    this.blockSize = options.blockSize;
    this.store = options.store;
    this.blocks = Math.floor(options.store.size / options.blockSize);
    this.cache = options.cacheBlocks > 0 ? new WriteCache(options.store, options.blockSize, options.cacheBlocks) : undefined;
  }

  /** True when writes complete before they are durable. */
  cacheEnabled(): boolean {
    return this.cache !== undefined && this.cache.enabled;
  }

  read(dst: Uint8Array, dstOff: number, lba: number, count: number): void {
    this.store.read(dst, dstOff, lba * this.blockSize, count * this.blockSize);
    this.cache?.overlay(dst, dstOff, lba, count);
  }

  write(src: Uint8Array, srcOff: number, lba: number, count: number, fua: boolean): void {
    const cache = this.cache;
    if (cache === undefined || !cache.enabled || fua) {
      this.store.write(src, srcOff, lba * this.blockSize, count * this.blockSize);
      cache?.forget(lba, count);
      if (fua) this.store.sync();
    } else {
      cache.write(src, srcOff, lba, count);
    }
  }

  flush(): void {
    if (this.cache !== undefined) this.cache.flush();
    else this.store.sync();
  }

  setCacheEnabled(on: boolean): void {
    if (this.cache === undefined) return;
    if (!on) this.cache.flush();
    this.cache.enabled = on;
  }
}
