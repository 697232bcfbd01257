// mkfs: byte for byte xv6-riscv's mkfs on the fixture's files; directories, bigger geometries
// and several bitmap blocks pass fsck; inputs that do not fit fail with a clear MkfsError; and,
// property-based, any set of files mkfs accepts gives a clean image that reads them all back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BPB, BSIZE, DIRENT_SIZE, MAXFILE_BYTES, NDIRECT } from '../../../rv6/host/format.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import { Rv6Image } from '../../../rv6/host/image.ts';
import { MkfsError, mkfs, mkfsLayout, xv6Name } from '../../../rv6/host/mkfs.ts';
import type { MkfsEntry } from '../../../rv6/host/mkfs.ts';
import { bytes, fixtureImage, readInode, rootFiles, same } from './support.ts';

const clean = { status: 'clean', problems: [] };

describe('xv6 compatibility', () => {
  it('reproduces the fixture byte for byte from its files, in root-directory order', () => {
    const fixture = fixtureImage();
    const files = rootFiles(fixture);
    expect(files.map((f) => f.path)).toEqual(['README', 'medium.txt', 'indirect.txt', 'exact1k.txt', 'max.txt', 'empty']);
    const out = mkfs(files);
    expect(out.length).toBe(fixture.length);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(fixture))).toBe(0);
  });

  it('names arguments as xv6 does', () => {
    expect(xv6Name('user/_cat')).toBe('cat');
    expect(xv6Name('README')).toBe('README');
    expect(xv6Name('_init')).toBe('init');
    expect(xv6Name('user/usertests')).toBe('usertests');
  });

  it('bumps the root size to the next block even when it is already whole, as xv6 does', () => {
    // 62 files + "." + ".." fill the first block exactly; xv6 then claims a second, unallocated one.
    const files = Array.from({ length: 62 }, (_, i) => ({ path: `f${i}`, data: bytes(i, i + 1) }));
    const image = mkfs(files);
    const root = readInode(image, 1);
    expect(root.size).toBe(2 * BSIZE);
    expect(root.addrs[1]).toBe(0);
    expect(fsck(image)).toEqual(clean);
    expect(Rv6Image.open(image).list('/')).toHaveLength(64);
    // One more file: the entry goes into a real second block, which the size covers.
    const more = mkfs([...files, { path: 'x', data: bytes(1) }]);
    expect(readInode(more, 1).size).toBe(2 * BSIZE);
    expect(readInode(more, 1).addrs[1]).not.toBe(0);
    expect(fsck(more)).toEqual(clean);
  });

  it('allocates the indirect block when first needed, before its first data block', () => {
    const image = mkfs([{ path: 'big', data: bytes((NDIRECT + 2) * BSIZE) }]);
    const d = readInode(image, 2);
    expect(d.addrs).toEqual([47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
    expect(Rv6Image.open(image).blockMap(2).slice(NDIRECT)).toEqual([60, 61]);
  });
});

describe('directories and geometry', () => {
  const entries: MkfsEntry[] = [
    { path: 'README', data: bytes(100) },
    { path: 'bin/ls', data: bytes(20000, 2) },
    { path: 'bin/sh', data: bytes(40000, 3) },
    { path: '/usr/share/doc/notes', data: bytes(5, 4) },
    { path: 'tmp', directory: true },
    { path: 'bin', directory: true },
  ];

  it('creates directories with "." and "..", and xv6 link counts', () => {
    const image = mkfs(entries, { size: 5000, ninodes: 400, nlog: 40 });
    expect(fsck(image)).toEqual(clean);
    const r = Rv6Image.open(image);
    expect(r.sb).toMatchObject({ size: 5000, ninodes: 400, nlog: 40, logstart: 2, inodestart: 42, bmapstart: 42 + 26, nblocks: 5000 - (2 + 40 + 26 + 1) });
    expect(r.stat('/').nlink).toBe(1 + 3); // its own "..", and bin, usr, tmp
    expect(r.stat('/bin').nlink).toBe(1);
    expect(r.stat('/usr').nlink).toBe(2);
    expect(r.list('/bin').map((e) => [e.name, e.inum])).toEqual([['.', 3], ['..', 1], ['ls', 4], ['sh', 5]]);
    expect(r.stat('/bin').size).toBe(4 * DIRENT_SIZE);
    expect(r.list('/usr/share').slice(0, 2).map((e) => e.inum)).toEqual([r.lookup('/usr/share'), r.lookup('/usr')]);
    expect(same(r.readFile('/bin/sh'), bytes(40000, 3))).toBe(true);
    expect(same(r.readFile('/usr/share/doc/notes'), bytes(5, 4))).toBe(true);
    expect(r.list('/tmp').map((e) => e.name)).toEqual(['.', '..']);
  });

  it('spreads the bitmap over several blocks on a big image', () => {
    const files = Array.from({ length: 34 }, (_, i) => ({ path: `d${i % 3}/f${i}`, data: bytes(MAXFILE_BYTES - i, i) }));
    const image = mkfs(files, { size: 3 * BPB + 100, ninodes: 64 });
    const l = mkfsLayout({ size: 3 * BPB + 100, ninodes: 64 });
    expect(l.nbitmap).toBe(4);
    expect(fsck(image)).toEqual(clean);
    const r = Rv6Image.open(image);
    for (const f of files) expect(same(r.readFile(f.path), f.data)).toBe(true);
  });
});

