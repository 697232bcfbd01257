// Directory tests: nested directories and '..', chdir, ENOTEMPTY, ENOTDIR, '.' and '..' that
// cannot be removed, 14-byte names (longer are refused), a big directory, chdir in and out, and
// device inodes.
import { CONSOLE_MAJOR } from '../../../runtime/idl/rv6.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, T_DEVICE, T_DIR } from '../../../runtime/idl/fs.ts';
import { EEXIST, EINVAL, EISDIR, ENAMETOOLONG, ENODEV, ENOENT, ENOTDIR, ENOTEMPTY } from '../../../runtime/idl/errno.ts';
import { ascii } from './lib.ts';
import type { Test, U } from './lib.ts';

const NEW = O_CREATE | O_WRONLY | O_TRUNC;
const text = (b: Uint8Array): string => String.fromCharCode(...b);

async function subdir(u: U): Promise<void> {
  await u.unlink('ff');
  u.good(await u.mkdir('dd'), 'mkdir dd');
  await u.writeFile('dd/ff', ascii('ff'), NEW);
  u.fails(await u.unlink('dd'), ENOTEMPTY, 'unlink of a non-empty dd');
  u.good(await u.mkdir('/dd/dd'), 'mkdir /dd/dd');
  await u.writeFile('dd/dd/ff', ascii('FF'), NEW);
  u.check(text(await u.readFile('dd/dd/../ff')) === 'ff', 'read dd/dd/../ff');
  u.good(await u.link('dd/dd/ff', 'dd/dd/ffff'), 'link dd/dd/ff dd/dd/ffff');
  u.good(await u.unlink('dd/dd/ff'), 'unlink dd/dd/ff');
  u.fails(await u.open('dd/dd/ff', O_RDONLY), ENOENT, 'open an unlinked dd/dd/ff');
  u.good(await u.chdir('dd'), 'chdir dd');
  u.good(await u.chdir('dd/../../dd'), 'chdir dd/../../dd');
  u.good(await u.chdir('dd/../../../dd'), 'chdir dd/../../../dd (.. of / is /)');
  u.good(await u.chdir('./..'), 'chdir ./..');
  u.check(text(await u.readFile('dd/dd/ffff')) === 'FF', 'read dd/dd/ffff');
  u.fails(await u.open('dd/dd/ff', O_RDONLY), ENOENT, 'open dd/dd/ff');
  u.fails(await u.open('dd/ff/ff', O_CREATE | O_RDWR), ENOTDIR, 'create dd/ff/ff');
  u.fails(await u.open('dd/xx/ff', O_CREATE | O_RDWR), ENOENT, 'create dd/xx/ff');
  u.fails(await u.open('dd', O_CREATE), EISDIR, 'create over dd');
  u.fails(await u.open('dd', O_RDWR), EISDIR, 'open dd read-write');
  u.fails(await u.open('dd', O_WRONLY), EISDIR, 'open dd write-only');
  u.fails(await u.link('dd/ff/ff', 'dd/dd/xx'), ENOTDIR, 'link dd/ff/ff');
  u.fails(await u.link('dd/xx/ff', 'dd/dd/xx'), ENOENT, 'link dd/xx/ff');
  u.fails(await u.link('dd/ff', 'dd/dd/ffff'), EEXIST, 'link over dd/dd/ffff');
  u.fails(await u.mkdir('dd/ff/ff'), ENOTDIR, 'mkdir dd/ff/ff');
  u.fails(await u.mkdir('dd/xx/ff'), ENOENT, 'mkdir dd/xx/ff');
  u.fails(await u.mkdir('dd/dd/ffff'), EEXIST, 'mkdir over a file');
  u.fails(await u.unlink('dd/xx/ff'), ENOENT, 'unlink dd/xx/ff');
  u.fails(await u.unlink('dd/ff/ff'), ENOTDIR, 'unlink dd/ff/ff');
  u.fails(await u.chdir('dd/ff'), ENOTDIR, 'chdir dd/ff');
  u.fails(await u.chdir('dd/xx'), ENOENT, 'chdir dd/xx');
  // xv6 counts a directory's entry and its children's '..', not its own '.'.
  const links = async (): Promise<number> => (await u.stat('dd'))?.nlink ?? -1;
  u.check(await links() === 2, `dd has ${await links()} links, not 2 (its entry and dd/dd/..)`);
  u.good(await u.unlink('dd/dd/ffff'), 'unlink dd/dd/ffff');
  u.good(await u.unlink('dd/ff'), 'unlink dd/ff');
  u.fails(await u.unlink('dd'), ENOTEMPTY, 'unlink dd while dd/dd exists');
  u.good(await u.unlink('dd/dd'), 'unlink dd/dd');
  u.check(await links() === 1, `dd has ${await links()} links, not 1`);
  u.good(await u.unlink('dd'), 'unlink dd');
}

