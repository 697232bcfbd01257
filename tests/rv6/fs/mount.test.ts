// Mounting images made by xv6's own mkfs, and reading them back.
import { afterEach, describe, expect, it } from 'vitest';
import { T_DIR, T_FILE } from '../../../runtime/idl/fs.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import {
  ROOT_CWD, check, close, fixtureImage, fixtureSums, list, machine, open, pattern, readFile, readImage, sha256, unwrap, writeFile,
} from './support.ts';
import type { Machine } from './support.ts';

let m: Machine | undefined;
afterEach(() => {
  m?.shutdown();
  m = undefined;
});

describe('mounting the xv6-mkfs fixture', () => {
  it('reads every file back with its SHA-256', async () => {
    m = await machine(fixtureImage());
    const sums = fixtureSums();
    expect(sums.size).toBeGreaterThan(0);
    for (const [name, sum] of sums) {
      const bytes = await readFile(m.fs, `/${name}`);
      expect(sha256(bytes), name).toBe(sum);
    }
    expect(m.output.some((l) => l.includes('fs: mounted 2000 blocks, 200 inodes'))).toBe(true);
  });

  it('lists the root as ls would: ".", ".." and every file', async () => {
    m = await machine(fixtureImage());
    const names = await list(m.fs, '/');
    expect([...names.keys()].sort()).toEqual(['.', '..', ...fixtureSums().keys()].sort());
    expect(names.get('.')).toBe(1);
    expect(names.get('..')).toBe(1);
  });

  it('stats the root and a file', async () => {
    m = await machine(fixtureImage());
    const root = unwrap(await m.fs.root());
    expect(root.errno).toBe(0);
    const st = unwrap(await m.fs.fstat(root.ref));
    expect(st).toMatchObject({ errno: 0, dev: 1, inum: 1, type: T_DIR });
    const ref = await open(m.fs, 'max.txt', 0, root.ref);
    const fst = unwrap(await m.fs.fstat(ref));
    expect(fst).toMatchObject({ errno: 0, type: T_FILE, nlink: 1, size: 268 * 1024 });
    await close(m.fs, ref);
    await close(m.fs, root.ref);
    expect(ROOT_CWD).toBe(0);
  });
});

describe('log geometries', () => {
  it('works with a log that ends mid-page (its last page shares blocks with the inodes)', async () => {
    for (const nlog of [15, 31]) {
      const mm = await machine(mkfs([{ path: 'f', data: pattern(9000, nlog) }], { nlog }));
      try {
        check(unwrap(await mm.fs.mkdir(ROOT_CWD, '/d')), 'mkdir');
        await writeFile(mm.fs, '/d/g', pattern(30_000, 1));
        expect(Buffer.compare(await readFile(mm.fs, '/f'), pattern(9000, nlog))).toBe(0);
        expect(fsck(readImage(mm.disk), { requireEmptyLog: true }).status).toBe('clean');
      } finally {
        mm.shutdown();
      }
    }
  });

  it('refuses a log too small for one operation', async () => {
    const mm = await machine(mkfs([], { nlog: 12 }), { mount: false });
    try {
      await expect(mm.remount()).rejects.toThrow(/leaves 9 usable, fewer than one operation's 10/);
    } finally {
      mm.shutdown();
    }
  });
});
