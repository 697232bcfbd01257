// Corrupt images: mount refuses what it cannot trust, with the reason; an operation that meets
// a corrupt structure answers EIO; the kernel, the disk and the rest of the file system go on.
import { afterEach, describe, expect, it } from 'vitest';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { Rv6Image } from '../../../rv6/host/image.ts';
import { inodeLocation } from '../../../rv6/host/format.ts';
import * as E from '../../../runtime/idl/errno.ts';
import { DomainLoadError } from '../../../runtime/kernel/kernel.ts';
import { O_CREATE, O_RDONLY, O_RDWR, ROOT_CWD, list, machine, pattern, readFile, readImage, unwrap, writeAt } from './support.ts';
import type { Machine } from './support.ts';

let m: Machine | undefined;
afterEach(() => {
  m?.shutdown();
  m = undefined;
});

const BSIZE = 1024;
const u32 = (img: Uint8Array, at: number, v: number): void => new DataView(img.buffer, img.byteOffset).setUint32(at, v, true);
const u16 = (img: Uint8Array, at: number, v: number): void => new DataView(img.buffer, img.byteOffset).setUint16(at, v, true);

/** An image with a few files and directories, and a way to patch it. */
function base(): { img: Uint8Array; fs: Rv6Image; inodeAt: (inum: number) => number } {
  const img = mkfs([
    { path: 'a/file', data: pattern(5000, 1) },
    { path: 'big', data: pattern(20 * 1024, 2) },
    { path: 'ok', data: pattern(100, 3) },
  ]);
  const fs = Rv6Image.open(img);
  const inodeAt = (inum: number): number => {
    const { block, offset } = inodeLocation(fs.sb, inum);
    return block * BSIZE + offset;
  };
  return { img, fs, inodeAt };
}

/** Byte offset of the directory entry `name` in directory `dir`. */
function entryAt(fs: Rv6Image, dir: string, name: string): number {
  const dinum = fs.lookup(dir);
  const blocks = fs.blockMap(dinum);
  for (const b of blocks) {
    for (let off = 0; off < BSIZE; off += 16) {
      const at = b * BSIZE + off;
      const raw = fs.bytes.subarray(at + 2, at + 16);
      const end = raw.indexOf(0);
      if (Buffer.from(end < 0 ? raw : raw.subarray(0, end)).toString() === name) return at;
    }
  }
  throw new Error(`no entry ${name} in ${dir}`);
}

async function refused(img: Uint8Array, reason: RegExp): Promise<void> {
  const mm = await machine(img, { mount: false });
  try {
    let error: unknown;
    try {
      await mm.remount();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainLoadError);
    expect(String(error)).toMatch(reason);
    // The disk domain and the kernel are unharmed.
    expect(Number(unwrap(mm.disk.blocks()))).toBeGreaterThan(0);
  } finally {
    mm.shutdown();
  }
}

