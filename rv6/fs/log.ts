// The write-ahead log (xv6's log.c). An operation brackets its writes with begin() and end();
// its blocks are changed in the cache and recorded here (write), never written in place. When
// the last outstanding operation ends, the group commits:
//
//   1. copy each logged block into the log area, write those pages;   flush
//   2. write the header with n > 0: the commit point;                   flush
//   3. install: write the home pages of the logged blocks;              flush
//   4. write the header with n = 0.
//
// The device caches writes and may make them durable in any order, so each step is made durable
// before the next begins. Step 4 need not be durable at once (replaying a committed log twice
// is harmless), but it must be before the next commit overwrites the log area, or a lost clear
// would pair the old header with new log contents: commit() flushes it first when needed.
//
// Installing writes whole 4 KiB pages, each holding four file-system blocks. That is safe
// because only a commit writes home pages, and it runs when no operation is outstanding: every
// block changed in the cache since the last install belongs to the committing group and is in
// its log. The other blocks of a page hold what the disk holds already. Log pages are the
// reverse case: they are written before the commit point, so the log only uses slots whose page
// holds no block of another region (see the constructor).
//
// Recovery at mount replays a committed log (n > 0) the same way, copying from the log area.
import type { Syscalls } from '../../runtime/lib/index.ts';
import type { Cache } from './bio.ts';
import type { Superblock } from './superblock.ts';
import { MountError } from './superblock.ts';
import { BSIZE, LOGSIZE, MAXOPBLOCKS, PER_PAGE, corrupt } from './param.ts';

export class Log {
  readonly #cache: Cache;
  readonly #sys: Syscalls;
  readonly #start: number;
  /** Most blocks one group may log: xv6's LOGSIZE, or less in a smaller log area. */
  readonly #capacity: number;
  /** Most blocks a header found at mount may list. */
  readonly #recoverable: number;
  readonly #sb: Superblock;
  /** Home block numbers logged by the open group, in order. */
  #blocks: number[] = [];
  #outstanding = 0;
  #committing = false;
  /** The header was cleared but not flushed. */
  #clearPending = false;
  /** Operations that ended and wait for their group's commit. */
  #waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(cache: Cache, sb: Superblock, sys: Syscalls) {
    this.#cache = cache;
    this.#sys = sys;
    this.#sb = sb;
    this.#start = sb.logstart;
    this.#recoverable = Math.min(sb.nlog - 1, BSIZE / 4 - 1);
    // A log block may share its page only with log blocks, the header and the blocks before the
    // log (boot block, superblock), which no operation changes: writing it must not carry a
    // changed block of another region to the disk before the commit point.
    const end = sb.logstart + sb.nlog;
    const safeEnd = end - (end % PER_PAGE);
    this.#capacity = Math.min(LOGSIZE, this.#recoverable, safeEnd - 1 - sb.logstart);
    if (this.#capacity < MAXOPBLOCKS) {
      throw new MountError(`a log of ${sb.nlog} blocks from ${sb.logstart} leaves ${this.#capacity} usable, fewer than one operation's ${MAXOPBLOCKS}`);
    }
  }

  /** Inside an operation (writes are allowed). */
  get active(): boolean {
    return this.#outstanding > 0;
  }

  /** Starts an operation; waits while a commit runs or the group has no room for another. */
  async begin(): Promise<void> {
    while (this.#committing || this.#blocks.length + (this.#outstanding + 1) * MAXOPBLOCKS > this.#capacity) {
      await this.#sys.yield();
    }
    this.#outstanding++;
  }

  /** Ends an operation; resolves when the group holding it has committed. */
  end(): Promise<void> {
    this.#outstanding--;
    if (this.#outstanding > 0) {
      return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
    }
    const waiting = this.#waiting;
    this.#waiting = [];
    this.#committing = true;
    try {
      this.#commit();
    } catch (e) {
      for (const w of waiting) w.reject(e);
      return Promise.reject(e);
    } finally {
      this.#committing = false;
    }
    for (const w of waiting) w.resolve();
    return Promise.resolve();
  }

  /** Runs `body` as one operation and commits it, with nothing else running (mount). */
  runAlone(body: () => void): void {
    if (this.#outstanding !== 0) throw corrupt('an operation is already running');
    this.#outstanding = 1;
    try {
      body();
    } finally {
      this.#outstanding = 0;
      this.#commit();
    }
  }

  /** Records that block `b` was changed in the cache by the current operation (xv6's log_write). */
  write(b: number): void {
    if (this.#outstanding < 1) throw corrupt(`block ${b} was written outside an operation`);
    if (this.#blocks.includes(b)) return;
    if (this.#blocks.length >= this.#capacity) throw corrupt(`the operation needs more than ${this.#capacity} log blocks`);
    this.#cache.pin(b);
    this.#blocks.push(b);
  }

  #commit(): void {
    const blocks = this.#blocks;
    if (blocks.length === 0) return;
    if (this.#clearPending) {
      this.#cache.flush();
      this.#clearPending = false;
    }
    this.#copy(blocks, (i) => this.#start + 1 + i, (_, b) => b);
    this.#cache.writeBlocks(blocks.map((_, i) => this.#start + 1 + i));
    this.#cache.flush();
    this.#writeHead(blocks);
    this.#cache.flush();
    this.#cache.writeBlocks(blocks);
    this.#cache.flush();
    for (const b of blocks) this.#cache.unpin(b);
    this.#blocks = [];
    this.#writeHead([]);
    this.#clearPending = true;
  }

  /** Copies block from(i) to block to(i) for each logged block i, in the cache. */
  #copy(blocks: readonly number[], to: (i: number) => number, from: (i: number, b: number) => number): void {
    for (let i = 0; i < blocks.length; i++) {
      const src = this.#cache.bread(from(i, blocks[i] ?? 0));
      const dst = this.#cache.bread(to(i));
      dst.data.copyFrom(src.data, src.off, dst.off, BSIZE);
    }
  }

  #writeHead(blocks: readonly number[]): void {
    const { data, off } = this.#cache.bread(this.#start);
    data.writeU32LE(off, blocks.length);
    for (let i = 0; i < blocks.length; i++) data.writeU32LE(off + 4 * (i + 1), blocks[i] ?? 0);
    this.#cache.writeBlocks([this.#start]);
  }

  /** Replays a committed log found at mount; refuses a header that cannot be a real one. */
  recover(): number {
    const { data, off } = this.#cache.bread(this.#start);
    const n = data.readU32LE(off);
    if (n === 0) return 0;
    if (n > this.#recoverable) throw new MountError(`corrupt log: the header lists ${n} blocks, the log holds ${this.#recoverable}`);
    const blocks: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = data.readU32LE(off + 4 * (i + 1));
      if (b < this.#sb.inodestart || b >= this.#sb.size) {
        throw new MountError(`corrupt log: entry ${i} names block ${b}, outside the inode, bitmap and data regions (${this.#sb.inodestart}..${this.#sb.size - 1})`);
      }
      blocks.push(b);
    }
    this.#copy(blocks, (i) => blocks[i] ?? 0, (i) => this.#start + 1 + i);
    this.#cache.writeBlocks(blocks);
    this.#cache.flush();
    this.#writeHead([]);
    this.#cache.flush();
    return n;
  }
}
