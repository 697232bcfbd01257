// The xv6-riscv on-disk format: constants and pure encoders/decoders over byte arrays.
// Everything on disk is little-endian, whatever the host. Layout (block numbers):
//   [ boot 0 | superblock 1 | log | inode blocks | bitmap | data ]
// See docs/fs-format.md.

// The constants the fs domain uses (rv6/fs/param.ts, plain data) are the ones written here.
import { BPB, BSIZE, DINODE_SIZE, DIRENT_SIZE, DIRSIZ, FSMAGIC, IPB, LOGSIZE, MAXFILE, NDIRECT, NINDIRECT, ROOTINO, T_DEVICE, T_DIR, T_FILE, T_FREE } from '../fs/param.ts';

export { BPB, BSIZE, DINODE_SIZE, DIRENT_SIZE, DIRSIZ, FSMAGIC, IPB, LOGSIZE, MAXFILE, NDIRECT, NINDIRECT, ROOTINO, T_DEVICE, T_DIR, T_FILE, T_FREE };

export const MAXFILE_BYTES = MAXFILE * BSIZE;
export const DPB = BSIZE / DIRENT_SIZE;

export const SUPERBLOCK_SIZE = 32;

/** Log entries a header block can name ({ n, block[] } in one block). */
export const LOG_HEADER_CAPACITY = BSIZE / 4 - 1;

/** xv6-riscv's compile-time parameters (kernel/param.h, mkfs/mkfs.c); LOGSIZE is the fs's. */
export const FSSIZE = 2000;
export const NINODES = 200;

export type InodeKind = 'free' | 'dir' | 'file' | 'device';

/** The kind of an inode type field, or undefined for a value xv6 never writes. */
export function kindOf(type: number): InodeKind | undefined {
  switch (type) {
    case T_FREE: return 'free';
    case T_DIR: return 'dir';
    case T_FILE: return 'file';
    case T_DEVICE: return 'device';
    default: return undefined;
  }
}

const view = (buf: Uint8Array): DataView => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

function need(buf: Uint8Array, offset: number, length: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > buf.length) {
    throw new RangeError(`${what}: ${length} bytes at offset ${offset} do not fit in a buffer of ${buf.length} bytes`);
  }
}

// ---------------------------------------------------------------------------------------------
// Superblock (block 1): eight u32

export interface Superblock {
  magic: number;
  /** Size of the file system image in blocks. */
  size: number;
  /** Number of data blocks. */
  nblocks: number;
  ninodes: number;
  /** Number of log blocks (header included). */
  nlog: number;
  logstart: number;
  inodestart: number;
  bmapstart: number;
}

const SB_FIELDS = ['magic', 'size', 'nblocks', 'ninodes', 'nlog', 'logstart', 'inodestart', 'bmapstart'] as const;

export function decodeSuperblock(buf: Uint8Array, offset = 0): Superblock {
  need(buf, offset, SUPERBLOCK_SIZE, 'superblock');
  const v = view(buf);
  const f = (i: number): number => v.getUint32(offset + 4 * i, true);
  return { magic: f(0), size: f(1), nblocks: f(2), ninodes: f(3), nlog: f(4), logstart: f(5), inodestart: f(6), bmapstart: f(7) };
}

