// The image reader: the xv6 fixture mounts and every file reads back with its checksum; paths,
// directories and stat behave like xv6's namei; hostile images fail with an ImageError that
// names the inode, block or path, never garbage, a RangeError or a hang.
import { describe, expect, it } from 'vitest';
import { BSIZE, FSMAGIC, MAXFILE_BYTES, NDIRECT, decodeDinode, decodeDirent, decodeLogHeader, decodeSuperblock, encodeDinode, encodeDirent, encodeLogHeader, encodeName, encodeSuperblock, layoutOf } from '../../../rv6/host/format.ts';
import { ImageError, Rv6Image } from '../../../rv6/host/image.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { addDirent, bytes, same, editInode, fixtureImage, fixtureSums, setDirent, sha256, slotOf } from './support.ts';

const fixture = fixtureImage();
const img = Rv6Image.open(fixture);

describe('format', () => {
  it('computes xv6 mkfs layout for the default parameters', () => {
    expect(layoutOf({ size: 2000, ninodes: 200, nlog: 30 })).toMatchObject({
      nbitmap: 1, ninodeblocks: 13, nmeta: 46, nblocks: 1954, logstart: 2, inodestart: 32, bmapstart: 45, datastart: 46,
    });
  });

  it('round-trips the superblock, a dinode, a dirent and a log header, little-endian', () => {
    const sb = { magic: FSMAGIC, size: 2000, nblocks: 1954, ninodes: 200, nlog: 30, logstart: 2, inodestart: 32, bmapstart: 45 };
    const b = encodeSuperblock(sb);
    expect([...b.subarray(0, 4)]).toEqual([0x40, 0x30, 0x20, 0x10]);
    expect(decodeSuperblock(b)).toEqual(sb);
    const d = { type: 2, major: 0, minor: 0, nlink: 1, size: 5000, addrs: [48, 49, 50, 51, 52, 0, 0, 0, 0, 0, 0, 0, 0] };
    expect(decodeDinode(encodeDinode(d))).toEqual(d);
    expect(decodeDirent(encodeDirent({ inum: 7, name: 'fourteen-bytes' }))).toEqual({ inum: 7, name: 'fourteen-bytes' });
    expect(() => encodeName('fifteen-bytes!!')).toThrow(/longer than DIRSIZ/);
    expect(() => encodeName('a/b')).toThrow(/'\/'/);
    expect(decodeLogHeader(encodeLogHeader({ n: 2, blocks: [33, 45] }))).toEqual({ n: 2, blocks: [33, 45] });
  });

  it('reads the fixture superblock as xv6 wrote it', () => {
    expect(img.sb).toEqual({ magic: FSMAGIC, size: 2000, nblocks: 1954, ninodes: 200, nlog: 30, logstart: 2, inodestart: 32, bmapstart: 45 });
    expect(img.datastart).toBe(46);
  });
});

describe('reading the xv6 fixture', () => {
  it('reads back every file listed in xv6-mkfs.sha256 with its checksum', () => {
    const sums = fixtureSums();
    expect(sums.size).toBe(6);
    for (const [name, sum] of sums) expect(sha256(img.readFile(`/${name}`)), name).toBe(sum);
  });

  it('lists the root directory in on-disk order, "." and ".." first', () => {
    expect(img.list('/').map((e) => [e.name, e.inum])).toEqual([
      ['.', 1], ['..', 1], ['README', 2], ['medium.txt', 3], ['indirect.txt', 4], ['exact1k.txt', 5], ['max.txt', 6], ['empty', 7],
    ]);
  });

  it('stats files and the root', () => {
    expect(img.stat('/')).toEqual({ inum: 1, type: 'dir', nlink: 1, size: 1024, major: 0, minor: 0 });
    expect(img.stat('/max.txt')).toEqual({ inum: 6, type: 'file', nlink: 1, size: MAXFILE_BYTES, major: 0, minor: 0 });
    expect(img.stat('empty').size).toBe(0);
  });

  it('maps a file through its indirect block', () => {
    const map = img.blockMap(4);
    expect(map).toHaveLength(Math.ceil(200000 / BSIZE));
    expect(map.slice(0, NDIRECT + 1)).toEqual([53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 66]);
  });

  it('resolves "." and ".." as stored, and empty components', () => {
    expect(img.lookup('/./README')).toBe(2);
    expect(img.lookup('/../../README')).toBe(2);
    expect(img.lookup('//README/')).toBe(2);
    expect(img.lookup('')).toBe(1);
  });

  it('walks the tree', () => {
    expect([...img.walk()].map((w) => w.path)).toEqual(['/', '/README', '/medium.txt', '/indirect.txt', '/exact1k.txt', '/max.txt', '/empty']);
  });

  it('refuses with clear errors', () => {
    expect(() => img.readFile('/nope')).toThrow(/\/nope: no such file or directory/);
    expect(() => img.readFile('/')).toThrow(/is a directory/);
    expect(() => img.readFile('/README/x')).toThrow(/\/README is not a directory/);
    expect(() => img.list('/README')).toThrow(/not a directory/);
    expect(() => img.lookup('/a-name-of-fifteen')).toThrow(/longer than 14 bytes/);
    expect(() => img.inode(0)).toThrow(/inode 0 does not exist/);
    expect(() => img.inode(200)).toThrow(/inode 200 does not exist/);
    expect(() => img.block(2000)).toThrow(ImageError);
  });
});

