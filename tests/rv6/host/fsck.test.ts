// fsck: clean on the xv6 fixture and on mkfs output; each injected corruption is reported with
// the right kind, inode and block; a committed log is checked as recovery would install it;
// hostile images end in a report (never an exception or a hang).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BSIZE, MAXFILE_BYTES, NDIRECT, decodeSuperblock, encodeLogHeader, encodeSuperblock } from '../../../rv6/host/format.ts';
import { MAX_PROBLEMS, fsck } from '../../../rv6/host/fsck.ts';
import type { FsckProblem, FsckReport } from '../../../rv6/host/fsck.ts';
import { Rv6Image } from '../../../rv6/host/image.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { addDirent, bytes, editInode, fixtureImage, setBit, setDirent, slotOf } from './support.ts';

const fixture = fixtureImage();
const fx = (): Uint8Array => fixture.slice();

/** /a (2) /a/b (3) /a/b/f (4) /a/g (5) /c (6) */
const treeImage = mkfs([{ path: 'a/b/f', data: bytes(3000) }, { path: 'a/g', data: bytes(20) }, { path: 'c', data: bytes(70000) }]);
const tree = (): Uint8Array => treeImage.slice();

const clean: FsckReport = { status: 'clean', problems: [] };

function expectFinding(r: FsckReport, match: Partial<FsckProblem>, status: FsckReport['status'] = 'inconsistent'): FsckProblem {
  expect(r.status).toBe(status);
  const hit = r.problems.find((p) => Object.entries(match).every(([k, v]) => p[k as keyof FsckProblem] === v));
  expect(hit, `no finding ${JSON.stringify(match)} in ${JSON.stringify(r.problems, null, 1)}`).toBeDefined();
  return hit!;
}

describe('clean images', () => {
  it('finds the xv6 fixture clean', () => {
    expect(fsck(fixture)).toEqual(clean);
  });

  it('finds mkfs output clean, with and without directories', () => {
    expect(fsck(treeImage)).toEqual(clean);
    expect(fsck(mkfs([]))).toEqual(clean);
    expect(fsck(mkfs([{ path: 'x/y/z/w', data: bytes(MAXFILE_BYTES) }, { path: 'x/e', directory: true }], { size: 1000, ninodes: 40, nlog: 10 }))).toEqual(clean);
  });

  it('notes, without counting it, an image longer than its file system', () => {
    const longer = new Uint8Array(fixture.length + 3 * BSIZE);
    longer.set(fixture);
    const r = fsck(longer);
    expect(r.status).toBe('clean');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'image-size' })]);
  });
});

