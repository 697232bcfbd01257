// Checks an rv6 (xv6-riscv) file-system image: superblock, log, inodes, block ownership,
// bitmap, directory tree and link counts. It never throws on a bad image and its work is
// bounded by the image's inode and block counts. See docs/fs-format.md for each check.
import {
  BPB, BSIZE, DIRENT_SIZE, LOG_HEADER_CAPACITY, MAXFILE_BYTES, NDIRECT, NINDIRECT, ROOTINO, T_DIR,
  bitmapLocation, decodeDinode, decodeLogHeader, direntNameBytes, inodeLocation, kindOf,
} from './format.ts';
import type { Dinode, Superblock } from './format.ts';
import { checkSuperblock, dataStartOf } from './image.ts';

/**
 * What a finding is about. Three kinds are notes, not inconsistencies, because xv6 itself
 * leaves them: 'log-pending', a committed log that recovery installs at boot (fsck checks the
 * state recovery would leave); 'beyond-size', a block owned by an inode past its size (xv6's
 * writei after a failed copy from user memory, or bmap's indirect block when the disk fills
 * up; the file reuses it when it grows); 'image-size', bytes past the file system.
 */
export type FindingKind =
  | 'superblock' | 'image-size' | 'log' | 'log-pending'
  | 'inode' | 'beyond-size' | 'block' | 'bitmap' | 'directory' | 'nlink' | 'unreachable' | 'orphan' | 'limit' | 'internal';

export interface FsckProblem {
  /** Where: "superblock", "log", "inode 7 (/bin/ls)", "block 250", "directory /a (inode 3)". */
  where: string;
  /** What is wrong, in a sentence. */
  what: string;
  kind: FindingKind;
  /** The inode the finding is about (for a directory entry: the directory). */
  inode?: number;
  block?: number;
  path?: string;
  /** For a directory entry: the inode the entry names. */
  target?: number;
}

export interface FsckReport {
  status: 'clean' | 'inconsistent' | 'unreadable';
  problems: FsckProblem[];
}

export interface FsckOptions {
  /** Count a committed, not yet installed log as an inconsistency (default: a note). */
  readonly requireEmptyLog?: boolean;
}

export const NOTE_KINDS: ReadonlySet<FindingKind> = new Set<FindingKind>(['log-pending', 'beyond-size', 'image-size']);

/** Findings listed before the rest are summarized in one 'limit' finding. */
export const MAX_PROBLEMS = 1000;

const utf8 = new TextDecoder('utf-8');

class Findings {
  readonly list: FsckProblem[] = [];
  private dropped = 0;

  add(p: FsckProblem): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(p);
    else this.dropped++;
  }

  done(): FsckProblem[] {
    if (this.dropped > 0) this.list.push({ where: 'image', what: `${this.dropped} more problems not listed`, kind: 'limit' });
    return this.list;
  }
}

function report(findings: Findings, unreadable: boolean, options: FsckOptions): FsckReport {
  const problems = findings.done();
  const counts = (p: FsckProblem): boolean => !NOTE_KINDS.has(p.kind) || (p.kind === 'log-pending' && options.requireEmptyLog === true);
  return { status: unreadable ? 'unreadable' : problems.some(counts) ? 'inconsistent' : 'clean', problems };
}

/** Checks an image (not modified). */
export function fsck(image: Uint8Array, options: FsckOptions = {}): FsckReport {
  const findings = new Findings();
  try {
    return check(image, options, findings);
  } catch (e) {
    // Unreachable by design; kept so a hostile image can never turn into an exception.
    findings.add({ where: 'image', what: `fsck stopped: ${e instanceof Error ? e.message : String(e)}`, kind: 'internal' });
    return report(findings, true, options);
  }
}

interface Inode {
  readonly inum: number;
  readonly din: Dinode;
  /** Valid allocated type (dir, file, device). */
  readonly live: boolean;
}

function check(image: Uint8Array, options: FsckOptions, findings: Findings): FsckReport {
  const sbc = checkSuperblock(image);
  for (const what of sbc.fatal) findings.add({ where: 'superblock', what, kind: 'superblock', block: 1 });
  if (sbc.sb === undefined || sbc.fatal.length > 0) return report(findings, true, options);
  const sb = sbc.sb;
  for (const what of sbc.other) findings.add({ where: 'superblock', what, kind: 'superblock', block: 1 });
  for (const what of sbc.notes) findings.add({ where: 'image', what, kind: 'image-size' });

  const disk = withLogInstalled(image, sb, findings);
  new Checker(disk, sb, findings).run();
  return report(findings, false, options);
}

