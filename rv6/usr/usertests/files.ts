// File tests: create, read and write, big files and the size limit, truncation, unlinked files
// still open, links, descriptors (dup, the per-process limit).
import { IO_MAX, NOFILE } from '../../../runtime/idl/rv6.ts';
import { MAXFILE_BYTES, O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from '../../../runtime/idl/fs.ts';
import { EBADF, EEXIST, EFBIG, EINVAL, EMFILE, ENOENT, EPERM } from '../../../runtime/idl/errno.ts';
import { Failure, ascii, fill, shown } from './lib.ts';
import type { Test, U } from './lib.ts';

const NEW = O_CREATE | O_WRONLY | O_TRUNC;
const text = (b: Uint8Array): string => String.fromCharCode(...b);

async function createtest(u: U): Promise<void> {
  for (let i = 0; i < 52; i++) await u.close(await u.fd(`ct${i}`, O_CREATE | O_RDWR));
  for (let i = 0; i < 52; i++) u.good(await u.unlink(`ct${i}`), `unlink ct${i}`);
  u.fails(await u.open('ct0', O_RDONLY), ENOENT, 'open of an unlinked file');
}

/** Many small writes, then read back. */
async function writetest(u: U): Promise<void> {
  const N = 100;
  const fd = await u.fd('small', O_CREATE | O_RDWR);
  for (let i = 0; i < N; i++) {
    u.check(await u.write(fd, ascii('aaaaaaaaaa')) === 10, `write ${i} of aaaaaaaaaa`);
    u.check(await u.write(fd, ascii('bbbbbbbbbb')) === 10, `write ${i} of bbbbbbbbbb`);
  }
  await u.close(fd);
  const all = text(await u.readFile('small'));
  u.check(all === 'aaaaaaaaaabbbbbbbbbb'.repeat(N), `read back ${all.length} bytes, not the ${N * 20} written`);
  u.good(await u.unlink('small'), 'unlink small');
}

/** A file up to MAXFILE_BYTES, each block stamped with its number; then the limit. */
async function writebig(u: U): Promise<void> {
  const blocks = MAXFILE_BYTES / IO_MAX;
  const block = (i: number): Uint8Array => fill(IO_MAX, i & 0xff).fill(0x42, 1, 8);
  const fd = await u.fd('big', O_CREATE | O_RDWR | O_TRUNC);
  for (let i = 0; i < blocks; i++) {
    const n = await u.write(fd, block(i));
    u.check(n === IO_MAX, `write block ${i}: ${shown(n)}`);
  }
  u.fails(await u.write(fd, fill(10, 1)), EFBIG, 'write past MAXFILE');
  u.check((await u.fstat(fd)).size === MAXFILE_BYTES, 'size is not MAXFILE');
  // A write across the limit writes what fits.
  u.check(await u.seek(fd, MAXFILE_BYTES - 10) === MAXFILE_BYTES - 10, 'seek');
  const n = await u.write(fd, fill(20, 7));
  u.check(n === 10, `a write across the limit answered ${shown(n)}, expected 10`);
  await u.close(fd);
  const r = await u.fd('big', O_RDONLY);
  for (let i = 0; i < blocks; i++) {
    const got = await u.read(r, IO_MAX);
    if (typeof got === 'number' || got.length !== IO_MAX) throw new Failure(`read block ${i}: ${typeof got === 'number' ? shown(got) : got.length}`);
    const want = i === blocks - 1 ? 7 : i & 0xff;
    u.check(got[0] === (i & 0xff) && got[4] === 0x42 && got[IO_MAX - 1] === want, `block ${i} read back wrong`);
  }
  const end = await u.read(r, IO_MAX);
  u.check(end instanceof Uint8Array && end.length === 0, 'no end of file after MAXFILE');
  await u.close(r);
  u.good(await u.unlink('big'), 'unlink big');
}

/** xv6's bigfile: 20 writes of 600 bytes, read back 300 at a time. */
async function bigfile(u: U): Promise<void> {
  const N = 20;
  const SZ = 600;
  const fd = await u.fd('bigfile.dat', NEW);
  for (let i = 0; i < N; i++) u.check(await u.write(fd, fill(SZ, i)) === SZ, `write ${i}`);
  await u.close(fd);
  const r = await u.fd('bigfile.dat', O_RDONLY);
  let total = 0;
  for (let i = 0; ; i++) {
    const got = await u.read(r, SZ / 2);
    if (typeof got === 'number') throw new Failure(`read: ${shown(got)}`);
    if (got.length === 0) break;
    u.check(got.length === SZ / 2, `short read ${got.length}`);
    const want = Math.floor(i / 2);
    u.check(got[0] === want && got[SZ / 2 - 1] === want, `chunk ${i} read back wrong`);
    total += got.length;
  }
  u.check(total === N * SZ, `read ${total} bytes, expected ${N * SZ}`);
  await u.close(r);
  u.good(await u.unlink('bigfile.dat'), 'unlink bigfile.dat');
}

/** O_TRUNC empties a file another descriptor has open; rv6 writes make no holes. */
async function truncate(u: U): Promise<void> {
  await u.writeFile('truncfile', ascii('abcd'), NEW);
  const fd1 = await u.fd('truncfile', O_RDONLY);
  const first = await u.read(fd1, 100);
  u.check(first instanceof Uint8Array && text(first) === 'abcd', 'read before truncation');
  const fd2 = await u.fd('truncfile', O_WRONLY | O_TRUNC);
  u.check((await u.fstat(fd1)).size === 0, 'size after O_TRUNC is not 0');
  const after = await u.read(fd1, 100);
  u.check(after instanceof Uint8Array && after.length === 0, 'read of a truncated file at the old offset');
  u.check(await u.write(fd2, ascii('xy')) === 2, 'write after truncation');
  u.check(await u.seek(fd1, 0) === 0, 'seek');
  const again = await u.read(fd1, 100);
  u.check(again instanceof Uint8Array && text(again) === 'xy', 'read after truncation and write');
  u.check(await u.seek(fd2, 100) === 100, 'seek past the end');
  u.fails(await u.write(fd2, ascii('z')), EINVAL, 'write past the end (a hole)');
  await u.close(fd1);
  await u.close(fd2);
  // Truncation frees the blocks: a 200 KiB file made and emptied many times.
  for (let i = 0; i < 4; i++) {
    const fd = await u.fd('truncfile', NEW);
    await u.writeAll(fd, fill(200 * 1024, i), 'truncfile');
    await u.close(fd);
  }
  await u.close(await u.fd('truncfile', O_WRONLY | O_TRUNC));
  const st = await u.stat('truncfile');
  u.check(st !== undefined && st.size === 0, 'not empty after O_TRUNC');
  u.good(await u.unlink('truncfile'), 'unlink truncfile');
}

async function opentest(u: U): Promise<void> {
  await u.close(await u.fd('/echo', O_RDONLY));
  u.fails(await u.open('doesnotexist', O_RDONLY), ENOENT, 'open doesnotexist');
  u.fails(await u.open('doesnotexist/x', O_CREATE | O_RDWR), ENOENT, 'create in a missing directory');
  u.fails(await u.open('', O_RDONLY), ENOENT, 'open of an empty path');
}

/** An open file lives on after its last name goes. */
async function unlinkread(u: U): Promise<void> {
  await u.writeFile('unlinkread', ascii('hello'), NEW);
  const fd = await u.fd('unlinkread', O_RDWR);
  u.good(await u.unlink('unlinkread'), 'unlink');
  u.fails(await u.open('unlinkread', O_RDONLY), ENOENT, 'open after unlink');
  const st = await u.fstat(fd);
  u.check(st.nlink === 0 && st.size === 5, `fstat of the unlinked file: nlink ${st.nlink} size ${st.size}`);
  await u.writeFile('unlinkread', ascii('yyy'), NEW);
  const got = await u.read(fd, 10);
  u.check(got instanceof Uint8Array && text(got) === 'hello', 'read from the unlinked file');
  u.check(await u.write(fd, fill(10, 0x61)) === 10, 'write to the unlinked file');
  await u.close(fd);
  u.check(text(await u.readFile('unlinkread')) === 'yyy', 'the new file');
  u.good(await u.unlink('unlinkread'), 'unlink');
}

async function linktest(u: U): Promise<void> {
  await u.unlink('lf1');
  await u.unlink('lf2');
  await u.writeFile('lf1', ascii('hello'), NEW);
  u.good(await u.link('lf1', 'lf2'), 'link lf1 lf2');
  u.check((await u.stat('lf2'))?.nlink === 2, 'nlink is not 2');
  u.good(await u.unlink('lf1'), 'unlink lf1');
  u.fails(await u.open('lf1', O_RDONLY), ENOENT, 'open lf1');
  u.check(text(await u.readFile('lf2')) === 'hello', 'read lf2');
  u.fails(await u.link('lf2', 'lf2'), EEXIST, 'link lf2 lf2');
  u.good(await u.unlink('lf2'), 'unlink lf2');
  u.fails(await u.link('lf2', 'lf1'), ENOENT, 'link of a missing file');
  u.fails(await u.link('.', 'lf1'), EPERM, 'link of a directory');
}

/** dup shares the offset; the per-process limit is NOFILE and closing frees descriptors. */
async function fdtest(u: U): Promise<void> {
  const fd = await u.fd('dupfile', NEW);
  const fd2 = u.good(await u.dup(fd), 'dup');
  u.check(await u.write(fd, ascii('ab')) === 2 && await u.write(fd2, ascii('cd')) === 2, 'writes');
  await u.close(fd);
  u.check(await u.write(fd2, ascii('ef')) === 2, 'write after closing the other descriptor');
  await u.close(fd2);
  u.fails(await u.dup(fd2), EBADF, 'dup of a closed descriptor');
  u.check(text(await u.readFile('dupfile')) === 'abcdef', 'dup did not share the offset');
  u.good(await u.unlink('dupfile'), 'unlink');
  const count = async (): Promise<number> => {
    const fds: number[] = [];
    for (;;) {
      const r = await u.open('/README', O_RDONLY);
      if (r < 0) {
        u.fails(r, EMFILE, `open number ${fds.length + 1}`);
        break;
      }
      fds.push(r);
      u.check(fds.length <= NOFILE, 'more than NOFILE descriptors');
    }
    for (const f of fds) await u.close(f);
    return fds.length;
  };
  const first = await count();
  const second = await count();
  u.check(first >= NOFILE - 3 && first === second, `descriptors free: ${first} then ${second}`);
}

export const fileTests: readonly (readonly [string, Test])[] = [
  ['createtest', createtest], ['writetest', writetest], ['writebig', writebig], ['bigfile', bigfile],
  ['truncate', truncate], ['opentest', opentest], ['unlinkread', unlinkread], ['linktest', linktest],
  ['fdtest', fdtest],
];