export function encodeSuperblock(sb: Superblock, buf: Uint8Array = new Uint8Array(SUPERBLOCK_SIZE), offset = 0): Uint8Array {
  need(buf, offset, SUPERBLOCK_SIZE, 'superblock');
  const v = view(buf);
  SB_FIELDS.forEach((k, i) => v.setUint32(offset + 4 * i, sb[k], true));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// On-disk inode: i16 type, major, minor, nlink; u32 size; u32 addrs[NDIRECT + 1]

export interface Dinode {
  type: number;
  major: number;
  minor: number;
  nlink: number;
  size: number;
  /** NDIRECT direct block numbers, then the indirect block's number. */
  addrs: number[];
}

export const emptyDinode = (): Dinode => ({ type: T_FREE, major: 0, minor: 0, nlink: 0, size: 0, addrs: new Array<number>(NDIRECT + 1).fill(0) });

export function decodeDinode(buf: Uint8Array, offset = 0): Dinode {
  need(buf, offset, DINODE_SIZE, 'dinode');
  const v = view(buf);
  const addrs: number[] = [];
  for (let i = 0; i <= NDIRECT; i++) addrs.push(v.getUint32(offset + 12 + 4 * i, true));
  return {
    type: v.getInt16(offset, true),
    major: v.getInt16(offset + 2, true),
    minor: v.getInt16(offset + 4, true),
    nlink: v.getInt16(offset + 6, true),
    size: v.getUint32(offset + 8, true),
    addrs,
  };
}

export function encodeDinode(d: Dinode, buf: Uint8Array = new Uint8Array(DINODE_SIZE), offset = 0): Uint8Array {
  need(buf, offset, DINODE_SIZE, 'dinode');
  if (d.addrs.length !== NDIRECT + 1) throw new RangeError(`dinode: addrs has ${d.addrs.length} entries, not ${NDIRECT + 1}`);
  const v = view(buf);
  v.setInt16(offset, d.type, true);
  v.setInt16(offset + 2, d.major, true);
  v.setInt16(offset + 4, d.minor, true);
  v.setInt16(offset + 6, d.nlink, true);
  v.setUint32(offset + 8, d.size, true);
  d.addrs.forEach((a, i) => v.setUint32(offset + 12 + 4 * i, a, true));
  return buf;
}

/** The block holding inode inum, and the inode's byte offset inside that block. */
export function inodeLocation(sb: Pick<Superblock, 'inodestart'>, inum: number): { block: number; offset: number } {
  return { block: sb.inodestart + Math.floor(inum / IPB), offset: (inum % IPB) * DINODE_SIZE };
}

/** The bitmap block holding block b's bit, and the byte and bit inside it. */
export function bitmapLocation(sb: Pick<Superblock, 'bmapstart'>, b: number): { block: number; byte: number; bit: number } {
  return { block: sb.bmapstart + Math.floor(b / BPB), byte: Math.floor((b % BPB) / 8), bit: b % 8 };
}

// ---------------------------------------------------------------------------------------------
// Directory entry: u16 inum, name[DIRSIZ] (NUL padded; a 14-byte name has no NUL)

export interface Dirent {
  /** 0 for an empty slot. */
  inum: number;
  name: string;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** A name's on-disk bytes; throws if it cannot be a directory entry's name. */
export function encodeName(name: string): Uint8Array {
  const bytes = utf8.encode(name);
  if (bytes.length === 0) throw new RangeError('empty name');
  if (bytes.length > DIRSIZ) throw new RangeError(`name '${name}' is ${bytes.length} bytes, longer than DIRSIZ (${DIRSIZ})`);
  if (bytes.includes(0) || bytes.includes(0x2f)) throw new RangeError(`name '${name}' contains '/' or NUL`);
  return bytes;
}

/** The raw name bytes of an entry: up to the first NUL, at most DIRSIZ. */
export function direntNameBytes(buf: Uint8Array, offset = 0): Uint8Array {
  need(buf, offset, DIRENT_SIZE, 'dirent');
  const raw = buf.subarray(offset + 2, offset + DIRENT_SIZE);
  const nul = raw.indexOf(0);
  return nul < 0 ? raw : raw.subarray(0, nul);
}

export function decodeDirent(buf: Uint8Array, offset = 0): Dirent {
  need(buf, offset, DIRENT_SIZE, 'dirent');
  return { inum: view(buf).getUint16(offset, true), name: utf8Decoder.decode(direntNameBytes(buf, offset)) };
}

export function encodeDirent(d: Dirent, buf: Uint8Array = new Uint8Array(DIRENT_SIZE), offset = 0): Uint8Array {
  need(buf, offset, DIRENT_SIZE, 'dirent');
  if (!Number.isInteger(d.inum) || d.inum < 0 || d.inum > 0xffff) throw new RangeError(`dirent: inode number ${d.inum} does not fit in 16 bits`);
  const name = d.name === '.' || d.name === '..' ? utf8.encode(d.name) : encodeName(d.name);
  buf.fill(0, offset, offset + DIRENT_SIZE);
  view(buf).setUint16(offset, d.inum, true);
  buf.set(name, offset + 2);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Log header (block logstart): i32 n, i32 block[]

export interface LogHeader {
  n: number;
  /** The home block numbers of the n logged blocks, in log order. */
  blocks: number[];
}

/** Decodes the header; n is returned as stored (possibly negative or too big), blocks holds min(n, capacity) entries. */
export function decodeLogHeader(buf: Uint8Array, offset = 0): LogHeader {
  need(buf, offset, BSIZE, 'log header');
  const v = view(buf);
  const n = v.getInt32(offset, true);
  const blocks: number[] = [];
  const count = Math.max(0, Math.min(n, LOG_HEADER_CAPACITY));
  for (let i = 0; i < count; i++) blocks.push(v.getUint32(offset + 4 + 4 * i, true));
  return { n, blocks };
}

export function encodeLogHeader(h: LogHeader, buf: Uint8Array = new Uint8Array(BSIZE), offset = 0): Uint8Array {
  need(buf, offset, BSIZE, 'log header');
  if (h.blocks.length > LOG_HEADER_CAPACITY) throw new RangeError(`log header: ${h.blocks.length} entries, more than ${LOG_HEADER_CAPACITY}`);
  buf.fill(0, offset, offset + BSIZE);
  const v = view(buf);
  v.setInt32(offset, h.n, true);
  h.blocks.forEach((b, i) => v.setUint32(offset + 4 + 4 * i, b, true));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Layout computed the way xv6's mkfs computes it

export interface Geometry {
  /** Total blocks. */
  size: number;
  ninodes: number;
  nlog: number;
}

export interface Layout extends Geometry {
  nbitmap: number;
  ninodeblocks: number;
  /** Boot, superblock, log, inode and bitmap blocks. */
  nmeta: number;
  nblocks: number;
  logstart: number;
  inodestart: number;
  bmapstart: number;
  /** First data block (= nmeta). */
  datastart: number;
}

/** xv6's mkfs formulas; note both counts round up by a whole block even when they divide exactly. */
export function layoutOf(g: Geometry): Layout {
  const nbitmap = Math.floor(g.size / BPB) + 1;
  const ninodeblocks = Math.floor(g.ninodes / IPB) + 1;
  const nmeta = 2 + g.nlog + ninodeblocks + nbitmap;
  return {
    ...g,
    nbitmap,
    ninodeblocks,
    nmeta,
    nblocks: g.size - nmeta,
    logstart: 2,
    inodestart: 2 + g.nlog,
    bmapstart: 2 + g.nlog + ninodeblocks,
    datastart: nmeta,
  };
}

export function superblockOf(l: Layout): Superblock {
  return { magic: FSMAGIC, size: l.size, nblocks: l.nblocks, ninodes: l.ninodes, nlog: l.nlog, logstart: l.logstart, inodestart: l.inodestart, bmapstart: l.bmapstart };
}

export const DEFAULT_GEOMETRY: Geometry = Object.freeze({ size: FSSIZE, ninodes: NINODES, nlog: LOGSIZE });