describe('mount refuses a corrupt image with the reason', () => {
  it('bad magic', async () => {
    const { img } = base();
    u32(img, BSIZE, 0xdeadbeef);
    await refused(img, /bad magic 0xdeadbeef/);
  });

  it('a file system larger than the disk', async () => {
    const { img } = base();
    u32(img, BSIZE + 4, 100_000);
    await refused(img, /size 100000 blocks is beyond the disk/);
  });

  it('regions that overlap or leave the disk', async () => {
    const { img } = base();
    u32(img, BSIZE + 24, 3); // inodestart inside the log
    await refused(img, /overlap the log/);
    const b = base().img;
    u32(b, BSIZE + 8, 5000); // nblocks > size
    await refused(b, /nblocks 5000 exceeds size/);
  });

  it('more inodes than a directory entry can name', async () => {
    const { img } = base();
    u32(img, BSIZE + 12, 70_000);
    await refused(img, /ninodes 70000 is more than a directory entry's u16 can name/);
  });

  it('a log header listing too many blocks or blocks outside the file system', async () => {
    const { img, fs } = base();
    u32(img, fs.sb.logstart * BSIZE, 900);
    await refused(img, /corrupt log: the header lists 900 blocks/);
    const b = base();
    u32(b.img, b.fs.sb.logstart * BSIZE, 1);
    u32(b.img, b.fs.sb.logstart * BSIZE + 4, 1); // would overwrite the superblock
    await refused(b.img, /corrupt log: entry 0 names block 1/);
  });

  it('a root that is not a directory', async () => {
    const { img, inodeAt } = base();
    u16(img, inodeAt(1), 2);
    await refused(img, /root inode 1 is not a directory/);
  });

  it('an empty disk', async () => {
    await refused(new Uint8Array(4096), /bad magic 0x00000000/);
  });
});

describe('operations on corrupt structures answer EIO', () => {
  it('block numbers out of range, in the direct and the indirect blocks', async () => {
    const { img, fs, inodeAt } = base();
    u32(img, inodeAt(fs.lookup('/a/file')) + 12 + 4 * 2, 1_000_000);
    const big = fs.lookup('/big');
    const ind = fs.inode(big).addrs[12]!;
    u32(img, ind * BSIZE + 4, 3); // the second indirect entry points into the log
    m = await machine(img);
    const o = unwrap(await m.fs.open(ROOT_CWD, '/a/file', O_RDWR));
    const bad = await readFile(m.fs, '/a/file').catch((e: unknown) => String(e));
    expect(bad).toMatch(/EIO/);
    // Writing at the bad block fails; before it works.
    expect(await writeAt(m.fs, o.ref, 0, pattern(100, 9))).toEqual({ n: 100, errno: 0 });
    expect(await writeAt(m.fs, o.ref, 2048, pattern(100, 9))).toEqual({ n: 0, errno: E.EIO });
    unwrap(await m.fs.close(o.ref));
    expect(String(await readFile(m.fs, '/big').catch((e: unknown) => e))).toMatch(/EIO/);
    // Unlinking frees blocks: the bad address is found before anything is freed.
    expect(E.errnoName(unwrap(await m.fs.unlink(ROOT_CWD, '/big')))).toBe('EIO');
    expect((await list(m.fs, '/')).has('big')).toBe(true);
    // The rest of the file system works.
    expect(Buffer.compare(await readFile(m.fs, '/ok'), pattern(100, 3))).toBe(0);
    expect(m.kernel.info(m.fsId)?.state).toBe('running');
  });

  it('entries naming a free inode, an inode beyond the table, or an inode of no known type', async () => {
    const { img, fs, inodeAt } = base();
    u16(img, entryAt(fs, '/', 'ok'), 150); // a free inode
    u16(img, entryAt(fs, '/a', 'file'), 60_000); // beyond ninodes
    u16(img, inodeAt(fs.lookup('/big')), 9); // type 9
    m = await machine(img);
    for (const path of ['/ok', '/a/file', '/big']) {
      expect(E.errnoName(unwrap(await m.fs.open(ROOT_CWD, path, O_RDONLY)).errno), path).toBe('EIO');
    }
    expect(E.errnoName(unwrap(await m.fs.open(ROOT_CWD, '/new', O_CREATE | O_RDWR)).errno)).toBe('OK');
  });

  it('a directory whose size is not a multiple of an entry', async () => {
    const { img, fs, inodeAt } = base();
    u32(img, inodeAt(fs.lookup('/a')) + 8, 37);
    m = await machine(img);
    expect(E.errnoName(unwrap(await m.fs.open(ROOT_CWD, '/a/file', O_RDONLY)).errno)).toBe('EIO');
    expect(E.errnoName(unwrap(await m.fs.mkdir(ROOT_CWD, '/a/x')))).toBe('EIO');
  });

  it('directory loops: a walk is bounded by its path', async () => {
    const { img, fs } = base();
    // /a/file becomes a second name of /a itself: /a/file/file/... never ends on disk.
    u16(img, entryAt(fs, '/a', 'file'), fs.lookup('/a'));
    m = await machine(img);
    const deep = `/a${'/file'.repeat(150)}`;
    const o = unwrap(await m.fs.open(ROOT_CWD, deep, O_RDONLY));
    expect(o.errno).toBe(0);
    expect(o.inum).toBe(fs.lookup('/a'));
    unwrap(await m.fs.close(o.ref));
    expect(E.errnoName(unwrap(await m.fs.open(ROOT_CWD, `${deep}/none`, O_RDONLY)).errno)).toBe('ENOENT');
    // Removing the looping name: it names a non-empty directory.
    expect(E.errnoName(unwrap(await m.fs.unlink(ROOT_CWD, '/a/file')))).toBe('ENOTEMPTY');
  });

  it('a bitmap that says every block is used, and one that frees metadata', async () => {
    const { img, fs } = base();
    img.fill(0xff, fs.sb.bmapstart * BSIZE, (fs.sb.bmapstart + 1) * BSIZE);
    m = await machine(img);
    expect(E.errnoName(unwrap(await m.fs.mkdir(ROOT_CWD, '/d')))).toBe('ENOSPC');
    m.shutdown();
    const b = base();
    b.img.fill(0, b.fs.sb.bmapstart * BSIZE, (b.fs.sb.bmapstart + 1) * BSIZE);
    m = await machine(b.img);
    // Only data blocks are handed out (here, ones in use: the data suffers, the metadata not).
    expect(unwrap(await m.fs.mkdir(ROOT_CWD, '/d'))).toBe(0);
    const after = readImage(m.disk);
    const meta = b.fs.sb.bmapstart * BSIZE;
    expect(Buffer.compare(after.subarray(BSIZE, b.fs.sb.logstart * BSIZE), b.img.subarray(BSIZE, b.fs.sb.logstart * BSIZE))).toBe(0);
    expect(Rv6Image.open(after).statInode(1).type).toBe('dir');
    expect(after.length).toBeGreaterThan(meta);
  });
});
