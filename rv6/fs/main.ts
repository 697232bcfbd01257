// The rv6 file-system domain: xv6's file system over a BDev, exported as FileSystem. Each
// method turns an FsError into its errno result; anything else is a fault and crashes the
// domain (the caller gets an RpcError). After a failed disk write every call answers EIO.
import { ok } from '../../runtime/lib/index.ts';
import type { RRef, RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import type { BDev } from '../../runtime/idl/bdev.ts';
import { EIO } from '../../runtime/idl/errno.ts';
import { ROOTDEV } from '../../runtime/idl/fs.ts';
import type { FileSystem, FsData, FsOpened, FsRef, FsStat } from '../../runtime/idl/fs.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import { mount } from './mount.ts';
import { FsError } from './param.ts';

const noRef = (errno: number): FsRef => ({ errno, ref: 0 });
const noOpen = (errno: number): FsOpened => ({ errno, ref: 0, type: 0, inum: 0, major: 0, minor: 0 });
const noStat = (errno: number): FsStat => ({ errno, dev: 0, inum: 0, type: 0, nlink: 0, size: 0, major: 0, minor: 0 });
const errnoOnly = (errno: number): number => errno;

export function create(sys: Syscalls, disk: BDev): FileSystem {
  const { sb, cache, files, replayed, orphans } = mount(sys, disk);
  const notes = [replayed > 0 ? `, replayed ${replayed} logged blocks` : '', orphans > 0 ? `, freed ${orphans} unlinked inodes` : ''].join('');
  sys.print(`fs: mounted ${sb.size} blocks, ${sb.ninodes} inodes${notes}`);

  async function guard<T>(fail: (errno: number) => T, body: () => T | Promise<T>): Promise<RpcResult<T>> {
    cache.trim();
    if (cache.failed !== undefined) return ok(fail(EIO));
    try {
      return ok(await body());
    } catch (e) {
      if (e instanceof FsError) return ok(fail(e.errno));
      throw e;
    }
  }

  return {
    root: () => guard(noRef, async () => ({ errno: 0, ref: await files.root() })),
    open: (cwd: number, path: string, flags: number) => guard(noOpen, async () => ({ errno: 0, ...(await files.open(cwd, path, flags)) })),
    chdir: (cwd: number, path: string) => guard(noRef, async () => ({ errno: 0, ref: await files.chdir(cwd, path) })),
    dup: (ref: number) => guard(noRef, () => ({ errno: 0, ref: files.dup(ref) })),
    close: (ref: number) => guard(errnoOnly, async () => {
      await files.close(ref);
      return 0;
    }),
    read(ref: number, offset: number, n: number, data: RRef<Block>): Promise<RpcResult<FsData>> {
      return guard((errno) => ({ errno, n: 0, data }), () => ({ errno: 0, n: files.read(ref, offset, n, data), data }));
    },
    write(ref: number, offset: number, n: number, data: RRef<Block>): Promise<RpcResult<FsData>> {
      return guard((errno) => ({ errno, n: 0, data }), () => files.write(ref, offset, n, data));
    },
    fstat: (ref: number) => guard(noStat, () => ({ errno: 0, dev: ROOTDEV, ...files.fstat(ref) })),
    link: (cwd: number, target: string, path: string) => guard(errnoOnly, async () => {
      await files.link(cwd, target, path);
      return 0;
    }),
    unlink: (cwd: number, path: string) => guard(errnoOnly, async () => {
      await files.unlink(cwd, path);
      return 0;
    }),
    mkdir: (cwd: number, path: string) => guard(errnoOnly, async () => {
      await files.mkdir(cwd, path);
      return 0;
    }),
    mknod: (cwd: number, path: string, major: number, minor: number) => guard(errnoOnly, async () => {
      await files.mknod(cwd, path, major, minor);
      return 0;
    }),
  };
}
