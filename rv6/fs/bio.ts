// The buffer cache (xv6's bio.c) over a device of 4 KiB blocks ("pages") that each hold four
// 1 KiB file-system blocks. A page is read whole and cached; file-system block b lives in page
// b >> 2 at byte (b & 3) * 1024. Nothing here writes on its own: the log decides when a page
// goes to the disk (log.ts explains why writing a whole page is safe then).
//
// Pages are evicted only by trim(), between operations, so a Buf taken during an operation stays
// valid until it ends; pages holding logged blocks not yet installed are pinned (their only copy
// is here).
import { RRef } from '../../runtime/lib/index.ts';
import type { BDev } from '../../runtime/idl/bdev.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { BSIZE, PER_PAGE, corrupt } from './param.ts';

interface Page {
  readonly no: number;
  buf: RRef<Block>;
  /** Blocks of this page in the log, not yet installed. */
  pins: number;
}

/** One file-system block: the cached page holding it, and where in the page it starts. */
export interface Buf {
  readonly block: number;
  readonly data: RRef<Block>;
  readonly off: number;
}

export class Cache {
  readonly #disk: BDev;
  readonly #pages = new Map<number, Page>();
  readonly #limit: number;
  /** Blocks a file-system block number must stay below (the disk, then the superblock's size). */
  #blocks: number;
  /** Set when a write or flush failed: what is on the disk is no longer known. */
  #failed: string | undefined;

  constructor(disk: BDev, devicePages: number, limit: number) {
    this.#disk = disk;
    this.#blocks = devicePages * PER_PAGE;
    this.#limit = limit;
  }

  /** Narrows the valid block numbers to the file system's size. */
  setSize(blocks: number): void {
    this.#blocks = Math.min(this.#blocks, blocks);
  }

  get failed(): string | undefined {
    return this.#failed;
  }

  /** The block `b`, read from the disk on a miss. EIO for a block beyond the file system. */
  bread(b: number): Buf {
    if (!Number.isInteger(b) || b < 0 || b >= this.#blocks) throw corrupt(`block ${String(b)} is outside the file system (0..${this.#blocks - 1})`);
    const page = this.#page(Math.floor(b / PER_PAGE));
    return { block: b, data: page.buf, off: (b % PER_PAGE) * BSIZE };
  }

  #page(no: number): Page {
    const hit = this.#pages.get(no);
    if (hit !== undefined) {
      // Most recently used last: trim() evicts from the front.
      this.#pages.delete(no);
      this.#pages.set(no, hit);
      return hit;
    }
    const r = this.#disk.read(BigInt(no), RRef.newUninit(Block));
    if (!r.ok) throw corrupt(`the disk failed to read page ${no}: ${r.error.message}`);
    const page: Page = { no, buf: r.value, pins: 0 };
    this.#pages.set(no, page);
    return page;
  }

  /** Keeps the page of `b` cached until unpin (the block is in the log). */
  pin(b: number): void {
    this.#page(Math.floor(b / PER_PAGE)).pins++;
  }

  unpin(b: number): void {
    const page = this.#pages.get(Math.floor(b / PER_PAGE));
    if (page !== undefined && page.pins > 0) page.pins--;
  }

  /** Writes the pages holding `blocks` to the disk, each once, in page order. */
  writeBlocks(blocks: readonly number[]): void {
    const pages = [...new Set(blocks.map((b) => Math.floor(b / PER_PAGE)))].sort((a, b) => a - b);
    for (const no of pages) {
      const page = this.#pages.get(no);
      if (page === undefined) throw this.#fail(`page ${no} to write is not cached`);
      const r = this.#disk.write(BigInt(no), page.buf);
      if (!r.ok) throw this.#fail(`the disk failed to write page ${no}: ${r.error.message}`);
    }
  }

  /** Makes every write so far durable (the device's volatile cache is flushed). */
  flush(): void {
    const r = this.#disk.flush();
    if (!r.ok) throw this.#fail(`the disk failed to flush: ${r.error.message}`);
  }

  #fail(reason: string): Error {
    this.#failed = reason;
    return corrupt(reason);
  }

  /** Evicts least recently used unpinned pages beyond the limit (between operations only). */
  trim(): void {
    if (this.#pages.size <= this.#limit) return;
    for (const [no, page] of this.#pages) {
      if (this.#pages.size <= this.#limit) break;
      if (page.pins > 0) continue;
      this.#pages.delete(no);
      page.buf.drop();
    }
  }

  /** Forgets every cached page (after a failure, what is cached may not match the disk). */
  clear(): void {
    for (const page of this.#pages.values()) page.buf.drop();
    this.#pages.clear();
  }
}