/**
 * The image as xv6's recovery would leave it: a committed header (n > 0) has its blocks copied
 * home. A header that is not valid is reported and not installed.
 */
function withLogInstalled(image: Uint8Array, sb: Superblock, findings: Findings): Uint8Array {
  const h = decodeLogHeader(image.subarray(sb.logstart * BSIZE, (sb.logstart + 1) * BSIZE));
  const where = `log header (block ${sb.logstart})`;
  if (h.n === 0) return image;
  const max = Math.min(sb.nlog - 1, LOG_HEADER_CAPACITY);
  if (h.n < 0 || h.n > max) {
    findings.add({ where, what: `n = ${h.n} is outside 0..${max} (the log's data blocks): not installed`, kind: 'log', block: sb.logstart });
    return image;
  }
  let ok = true;
  h.blocks.forEach((b, i) => {
    if (b < sb.inodestart || b >= sb.size) {
      findings.add({ where, what: `entry ${i} names block ${b}, outside [${sb.inodestart}, ${sb.size}) (inodes, bitmap, data): not installed`, kind: 'log', block: b });
      ok = false;
    }
  });
  if (!ok) return image;
  findings.add({
    where,
    what: `log holds a committed transaction not yet installed (${h.n} blocks: ${h.blocks.join(', ')}); checked as recovery would install it`,
    kind: 'log-pending',
    block: sb.logstart,
  });
  const out = image.slice();
  h.blocks.forEach((b, i) => {
    const from = (sb.logstart + 1 + i) * BSIZE;
    out.set(image.subarray(from, from + BSIZE), b * BSIZE);
  });
  return out;
}

class Checker {
  private readonly datastart: number;
  private readonly inodes: Inode[] = [];
  /** First path each reachable inode was found at. */
  private readonly pathOf = new Map<number, string>();
  /** References by name (not "." or "..") from reachable directories. */
  private readonly namedRefs = new Map<number, number>();
  /** Subdirectories found under each reachable directory. */
  private readonly childDirs = new Map<number, number>();
  /** Block owners: the first inode that claims each block. */
  private readonly owner = new Map<number, number>();

  constructor(private readonly disk: Uint8Array, private readonly sb: Superblock, private readonly f: Findings) {
    this.datastart = dataStartOf(sb);
  }

  run(): void {
    this.readInodes();
    this.walkTree();
    for (const ino of this.inodes) if (ino.live) this.checkBlocks(ino);
    this.checkBitmap();
    this.checkLinks();
  }

  private at(inum: number): string {
    const p = this.pathOf.get(inum);
    return p === undefined ? `inode ${inum}` : `inode ${inum} (${p})`;
  }

  private problem(kind: FindingKind, inum: number, what: string, extra: { block?: number } = {}): void {
    const path = this.pathOf.get(inum);
    this.f.add({ where: this.at(inum), what, kind, inode: inum, ...(path === undefined ? {} : { path }), ...extra });
  }

  private readInodes(): void {
    for (let inum = 0; inum < this.sb.ninodes; inum++) {
      const { block, offset } = inodeLocation(this.sb, inum);
      const din = decodeDinode(this.disk, block * BSIZE + offset);
      const kind = kindOf(din.type);
      const live = inum !== 0 && kind !== undefined && kind !== 'free';
      this.inodes.push({ inum, din, live });
      if (inum === 0) {
        if (din.type !== 0) this.problem('inode', 0, `inode 0 is reserved but has type ${din.type}`);
      } else if (kind === undefined) {
        this.problem('inode', inum, `type ${din.type} is none of 0 (free), 1 (directory), 2 (file), 3 (device)`);
      }
    }
  }

  private inode(inum: number): Inode | undefined {
    return this.inodes[inum];
  }

  /** A directory's bytes, read leniently (blocks out of range read as zeros; checkBlocks reports them). */
  private dirData(din: Dinode): Uint8Array {
    const size = Math.min(din.size, MAXFILE_BYTES);
    const out = new Uint8Array(size);
    const n = Math.ceil(size / BSIZE);
    const ok = (b: number): boolean => b >= this.datastart && b < this.sb.size;
    const ind = din.addrs[NDIRECT] ?? 0;
    for (let i = 0; i < n; i++) {
      let b = 0;
      if (i < NDIRECT) b = din.addrs[i] ?? 0;
      else if (ok(ind)) b = new DataView(this.disk.buffer, this.disk.byteOffset + ind * BSIZE, BSIZE).getUint32(4 * (i - NDIRECT), true);
      if (ok(b)) out.set(this.disk.subarray(b * BSIZE, b * BSIZE + Math.min(BSIZE, size - i * BSIZE)), i * BSIZE);
    }
    return out;
  }

