// The superblock (block 1) and the checks mount makes before trusting it: every region must lie
// inside the disk, in xv6's order, without overlaps.
import type { Cache } from './bio.ts';
import { BPB, BSIZE, FSMAGIC, IPB, ROOTINO } from './param.ts';

export interface Superblock {
  readonly size: number;
  readonly nblocks: number;
  readonly ninodes: number;
  readonly nlog: number;
  readonly logstart: number;
  readonly inodestart: number;
  readonly bmapstart: number;
  /** First data block: everything below is metadata. */
  readonly datastart: number;
}

/** Why mount refuses an image. */
export class MountError extends Error {}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** Reads and validates the superblock of a disk of `diskBlocks` file-system blocks. */
export function readSuperblock(cache: Cache, diskBlocks: number): Superblock {
  if (diskBlocks < 2) throw new MountError(`the disk holds ${diskBlocks} blocks of ${BSIZE} bytes: no room for a superblock`);
  const { data, off } = cache.bread(1);
  const word = (i: number): number => data.readU32LE(off + 4 * i);
  const magic = word(0);
  if (magic !== FSMAGIC) throw new MountError(`bad magic ${hex(magic)} (expected ${hex(FSMAGIC)}): not an xv6 file system`);
  const [size, nblocks, ninodes, nlog, logstart, inodestart, bmapstart] = [word(1), word(2), word(3), word(4), word(5), word(6), word(7)];
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new MountError(`corrupt superblock: ${what}`);
  };
  need(size <= diskBlocks, `size ${size} blocks is beyond the disk's ${diskBlocks}`);
  need(nblocks <= size, `nblocks ${nblocks} exceeds size ${size}`);
  need(logstart >= 2, `logstart ${logstart} overlaps the boot block or the superblock`);
  need(nlog >= 2, `nlog ${nlog} leaves no room for a header and a log block`);
  need(ninodes > ROOTINO, `ninodes ${ninodes} leaves no room for the root inode`);
  need(ninodes <= 0x10000, `ninodes ${ninodes} is more than a directory entry's u16 can name`);
  const inodeBlocks = Math.ceil(ninodes / IPB);
  const bitmapBlocks = Math.ceil(size / BPB);
  need(inodestart >= logstart + nlog, `the inodes (from ${inodestart}) overlap the log (${logstart}..${logstart + nlog - 1})`);
  need(bmapstart >= inodestart + inodeBlocks, `the bitmap (from ${bmapstart}) overlaps the inodes (${inodestart}..${inodestart + inodeBlocks - 1})`);
  const datastart = size - nblocks;
  need(datastart >= bmapstart + bitmapBlocks, `the data blocks (from ${datastart}) overlap the bitmap (${bmapstart}..${bmapstart + bitmapBlocks - 1})`);
  need(datastart < size, `no data blocks`);
  return { size, nblocks, ninodes, nlog, logstart, inodestart, bmapstart, datastart };
}
