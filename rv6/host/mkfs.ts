// Builds an rv6 file-system image the way xv6-riscv's mkfs does: same layout formulas, same
// inode and block allocation order, same quirks (the root directory's size bumped to the next
// whole block at the end, the bitmap marking every block below the first free one). With the
// default geometry and files only in the root, the output is byte for byte xv6's.
import {
  BSIZE, DEFAULT_GEOMETRY, LOG_HEADER_CAPACITY, MAXFILE, MAXFILE_BYTES, NDIRECT, ROOTINO, T_DIR, T_FILE,
  bitmapLocation, emptyDinode, encodeDinode, encodeDirent, encodeName, encodeSuperblock, inodeLocation, layoutOf, superblockOf,
} from './format.ts';
import type { Dinode, Layout } from './format.ts';
import { pathComponents } from './image.ts';

/** A file (with its contents) or an empty directory, at a path inside the image. */
export type MkfsEntry =
  | { readonly path: string; readonly data: Uint8Array }
  | { readonly path: string; readonly directory: true };

export interface MkfsOptions {
  /** Total blocks (default 2000, xv6's FSSIZE). */
  readonly size?: number;
  /** Inode slots, inode 0 included (default 200, xv6's NINODES). */
  readonly ninodes?: number;
  /** Log blocks, header included (default 30, xv6's LOGSIZE). */
  readonly nlog?: number;
}

/** Input the file system cannot hold: a bad name, a file too big, out of inodes or blocks, bad geometry. */
export class MkfsError extends Error {
  override readonly name = 'MkfsError';
}

/** Largest image mkfs builds (1 GiB): it is held in memory. */
export const MAX_SIZE = 1 << 20;
/** Inode numbers live in 16-bit directory entries. */
export const MAX_INODES = 0x10000;
export const MAX_LOG = LOG_HEADER_CAPACITY + 1;

/**
 * The name xv6's mkfs gives a command-line argument: "user/_cat" is "cat". xv6 drops a leading
 * "user/" and then a leading '_' (its build names user programs _cat, _ls, ...) and refuses
 * any other '/'; here every folder in front is dropped.
 */
export function xv6Name(arg: string): string {
  const base = arg.slice(arg.lastIndexOf('/') + 1);
  return base.startsWith('_') ? base.slice(1) : base;
}

function checkGeometry(options: MkfsOptions): Layout {
  const size = options.size ?? DEFAULT_GEOMETRY.size;
  const ninodes = options.ninodes ?? DEFAULT_GEOMETRY.ninodes;
  const nlog = options.nlog ?? DEFAULT_GEOMETRY.nlog;
  const int = (v: number, what: string, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new MkfsError(`${what} must be a whole number from ${lo} to ${hi}, not ${v}`);
  };
  int(ninodes, 'the number of inodes', 2, MAX_INODES);
  int(nlog, 'the number of log blocks', 2, MAX_LOG);
  int(size, 'the size in blocks', 1, MAX_SIZE);
  const l = layoutOf({ size, ninodes, nlog });
  if (l.nmeta + 1 > size) throw new MkfsError(`a size of ${size} blocks leaves no data block: the metadata alone takes ${l.nmeta} (log ${nlog}, inodes ${l.ninodeblocks}, bitmap ${l.nbitmap})`);
  return l;
}

/** Where an inode lives and what it is, while the image is being built. */
interface Node {
  readonly inum: number;
  readonly path: string;
  readonly din: Dinode;
  /** Entry names of a directory. */
  readonly names?: Set<string>;
}

class Builder {
  readonly image: Uint8Array;
  private readonly view: DataView;
  private freeinode = ROOTINO;
  private freeblock: number;
  private readonly nodes: Node[] = [];
  private readonly byPath = new Map<string, Node>();
  readonly root: Node;

  constructor(readonly layout: Layout) {
    this.image = new Uint8Array(layout.size * BSIZE);
    this.view = new DataView(this.image.buffer);
    this.freeblock = layout.nmeta;
    encodeSuperblock(superblockOf(layout), this.image, BSIZE);
    this.root = this.ialloc(T_DIR, '/');
    this.append(this.root, encodeDirent({ inum: ROOTINO, name: '.' }));
    this.append(this.root, encodeDirent({ inum: ROOTINO, name: '..' }));
  }

  private ialloc(type: number, path: string): Node {
    if (this.freeinode >= this.layout.ninodes) {
      throw new MkfsError(`${path}: out of inodes: the image has ${this.layout.ninodes} inode slots (inodes 1..${this.layout.ninodes - 1}); give more with --inodes`);
    }
    const din = emptyDinode();
    din.type = type;
    din.nlink = 1;
    const node: Node = type === T_DIR ? { inum: this.freeinode++, path, din, names: new Set() } : { inum: this.freeinode++, path, din };
    this.nodes.push(node);
    this.byPath.set(path, node);
    return node;
  }

