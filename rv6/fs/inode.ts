// Inodes (xv6's fs.c, inode half): the in-memory table of referenced inodes, allocation,
// the block map (12 direct blocks and one indirect block of 256), truncation, and reading and
// writing an inode's bytes. An inode is read from the disk when its first reference is taken
// and leaves the table with its last (xv6's iget+ilock / iput): with no lock to take, since an
// operation's changes run without an await in between, "locked" and "referenced" are one.
import type { Borrowed, RRef } from '../../runtime/lib/index.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import { EFBIG, ENOSPC } from '../../runtime/idl/errno.ts';
import type { Allocator } from './balloc.ts';
import type { Buf, Cache } from './bio.ts';
import type { Log } from './log.ts';
import type { Superblock } from './superblock.ts';
import { BSIZE, DINODE_SIZE, FsError, IPB, MAXFILE, NDIRECT, NINDIRECT, ROOTINO, T_DEVICE, T_DIR, T_FREE, corrupt } from './param.ts';

export class Inode {
  readonly inum: number;
  ref = 0;
  type = T_FREE;
  major = 0;
  minor = 0;
  nlink = 0;
  size = 0;
  /** NDIRECT direct block addresses, then the indirect block's. */
  readonly addrs: number[] = new Array<number>(NDIRECT + 1).fill(0);

  constructor(inum: number) {
    this.inum = inum;
  }
}

const i16 = (v: number): number => (v << 16) >> 16;

export class Inodes {
  readonly #cache: Cache;
  readonly #log: Log;
  readonly #sb: Superblock;
  readonly #balloc: Allocator;
  readonly #table = new Map<number, Inode>();

  constructor(cache: Cache, log: Log, sb: Superblock, balloc: Allocator) {
    this.#cache = cache;
    this.#log = log;
    this.#sb = sb;
    this.#balloc = balloc;
  }

  /** Inodes referenced now. */
  get referenced(): number {
    return this.#table.size;
  }

