// File and directory semantics, and the errno of each failure.
import { afterEach, describe, expect, it } from 'vitest';
import * as E from '../../../runtime/idl/errno.ts';
import { T_DEVICE, T_DIR, T_FILE } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { RRef } from '../../../runtime/lib/index.ts';
import {
  O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, ROOT_CWD, check, close, fixtureImage, list, machine, open, pattern, readAll, readFile,
  unwrap, writeAt, writeFile,
} from './support.ts';
import type { Machine } from './support.ts';

let m: Machine | undefined;
afterEach(() => {
  m?.shutdown();
  m = undefined;
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function errnoOfOpen(mm: Machine, path: string, flags: number, cwd = ROOT_CWD): Promise<string> {
  return E.errnoName(unwrap(await mm.fs.open(cwd, path, flags)).errno);
}

describe('files', () => {
  it('creates, writes, reads back, appends and truncates', async () => {
    m = await machine(fixtureImage());
    await writeFile(m.fs, '/hello', text('hello, world'));
    expect(Buffer.from(await readFile(m.fs, 'hello')).toString()).toBe('hello, world');
    const ref = await open(m.fs, '/hello', O_RDWR);
    expect(await writeAt(m.fs, ref, 12, text('!!'))).toEqual({ n: 2, errno: 0 });
    expect(await writeAt(m.fs, ref, 0, text('J'))).toEqual({ n: 1, errno: 0 });
    expect(Buffer.from(await readAll(m.fs, ref)).toString()).toBe('Jello, world!!');
    // No holes: a write may start at most at the end.
    expect(await writeAt(m.fs, ref, 100, text('x'))).toEqual({ n: 0, errno: E.EINVAL });
    await close(m.fs, ref);
    const t = await open(m.fs, '/hello', O_WRONLY | O_TRUNC);
    expect(unwrap(await m.fs.fstat(t)).size).toBe(0);
    await close(m.fs, t);
    expect((await readFile(m.fs, '/hello')).length).toBe(0);
  });

  it('reads past the end as 0 bytes, and hands the buffer back on every path', async () => {
    m = await machine(fixtureImage());
    await writeFile(m.fs, '/f', text('abc'));
    const ref = await open(m.fs, '/f', O_RDONLY);
    let buf = RRef.new(Block);
    let r = unwrap(await m.fs.read(ref, 3, 10, buf));
    expect([r.errno, r.n]).toEqual([0, 0]);
    buf = r.data;
    r = unwrap(await m.fs.read(ref, 1, 10, buf));
    expect([r.errno, r.n]).toEqual([0, 2]);
    buf = r.data;
    expect(buf.readU8(0)).toBe(0x62);
    r = unwrap(await m.fs.read(999, 0, 10, buf));
    expect(r.errno).toBe(E.EBADF);
    buf = r.data;
    r = unwrap(await m.fs.read(ref, 0, 4097, buf));
    expect(r.errno).toBe(E.EINVAL);
    buf = r.data;
    r = unwrap(await m.fs.read(ref, -1, 1, buf));
    expect(r.errno).toBe(E.EINVAL);
    buf = r.data;
    expect(buf.isValid).toBe(true);
    buf.drop();
    await close(m.fs, ref);
    expect(unwrap(await m.fs.close(ref))).toBe(E.EBADF);
  });

  it('keeps an unlinked file readable until its last reference closes', async () => {
    m = await machine(fixtureImage());
    const data = pattern(20_000, 1);
    await writeFile(m.fs, '/doomed', data);
    const ref = await open(m.fs, '/doomed', O_RDONLY);
    const second = unwrap(await m.fs.dup(ref)).ref;
    check(unwrap(await m.fs.unlink(ROOT_CWD, '/doomed')), 'unlink');
    expect(await errnoOfOpen(m, '/doomed', O_RDONLY)).toBe('ENOENT');
    expect(unwrap(await m.fs.fstat(ref)).nlink).toBe(0);
    expect(Buffer.compare(await readAll(m.fs, ref), data)).toBe(0);
    await close(m.fs, ref);
    expect(Buffer.compare(await readAll(m.fs, second), data)).toBe(0);
    const inum = unwrap(await m.fs.fstat(second)).inum;
    await close(m.fs, second);
    // The inode and its blocks are free again: the next file reuses the inode.
    await writeFile(m.fs, '/next', text('x'));
    const n = await open(m.fs, '/next', O_RDONLY);
    expect(unwrap(await m.fs.fstat(n)).inum).toBe(inum);
    await close(m.fs, n);
  });

  it('links a file under a second name, and counts links', async () => {
    m = await machine(fixtureImage());
    await writeFile(m.fs, '/a', text('shared'));
    check(unwrap(await m.fs.link(ROOT_CWD, '/a', '/b')), 'link');
    const ref = await open(m.fs, '/b', O_RDONLY);
    expect(unwrap(await m.fs.fstat(ref)).nlink).toBe(2);
    await close(m.fs, ref);
    check(unwrap(await m.fs.unlink(ROOT_CWD, '/a')), 'unlink');
    expect(Buffer.from(await readFile(m.fs, '/b')).toString()).toBe('shared');
    expect(unwrap(await m.fs.link(ROOT_CWD, '/b', '/b'))).toBe(E.EEXIST);
    expect(unwrap(await m.fs.link(ROOT_CWD, '/nothing', '/c'))).toBe(E.ENOENT);
    check(unwrap(await m.fs.mkdir(ROOT_CWD, '/d')), 'mkdir');
    expect(unwrap(await m.fs.link(ROOT_CWD, '/d', '/e'))).toBe(E.EPERM);
    expect(unwrap(await m.fs.link(ROOT_CWD, '/b', '/nodir/b'))).toBe(E.ENOENT);
    // A failed link leaves the count as it was.
    const again = await open(m.fs, '/b', O_RDONLY);
    expect(unwrap(await m.fs.fstat(again)).nlink).toBe(1);
    await close(m.fs, again);
  });

  it('makes directories, walks relative paths from a cwd, and removes only empty ones', async () => {
    m = await machine(fixtureImage());
    check(unwrap(await m.fs.mkdir(ROOT_CWD, '/dir')), 'mkdir');
    check(unwrap(await m.fs.mkdir(ROOT_CWD, 'dir/sub')), 'mkdir');
    const cwd = unwrap(await m.fs.chdir(ROOT_CWD, '/dir/sub'));
    expect(cwd.errno).toBe(0);
    await writeFile(m.fs, 'file', text('in sub'), cwd.ref);
    expect(Buffer.from(await readFile(m.fs, '/dir/sub/file')).toString()).toBe('in sub');
    expect(Buffer.from(await readFile(m.fs, '../sub/./file', cwd.ref)).toString()).toBe('in sub');
    expect([...(await list(m.fs, '..', cwd.ref)).keys()].sort()).toEqual(['.', '..', 'sub']);
    const st = unwrap(await m.fs.fstat(cwd.ref));
    expect(st).toMatchObject({ type: T_DIR, nlink: 1 });
    const dir = await open(m.fs, '/dir', O_RDONLY);
    expect(unwrap(await m.fs.fstat(dir)).nlink).toBe(2);
    await close(m.fs, dir);
    expect(unwrap(await m.fs.unlink(ROOT_CWD, '/dir/sub'))).toBe(E.ENOTEMPTY);
    expect(unwrap(await m.fs.unlink(cwd.ref, '.'))).toBe(E.EINVAL);
    expect(unwrap(await m.fs.unlink(cwd.ref, '..'))).toBe(E.EINVAL);
    check(unwrap(await m.fs.unlink(cwd.ref, 'file')), 'unlink');
    check(unwrap(await m.fs.unlink(ROOT_CWD, '/dir/sub')), 'unlink dir');
    // The cwd was removed: it stays valid until released, but lookups in it find nothing new.
    expect(unwrap(await m.fs.fstat(cwd.ref)).nlink).toBe(0);
    await close(m.fs, cwd.ref);
    const after = await open(m.fs, '/dir', O_RDONLY);
    expect(unwrap(await m.fs.fstat(after)).nlink).toBe(1);
    await close(m.fs, after);
    expect([...(await list(m.fs, '/dir')).keys()].sort()).toEqual(['.', '..']);
  });

  it('makes device inodes and refuses to serve their data', async () => {
    m = await machine(fixtureImage());
    check(unwrap(await m.fs.mknod(ROOT_CWD, '/console', 1, 0)), 'mknod');
    const o = unwrap(await m.fs.open(ROOT_CWD, '/console', O_RDWR));
    expect(o).toMatchObject({ errno: 0, type: T_DEVICE, major: 1, minor: 0 });
    const r = unwrap(await m.fs.read(o.ref, 0, 1, RRef.new(Block)));
    expect(r.errno).toBe(E.ENODEV);
    r.data.drop();
    await close(m.fs, o.ref);
    // O_CREATE over an existing device opens it.
    const again = unwrap(await m.fs.open(ROOT_CWD, '/console', O_CREATE | O_RDWR));
    expect(again).toMatchObject({ errno: 0, type: T_DEVICE });
    await close(m.fs, again.ref);
    expect(unwrap(await m.fs.mknod(ROOT_CWD, '/console', 1, 0))).toBe(E.EEXIST);
    expect(unwrap(await m.fs.mknod(ROOT_CWD, '/bad', -1, 0))).toBe(E.EINVAL);
  });

  it('answers each failure with its errno', async () => {
    m = await machine(fixtureImage());
    await writeFile(m.fs, '/file', text('x'));
    check(unwrap(await m.fs.mkdir(ROOT_CWD, '/dir')), 'mkdir');
    expect(await errnoOfOpen(m, '/missing', O_RDONLY)).toBe('ENOENT');
    expect(await errnoOfOpen(m, '', O_RDONLY)).toBe('ENOENT');
    expect(await errnoOfOpen(m, '/file/x', O_RDONLY)).toBe('ENOTDIR');
    expect(await errnoOfOpen(m, '/file/x', O_CREATE | O_RDWR)).toBe('ENOTDIR');
    expect(await errnoOfOpen(m, '/dir', O_WRONLY)).toBe('EISDIR');
    expect(await errnoOfOpen(m, '/dir', O_CREATE | O_RDWR)).toBe('EISDIR');
    expect(await errnoOfOpen(m, '/a-name-of-15-ch', O_CREATE | O_RDWR)).toBe('ENAMETOOLONG');
    expect(await errnoOfOpen(m, `/${'d/'.repeat(600)}`, O_RDONLY)).toBe('ENAMETOOLONG');
    expect(await errnoOfOpen(m, '/nul\0name', O_RDONLY)).toBe('EINVAL');
    expect(await errnoOfOpen(m, '/file', 3)).toBe('EINVAL');
    expect(await errnoOfOpen(m, '/file', 0x10000)).toBe('EINVAL');
    expect(await errnoOfOpen(m, 'file', O_RDONLY, 12345)).toBe('EBADF');
    expect(await errnoOfOpen(m, '/no/such/dir/file', O_CREATE | O_RDWR)).toBe('ENOENT');
    expect(E.errnoName(unwrap(await m.fs.mkdir(ROOT_CWD, '/dir')))).toBe('EEXIST');
    expect(E.errnoName(unwrap(await m.fs.mkdir(ROOT_CWD, '/')))).toBe('EEXIST');
    expect(E.errnoName(unwrap(await m.fs.unlink(ROOT_CWD, '/')))).toBe('EINVAL');
    expect(E.errnoName(unwrap(await m.fs.unlink(ROOT_CWD, '/missing')))).toBe('ENOENT');
    expect(E.errnoName(unwrap(await m.fs.chdir(ROOT_CWD, '/file')).errno)).toBe('ENOTDIR');
    expect(E.errnoName(unwrap(await m.fs.dup(777)).errno)).toBe('EBADF');
    expect(E.errnoName(unwrap(await m.fs.fstat(777)).errno)).toBe('EBADF');
    const d = await open(m.fs, '/dir', O_RDONLY);
    const w = await writeAt(m.fs, d, 0, text('x'));
    expect(E.errnoName(w.errno)).toBe('EISDIR');
    await close(m.fs, d);
    // A 14-byte name fits exactly (no NUL in its entry).
    await writeFile(m.fs, '/fourteen-bytes', text('14'));
    expect(Buffer.from(await readFile(m.fs, '/fourteen-bytes')).toString()).toBe('14');
    expect((await list(m.fs, '/')).has('fourteen-bytes')).toBe(true);
    // UTF-8 names count bytes.
    await writeFile(m.fs, '/héllo', text('é'));
    expect((await list(m.fs, '/')).has('héllo')).toBe(true);
    expect(E.errnoName(unwrap(await m.fs.open(ROOT_CWD, '/ééééééé€', O_CREATE | O_RDWR)).errno)).toBe('ENAMETOOLONG');
  });

  it('opens with O_CREATE an existing file without truncating it', async () => {
    m = await machine(fixtureImage());
    await writeFile(m.fs, '/keep', text('kept'));
    const ref = await open(m.fs, '/keep', O_CREATE | O_RDWR);
    expect(unwrap(await m.fs.fstat(ref))).toMatchObject({ type: T_FILE, size: 4 });
    await close(m.fs, ref);
  });
});