describe('subdirectories', () => {
  const image = mkfs([{ path: 'bin/ls', data: bytes(3000) }, { path: 'etc/motd', data: bytes(10, 2) }, { path: 'bin/sub/deep', data: bytes(1, 3) }, { path: 'tmp', directory: true }]);
  const r = Rv6Image.open(image);

  it('reads nested paths and walks depth first in directory order', () => {
    expect(same(r.readFile('/bin/ls'), bytes(3000))).toBe(true);
    expect(same(r.readFile('/bin/sub/../sub/deep'), bytes(1, 3))).toBe(true);
    expect([...r.walk()].map((w) => `${w.path}:${w.stat.type}`)).toEqual([
      '/:dir', '/bin:dir', '/bin/ls:file', '/bin/sub:dir', '/bin/sub/deep:file', '/etc:dir', '/etc/motd:file', '/tmp:dir',
    ]);
    expect(r.list('/tmp').map((e) => e.name)).toEqual(['.', '..']);
  });
});

describe('hostile images', () => {
  const fresh = (): Uint8Array => fixture.slice();

  it('refuses a bad magic, a short image and overlapping regions', () => {
    const bad = fresh();
    bad[BSIZE] = 0;
    expect(() => Rv6Image.open(bad)).toThrow(/bad magic 0x10203000/);
    expect(() => Rv6Image.open(fixture.subarray(0, 1000))).toThrow(/too short/);
    expect(() => Rv6Image.open(fixture.subarray(0, 100 * BSIZE))).toThrow(/size is 2000 blocks but the image holds only 100/);
    const overlap = fresh();
    const sb = decodeSuperblock(overlap, BSIZE);
    encodeSuperblock({ ...sb, ninodes: 100000 }, overlap, BSIZE);
    expect(() => Rv6Image.open(overlap)).toThrow(/run into the bitmap/);
    const huge = fresh();
    encodeSuperblock({ ...sb, size: 0xffffffff }, huge, BSIZE);
    expect(() => Rv6Image.open(huge)).toThrow(/image holds only 2000/);
  });

  it('names the inode and block of an address outside the data blocks', () => {
    const bad = fresh();
    editInode(bad, 2, (d) => { d.addrs[0] = 5000; });
    expect(() => Rv6Image.open(bad).readFile('/README')).toThrow(/\/README: inode 2: addrs\[0\] is block 5000, outside the data blocks \[46, 2000\)/);
    const meta = fresh();
    editInode(meta, 4, (d) => { d.addrs[NDIRECT] = 1; });
    expect(() => Rv6Image.open(meta).readFile('/indirect.txt')).toThrow(/inode 4: the indirect block is block 1/);
    const ind = fresh();
    const v = new DataView(ind.buffer);
    v.setUint32(65 * BSIZE + 4 * 3, 0xfffffff0, true);
    expect(() => Rv6Image.open(ind).readFile('/indirect.txt')).toThrow(/indirect entry 3 \(file block 15\) is block 4294967280/);
  });

  it('refuses a size beyond the largest file and a bad type', () => {
    const big = fresh();
    editInode(big, 3, (d) => { d.size = 0xffffffff; });
    expect(() => Rv6Image.open(big).readFile('/medium.txt')).toThrow(/inode 3 has size 4294967295, larger than the largest file/);
    const typed = fresh();
    editInode(typed, 3, (d) => { d.type = 9; });
    expect(() => Rv6Image.open(typed).stat('/medium.txt')).toThrow(/inode 3 has type 9/);
  });

  it('refuses entries naming free or nonexistent inodes', () => {
    const bad = fresh();
    addDirent(bad, 1, 'ghost', 50);
    addDirent(bad, 1, 'far', 60000);
    const r = Rv6Image.open(bad);
    expect(() => r.readFile('/ghost')).toThrow(/names inode 50, which is free/);
    expect(() => r.readFile('/far')).toThrow(/names inode 60000, beyond the last inode 199/);
    expect(() => [...r.walk()]).toThrow(ImageError);
  });

  it('ends a walk over a directory loop with an error', () => {
    const image = mkfs([{ path: 'a/b/f', data: bytes(5) }]);
    const a = Rv6Image.open(image).lookup('/a');
    const b = Rv6Image.open(image).lookup('/a/b');
    addDirent(image, b, 'up', a);
    const r = Rv6Image.open(image);
    expect(same(r.readFile('/a/b/up/b/up/b/f'), bytes(5))).toBe(true);
    expect(() => [...r.walk()]).toThrow(/\/a\/b\/up: directory inode 2 was already reached as \/a/);
    // Every directory pointing at itself through '..': lookups stay finite.
    setDirent(image, b, slotOf(image, b, '..'), b);
    expect(Rv6Image.open(image).lookup('/a/b/../../../..')).toBe(b);
  });

  it('survives random damage to the metadata: an ImageError or a result, nothing else', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bad = fresh();
      const noise = bytes(64, seed);
      for (let i = 0; i < 16; i++) {
        const block = 32 + (noise[i]! % 15); // inode blocks, bitmap, the root's block
        bad[block * BSIZE + ((noise[i + 16]! << 2) | (noise[i + 32]! & 3)) % BSIZE] = noise[i + 48]!;
      }
      try {
        const r = Rv6Image.open(bad);
        for (const w of r.walk()) if (w.stat.type === 'file') r.readFile(w.path);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(ImageError);
      }
    }
  });
});
