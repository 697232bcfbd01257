// Tests of processes sharing the file system: creating, linking and unlinking the same names
// at once, writing through one inherited descriptor, several writers of their own files. The
// other processes are usertests itself, spawned as '-child <name> <args>'.
import { RRef } from '../../../runtime/lib/index.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, DIRENT_SIZE, DIRSIZ } from '../../../runtime/idl/fs.ts';
import { EEXIST, ENOENT } from '../../../runtime/idl/errno.ts';
import { EXITED, IO_MAX } from '../../../runtime/idl/rv6.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { ascii, fill, shown } from './lib.ts';
import type { Child, Test, U } from './lib.ts';

const NEW = O_CREATE | O_WRONLY | O_TRUNC;

/** The names in directory `path` ('.' and '..' included). */
async function names(u: U, path: string): Promise<string[]> {
  const fd = await u.fd(path, O_RDONLY);
  const out: string[] = [];
  for (;;) {
    const r = await u.rv6.read(fd, IO_MAX, RRef.new(Block));
    u.check(r.ok, 'read of a directory: core failed');
    if (!r.ok) break;
    const { errno, n, data } = r.value;
    for (let off = 0; errno === 0 && off + DIRENT_SIZE <= n; off += DIRENT_SIZE) {
      const inum = data.withBytes((b) => (b[off] ?? 0) | ((b[off + 1] ?? 0) << 8));
      if (inum === 0) continue;
      const len = data.withBytes((b) => {
        let l = 0;
        while (l < DIRSIZ && b[off + 2 + l] !== 0) l++;
        return l;
      });
      out.push(data.readUtf8(off + 2, len));
    }
    data.drop();
    u.check(errno === 0, `read of a directory: errno ${errno}`);
    if (n === 0) break;
  }
  await u.close(fd);
  return out;
}

const CONCREATE_N = 40;

/** One side of concreate's creating: links (of C0) on some names, creates on the others. */
async function concreateSide(u: U, linkEvery: number): Promise<void> {
  for (let i = 0; i < CONCREATE_N; i++) {
    if (i % linkEvery === 1) {
      const r = await u.link('C0', `C${i}`);
      u.check(r === 0 || r === -ENOENT || r === -EEXIST, `link C0 C${i}: ${shown(r)}`);
    } else await u.close(await u.fd(`C${i}`, O_CREATE | O_RDWR));
  }
}

/** Unlinks every name; how many unlinks were this side's. */
async function concreateUnlink(u: U): Promise<number> {
  let mine = 0;
  for (let i = 0; i < CONCREATE_N; i++) {
    const r = await u.unlink(`C${i}`);
    u.check(r === 0 || r === -ENOENT, `unlink C${i}: ${shown(r)}`);
    if (r === 0) mine++;
  }
  return mine;
}

/** Two processes create, link and then unlink the same names: each name is there once, and removed once. */
async function concreate(u: U): Promise<void> {
  u.good(await u.mkdir('cc'), 'mkdir cc');
  u.good(await u.chdir('cc'), 'chdir cc');
  const pid = await u.mustChild(['concreate']);
  await concreateSide(u, 3);
  await u.reap(pid, 'concreate child');
  const found = (await names(u, '.')).filter((n) => n !== '.' && n !== '..').sort();
  const want = Array.from({ length: CONCREATE_N }, (_, i) => `C${i}`).sort();
  u.check(found.join() === want.join(), `the directory holds ${found.length} names: ${found.join(' ')}`);
  const other = await u.mustChild(['concreate-unlink']);
  const mine = await concreateUnlink(u);
  const w = await u.wait(other);
  u.check(w.how === EXITED && mine + w.status === CONCREATE_N, `unlinks: ${mine} here and ${w.status} (${w.how}) in the child, of ${CONCREATE_N}`);
  u.good(await u.chdir('..'), 'chdir ..');
  u.good(await u.unlink('cc'), 'unlink cc: not empty');
}

/** xv6's linkunlink: two processes create, link and unlink 'x' at random. */
async function linkunlinkLoop(u: U, seed: number): Promise<void> {
  let x = seed;
  for (let i = 0; i < 100; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (x % 3 === 0) {
      const fd = await u.open('x', O_RDWR | O_CREATE);
      u.check(fd >= 0, `open x: ${shown(fd)}`);
      await u.close(fd);
    } else if (x % 3 === 1) {
      const r = await u.link('lu.target', 'x');
      u.check(r === 0 || r === -EEXIST, `link lu.target x: ${shown(r)}`);
    } else {
      const r = await u.unlink('x');
      u.check(r === 0 || r === -ENOENT, `unlink x: ${shown(r)}`);
    }
  }
}