describe('injected corruption', () => {
  it('a bitmap bit cleared under a used block, set on a free one, cleared on metadata', () => {
    const a = fx();
    setBit(a, 47, false);
    expect(expectFinding(fsck(a), { kind: 'bitmap', block: 47, inode: 2 }).what).toMatch(/block 47 is used by inode 2 \(\/README\) but free in the bitmap \(bitmap block 45\)/);
    const b = fx();
    setBit(b, 1500, true);
    expect(fsck(b).problems).toEqual([expect.objectContaining({ kind: 'bitmap', block: 1500, what: expect.stringMatching(/marked in use .* but no inode uses it/) })]);
    const c = fx();
    setBit(c, 33, false);
    expect(expectFinding(fsck(c), { kind: 'bitmap', block: 33 }).what).toMatch(/inode block 33 is not marked in use/);
    const d = fx();
    setBit(d, 2001, true);
    expectFinding(fsck(d), { kind: 'bitmap', block: 2001 });
  });

  it('a wrong link count, on a file and on a directory', () => {
    const a = fx();
    editInode(a, 3, (d) => { d.nlink = 2; });
    const p = expectFinding(fsck(a), { kind: 'nlink', inode: 3, path: '/medium.txt' });
    expect(p.where).toBe('inode 3 (/medium.txt)');
    expect(p.what).toBe('nlink is 2 but 1 link found');
    const b = tree();
    editInode(b, 2, (d) => { d.nlink = 1; });
    expect(fsck(b).problems).toEqual([expect.objectContaining({ kind: 'nlink', inode: 2, what: 'nlink is 1 but 2 links found' })]);
    const root = tree();
    editInode(root, 1, (d) => { d.nlink = 1; });
    expectFinding(fsck(root), { kind: 'nlink', inode: 1, what: 'nlink is 1 but 2 links found' });
  });

  it('dangling entries: to a free inode, past the last inode', () => {
    const a = fx();
    addDirent(a, 1, 'ghost', 50);
    addDirent(a, 1, 'far', 300);
    const r = fsck(a);
    expect(expectFinding(r, { kind: 'directory', inode: 1, target: 50 }).what).toMatch(/entry 8 'ghost' names inode 50, which is free \(dangling\)/);
    expect(expectFinding(r, { kind: 'directory', inode: 1, target: 300 }).what).toMatch(/beyond the last inode 199/);
    expect(r.problems).toHaveLength(2);
  });

  it('a directory cycle, and an entry naming the root', () => {
    const a = tree();
    addDirent(a, 3, 'up', 2);
    const r = fsck(a);
    expect(r.problems).toHaveLength(1);
    const p = expectFinding(r, { kind: 'directory', inode: 3, target: 2, path: '/a/b' });
    expect(p.what).toMatch(/'up' names directory inode 2, already reached as \/a: a directory cycle/);
    const b = tree();
    addDirent(b, 2, 'root', 1);
    expectFinding(fsck(b), { kind: 'directory', inode: 2, target: 1 });
  });

  it('a bad magic, a truncated image, impossible regions: unreadable', () => {
    const a = fx();
    a[BSIZE + 3] = 0x11;
    expect(fsck(a)).toEqual({ status: 'unreadable', problems: [expect.objectContaining({ where: 'superblock', what: expect.stringMatching(/bad magic 0x11203040/) })] });
    expectFinding(fsck(fixture.subarray(0, 1999 * BSIZE)), { kind: 'superblock' }, 'unreadable');
    expectFinding(fsck(new Uint8Array(0)), { kind: 'superblock' }, 'unreadable');
    const b = fx();
    encodeSuperblock({ ...decodeSuperblock(b, BSIZE), bmapstart: 40 }, b, BSIZE);
    expect(expectFinding(fsck(b), { kind: 'superblock' }, 'unreadable').what).toMatch(/inode blocks \[32, 45\) for 200 inodes run into the bitmap at 40/);
    const c = fx();
    encodeSuperblock({ ...decodeSuperblock(c, BSIZE), nblocks: 1990 }, c, BSIZE);
    expectFinding(fsck(c), { kind: 'superblock' }, 'unreadable');
    // A block between the bitmap and the data: usable, but inconsistent (and the root's block is now metadata).
    const d = fx();
    encodeSuperblock({ ...decodeSuperblock(d, BSIZE), nblocks: 1953 }, d, BSIZE);
    const r = fsck(d);
    expect(expectFinding(r, { kind: 'superblock' }).what).toMatch(/blocks \[46, 47\) between the bitmap and the data blocks belong to no region/);
    expectFinding(r, { kind: 'block', inode: 1, block: 46 });
  });

  it('block numbers out of range: direct, indirect, inside the metadata', () => {
    const a = fx();
    editInode(a, 2, (d) => { d.addrs[0] = 5000; });
    const r = fsck(a);
    expect(expectFinding(r, { kind: 'block', inode: 2, block: 5000 }).what).toBe('addrs[0] is block 5000, outside the data blocks [46, 2000)');
    expectFinding(r, { kind: 'bitmap', block: 47 }); // now marked but unused
    const b = fx();
    editInode(b, 4, (d) => { d.addrs[NDIRECT] = 9999; });
    expectFinding(fsck(b), { kind: 'block', inode: 4, block: 9999 });
    const c = fx();
    new DataView(c.buffer).setUint32(65 * BSIZE + 8, 45, true);
    expect(expectFinding(fsck(c), { kind: 'block', inode: 4, block: 45 }).what).toMatch(/indirect entry 2 \(file block 14\) is block 45/);
  });

  it('a doubly used block', () => {
    const a = fx();
    editInode(a, 3, (d) => { d.addrs[0] = 47; });
    const r = fsck(a);
    const p = expectFinding(r, { kind: 'block', block: 47, inode: 3 });
    expect(p.what).toMatch(/block 47 is used twice: by inode 2 \(\/README\) and by inode 3 \(\/medium.txt\)/);
    expectFinding(r, { kind: 'bitmap', block: 48 });
  });

  it('an unreachable inode, and an orphan (nlink 0)', () => {
    const a = fx();
    setDirent(a, 1, slotOf(a, 1, 'empty'), 0);
    expect(fsck(a).problems).toEqual([expect.objectContaining({ kind: 'unreachable', inode: 7, where: 'inode 7' })]);
    editInode(a, 7, (d) => { d.nlink = 0; });
    expect(fsck(a).problems).toEqual([expect.objectContaining({ kind: 'orphan', inode: 7 })]);
    // An unreachable file keeps its blocks: no bitmap findings besides.
    const b = fx();
    setDirent(b, 1, slotOf(b, 1, 'max.txt'), 0);
    expect(fsck(b).problems).toEqual([expect.objectContaining({ kind: 'unreachable', inode: 6 })]);
  });

  it('a bad "..", a bad ".", the root\'s ".."', () => {
    const a = tree();
    setDirent(a, 3, slotOf(a, 3, '..'), 1);
    const r = fsck(a);
    expect(r.problems).toHaveLength(1);
    expect(expectFinding(r, { kind: 'directory', inode: 3, target: 1, path: '/a/b' }).what).toBe("'..' names inode 1, but its parent is inode 2 (/a)");
    const b = tree();
    setDirent(b, 1, 1, 6);
    expect(expectFinding(fsck(b), { kind: 'directory', inode: 1, target: 6 }).what).toMatch(/the root's "\.\." must name the root itself/);
    const c = tree();
    setDirent(c, 2, 0, 3);
    expectFinding(fsck(c), { kind: 'directory', inode: 2, target: 3 });
    const d = tree();
    setDirent(d, 2, 0, 0); // no "." at all
    expect(expectFinding(fsck(d), { kind: 'directory', inode: 2 }).what).toBe("has no '.' entry");
  });

  it('sizes against blocks, and bad types', () => {
    const a = fx();
    editInode(a, 2, (d) => { d.addrs[1] = 1000; });
    setBit(a, 1000, true);
    // xv6 leaves such blocks itself (a write from a bad user address, a full disk): a note.
    expect(fsck(a)).toEqual({
      status: 'clean',
      problems: [expect.objectContaining({ kind: 'beyond-size', inode: 2, block: 1000, what: 'addrs[1] is block 1000, beyond the size of 11 bytes (1 blocks)' })],
    });
    // The same block, unmarked in the bitmap, is an inconsistency.
    setBit(a, 1000, false);
    expectFinding(fsck(a), { kind: 'bitmap', block: 1000, inode: 2 });
    const b = fx();
    editInode(b, 3, (d) => { d.size = MAXFILE_BYTES + 1; });
    expectFinding(fsck(b), { kind: 'inode', inode: 3 });
    const c = fx();
    editInode(c, 7, (d) => { d.type = 9; });
    expect(fsck(c).problems).toEqual([expect.objectContaining({ kind: 'inode', inode: 7, what: expect.stringMatching(/type 9 is none of/) })]);
    const d = fx();
    editInode(d, 1, (x) => { x.size = 1000; });
    expectFinding(fsck(d), { kind: 'directory', inode: 1 });
    const e = fx();
    editInode(e, 1, (x) => { x.type = 2; });
    expectFinding(fsck(e), { kind: 'directory', inode: 1 });
  });
});

describe('the log', () => {
  const logStart = 2;
  const withLog = (image: Uint8Array, entries: { home: number; data: Uint8Array }[], n = entries.length): Uint8Array => {
    entries.forEach((e, i) => image.set(e.data, (logStart + 1 + i) * BSIZE));
    encodeLogHeader({ n, blocks: entries.map((e) => e.home) }, image, logStart * BSIZE);
    return image;
  };
  const blockOf = (image: Uint8Array, b: number): Uint8Array => image.slice(b * BSIZE, (b + 1) * BSIZE);

  it('a committed log is a note by default, an inconsistency when asked for an empty log', () => {
    const a = withLog(fx(), [{ home: 32, data: blockOf(fixture, 32) }, { home: 45, data: blockOf(fixture, 45) }]);
    const r = fsck(a);
    expect(r.status).toBe('clean');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'log-pending', what: expect.stringMatching(/log holds a committed transaction not yet installed \(2 blocks: 32, 45\)/) })]);
    expect(fsck(a, { requireEmptyLog: true }).status).toBe('inconsistent');
  });

  it('checks the image as recovery would leave it', () => {
    // The log carries an inode block with a bad link count: found although the home block is fine.
    const bad = fx();
    editInode(bad, 3, (d) => { d.nlink = 4; });
    const a = withLog(fx(), [{ home: 32, data: blockOf(bad, 32) }]);
    expectFinding(fsck(a), { kind: 'nlink', inode: 3 });
    // The home block is damaged, the log repairs it.
    const b = withLog(bad.slice(), [{ home: 32, data: blockOf(fixture, 32) }]);
    expect(fsck(b).status).toBe('clean');
    expect(fsck(bad).status).toBe('inconsistent');
  });

  it('reports a header that is not valid, and does not install it', () => {
    const big = fx();
    encodeLogHeader({ n: 30, blocks: [] }, big, logStart * BSIZE);
    expect(expectFinding(fsck(big), { kind: 'log' }).what).toMatch(/n = 30 is outside 0\.\.29/);
    const neg = fx();
    new DataView(neg.buffer).setInt32(logStart * BSIZE, -1, true);
    expectFinding(fsck(neg), { kind: 'log' });
    const home = withLog(fx(), [{ home: 1, data: new Uint8Array(BSIZE) }]);
    const r = fsck(home);
    expect(expectFinding(r, { kind: 'log', block: 1 }).what).toMatch(/entry 0 names block 1, outside \[32, 2000\)/);
    expect(r.problems).toHaveLength(1); // the superblock was not overwritten
    expectFinding(fsck(withLog(fx(), [{ home: 2000, data: new Uint8Array(BSIZE) }])), { kind: 'log', block: 2000 });
  });
});

