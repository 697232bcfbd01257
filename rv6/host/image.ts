// A read-only view of an rv6 (xv6-riscv) file-system image. Every access is checked against
// the superblock, so a hostile image yields an ImageError naming the path, inode or block at
// fault, never garbage, a RangeError or an endless loop.
import {
  BPB, BSIZE, DIRENT_SIZE, DIRSIZ, FSMAGIC, IPB, MAXFILE_BYTES, NDIRECT, NINDIRECT, ROOTINO, T_DIR,
  decodeDinode, decodeDirent, decodeSuperblock, inodeLocation, kindOf,
} from './format.ts';
import type { Dinode, InodeKind, Superblock } from './format.ts';

const utf8 = new TextEncoder();

export class ImageError extends Error {
  override readonly name = 'ImageError';
}

// ---------------------------------------------------------------------------------------------
// Superblock validation, shared with fsck

export interface SuperblockCheck {
  /** Undefined when the image is too short to hold one. */
  sb: Superblock | undefined;
  /** Problems that make the rest of the image impossible to interpret. */
  fatal: string[];
  /** Problems that leave the regions usable. */
  other: string[];
  /** Notes that are not inconsistencies (an image longer than the file system). */
  notes: string[];
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** The first data block: everything below it is metadata. */
export const dataStartOf = (sb: Superblock): number => sb.size - sb.nblocks;

export function checkSuperblock(image: Uint8Array): SuperblockCheck {
  const fatal: string[] = [], other: string[] = [], notes: string[] = [];
  if (image.length < 2 * BSIZE) {
    return { sb: undefined, fatal: [`the image is ${image.length} bytes, too short to hold a superblock (block 1 ends at byte ${2 * BSIZE})`], other, notes };
  }
  const sb = decodeSuperblock(image, BSIZE);
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;
  if (sb.magic !== FSMAGIC) {
    fatal.push(`bad magic ${hex(sb.magic)} (expected ${hex(FSMAGIC)}): not an xv6 file system`);
    return { sb, fatal, other, notes };
  }
  const imageBlocks = Math.floor(image.length / BSIZE);
  if (sb.size > imageBlocks) fatal.push(`size is ${sb.size} blocks but the image holds only ${imageBlocks} (${image.length} bytes)`);
  else if (image.length > sb.size * BSIZE) notes.push(`the image is ${image.length} bytes, longer than the file system's ${sb.size} blocks; the rest is ignored`);
  if (sb.nblocks > sb.size) fatal.push(`nblocks ${sb.nblocks} is larger than size ${sb.size}`);
  if (sb.logstart < 2) fatal.push(`logstart ${sb.logstart} overlaps the boot block or the superblock`);
  if (sb.nlog < 2) fatal.push(`nlog ${sb.nlog} leaves no room for a log header and a log block`);
  if (sb.ninodes < ROOTINO + 1) fatal.push(`ninodes ${sb.ninodes} leaves no room for the root inode ${ROOTINO}`);
  const logEnd = sb.logstart + sb.nlog;
  const inodeEnd = sb.inodestart + ceilDiv(sb.ninodes, IPB);
  const dataStart = sb.size - sb.nblocks;
  const bitmapEnd = sb.bmapstart + ceilDiv(sb.size, BPB);
  if (logEnd > sb.inodestart) fatal.push(`the log [${sb.logstart}, ${logEnd}) runs into the inode blocks at ${sb.inodestart}`);
  if (inodeEnd > sb.bmapstart) fatal.push(`the inode blocks [${sb.inodestart}, ${inodeEnd}) for ${sb.ninodes} inodes run into the bitmap at ${sb.bmapstart}`);
  if (sb.nblocks <= sb.size && bitmapEnd > dataStart) fatal.push(`the bitmap [${sb.bmapstart}, ${bitmapEnd}) for ${sb.size} blocks runs into the data blocks at ${dataStart} (size - nblocks)`);
  if (sb.bmapstart >= sb.size || sb.inodestart >= sb.size) fatal.push(`the metadata regions start beyond the end of the file system (${sb.size} blocks)`);
  if (fatal.length === 0) {
    if (logEnd < sb.inodestart) other.push(`blocks [${logEnd}, ${sb.inodestart}) between the log and the inode blocks belong to no region`);
    if (sb.logstart > 2) other.push(`blocks [2, ${sb.logstart}) between the superblock and the log belong to no region`);
    // xv6's mkfs rounds both regions up by a whole block (n / per-block + 1): that much is no gap.
    const inodeSlack = sb.inodestart + Math.floor(sb.ninodes / IPB) + 1;
    const bitmapSlack = sb.bmapstart + Math.floor(sb.size / BPB) + 1;
    if (inodeSlack < sb.bmapstart) other.push(`blocks [${inodeSlack}, ${sb.bmapstart}) between the inode blocks and the bitmap belong to no region`);
    if (bitmapSlack < dataStart) other.push(`blocks [${bitmapSlack}, ${dataStart}) between the bitmap and the data blocks belong to no region`);
    if (dataStart >= sb.size) other.push('there are no data blocks (nblocks is 0)');
  }
  return { sb, fatal, other, notes };
}

// ---------------------------------------------------------------------------------------------
// The reader

export interface Stat {
  inum: number;
  type: InodeKind;
  nlink: number;
  size: number;
  major: number;
  minor: number;
}

export interface DirEntry {
  name: string;
  inum: number;
  /** Byte offset of the entry inside its directory. */
  offset: number;
}

export interface WalkEntry {
  path: string;
  inum: number;
  stat: Stat;
}

/** Splits a path into its components (empty ones dropped: "/a//b/" is a, b). */
export function pathComponents(path: string): string[] {
  return path.split('/').filter((c) => c !== '');
}

export class Rv6Image {
  readonly sb: Superblock;
  /** First data block. */
  readonly datastart: number;