  #dinode(inum: number): Buf & { at: number } {
    const buf = this.#cache.bread(this.#sb.inodestart + Math.floor(inum / IPB));
    return { ...buf, at: buf.off + (inum % IPB) * DINODE_SIZE };
  }

  /** Takes a reference to inode `inum`, reading it if needed. EIO for a free or invalid inode. */
  get(inum: number): Inode {
    if (!Number.isInteger(inum) || inum < 1 || inum >= this.#sb.ninodes) throw corrupt(`inode number ${inum} is out of range (1..${this.#sb.ninodes - 1})`);
    const held = this.#table.get(inum);
    if (held !== undefined) {
      held.ref++;
      return held;
    }
    const ip = new Inode(inum);
    const { data, at } = this.#dinode(inum);
    ip.type = i16(data.readU16LE(at));
    ip.major = i16(data.readU16LE(at + 2));
    ip.minor = i16(data.readU16LE(at + 4));
    ip.nlink = i16(data.readU16LE(at + 6));
    ip.size = data.readU32LE(at + 8);
    for (let i = 0; i <= NDIRECT; i++) ip.addrs[i] = data.readU32LE(at + 12 + 4 * i);
    if (ip.type < 1 || ip.type > T_DEVICE) throw corrupt(`inode ${inum} has type ${ip.type}: a name refers to a free or invalid inode`);
    if (ip.nlink < 0) throw corrupt(`inode ${inum} has a negative link count ${ip.nlink}`);
    if (ip.size > MAXFILE * BSIZE) throw corrupt(`inode ${inum} has size ${ip.size}, beyond the largest file`);
    ip.ref = 1;
    this.#table.set(inum, ip);
    return ip;
  }

  /**
   * Inodes allocated with no link and not the root: files unlinked while open when the system
   * went down (xv6 leaks them until fsck).
   */
  orphans(): number[] {
    const found: number[] = [];
    for (let inum = ROOTINO + 1; inum < this.#sb.ninodes; inum++) {
      const { data, at } = this.#dinode(inum);
      const type = data.readU16LE(at);
      if (type >= T_DIR && type <= T_DEVICE && data.readU16LE(at + 6) === 0) found.push(inum);
    }
    return found;
  }

  /** Frees orphan `inum` (inside an operation); false when it is corrupt and stays as it is. */
  reclaim(inum: number): boolean {
    if (this.#table.has(inum)) return false;
    try {
      this.put(this.get(inum));
      return true;
    } catch (e) {
      this.#table.delete(inum);
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  /** Another reference to a referenced inode. */
  dup(ip: Inode): Inode {
    ip.ref++;
    return ip;
  }

  /**
   * Drops a reference. With the last one an inode that no name links is freed with its blocks
   * (inside an operation: the caller has begun one).
   */
  put(ip: Inode): void {
    if (ip.ref === 1 && ip.nlink === 0 && ip.type !== T_FREE && this.#log.active) {
      this.trunc(ip);
      ip.type = T_FREE;
      this.update(ip);
    }
    ip.ref--;
    if (ip.ref <= 0) this.#table.delete(ip.inum);
  }

  /** A new inode of `type`, referenced. ENOSPC when every inode is in use. */
  alloc(type: number): Inode {
    for (let inum = 1; inum < this.#sb.ninodes; inum++) {
      const { data, at, block } = this.#dinode(inum);
      if (data.readU16LE(at) !== T_FREE || this.#table.has(inum)) continue;
      data.fillBytes(0, at, DINODE_SIZE);
      data.writeU16LE(at, type);
      this.#log.write(block);
      return this.get(inum);
    }
    throw new FsError(ENOSPC, 'no free inode');
  }

  /** Writes the in-memory copy of `ip` to its disk block (through the log). */
  update(ip: Inode): void {
    const { data, at, block } = this.#dinode(ip.inum);
    data.writeU16LE(at, ip.type & 0xffff);
    data.writeU16LE(at + 2, ip.major & 0xffff);
    data.writeU16LE(at + 4, ip.minor & 0xffff);
    data.writeU16LE(at + 6, ip.nlink & 0xffff);
    data.writeU32LE(at + 8, ip.size);
    for (let i = 0; i <= NDIRECT; i++) data.writeU32LE(at + 12 + 4 * i, ip.addrs[i] ?? 0);
    this.#log.write(block);
  }

  #checkAddr(ip: Inode, addr: number): number {
    if (addr !== 0 && (addr < this.#sb.datastart || addr >= this.#sb.size)) {
      throw corrupt(`inode ${ip.inum} points at block ${addr}, outside the data blocks (${this.#sb.datastart}..${this.#sb.size - 1})`);
    }
    return addr;
  }

  /** The disk block holding block `bn` of `ip`; allocated when `alloc`, else 0 for none. */
  bmap(ip: Inode, bn: number, alloc: boolean): number {
    if (bn < NDIRECT) {
      let addr = this.#checkAddr(ip, ip.addrs[bn] ?? 0);
      if (addr === 0 && alloc) ip.addrs[bn] = addr = this.#balloc.alloc();
      return addr;
    }
    if (bn >= MAXFILE) throw new FsError(EFBIG, `block ${bn} is beyond the largest file`);
    let ind = this.#checkAddr(ip, ip.addrs[NDIRECT] ?? 0);
    if (ind === 0) {
      if (!alloc) return 0;
      ip.addrs[NDIRECT] = ind = this.#balloc.alloc();
    }
    const buf = this.#cache.bread(ind);
    const at = buf.off + 4 * (bn - NDIRECT);
    let addr = this.#checkAddr(ip, buf.data.readU32LE(at));
    if (addr === 0 && alloc) {
      addr = this.#balloc.alloc();
      buf.data.writeU32LE(at, addr);
      this.#log.write(ind);
    }
    return addr;
  }

  /**
   * The blocks `ip` holds (data, then the indirect block), each checked to be a data block in
   * use and held once, so freeing them cannot fail half way. EIO otherwise.
   */
  blocksOf(ip: Inode): number[] {
    const blocks: number[] = [];
    for (let i = 0; i < NDIRECT; i++) blocks.push(this.#checkAddr(ip, ip.addrs[i] ?? 0));
    const ind = this.#checkAddr(ip, ip.addrs[NDIRECT] ?? 0);
    if (ind !== 0) {
      const buf = this.#cache.bread(ind);
      for (let j = 0; j < NINDIRECT; j++) blocks.push(this.#checkAddr(ip, buf.data.readU32LE(buf.off + 4 * j)));
      blocks.push(ind);
    }
    const held = blocks.filter((b) => b !== 0);
    if (new Set(held).size !== held.length) throw corrupt(`inode ${ip.inum} holds a block twice`);
    for (const b of held) if (!this.#balloc.inUse(b)) throw corrupt(`inode ${ip.inum} holds block ${b}, which the bitmap says is free`);
    return held;
  }

  /** Frees every block of `ip` and empties it. */
  trunc(ip: Inode): void {
    for (const b of this.blocksOf(ip)) this.#balloc.free(b);
    ip.addrs.fill(0);
    ip.size = 0;
    this.update(ip);
  }

  /** Copies up to `n` bytes from byte `off` of `ip` to `dst` at `dstOff`; returns how many. */
  read(ip: Inode, off: number, n: number, dst: Borrowed<RRef<Block>>, dstOff: number): number {
    if (off >= ip.size) return 0;
    const total = Math.min(n, ip.size - off);
    for (let done = 0; done < total; ) {
      const pos = off + done;
      const m = Math.min(total - done, BSIZE - (pos % BSIZE));
      const addr = this.bmap(ip, Math.floor(pos / BSIZE), false);
      if (addr === 0) {
        dst.fillBytes(0, dstOff + done, m);
      } else {
        const buf = this.#cache.bread(addr);
        dst.copyFrom(buf.data, buf.off + (pos % BSIZE), dstOff + done, m);
      }
      done += m;
    }
    return total;
  }

  /**
   * Copies `n` bytes of `src` from `srcOff` to byte `off` of `ip` (off at most its size),
   * inside an operation. Stops early when the disk is full or the file reaches MAXFILE blocks:
   * returns how many bytes were written and, when fewer than `n`, why.
   */
  write(ip: Inode, off: number, n: number, src: Borrowed<RRef<Block>>, srcOff: number): { n: number; errno: number } {
    let done = 0;
    let errno = 0;
    const limit = MAXFILE * BSIZE;
    const total = Math.min(n, limit - off);
    if (total < n) errno = EFBIG;
    try {
      while (done < total) {
        const pos = off + done;
        const m = Math.min(total - done, BSIZE - (pos % BSIZE));
        const addr = this.bmap(ip, Math.floor(pos / BSIZE), true);
        const buf = this.#cache.bread(addr);
        buf.data.copyFrom(src, srcOff + done, buf.off + (pos % BSIZE), m);
        this.#log.write(addr);
        done += m;
      }
    } catch (e) {
      if (!(e instanceof FsError) || e.errno !== ENOSPC) throw e;
      errno = ENOSPC;
    } finally {
      if (off + done > ip.size) ip.size = off + done;
      this.update(ip);
    }
    return { n: done, errno };
  }
}