  /** Breadth-first from the root; each directory is entered once, so loops end. */
  private walkTree(): void {
    const root = this.inode(ROOTINO)!;
    this.pathOf.set(ROOTINO, '/');
    if (root.din.type !== T_DIR) {
      this.f.add({ where: 'inode 1 (/)', what: `the root inode is not a directory (type ${root.din.type}); the tree cannot be checked`, kind: 'directory', inode: ROOTINO, path: '/' });
      return;
    }
    const queue: { inum: number; parent: number; path: string }[] = [{ inum: ROOTINO, parent: ROOTINO, path: '/' }];
    for (let q = 0; q < queue.length; q++) {
      const dir = queue[q]!;
      this.checkDirectory(dir.inum, dir.parent, dir.path, queue);
    }
  }

  private checkDirectory(inum: number, parent: number, path: string, queue: { inum: number; parent: number; path: string }[]): void {
    const din = this.inode(inum)!.din;
    const where = `directory ${path} (inode ${inum})`;
    const add = (what: string, extra: { target?: number } = {}): void => {
      this.f.add({ where, what, kind: 'directory', inode: inum, path, ...extra });
    };
    if (din.size % DIRENT_SIZE !== 0) add(`size ${din.size} is not a whole number of ${DIRENT_SIZE}-byte entries`);
    const data = this.dirData(din);
    const names = new Set<string>();
    let dot = false, dotdot = false;
    for (let off = 0, slot = 0; off + DIRENT_SIZE <= data.length; off += DIRENT_SIZE, slot++) {
      const e = new DataView(data.buffer, off, DIRENT_SIZE).getUint16(0, true);
      if (e === 0) continue;
      const raw = direntNameBytes(data, off);
      const name = utf8.decode(raw);
      const entry = `entry ${slot} '${name}'`;
      if (raw.length === 0) {
        add(`${entry} names inode ${e} but has an empty name`);
      } else if (raw.includes(0x2f)) {
        add(`${entry} contains '/'`);
      }
      if (names.has(name)) add(`${entry} repeats the name of an earlier entry`);
      names.add(name);
      if (name === '.') {
        dot = true;
        if (slot !== 0) add(`'.' is entry ${slot}; xv6 expects it first`);
        if (e !== inum) add(`'.' names inode ${e}, not the directory itself`, { target: e });
        continue;
      }
      if (name === '..') {
        dotdot = true;
        if (slot !== 1) add(`'..' is entry ${slot}; xv6 expects it second`);
        if (e !== parent) {
          const expected = inum === ROOTINO ? 'the root\'s ".." must name the root itself (inode 1)' : `its parent is ${this.at(parent)}`;
          add(`'..' names inode ${e}, but ${expected}`, { target: e });
        }
        continue;
      }
      if (slot < 2) add(`${entry} takes slot ${slot}, which xv6 keeps for '${slot === 0 ? '.' : '..'}'`);
      const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
      if (e >= this.sb.ninodes) {
        add(`${entry} names inode ${e}, beyond the last inode ${this.sb.ninodes - 1} (dangling)`, { target: e });
        continue;
      }
      const child = this.inode(e)!;
      if (child.din.type === 0) {
        add(`${entry} names inode ${e}, which is free (dangling)`, { target: e });
        continue;
      }
      if (!child.live) continue; // its bad type is reported with the inode
      if (child.din.type === T_DIR) {
        if (this.pathOf.has(e)) {
          // Not counted as a link: the entry itself is the fault.
          add(`${entry} names directory inode ${e}, already reached as ${this.pathOf.get(e)!}: a directory cycle or a second link to a directory`, { target: e });
          continue;
        }
        this.namedRefs.set(e, (this.namedRefs.get(e) ?? 0) + 1);
        this.pathOf.set(e, childPath);
        this.childDirs.set(inum, (this.childDirs.get(inum) ?? 0) + 1);
        queue.push({ inum: e, parent: inum, path: childPath });
      } else {
        this.namedRefs.set(e, (this.namedRefs.get(e) ?? 0) + 1);
        if (!this.pathOf.has(e)) this.pathOf.set(e, childPath);
      }
    }
    if (!dot) add(`has no '.' entry`);
    if (!dotdot) add(`has no '..' entry`);
  }