  private constructor(readonly bytes: Uint8Array, sb: Superblock) {
    this.sb = sb;
    this.datastart = dataStartOf(sb);
  }

  /** Checks the superblock; throws an ImageError if the image cannot be interpreted. */
  static open(bytes: Uint8Array): Rv6Image {
    const c = checkSuperblock(bytes);
    if (c.sb === undefined || c.fatal.length > 0) throw new ImageError(`superblock: ${c.fatal.join('; ')}`);
    return new Rv6Image(bytes, c.sb);
  }

  /** Block b's bytes (a view into the image). */
  block(b: number): Uint8Array {
    if (!Number.isInteger(b) || b < 0 || b >= this.sb.size) throw new ImageError(`block ${b} is outside the file system (0..${this.sb.size - 1})`);
    return this.bytes.subarray(b * BSIZE, (b + 1) * BSIZE);
  }

  /** The on-disk inode inum (1 .. ninodes-1). */
  inode(inum: number): Dinode {
    if (!Number.isInteger(inum) || inum < 1 || inum >= this.sb.ninodes) throw new ImageError(`inode ${inum} does not exist (inodes are 1..${this.sb.ninodes - 1})`);
    const { block, offset } = inodeLocation(this.sb, inum);
    return decodeDinode(this.block(block), offset);
  }

  statInode(inum: number): Stat {
    const d = this.inode(inum);
    const type = kindOf(d.type);
    if (type === undefined) throw new ImageError(`inode ${inum} has type ${d.type}, which is none of free, directory, file, device`);
    return { inum, type, nlink: d.nlink, size: d.size, major: d.major, minor: d.minor };
  }

  /**
   * The block number behind each of the inode's file blocks (ceil(size / BSIZE) of them;
   * 0 for a hole, which reads as zeros), all checked to be data blocks.
   */
  blockMap(inum: number): number[] {
    const d = this.inode(inum);
    const where = `inode ${inum}`;
    if (kindOf(d.type) === undefined || d.type === 0) throw new ImageError(`${where} is ${d.type === 0 ? 'free' : `of invalid type ${d.type}`}`);
    if (d.size > MAXFILE_BYTES) throw new ImageError(`${where} has size ${d.size}, larger than the largest file (${MAXFILE_BYTES} bytes)`);
    const n = Math.ceil(d.size / BSIZE);
    const check = (b: number, what: string): number => {
      if (b !== 0 && (b < this.datastart || b >= this.sb.size)) {
        throw new ImageError(`${where}: ${what} is block ${b}, outside the data blocks [${this.datastart}, ${this.sb.size})`);
      }
      return b;
    };
    const map: number[] = [];
    for (let i = 0; i < Math.min(n, NDIRECT); i++) map.push(check(d.addrs[i] ?? 0, `addrs[${i}]`));
    if (n > NDIRECT) {
      const ind = check(d.addrs[NDIRECT] ?? 0, 'the indirect block');
      const view = ind === 0 ? undefined : new DataView(this.bytes.buffer, this.bytes.byteOffset + ind * BSIZE, BSIZE);
      for (let j = 0; j < n - NDIRECT && j < NINDIRECT; j++) {
        map.push(view === undefined ? 0 : check(view.getUint32(4 * j, true), `indirect entry ${j} (file block ${NDIRECT + j})`));
      }
    }
    return map;
  }