  private balloc(node: Node): number {
    if (this.freeblock >= this.layout.size) {
      throw new MkfsError(`${node.path}: out of blocks: the image has ${this.layout.size} blocks, ${this.layout.nblocks} of them for data; give more with --size`);
    }
    return this.freeblock++;
  }

  /** xv6's iappend: fills the last block, allocating each block (and the indirect one) when first needed. */
  private append(node: Node, data: Uint8Array): void {
    const din = node.din;
    let off = din.size;
    let p = 0;
    while (p < data.length) {
      const fbn = Math.floor(off / BSIZE);
      if (fbn >= MAXFILE) throw new MkfsError(`${node.path}: larger than the largest file (${MAXFILE} blocks, ${MAXFILE_BYTES} bytes)`);
      let x: number;
      if (fbn < NDIRECT) {
        if (din.addrs[fbn] === 0) din.addrs[fbn] = this.balloc(node);
        x = din.addrs[fbn]!;
      } else {
        if (din.addrs[NDIRECT] === 0) din.addrs[NDIRECT] = this.balloc(node);
        const slot = din.addrs[NDIRECT]! * BSIZE + 4 * (fbn - NDIRECT);
        if (this.view.getUint32(slot, true) === 0) this.view.setUint32(slot, this.balloc(node), true);
        x = this.view.getUint32(slot, true);
      }
      const n1 = Math.min(data.length - p, (fbn + 1) * BSIZE - off);
      this.image.set(data.subarray(p, p + n1), x * BSIZE + (off - fbn * BSIZE));
      p += n1;
      off += n1;
    }
    din.size = off;
  }

  private link(dir: Node, name: string, child: Node): void {
    const names = dir.names!;
    if (names.has(name)) throw new MkfsError(`${child.path}: ${dir.path} already has an entry '${name}'`);
    names.add(name);
    this.append(dir, encodeDirent({ inum: child.inum, name }));
  }

  private checkName(path: string, name: string): void {
    if (name === '.' || name === '..') throw new MkfsError(`${path}: '${name}' cannot be a name inside the image`);
    try {
      encodeName(name);
    } catch (e) {
      throw new MkfsError(`${path}: ${(e as Error).message}`);
    }
  }

  /** The directory at parts (created like xv6's mkdir: ".", "..", then the entry in the parent). */
  private directory(parts: readonly string[], path: string): Node {
    let dir = this.root;
    let at = '';
    for (const name of parts) {
      at = `${at}/${name}`;
      const existing = this.byPath.get(at);
      if (existing !== undefined) {
        if (existing.din.type !== T_DIR) throw new MkfsError(`${path}: ${at} is a file, not a directory`);
        dir = existing;
        continue;
      }
      this.checkName(path, name);
      const sub = this.ialloc(T_DIR, at);
      this.append(sub, encodeDirent({ inum: sub.inum, name: '.' }));
      this.append(sub, encodeDirent({ inum: dir.inum, name: '..' }));
      this.link(dir, name, sub);
      dir.din.nlink++; // the new directory's ".."
      dir = sub;
    }
    return dir;
  }

  add(entry: MkfsEntry): void {
    const parts = pathComponents(entry.path);
    const name = parts.pop();
    if (name === undefined) {
      if ('directory' in entry) return; // the root
      throw new MkfsError(`'${entry.path}': a file needs a name`);
    }
    const path = `/${[...parts, name].join('/')}`;
    if ('directory' in entry) {
      this.directory([...parts, name], path);
      return;
    }
    this.checkName(path, name);
    if (entry.data.length > MAXFILE_BYTES) {
      throw new MkfsError(`${path}: ${entry.data.length} bytes is larger than the largest file (${MAXFILE} blocks, ${MAXFILE_BYTES} bytes)`);
    }
    const dir = this.directory(parts, path);
    const node = this.ialloc(T_FILE, path);
    this.link(dir, name, node);
    this.append(node, entry.data);
  }

  finish(): Uint8Array {
    // xv6's "fix size of root inode dir": the next whole block, one more when it is already whole.
    this.root.din.size = (Math.floor(this.root.din.size / BSIZE) + 1) * BSIZE;
    for (const n of this.nodes) {
      const { block, offset } = inodeLocation(this.layout, n.inum);
      encodeDinode(n.din, this.image, block * BSIZE + offset);
    }
    for (let b = 0; b < this.freeblock; b++) {
      const { block, byte, bit } = bitmapLocation(this.layout, b);
      this.image[block * BSIZE + byte]! |= 1 << bit;
    }
    return this.image;
  }
}

/**
 * An image holding the entries, added in order: a path's missing directories are created as
 * it is added. Throws MkfsError when the entries do not fit or cannot be named.
 */
export function mkfs(entries: Iterable<MkfsEntry>, options: MkfsOptions = {}): Uint8Array {
  const b = new Builder(checkGeometry(options));
  for (const e of entries) b.add(e);
  return b.finish();
}

/** The layout mkfs uses for these options (for reports and docs). */
export function mkfsLayout(options: MkfsOptions = {}): Layout {
  return checkGeometry(options);
}