describe('refusals', () => {
  const refuses = (entries: MkfsEntry[], message: RegExp, options = {}): void => {
    expect(() => mkfs(entries, options)).toThrow(MkfsError);
    expect(() => mkfs(entries, options)).toThrow(message);
  };

  it('refuses a file beyond MAXFILE but takes one exactly MAXFILE', () => {
    refuses([{ path: 'big', data: new Uint8Array(MAXFILE_BYTES + 1) }], /\/big: 274433 bytes is larger than the largest file \(268 blocks, 274432 bytes\)/);
    expect(fsck(mkfs([{ path: 'max', data: new Uint8Array(MAXFILE_BYTES) }])).status).toBe('clean');
  });

  it('refuses names longer than 14 bytes, empty, "." or "..", and takes exactly 14', () => {
    refuses([{ path: 'fifteen-bytes!!', data: bytes(1) }], /longer than DIRSIZ \(14\)/);
    refuses([{ path: 'dir-of-fifteen!/x', data: bytes(1) }], /dir-of-fifteen.*longer than DIRSIZ/);
    refuses([{ path: 'αβγδεζηθ', data: bytes(1) }], /16 bytes, longer than DIRSIZ/);
    refuses([{ path: '', data: bytes(1) }], /a file needs a name/);
    refuses([{ path: 'a/../b', data: bytes(1) }], /'\.\.' cannot be a name/);
    const image = mkfs([{ path: 'fourteen-bytes', data: bytes(1) }]);
    expect(Rv6Image.open(image).list('/')[2]).toEqual({ name: 'fourteen-bytes', inum: 2, offset: 32 });
  });

  it('refuses duplicates and a file used as a directory', () => {
    refuses([{ path: 'a', data: bytes(1) }, { path: 'a', data: bytes(2) }], /\/ already has an entry 'a'/);
    refuses([{ path: 'a', data: bytes(1) }, { path: 'a/b', data: bytes(2) }], /\/a is a file, not a directory/);
  });

  it('refuses running out of inodes or blocks', () => {
    refuses([{ path: 'a', data: bytes(1) }, { path: 'b', data: bytes(1) }, { path: 'c', data: bytes(1) }], /\/b: out of inodes: the image has 3 inode slots \(inodes 1\.\.2\)/, { ninodes: 3 });
    refuses([{ path: 'big', data: bytes(100 * BSIZE) }], /\/big: out of blocks: the image has 100 blocks, 54 of them for data/, { size: 100 });
  });

  it('refuses impossible geometries', () => {
    refuses([], /leaves no data block/, { size: 46 });
    refuses([], /number of log blocks must be a whole number from 2 to 256, not 1/, { nlog: 1 });
    refuses([], /number of inodes must be a whole number from 2 to 65536, not 70000/, { ninodes: 70000 });
    refuses([], /size in blocks must be a whole number/, { size: 12.5 });
    expect(fsck(mkfs([], { size: 47 })).status).toBe('clean');
  });
});

describe('property: any accepted file set makes a clean image that reads back', () => {
  const name = fc.stringMatching(/^[a-z0-9_.-]{1,14}$/).filter((n) => n !== '.' && n !== '..');
  const size = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 3 * BSIZE }) },
    { weight: 2, arbitrary: fc.integer({ min: 11 * BSIZE, max: 14 * BSIZE }) },
    { weight: 1, arbitrary: fc.integer({ min: MAXFILE_BYTES - 2 * BSIZE, max: MAXFILE_BYTES }) },
  );
  const file = fc.record({ dirs: fc.array(name, { maxLength: 2 }), name, size, seed: fc.integer({ min: 1, max: 1 << 30 }) });

  it('mkfs -> fsck clean, every file reads back', () => {
    fc.assert(
      fc.property(fc.array(file, { maxLength: 24 }), fc.boolean(), (specs, big) => {
        // Keep only specs whose path does not collide with an earlier file or directory.
        const files: { path: string; data: Uint8Array }[] = [];
        const taken = new Map<string, 'file' | 'dir'>();
        for (const s of specs) {
          const parts = [...s.dirs, s.name];
          const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
          const ok = prefixes.every((p, i) => taken.get(p) === undefined || (i < parts.length - 1 && taken.get(p) === 'dir'));
          if (!ok) continue;
          prefixes.forEach((p, i) => taken.set(p, i < parts.length - 1 ? 'dir' : 'file'));
          files.push({ path: parts.join('/'), data: bytes(s.size, s.seed) });
        }
        const options = big ? { size: 12000, ninodes: 300, nlog: 20 } : {};
        let image: Uint8Array;
        try {
          image = mkfs(files, options);
        } catch (e) {
          // Only running out of blocks may refuse these inputs.
          expect(String(e)).toMatch(/out of blocks/);
          return;
        }
        expect(fsck(image)).toEqual(clean);
        const r = Rv6Image.open(image);
        for (const f of files) expect(same(r.readFile(f.path), f.data)).toBe(true);
        expect([...r.walk()].filter((w) => w.stat.type === 'file')).toHaveLength(files.length);
      }),
      { numRuns: 60 },
    );
  });
});