  /** The inode's contents (size bytes). */
  readInode(inum: number): Uint8Array {
    const size = this.inode(inum).size;
    const map = this.blockMap(inum);
    const out = new Uint8Array(size);
    map.forEach((b, i) => {
      if (b === 0) return;
      const len = Math.min(BSIZE, size - i * BSIZE);
      out.set(this.bytes.subarray(b * BSIZE, b * BSIZE + len), i * BSIZE);
    });
    return out;
  }

  /** A directory's used entries (".", ".." included), in on-disk order. */
  entriesOf(inum: number): DirEntry[] {
    const d = this.inode(inum);
    if (d.type !== T_DIR) throw new ImageError(`inode ${inum} is not a directory`);
    const data = this.readInode(inum);
    const out: DirEntry[] = [];
    for (let off = 0; off + DIRENT_SIZE <= data.length; off += DIRENT_SIZE) {
      const e = decodeDirent(data, off);
      if (e.inum !== 0) out.push({ name: e.name, inum: e.inum, offset: off });
    }
    return out;
  }

  /** The inode a path names, resolved from the root like xv6's namei ("." and ".." as stored on disk). */
  lookup(path: string): number {
    let inum = ROOTINO;
    const parts = pathComponents(path);
    let at = '/';
    for (const name of parts) {
      if (utf8.encode(name).length > DIRSIZ) throw new ImageError(`${path}: component '${name}' is longer than ${DIRSIZ} bytes`);
      if (this.inode(inum).type !== T_DIR) throw new ImageError(`${path}: ${at} is not a directory`);
      const dir = inum;
      const entries = this.about(`${path}: reading ${at} (inode ${dir})`, () => this.entriesOf(dir));
      const hit = entries.find((e) => e.name === name);
      if (hit === undefined) throw new ImageError(`${path}: no such file or directory (${at} has no entry '${name}')`);
      if (hit.inum >= this.sb.ninodes) throw new ImageError(`${path}: entry '${name}' in ${at} names inode ${hit.inum}, beyond the last inode ${this.sb.ninodes - 1}`);
      if (this.inode(hit.inum).type === 0) throw new ImageError(`${path}: entry '${name}' in ${at} names inode ${hit.inum}, which is free`);
      inum = hit.inum;
      at = at === '/' ? `/${name}` : `${at}/${name}`;
    }
    return inum;
  }

  stat(path: string): Stat {
    const inum = this.lookup(path);
    return this.about(path, () => this.statInode(inum));
  }

  /** Runs fn, prefixing the path to the message of an ImageError it throws. */
  private about<T>(path: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw e instanceof ImageError ? new ImageError(`${path}: ${e.message}`) : e;
    }
  }

  /** A regular file's contents. */
  readFile(path: string): Uint8Array {
    const st = this.stat(path);
    if (st.type === 'dir') throw new ImageError(`${path}: is a directory`);
    if (st.type === 'device') throw new ImageError(`${path}: is a device (${st.major}, ${st.minor})`);
    return this.about(path, () => this.readInode(st.inum));
  }

  /** A directory's entries by path, "." and ".." included. */
  list(path: string): DirEntry[] {
    const inum = this.lookup(path);
    return this.about(path, () => this.entriesOf(inum));
  }

  /**
   * Every path of the tree in depth-first pre-order, directory order, the root first. Each
   * directory is entered once: reaching one again (a loop, or a second link to a directory)
   * is an error, so the walk ends on any image.
   */
  *walk(): Generator<WalkEntry> {
    const seen = new Map<number, string>([[ROOTINO, '/']]);
    yield { path: '/', inum: ROOTINO, stat: this.stat('/') };
    const stack: { path: string; entries: DirEntry[]; next: number }[] = [{ path: '/', entries: this.list('/'), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const e = top.entries[top.next++];
      if (e === undefined) {
        stack.pop();
        continue;
      }
      if (e.name === '.' || e.name === '..') continue;
      const path = top.path === '/' ? `/${e.name}` : `${top.path}/${e.name}`;
      const stat = this.about(path, () => this.statInode(e.inum));
      if (stat.type === 'free') throw new ImageError(`${path}: names inode ${e.inum}, which is free`);
      yield { path, inum: e.inum, stat };
      if (stat.type === 'dir') {
        const first = seen.get(e.inum);
        if (first !== undefined) throw new ImageError(`${path}: directory inode ${e.inum} was already reached as ${first} (a directory loop or a second link)`);
        seen.set(e.inum, path);
        stack.push({ path, entries: this.about(path, () => this.entriesOf(e.inum)), next: 0 });
      }
    }
  }
}

/** Bytes of an inode block, for tools that edit images (tests inject corruption this way). */
export const inodeByteOffset = (sb: Pick<Superblock, 'inodestart'>, inum: number): number => {
  const { block, offset } = inodeLocation(sb, inum);
  return block * BSIZE + offset;
};