/** A file where a directory is expected. */
async function dirfile(u: U): Promise<void> {
  await u.writeFile('dirfile', ascii(''), NEW);
  u.fails(await u.chdir('dirfile'), ENOTDIR, 'chdir dirfile');
  u.fails(await u.open('dirfile/xx', O_RDONLY), ENOTDIR, 'open dirfile/xx');
  u.fails(await u.open('dirfile/xx', O_CREATE), ENOTDIR, 'create dirfile/xx');
  u.fails(await u.mkdir('dirfile/xx'), ENOTDIR, 'mkdir dirfile/xx');
  u.fails(await u.unlink('dirfile/xx'), ENOTDIR, 'unlink dirfile/xx');
  u.fails(await u.link('/README', 'dirfile/xx'), ENOTDIR, 'link into dirfile');
  u.good(await u.unlink('dirfile'), 'unlink dirfile');
  u.fails(await u.open('.', O_RDWR), EISDIR, 'open . read-write');
  const fd = await u.fd('.', O_RDONLY);
  u.check((await u.fstat(fd)).type === T_DIR, '. is not a directory');
  u.check(await u.write(fd, ascii('x')) < 0, 'a write to a directory worked');
  await u.close(fd);
}

async function rmdot(u: U): Promise<void> {
  u.good(await u.mkdir('dots'), 'mkdir dots');
  u.good(await u.chdir('dots'), 'chdir dots');
  u.fails(await u.unlink('.'), EINVAL, 'unlink .');
  u.fails(await u.unlink('..'), EINVAL, 'unlink ..');
  u.good(await u.chdir('/'), 'chdir /');
  u.fails(await u.unlink('dots/.'), EINVAL, 'unlink dots/.');
  u.fails(await u.unlink('dots/..'), EINVAL, 'unlink dots/..');
  u.fails(await u.unlink('/'), EINVAL, 'unlink /');
  u.good(await u.unlink('dots'), 'unlink dots');
}

/** Names of 14 bytes (DIRSIZ) work; longer are ENAMETOOLONG (xv6 cut them short). */
async function fourteen(u: U): Promise<void> {
  const n14 = '12345678901234';
  const n15 = '123456789012345';
  u.good(await u.mkdir(n14), `mkdir ${n14}`);
  u.good(await u.mkdir(`${n14}/${n14}`), 'mkdir a 14-byte name inside one');
  await u.writeFile(`${n14}/${n14}/${n14}`, ascii('x'), NEW);
  u.check(text(await u.readFile(`/${n14}/${n14}/${n14}`)) === 'x', 'read the 14-byte file');
  u.fails(await u.open(`${n14}/${n15}`, O_CREATE), ENAMETOOLONG, 'create a 15-byte name');
  u.fails(await u.mkdir(`${n14}/${n15}`), ENAMETOOLONG, 'mkdir a 15-byte name');
  u.fails(await u.open(`${n15}/${n14}`, O_RDONLY), ENAMETOOLONG, 'a 15-byte path component');
  // The limit is in bytes of UTF-8: seven 'é' are 14 bytes, eight are 16.
  const e7 = '\u00e9'.repeat(7);
  await u.writeFile(`${n14}/${e7}`, ascii('e'), NEW);
  u.fails(await u.open(`${n14}/${e7}\u00e9`, O_CREATE), ENAMETOOLONG, 'create a 16-byte UTF-8 name');
  u.fails(await u.open('/' + 'x/'.repeat(600), O_RDONLY), ENAMETOOLONG, 'a path over MAXPATH');
  u.good(await u.unlink(`${n14}/${e7}`), 'unlink the UTF-8 name');
  u.good(await u.unlink(`${n14}/${n14}/${n14}`), 'unlink');
  u.good(await u.unlink(`${n14}/${n14}`), 'unlink');
  u.good(await u.unlink(n14), 'unlink');
}