async function linkunlink(u: U): Promise<void> {
  await u.unlink('x');
  await u.writeFile('lu.target', ascii('target'), NEW);
  const pid = await u.mustChild(['linkunlink']);
  await linkunlinkLoop(u, 1);
  await u.reap(pid, 'linkunlink child');
  await u.unlink('x');
  const st = await u.stat('lu.target');
  u.check(st?.nlink === 1 && st.size === 6, `lu.target: nlink ${st?.nlink} size ${st?.size}`);
  u.good(await u.unlink('lu.target'), 'unlink lu.target');
}

/** Two processes write through one descriptor (inherited as the child's fd 1): nothing is lost. */
async function sharedfd(u: U): Promise<void> {
  const fd = await u.fd('sharedfd', O_CREATE | O_RDWR | O_TRUNC);
  const pid = await u.mustChild(['sharedfd'], -1, fd);
  for (let i = 0; i < 100; i++) u.check(await u.write(fd, fill(10, 0x70)) === 10, 'write p');
  await u.reap(pid, 'sharedfd child');
  await u.close(fd);
  const all = await u.readFile('sharedfd');
  const c = all.filter((b) => b === 0x63).length;
  const p = all.filter((b) => b === 0x70).length;
  u.check(c === 1000 && p === 1000 && all.length === 2000, `read ${all.length} bytes: ${c} c and ${p} p, not 1000 of each`);
  u.good(await u.unlink('sharedfd'), 'unlink');
}

/** Helpers at once, each writing its own file; then each is read back. */
async function eachOwn(u: U, what: string, nproc: number, check: (i: number) => Promise<void>): Promise<void> {
  const pids: number[] = [];
  for (let i = 0; i < nproc; i++) pids.push(await u.mustChild([what, String(i)]));
  for (const pid of pids) await u.reap(pid, `${what} child`);
  for (let i = 0; i < nproc; i++) await check(i);
}

const FOURFILES_SIZE = 12 * 500;

async function fourfiles(u: U): Promise<void> {
  await eachOwn(u, 'fourfiles', 4, async (i) => {
    const all = await u.readFile(`f${i}`);
    u.check(all.length === FOURFILES_SIZE && all.every((b) => b === 0x30 + i), `f${i} read back wrong (${all.length} bytes)`);
    u.good(await u.unlink(`f${i}`), 'unlink');
  });
}

async function createdelete(u: U): Promise<void> {
  await eachOwn(u, 'createdelete', 4, async (i) => {
    for (let j = 0; j < 20; j++) {
      const st = await u.stat(`cd${i}-${j}`);
      u.check((st !== undefined) === (j === 0 || j >= 10), `cd${i}-${j} ${st === undefined ? 'missing' : 'there'}`);
      if (st !== undefined) u.good(await u.unlink(`cd${i}-${j}`), 'unlink');
    }
  });
}

async function manywrites(u: U): Promise<void> {
  await eachOwn(u, 'manywrites', 4, async (i) => {
    u.check(await u.stat(`mw${i}`) === undefined, `mw${i} left behind`);
  });
}

export const concurTests: readonly (readonly [string, Test])[] = [
  ['concreate', concreate], ['linkunlink', linkunlink], ['sharedfd', sharedfd], ['fourfiles', fourfiles],
  ['createdelete', createdelete], ['manywrites', manywrites],
];

const index = (args: readonly string[]): number => Number.parseInt(args[0] ?? '0', 10);

export const concurChildren: readonly (readonly [string, Child])[] = [
  ['concreate', async (u) => {
    await concreateSide(u, 5);
    return 0;
  }],
  ['concreate-unlink', (u) => concreateUnlink(u)],
  ['linkunlink', async (u) => {
    await linkunlinkLoop(u, 97);
    return 0;
  }],
  ['sharedfd', async (u) => {
    for (let i = 0; i < 100; i++) u.check(await u.write(1, fill(10, 0x63)) === 10, 'write c');
    return 0;
  }],
  ['fourfiles', async (u, args) => {
    const i = index(args);
    const fd = await u.fd(`f${i}`, NEW);
    for (let k = 0; k < FOURFILES_SIZE / 500; k++) u.check(await u.write(fd, fill(500, 0x30 + i)) === 500, 'write');
    await u.close(fd);
    return 0;
  }],
  ['createdelete', async (u, args) => {
    const i = index(args);
    for (let j = 0; j < 20; j++) {
      await u.close(await u.fd(`cd${i}-${j}`, O_CREATE | O_RDWR));
      if (j > 0 && j % 2 === 0) u.good(await u.unlink(`cd${i}-${j / 2}`), `unlink cd${i}-${j / 2}`);
    }
    return 0;
  }],
  ['manywrites', async (u, args) => {
    const name = `mw${index(args)}`;
    for (let round = 0; round < 3; round++) {
      await u.unlink(name);
      const fd = await u.fd(name, NEW);
      for (let k = 0; k < 29; k++) u.check(await u.write(fd, fill(1024, k)) === 1024, `write ${k} of ${name}`);
      await u.close(fd);
    }
    u.good(await u.unlink(name), `unlink ${name}`);
    return 0;
  }],
];
