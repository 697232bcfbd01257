// Directories (xv6's fs.c, directory half): a directory is a file of 16-byte entries, a u16
// inode number (0: a free slot) and a 14-byte name, NUL padded unless it is 14 bytes long.
// Names are compared as bytes (UTF-8).
import type { RRef } from '../../runtime/lib/index.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import { EEXIST, EFBIG } from '../../runtime/idl/errno.ts';
import type { Cache } from './bio.ts';
import type { Inode, Inodes } from './inode.ts';
import type { Log } from './log.ts';
import { BSIZE, DIRENT_SIZE, DIRSIZ, FsError, MAXFILE, corrupt } from './param.ts';

/** UTF-8 bytes of `s`. */
export function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

export const isDot = (name: readonly number[]): boolean => name.length === 1 && name[0] === 0x2e;
export const isDotDot = (name: readonly number[]): boolean => name.length === 2 && name[0] === 0x2e && name[1] === 0x2e;

export class Directories {
  readonly #cache: Cache;
  readonly #log: Log;
  readonly #inodes: Inodes;

  constructor(cache: Cache, log: Log, inodes: Inodes) {
    this.#cache = cache;
    this.#log = log;
    this.#inodes = inodes;
  }

  /** Calls `visit` on each slot of `dp` until it returns true; returns that slot's byte offset, or -1. */
  #scan(dp: Inode, visit: (inum: number, data: RRef<Block>, at: number) => boolean): number {
    if (dp.size % DIRENT_SIZE !== 0) throw corrupt(`directory ${dp.inum} has size ${dp.size}, not a multiple of ${DIRENT_SIZE}`);
    for (let off = 0; off < dp.size; off += BSIZE) {
      const addr = this.#inodes.bmap(dp, off / BSIZE, false);
      if (addr === 0) throw corrupt(`directory ${dp.inum} has no block at byte ${off}`);
      const buf = this.#cache.bread(addr);
      const end = Math.min(BSIZE, dp.size - off);
      for (let i = 0; i < end; i += DIRENT_SIZE) {
        if (visit(buf.data.readU16LE(buf.off + i), buf.data, buf.off + i)) return off + i;
      }
    }
    return -1;
  }

  /** The entry `name` of `dp`: its inode number and byte offset, or undefined. */
  lookup(dp: Inode, name: readonly number[]): { inum: number; off: number } | undefined {
    let found = 0;
    const off = this.#scan(dp, (inum, data, at) => {
      if (inum === 0) return false;
      for (let k = 0; k < DIRSIZ; k++) {
        const c = data.readU8(at + 2 + k);
        if (c !== (name[k] ?? 0)) return false;
        if (c === 0) break;
      }
      found = inum;
      return true;
    });
    return off < 0 ? undefined : { inum: found, off };
  }

  /** Adds the entry `name` -> `inum` to `dp`. EEXIST, or EFBIG/ENOSPC when the directory cannot grow. */
  link(dp: Inode, name: readonly number[], inum: number): void {
    if (this.lookup(dp, name) !== undefined) throw new FsError(EEXIST, 'the name exists');
    let off = this.#scan(dp, (i) => i === 0);
    if (off < 0) off = dp.size;
    if (off + DIRENT_SIZE > MAXFILE * BSIZE) throw new FsError(EFBIG, `directory ${dp.inum} is full`);
    const addr = this.#inodes.bmap(dp, Math.floor(off / BSIZE), true);
    const buf = this.#cache.bread(addr);
    const at = buf.off + (off % BSIZE);
    buf.data.writeU16LE(at, inum);
    for (let k = 0; k < DIRSIZ; k++) buf.data.writeU8(at + 2 + k, name[k] ?? 0);
    this.#log.write(addr);
    if (off + DIRENT_SIZE > dp.size) {
      dp.size = off + DIRENT_SIZE;
      this.#inodes.update(dp);
    }
  }

  /** Clears the entry at byte `off` of `dp`. */
  clear(dp: Inode, off: number): void {
    const addr = this.#inodes.bmap(dp, Math.floor(off / BSIZE), false);
    if (addr === 0) throw corrupt(`directory ${dp.inum} has no block at byte ${off}`);
    const buf = this.#cache.bread(addr);
    buf.data.fillBytes(0, buf.off + (off % BSIZE), DIRENT_SIZE);
    this.#log.write(addr);
  }

  /** True when `dp` holds nothing but '.' and '..' (the first two entries). */
  isEmpty(dp: Inode): boolean {
    let seen = 0;
    return this.#scan(dp, (inum) => seen++ >= 2 && inum !== 0) < 0;
  }
}