/** A few hundred names in one directory. */
async function bigdir(u: U): Promise<void> {
  const N = 300;
  const name = (i: number): string => `x${String(i).padStart(3, '0')}`;
  u.good(await u.mkdir('bd'), 'mkdir bd');
  await u.writeFile('bd/f', ascii('bd'), NEW);
  for (let i = 0; i < N; i++) u.good(await u.link('bd/f', `bd/${name(i)}`), `link ${name(i)}`);
  u.check((await u.stat('bd/f'))?.nlink === N + 1, 'wrong link count');
  u.check((await u.stat('bd'))?.size === (N + 3) * 16, 'wrong directory size');
  for (let i = 0; i < N; i++) u.good(await u.unlink(`bd/${name(i)}`), `unlink ${name(i)}`);
  u.good(await u.unlink('bd/f'), 'unlink bd/f');
  u.good(await u.unlink('bd'), 'unlink bd');
}

/** chdir down 50 directories and back: every directory reference is released. */
async function iref(u: U): Promise<void> {
  const N = 50;
  for (let i = 0; i < N; i++) {
    u.good(await u.mkdir('irefd'), `mkdir irefd at depth ${i}`);
    u.good(await u.chdir('irefd'), `chdir irefd at depth ${i}`);
    u.fails(await u.mkdir(''), ENOENT, 'mkdir ""');
    u.fails(await u.link('/README', ''), ENOENT, 'link to ""');
    await u.close(await u.fd('xx', O_CREATE));
    u.good(await u.unlink('xx'), 'unlink xx');
  }
  for (let i = 0; i < N; i++) u.good(await u.chdir('..'), 'chdir ..');
  u.fails(await u.unlink('irefd'), ENOTEMPTY, 'unlink irefd');
  for (let i = N; i > 0; i--) u.good(await u.unlink(Array<string>(i).fill('irefd').join('/')), `unlink at depth ${i}`);
}

/** A removed directory that is still the cwd takes no new entries: they would be lost with it. */
async function rmcwd(u: U): Promise<void> {
  u.good(await u.mkdir('gone'), 'mkdir gone');
  u.good(await u.chdir('gone'), 'chdir gone');
  u.good(await u.unlink('/gone'), 'unlink /gone, the cwd');
  u.fails(await u.open('x', O_CREATE | O_RDWR), ENOENT, 'create in a removed directory');
  u.fails(await u.mkdir('sub'), ENOENT, 'mkdir in a removed directory');
  u.fails(await u.link('/README', 'y'), ENOENT, 'link into a removed directory');
  u.fails(await u.mknod('dev', 9, 0), ENOENT, 'mknod in a removed directory');
  u.good(await u.chdir('..'), 'chdir .. from a removed directory');
  u.check(await u.stat('gone') === undefined, 'gone is still there');
}

/** Device inodes: mknod; the console's major opens the console; others are no device here. */
async function devtest(u: U): Promise<void> {
  await u.unlink('dev9');
  await u.unlink('cons');
  u.good(await u.mknod('dev9', 9, 1), 'mknod dev9');
  u.fails(await u.mknod('dev9', 9, 1), EEXIST, 'mknod over dev9');
  u.fails(await u.mknod('devx', -1, 0), EINVAL, 'mknod with a bad major');
  const fd = await u.fd('dev9', O_RDWR);
  const st = await u.fstat(fd);
  u.check(st.type === T_DEVICE, `dev9 has type ${st.type}`);
  const got = await u.read(fd, 1);
  u.check(got === -ENODEV, 'a read of a device nobody serves');
  await u.close(fd);
  u.good(await u.mknod('cons', CONSOLE_MAJOR, 0), 'mknod cons');
  const c = await u.fd('cons', O_WRONLY);
  u.check((await u.fstat(c)).type === T_DEVICE, 'the console is not a device');
  u.check(await u.write(c, ascii('')) === 0, 'an empty write to the console');
  await u.close(c);
  u.good(await u.unlink('dev9'), 'unlink dev9');
  u.good(await u.unlink('cons'), 'unlink cons');
}

export const dirTests: readonly (readonly [string, Test])[] = [
  ['subdir', subdir], ['dirfile', dirfile], ['rmdot', rmdot], ['fourteen', fourteen],
  ['bigdir', bigdir], ['iref', iref], ['rmcwd', rmcwd], ['devtest', devtest],
];