describe('hostile images', () => {
  it('caps the list of findings', () => {
    const a = fx();
    a.fill(0xff, 45 * BSIZE, 46 * BSIZE);
    const r = fsck(a);
    expect(r.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(r.problems.at(-1)).toMatchObject({ kind: 'limit', what: expect.stringMatching(/more problems not listed/) });
  });

  it('ends with a report on any damage to the metadata, and the reader fails only with an ImageError', () => {
    const base = [fixture, treeImage];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.record({ block: fc.integer({ min: 1, max: 70 }), at: fc.integer({ min: 0, max: BSIZE - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 24 }),
        (which, edits) => {
          const image = base[which]!.slice();
          for (const e of edits) image[e.block * BSIZE + e.at] = e.value;
          const r = fsck(image);
          expect(['clean', 'inconsistent', 'unreadable']).toContain(r.status);
          for (const p of r.problems) {
            expect(p.kind).not.toBe('internal');
            expect(p.where.length).toBeGreaterThan(0);
            expect(p.what.length).toBeGreaterThan(0);
          }
          if (r.status === 'clean') {
            // A clean verdict means the reader can read the whole tree.
            const img = Rv6Image.open(image);
            for (const w of img.walk()) if (w.stat.type === 'file') img.readFile(w.path);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('terminates on an image of random metadata behind a valid superblock', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const image = fx();
      image.set(bytes(44 * BSIZE, seed), 2 * BSIZE); // log, inodes, bitmap
      const r = fsck(image);
      expect(r.status).not.toBe('clean');
      expect(r.problems.every((p) => p.kind !== 'internal')).toBe(true);
    }
  });
});
