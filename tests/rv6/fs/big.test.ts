// Large files (direct, indirect, MAXFILE), a full disk, running out of inodes, big directories.
import { afterEach, describe, expect, it } from 'vitest';
import * as E from '../../../runtime/idl/errno.ts';
import { MAXFILE_BYTES } from '../../../runtime/idl/fs.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import {
  O_CREATE, O_RDWR, ROOT_CWD, check, close, list, machine, open, pattern, readAll, readFile, readImage, unwrap, writeAt, writeFile,
} from './support.ts';
import type { Machine } from './support.ts';

let m: Machine | undefined;
afterEach(() => {
  m?.shutdown();
  m = undefined;
});

describe('big files', () => {
  it('writes and reads a file of MAXFILE blocks through the indirect block; one byte more is EFBIG', async () => {
    m = await machine(mkfs([]));
    const data = pattern(MAXFILE_BYTES, 7);
    await writeFile(m.fs, '/max', data);
    expect(Buffer.compare(await readFile(m.fs, '/max'), data)).toBe(0);
    const ref = await open(m.fs, '/max', O_RDWR);
    expect(unwrap(await m.fs.fstat(ref)).size).toBe(MAXFILE_BYTES);
    expect(await writeAt(m.fs, ref, MAXFILE_BYTES, new Uint8Array(1))).toEqual({ n: 0, errno: E.EFBIG });
    // A write that crosses the limit stops at it.
    expect(await writeAt(m.fs, ref, MAXFILE_BYTES - 10, new Uint8Array(100))).toEqual({ n: 10, errno: 0 });
    await close(m.fs, ref);
    expect(fsck(readImage(m.disk)).status).toBe('clean');
  });

  it('rewrites the middle of a file across the direct/indirect boundary', async () => {
    m = await machine(mkfs([]));
    const data = pattern(40_000, 3);
    await writeFile(m.fs, '/f', data);
    const patch = pattern(5000, 4);
    const ref = await open(m.fs, '/f', O_RDWR);
    expect(await writeAt(m.fs, ref, 10_000, patch)).toEqual({ n: 5000, errno: 0 });
    data.set(patch, 10_000);
    expect(Buffer.compare(await readAll(m.fs, ref), data)).toBe(0);
    await close(m.fs, ref);
  });

  it('fills the disk: a write stops short, then ENOSPC; freeing makes room again', async () => {
    m = await machine(mkfs([], { size: 300, ninodes: 64 }));
    const ref = await open(m.fs, '/fill', O_CREATE | O_RDWR);
    const r = await writeAt(m.fs, ref, 0, pattern(MAXFILE_BYTES, 1));
    expect(r.errno).toBe(E.ENOSPC);
    expect(r.n).toBeGreaterThan(100 * 1024);
    expect(r.n).toBeLessThan(300 * 1024);
    expect(unwrap(await m.fs.fstat(ref)).size).toBe(r.n);
    expect(await writeAt(m.fs, ref, r.n, new Uint8Array(2048))).toEqual({ n: 0, errno: E.ENOSPC });
    // Making a directory needs a block: ENOSPC, and nothing is left half made.
    expect(E.errnoName(unwrap(await m.fs.mkdir(ROOT_CWD, '/d')))).toBe('ENOSPC');
    expect((await list(m.fs, '/')).has('d')).toBe(false);
    await close(m.fs, ref);
    expect(fsck(readImage(m.disk)).status).toBe('clean');
    check(unwrap(await m.fs.unlink(ROOT_CWD, '/fill')), 'unlink');
    check(unwrap(await m.fs.mkdir(ROOT_CWD, '/d')), 'mkdir');
    await writeFile(m.fs, '/d/again', pattern(100_000, 2));
    expect(fsck(readImage(m.disk)).status).toBe('clean');
  });

  it('runs out of inodes with ENOSPC', async () => {
    m = await machine(mkfs([], { size: 400, ninodes: 16 }));
    let made = 0;
    for (;;) {
      const o = unwrap(await m.fs.open(ROOT_CWD, `/f${made}`, O_CREATE | O_RDWR));
      if (o.errno !== 0) {
        expect(E.errnoName(o.errno)).toBe('ENOSPC');
        break;
      }
      await close(m.fs, o.ref);
      made++;
    }
    // Inodes 1..15: the root holds one.
    expect(made).toBe(14);
    expect(fsck(readImage(m.disk)).status).toBe('clean');
  });

  it('holds a directory of 1000 entries (past its direct blocks), found, listed and emptied', async () => {
    m = await machine(mkfs([], { size: 3000, ninodes: 1100 }));
    check(unwrap(await m.fs.mkdir(ROOT_CWD, '/many')), 'mkdir');
    const cwd = unwrap(await m.fs.chdir(ROOT_CWD, '/many')).ref;
    for (let i = 0; i < 1000; i++) {
      const o = unwrap(await m.fs.open(cwd, `n${i}`, O_CREATE | O_RDWR));
      check(o.errno, `create n${i}`);
      await close(m.fs, o.ref);
    }
    const st = unwrap(await m.fs.fstat(cwd));
    expect(st.size).toBe(1002 * 16);
    const names = await list(m.fs, '.', cwd);
    expect(names.size).toBe(1002);
    expect(names.has('n999')).toBe(true);
    await writeFile(m.fs, 'n777', new TextEncoder().encode('777'), cwd);
    expect(Buffer.from(await readFile(m.fs, '/many/n777')).toString()).toBe('777');
    expect(E.errnoName(unwrap(await m.fs.unlink(ROOT_CWD, '/many')))).toBe('ENOTEMPTY');
    for (let i = 0; i < 1000; i++) check(unwrap(await m.fs.unlink(cwd, `n${i}`)), `unlink n${i}`);
    await close(m.fs, cwd);
    check(unwrap(await m.fs.unlink(ROOT_CWD, '/many')), 'unlink /many');
    expect(fsck(readImage(m.disk)).status).toBe('clean');
  });
});
