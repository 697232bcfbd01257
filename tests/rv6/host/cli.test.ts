// rv6-mkfs and rv6-fsck as commands: the xv6 fixture rebuilt from files on disk, --dir trees,
// geometry options, refusals with exit code 1, usage and I/O errors with 2; fsck's text and
// JSON reports and its exit codes; the bin launchers run from another working directory.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BSIZE, MAXFILE_BYTES } from '../../../rv6/host/format.ts';
import { main as fsckMain } from '../../../rv6/host/fsck-cli.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import { Rv6Image } from '../../../rv6/host/image.ts';
import { main as mkfsMain } from '../../../rv6/host/mkfs-cli.ts';
import { bytes, editInode, fixtureImage, repoRoot, rootFiles, same } from './support.ts';

interface Run {
  code: number;
  out: string;
  err: string;
}

function capture(main: (args: readonly string[], io: { out(l: string): void; err(l: string): void }) => number, args: readonly string[]): Run {
  const out: string[] = [], err: string[] = [];
  const code = main(args, { out: (l) => { out.push(l); }, err: (l) => { err.push(l); } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const mkfsCli = (...args: string[]): Run => capture(mkfsMain, args);
const fsckCli = (...args: string[]): Run => capture(fsckMain, args);

const tmp = mkdtempSync(path.join(tmpdir(), 'rv6-host-'));
const at = (...p: string[]): string => path.join(tmp, ...p);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const fixture = fixtureImage();

/** The fixture's files written to a folder; returns their host paths in root-directory order. */
function fixtureFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return rootFiles(fixture).map((f) => {
    const file = path.join(dir, f.path);
    if ('data' in f) writeFileSync(file, f.data);
    return file;
  });
}

describe('rv6-mkfs', () => {
  it('rebuilds the xv6 fixture byte for byte from files on disk', () => {
    const files = fixtureFiles(at('fx'));
    const r = mkfsCli(at('fx.img'), ...files);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/wrote .*fx\.img: 2000 blocks \(log 30 at 2, inodes 13 at 32, bitmap 1 at 45, data from 46\); 7 of 199 inodes and 520 blocks in use/);
    expect(same(readFileSync(at('fx.img')), fixture)).toBe(true);
  });

  it('names files as xv6 does: user/_ls is ls', () => {
    mkdirSync(at('user'), { recursive: true });
    writeFileSync(at('user', '_ls'), bytes(100));
    expect(mkfsCli(at('u.img'), at('user', '_ls')).code).toBe(0);
    expect(Rv6Image.open(readFileSync(at('u.img'))).list('/').map((e) => e.name)).toEqual(['.', '..', 'ls']);
  });

  it('copies a --dir tree among files, with a bigger geometry', () => {
    mkdirSync(at('tree', 'bin', 'deep'), { recursive: true });
    mkdirSync(at('tree', 'empty'), { recursive: true });
    writeFileSync(at('tree', 'bin', 'sh'), bytes(30000, 2));
    writeFileSync(at('tree', 'bin', 'deep', 'x'), bytes(7, 3));
    writeFileSync(at('tree', 'motd'), bytes(50, 4));
    writeFileSync(at('README'), bytes(11, 5));
    const r = mkfsCli(at('tree.img'), at('README'), '--dir', at('tree'), '--size=4000', '--inodes', '64', '--log', '20');
    expect(r.code).toBe(0);
    const image = readFileSync(at('tree.img'));
    expect(image.length).toBe(4000 * BSIZE);
    expect(fsck(image)).toEqual({ status: 'clean', problems: [] });
    const img = Rv6Image.open(image);
    expect(img.sb).toMatchObject({ size: 4000, ninodes: 64, nlog: 20 });
    expect([...img.walk()].map((w) => w.path)).toEqual(['/', '/README', '/bin', '/bin/deep', '/bin/deep/x', '/bin/sh', '/empty', '/motd']);
    expect(same(img.readFile('/bin/sh'), bytes(30000, 2))).toBe(true);
  });

  it('refuses inputs that do not fit with exit code 1, writing nothing', () => {
    writeFileSync(at('a-name-of-fifteen'), 'x');
    writeFileSync(at('big'), new Uint8Array(MAXFILE_BYTES + 1));
    writeFileSync(at('one'), 'x');
    writeFileSync(at('two'), 'y');
    const long = mkfsCli(at('bad1.img'), at('a-name-of-fifteen'));
    expect(long.code).toBe(1);
    expect(long.err).toMatch(/\/a-name-of-fifteen: name 'a-name-of-fifteen' is 17 bytes, longer than DIRSIZ \(14\); nothing written/);
    const big = mkfsCli(at('bad2.img'), at('big'));
    expect(big.code).toBe(1);
    expect(big.err).toMatch(/big: 274433 bytes is larger than the largest file \(268 blocks, 274432 bytes\)/);
    const inodes = mkfsCli(at('bad3.img'), '--inodes', '2', at('one'));
    expect(inodes.code).toBe(1);
    expect(inodes.err).toMatch(/\/one: out of inodes/);
    const blocks = mkfsCli(at('bad4.img'), '--size', '48', at('one'), at('two'));
    expect(blocks.code).toBe(1);
    expect(blocks.err).toMatch(/\/two: out of blocks/);
    expect(mkfsCli(at('bad5.img'), '--size', '10').err).toMatch(/leaves no data block/);
    for (const n of [1, 2, 3, 4, 5]) expect(existsSync(at(`bad${n}.img`))).toBe(false);
  });

  it('usage and I/O errors exit with 2', () => {
    expect(mkfsCli().code).toBe(2);
    expect(mkfsCli(at('x.img'), '--size').err).toMatch(/--size needs a value/);
    expect(mkfsCli(at('x.img'), '--size', 'lots').err).toMatch(/--size takes a whole number, not 'lots'/);
    expect(mkfsCli(at('x.img'), '--frobnicate').code).toBe(2);
    const missing = mkfsCli(at('x.img'), at('no-such-file'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no-such-file: ENOENT/);
    expect(mkfsCli(at('x.img'), '--dir', at('no-such-dir')).code).toBe(2);
    expect(mkfsCli(at('x.img'), at('tree')).err).toMatch(/tree: not a regular file/);
    expect(mkfsCli(at('no-such-dir', 'x.img')).code).toBe(2);
    mkdirSync(at('loop'), { recursive: true });
    symlinkSync(at('loop'), at('loop', 'again'));
    expect(mkfsCli(at('x.img'), '--dir', at('loop')).err).toMatch(/symbolic link loops back/);
    expect(existsSync(at('x.img'))).toBe(false);
    const help = mkfsCli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: rv6-mkfs <image>/);
  });
});

describe('rv6-fsck', () => {
  const good = at('good.img');
  const broken = at('broken.img');
  const junk = at('junk.img');
  const pending = at('pending.img');

  it('reports clean, inconsistent and unreadable images with exit codes 0, 1, 2', () => {
    writeFileSync(good, fixture);
    const b = fixture.slice();
    editInode(b, 3, (d) => { d.nlink = 3; });
    writeFileSync(broken, b);
    writeFileSync(junk, new Uint8Array(4 * BSIZE));
    const r0 = fsckCli(good);
    expect(r0).toEqual({ code: 0, out: `rv6-fsck: ${good}: clean`, err: '' });
    const r1 = fsckCli(broken);
    expect(r1.code).toBe(1);
    expect(r1.out).toBe(`inode 3 (/medium.txt): nlink is 3 but 1 link found\nrv6-fsck: ${broken}: inconsistent (1 problem)`);
    const r2 = fsckCli(junk);
    expect(r2.code).toBe(2);
    expect(r2.out).toMatch(/superblock: bad magic 0x00000000.*\n.*unreadable/);
  });

  it('writes JSON with --json', () => {
    const r = fsckCli('--json', broken);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      image: broken,
      status: 'inconsistent',
      problems: [{ where: 'inode 3 (/medium.txt)', what: 'nlink is 3 but 1 link found', kind: 'nlink', inode: 3, path: '/medium.txt' }],
    });
  });

  it('notes a committed log, and counts it with --require-empty-log', () => {
    const p = fixture.slice();
    p.set(fixture.subarray(32 * BSIZE, 33 * BSIZE), 3 * BSIZE);
    new DataView(p.buffer).setInt32(2 * BSIZE, 1, true);
    new DataView(p.buffer).setUint32(2 * BSIZE + 4, 32, true);
    writeFileSync(pending, p);
    const r = fsckCli(pending);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^note: log header \(block 2\): log holds a committed transaction not yet installed/);
    expect(fsckCli(pending, '--require-empty-log').code).toBe(1);
  });

  it('usage and I/O errors exit with 2', () => {
    expect(fsckCli().code).toBe(2);
    expect(fsckCli(good, broken).err).toMatch(/one image at a time/);
    expect(fsckCli('--bogus', good).code).toBe(2);
    expect(fsckCli(at('nothing.img')).code).toBe(2);
    expect(fsckCli('--help').out).toMatch(/^usage: rv6-fsck <image> \[--json\]/);
  });
});

describe('bin launchers', () => {
  const runBin = (bin: string, args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [path.join(repoRoot, 'rv6/host', bin), ...args], { cwd: tmp }, (err, out, errOut) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, out, err: errOut });
      });
    });

  it('run from any working directory and pass the exit code through', async () => {
    const files = fixtureFiles(at('bin-fx'));
    const made = await runBin('mkfs-bin.js', ['bin.img', ...files.map((f) => path.relative(tmp, f))]);
    expect(made.code).toBe(0);
    expect(same(readFileSync(at('bin.img')), fixture)).toBe(true);
    const [ok, bad] = await Promise.all([runBin('fsck-bin.js', ['bin.img']), runBin('fsck-bin.js', ['broken.img', '--json'])]);
    expect(ok.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ status: 'inconsistent' });
  });
});
