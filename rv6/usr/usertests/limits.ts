// Bad arguments (bad descriptors, flags, counts, paths, pids) and a full disk: the calls refuse
// with the right errno, and the file system works again once space is freed.
import { RRef } from '../../../runtime/lib/index.ts';
import { ANY_CHILD, IO_MAX } from '../../../runtime/idl/rv6.ts';
import { MAXFILE_BYTES, O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../../../runtime/idl/fs.ts';
import { EBADF, ECHILD, EEXIST, EFBIG, EINVAL, ENOENT, ENOEXEC, ENOSPC, ESPIPE, ESRCH } from '../../../runtime/idl/errno.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { ascii, fill, shown } from './lib.ts';
import type { Test, U } from './lib.ts';

const NEW = O_CREATE | O_WRONLY | O_TRUNC;

/** A read or write of `n` bytes with a fresh buffer: n, or -errno. */
async function io(u: U, write: boolean, fd: number, n: number): Promise<number> {
  const buf = RRef.new(Block);
  const r = write ? await u.rv6.write(fd, n, buf) : await u.rv6.read(fd, n, buf);
  u.check(r.ok, 'core failed');
  if (!r.ok) return 0;
  r.value.data.drop();
  return r.value.errno === 0 ? r.value.n : -r.value.errno;
}

async function badarg(u: U): Promise<void> {
  for (const fd of [99, -1, 1.5, 16, Number.NaN]) {
    u.fails(await io(u, false, fd, 1), EBADF, `read(${fd})`);
    u.fails(await io(u, true, fd, 1), EBADF, `write(${fd})`);
    u.fails(u.num(await u.rv6.close(fd), 'close'), EBADF, `close(${fd})`);
    u.fails(await u.dup(fd), EBADF, `dup(${fd})`);
    u.fails(await u.seek(fd, 0), EBADF, `seek(${fd})`);
    u.fails(-(await u.fstat(fd)).errno, EBADF, `fstat(${fd})`);
  }
  await u.writeFile('badarg', ascii('data'), NEW);
  const fd = await u.fd('badarg', O_RDWR);
  for (const n of [IO_MAX + 1, -1, 0.5]) {
    u.fails(await io(u, false, fd, n), EINVAL, `read of ${n} bytes`);
    u.fails(await io(u, true, fd, n), EINVAL, `write of ${n} bytes`);
  }
  u.fails(await u.seek(fd, -1), EINVAL, 'seek to -1');
  await u.close(fd);
  for (const flags of [0x1000, O_WRONLY | O_RDWR, -1, 0.5]) u.fails(await u.open('badarg', flags), EINVAL, `open with flags ${flags}`);
  const ro = await u.fd('badarg', O_RDONLY);
  u.fails(await io(u, true, ro, 1), EBADF, 'write to a read-only descriptor');
  await u.close(ro);
  const wo = await u.fd('badarg', O_WRONLY);
  u.fails(await io(u, false, wo, 1), EBADF, 'read from a write-only descriptor');
  await u.close(wo);
  u.good(await u.unlink('badarg'), 'unlink');
  const p = await u.rv6.pipe();
  u.check(p.ok && p.value.errno === 0, 'pipe');
  if (p.ok) {
    u.fails(await io(u, true, p.value.read, 1), EBADF, 'write to a pipe\'s read end');
    u.fails(await io(u, false, p.value.write, 1), EBADF, 'read from a pipe\'s write end');
    u.fails(await u.seek(p.value.read, 0), ESPIPE, 'seek on a pipe');
    await u.close(p.value.read);
    await u.close(p.value.write);
  }
  u.fails(await u.open('a\u0000b', O_CREATE), EINVAL, 'a path with NUL');
  u.fails(await u.mkdir('/'), EEXIST, 'mkdir /');
  u.fails(await u.child(['exit', '0'], 99), EBADF, 'spawn with a bad stdin');
  u.fails(u.num(await u.rv6.spawn('nosuchprogram', 'nosuchprogram', -1, -1, -1), 'spawn'), ENOENT, 'spawn of a missing program');
  u.fails(u.num(await u.rv6.spawn('/README', 'README', -1, -1, -1), 'spawn'), ENOEXEC, 'spawn of a text file');
  u.fails(u.num(await u.rv6.spawn('/', '/', -1, -1, -1), 'spawn'), ENOEXEC, 'spawn of a directory');
  u.fails(-(await u.wait(99999)).errno, ECHILD, 'wait for a pid that is not a child');
  u.fails(-(await u.wait(ANY_CHILD)).errno, ECHILD, 'wait with no children');
  u.fails(await u.kill(99999), ESRCH, 'kill of no process');
}

/** Writes files of up to MAXFILE until the disk is full; how many files. */
async function fill_disk(u: U): Promise<number> {
  const block = fill(IO_MAX, 0x5a);
  for (let i = 0; ; i++) {
    const fd = await u.open(`df${i}`, NEW);
    if (fd < 0) {
      u.fails(fd, ENOSPC, `create df${i}`);
      return i;
    }
    // Write until an error: a short write (the disk filling) is followed by ENOSPC.
    let r = 0;
    for (let size = 0; size <= MAXFILE_BYTES; size += r) {
      r = await u.write(fd, block);
      if (r <= 0) break;
    }
    await u.close(fd);
    if (r === -ENOSPC) return i + 1;
    u.check(r === -EFBIG, `writing df${i}: ${shown(r)}`);
  }
}

/** Fills the disk until ENOSPC, frees it, and checks that files can be made again. */
async function diskfull(u: U): Promise<void> {
  const files = await fill_disk(u);
  u.check(files > 0, 'no file written');
  u.fails(await u.mkdir('dfdir'), ENOSPC, 'mkdir on a full disk');
  const fd = await u.open(`df${files - 1}`, O_WRONLY);
  u.check(fd >= 0, 'open the last file');
  const end = (await u.fstat(fd)).size;
  u.check(await u.seek(fd, end) === end, 'seek');
  const more = await u.write(fd, fill(IO_MAX, 1));
  u.check(more === -ENOSPC || more === -EFBIG, `a write on a full disk answered ${shown(more)}`);
  await u.close(fd);
  for (let i = 0; i < files; i++) u.good(await u.unlink(`df${i}`), `unlink df${i}`);
  // Everything freed: the same space fills again.
  const again = await fill_disk(u);
  for (let i = 0; i < again; i++) u.good(await u.unlink(`df${i}`), `unlink df${i}`);
  u.check(again === files, `the disk took ${files} files, then ${again}`);
  u.good(await u.mkdir('dfdir'), 'mkdir after freeing');
  await u.writeFile('dfdir/f', fill(20_000, 3), NEW);
  const back = await u.readFile('dfdir/f');
  u.check(back.length === 20_000 && back.every((b) => b === 3), 'read back after freeing');
  u.good(await u.unlink('dfdir/f'), 'unlink');
  u.good(await u.unlink('dfdir'), 'unlink');
}

export const limitTests: readonly (readonly [string, Test])[] = [['badarg', badarg], ['diskfull', diskfull]];