  /** Sizes against blocks, block numbers in range, each block owned once. */
  private checkBlocks(ino: Inode): void {
    const { inum, din } = ino;
    let size = din.size;
    if (size > MAXFILE_BYTES) {
      this.problem('inode', inum, `size ${size} is larger than the largest file (${MAXFILE_BYTES} bytes)`);
      size = MAXFILE_BYTES;
    }
    const nb = Math.ceil(size / BSIZE);
    const claim = (b: number, what: string, index: number): boolean => {
      if (b < this.datastart || b >= this.sb.size) {
        this.problem('block', inum, `${what} is block ${b}, outside the data blocks [${this.datastart}, ${this.sb.size})`, { block: b });
        return false;
      }
      if (index >= nb) this.problem('beyond-size', inum, `${what} is block ${b}, beyond the size of ${din.size} bytes (${nb} blocks)`, { block: b });
      const first = this.owner.get(b);
      if (first === undefined) this.owner.set(b, inum);
      else this.f.add({ where: `block ${b}`, what: `block ${b} is used twice: by ${this.at(first)} and by ${this.at(inum)} (${what})`, kind: 'block', block: b, inode: inum });
      return true;
    };
    for (let i = 0; i < NDIRECT; i++) {
      const b = din.addrs[i] ?? 0;
      if (b !== 0) claim(b, `addrs[${i}]`, i);
    }
    const ind = din.addrs[NDIRECT] ?? 0;
    if (ind !== 0 && claim(ind, 'the indirect block', NDIRECT)) {
      const v = new DataView(this.disk.buffer, this.disk.byteOffset + ind * BSIZE, BSIZE);
      for (let j = 0; j < NINDIRECT; j++) {
        const b = v.getUint32(4 * j, true);
        if (b !== 0) claim(b, `indirect entry ${j} (file block ${NDIRECT + j})`, NDIRECT + j);
      }
    }
  }

  private checkBitmap(): void {
    const sb = this.sb;
    const bit = (b: number): boolean => {
      const { block, byte, bit: k } = bitmapLocation(sb, b);
      return ((this.disk[block * BSIZE + byte] ?? 0) & (1 << k)) !== 0;
    };
    const region = (b: number): string =>
      b === 0 ? 'boot block' : b === 1 ? 'superblock' : b < sb.inodestart ? 'log block' : b < sb.bmapstart ? 'inode block' : 'bitmap block';
    for (let b = 0; b < sb.size; b++) {
      const { block } = bitmapLocation(sb, b);
      const set = bit(b);
      if (b < this.datastart) {
        if (!set) this.f.add({ where: `block ${b}`, what: `${region(b)} ${b} is not marked in use in the bitmap (bitmap block ${block})`, kind: 'bitmap', block: b });
        continue;
      }
      const used = this.owner.get(b);
      if (used !== undefined && !set) {
        this.f.add({ where: `block ${b}`, what: `block ${b} is used by ${this.at(used)} but free in the bitmap (bitmap block ${block})`, kind: 'bitmap', block: b, inode: used });
      } else if (used === undefined && set) {
        this.f.add({ where: `block ${b}`, what: `block ${b} is marked in use in the bitmap (bitmap block ${block}) but no inode uses it`, kind: 'bitmap', block: b });
      }
    }
    // Bits past the end of the file system, in the bitmap's last block.
    const end = Math.min(Math.ceil(sb.size / BPB) * BPB, (this.datastart - sb.bmapstart) * BPB);
    for (let b = sb.size; b < end; b++) {
      if (bit(b)) {
        this.f.add({ where: `bitmap block ${bitmapLocation(sb, b).block}`, what: `the bit of block ${b} is set, beyond the end of the file system (${sb.size} blocks)`, kind: 'bitmap', block: b });
      }
    }
  }

  /**
   * xv6's link counts: one per entry naming the inode, "." not counted; a directory also gets
   * one per subdirectory (their ".."), and the root one for its own "..".
   */
  private checkLinks(): void {
    for (const ino of this.inodes) {
      if (!ino.live) continue;
      const { inum, din } = ino;
      if (!this.pathOf.has(inum)) {
        if (din.nlink === 0) this.problem('orphan', inum, `allocated (type ${din.type}, size ${din.size}) with nlink 0 and no directory entry: an unlinked inode that was never freed`);
        else this.problem('unreachable', inum, `allocated (type ${din.type}, nlink ${din.nlink}, size ${din.size}) but not reachable from /`);
        continue;
      }
      let expected = this.namedRefs.get(inum) ?? 0;
      if (din.type === T_DIR) expected += (this.childDirs.get(inum) ?? 0) + (inum === ROOTINO ? 1 : 0);
      if (din.nlink !== expected) this.problem('nlink', inum, `nlink is ${din.nlink} but ${expected} link${expected === 1 ? '' : 's'} found`);
    }
  }
}
