// Shared pieces of the host disk-tool suites: the xv6 fixture (an image made by xv6-riscv's own
// mkfs, kept gzipped, and the SHA-256 of each file in it) and helpers that corrupt images.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BSIZE, DIRENT_SIZE, decodeDinode, decodeDirent, encodeDinode, encodeDirent, inodeLocation } from '../../../rv6/host/format.ts';
import type { Dinode } from '../../../rv6/host/format.ts';
import { Rv6Image } from '../../../rv6/host/image.ts';
import type { MkfsEntry } from '../../../rv6/host/mkfs.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A fresh copy of the fixture image. */
export function fixtureImage(): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(path.join(fixtures, 'xv6-mkfs.img.gz'))));
}

/** name -> SHA-256 (hex), in the file's order. */
export function fixtureSums(): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of readFileSync(path.join(fixtures, 'xv6-mkfs.sha256'), 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (m !== null) sums.set(m[2]!, m[1]!);
  }
  return sums;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Whether two byte arrays are equal (vitest's deep equality walks big arrays slowly). */
export const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The files of an image's root directory, in directory order, as mkfs entries. */
export function rootFiles(image: Uint8Array): MkfsEntry[] {
  const img = Rv6Image.open(image);
  return img.list('/').filter((e) => e.name !== '.' && e.name !== '..').map((e) => ({ path: e.name, data: img.readFile(`/${e.name}`) }));
}

/** Bytes of n pseudo-random but reproducible values. */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Corruption

export function readInode(image: Uint8Array, inum: number): Dinode {
  const sb = Rv6Image.open(image).sb;
  const { block, offset } = inodeLocation(sb, inum);
  return decodeDinode(image, block * BSIZE + offset);
}

export function editInode(image: Uint8Array, inum: number, edit: (d: Dinode) => void): void {
  const sb = Rv6Image.open(image).sb;
  const { block, offset } = inodeLocation(sb, inum);
  const d = decodeDinode(image, block * BSIZE + offset);
  edit(d);
  encodeDinode(d, image, block * BSIZE + offset);
}

export function setBit(image: Uint8Array, b: number, on: boolean): void {
  const sb = Rv6Image.open(image).sb;
  const at = (sb.bmapstart + Math.floor(b / (BSIZE * 8))) * BSIZE + Math.floor((b % (BSIZE * 8)) / 8);
  image[at] = on ? image[at]! | (1 << (b % 8)) : image[at]! & ~(1 << (b % 8));
}

/** Byte offset in the image of a directory's entry slot. */
function slotOffset(image: Uint8Array, dir: number, slot: number): number {
  const img = Rv6Image.open(image);
  const map = img.blockMap(dir);
  const b = map[Math.floor((slot * DIRENT_SIZE) / BSIZE)];
  if (b === undefined || b === 0) throw new Error(`directory ${dir} has no block for slot ${slot}`);
  return b * BSIZE + ((slot * DIRENT_SIZE) % BSIZE);
}

/** Rewrites a directory's entry slot (byte-level: any inode number, names '.' and '..' too). */
export function setDirent(image: Uint8Array, dir: number, slot: number, inum: number, name?: string): void {
  const off = slotOffset(image, dir, slot);
  const old = decodeDirent(image, off);
  encodeDirent({ inum, name: name ?? old.name }, image, off);
}

/** The slot of a named entry of a directory. */
export function slotOf(image: Uint8Array, dir: number, name: string): number {
  const e = Rv6Image.open(image).entriesOf(dir).find((x) => x.name === name);
  if (e === undefined) throw new Error(`directory ${dir} has no entry '${name}'`);
  return e.offset / DIRENT_SIZE;
}

/** Adds an entry in the first empty slot, growing the directory inside its last block if need be. */
export function addDirent(image: Uint8Array, dir: number, name: string, inum: number): number {
  const img = Rv6Image.open(image);
  const data = img.readInode(dir);
  for (let slot = 0; slot * DIRENT_SIZE < data.length; slot++) {
    if (decodeDirent(data, slot * DIRENT_SIZE).inum === 0) {
      setDirent(image, dir, slot, inum, name);
      return slot;
    }
  }
  // Grow the directory inside its last block, as xv6's dirlink appends.
  if (data.length % BSIZE === 0) throw new Error(`directory ${dir} has no empty slot`);
  editInode(image, dir, (d) => { d.size += DIRENT_SIZE; });
  const slot = data.length / DIRENT_SIZE;
  setDirent(image, dir, slot, inum, name);
  return slot;
}
