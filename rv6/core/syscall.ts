// The system calls (xv6's syscall.c, sysfile.c, sysproc.c): one Rv6 object per process, so
// every call knows its caller. A call from a process that has ended answers ESRCH.
import { ok } from '../../runtime/lib/index.ts';
import type { RpcResult, Syscalls , RRef } from '../../runtime/lib/index.ts';
import type { FileSystem } from '../../runtime/idl/fs.ts';
import { CONSOLE_MAJOR, IO_MAX, TICK_MS } from '../../runtime/idl/rv6.ts';
import type { Rv6, RvData, RvPipe, RvStat, RvWait } from '../../runtime/idl/rv6.ts';
import { O_RDWR, O_WRONLY, T_DEVICE } from '../../runtime/idl/fs.ts';
import type { Block } from '../../runtime/idl/layouts.ts';
import type { Net } from '../../runtime/idl/net.ts';
import type { NvmeBDev } from '../../runtime/idl/nvme.ts';
import { EBADF, EINTR, EINVAL, EIO, EMFILE, ESRCH } from '../../runtime/idl/errno.ts';
import { fileClose, fileRead, fileSeek, fileStat, fileWrite } from './file.ts';
import type { File } from './file.ts';
import { Pipe } from './pipe.ts';
import type { Proc } from './proc.ts';
import type { ProcTable } from './table.ts';

/** What halt does. */
export type Halt = () => void;

/** The raw devices handed to programs that ask (the host may replace them: Rv6Core.devices). */
export interface RawDevices {
  nvme: NvmeBDev;
  net: Net;
}

export function syscallsFor(sys: Syscalls, fs: FileSystem, table: ProcTable, halt: Halt, bootMs: number, raw: RawDevices): (p: Proc) => Rv6 {
  const dev = table.dev;
  const gone = (p: Proc): boolean => p.state === 'zombie' || p.killed;
  const fileOf = (p: Proc, fd: number): File | undefined => (Number.isInteger(fd) && fd >= 0 && fd < p.fds.length ? p.fds[fd] : undefined);
  const noData = (errno: number, data: RRef<Block>): RpcResult<RvData> => ok({ errno, n: 0, data });
  const noStat = (errno: number): RvStat => ({ errno, dev: 0, inum: 0, type: 0, nlink: 0, size: 0 });
  const errno = (r: RpcResult<number>): number => (r.ok ? -r.value : -EIO);
  const install = (p: Proc, f: File): number => {
    const fd = p.freeFd();
    if (fd >= 0) p.fds[fd] = f;
    return fd;
  };

  return (p: Proc): Rv6 => ({
    async read(fd: number, n: number, data: RRef<Block>): Promise<RpcResult<RvData>> {
      if (gone(p)) return noData(ESRCH, data);
      const f = fileOf(p, fd);
      if (f === undefined) return noData(EBADF, data);
      if (!(n >= 0 && n <= IO_MAX)) return noData(EINVAL, data);
      return ok(await fileRead(dev, p, f, n, data));
    },
    async write(fd: number, n: number, data: RRef<Block>): Promise<RpcResult<RvData>> {
      if (gone(p)) return noData(ESRCH, data);
      const f = fileOf(p, fd);
      if (f === undefined) return noData(EBADF, data);
      if (!(n >= 0 && n <= IO_MAX)) return noData(EINVAL, data);
      return ok(await fileWrite(dev, p, f, n, data));
    },
    async open(path: string, flags: number): Promise<RpcResult<number>> {
      if (gone(p)) return ok(-ESRCH);
      const r = await fs.open(p.cwd, path, flags);
      if (!r.ok) return ok(-EIO);
      if (r.value.errno !== 0) return ok(-r.value.errno);
      const readable = (flags & O_WRONLY) === 0;
      const writable = (flags & (O_WRONLY | O_RDWR)) !== 0;
      let f: File = { kind: 'inode', refs: 1, ref: r.value.ref, readable, writable, off: 0 };
      if (r.value.type === T_DEVICE && r.value.major === CONSOLE_MAJOR) {
        await fileClose(dev, f);
        f = { kind: 'console', refs: 1, readable, writable };
      }
      const fd = install(p, f);
      if (fd < 0) await fileClose(dev, f);
      return ok(fd < 0 ? -EMFILE : fd);
    },
    async close(fd: number): Promise<RpcResult<number>> {
      const f = fileOf(p, fd);
      if (f === undefined) return ok(-EBADF);
      p.fds[fd] = undefined;
      await fileClose(dev, f);
      return ok(0);
    },
    async dup(fd: number): Promise<RpcResult<number>> {
      const f = fileOf(p, fd);
      if (f === undefined) return ok(-EBADF);
      const nfd = install(p, f);
      if (nfd < 0) return ok(-EMFILE);
      f.refs++;
      return ok(nfd);
    },
    async pipe(): Promise<RpcResult<RvPipe>> {
      if (gone(p)) return ok({ errno: ESRCH, read: -1, write: -1 });
      const pipe = new Pipe();
      const rf: File = { kind: 'pipe', refs: 1, pipe, readable: true, writable: false };
      const wf: File = { kind: 'pipe', refs: 1, pipe, readable: false, writable: true };
      const r = install(p, rf);
      const w = r < 0 ? -1 : install(p, wf);
      if (w < 0) {
        if (r >= 0) p.fds[r] = undefined;
        return ok({ errno: EMFILE, read: -1, write: -1 });
      }
      return ok({ errno: 0, read: r, write: w });
    },
    async fstat(fd: number): Promise<RpcResult<RvStat>> {
      const f = fileOf(p, fd);
      if (f === undefined) return ok(noStat(EBADF));
      return ok(await fileStat(dev, f));
    },
    async seek(fd: number, offset: number): Promise<RpcResult<number>> {
      const f = fileOf(p, fd);
      if (f === undefined) return ok(-EBADF);
      if (!(Number.isInteger(offset) && offset >= 0)) return ok(-EINVAL);
      return ok(fileSeek(f, offset));
    },
    async mkdir(path: string): Promise<RpcResult<number>> {
      return ok(gone(p) ? -ESRCH : errno(await fs.mkdir(p.cwd, path)));
    },
    async mknod(path: string, major: number, minor: number): Promise<RpcResult<number>> {
      return ok(gone(p) ? -ESRCH : errno(await fs.mknod(p.cwd, path, major, minor)));
    },
    async link(target: string, path: string): Promise<RpcResult<number>> {
      return ok(gone(p) ? -ESRCH : errno(await fs.link(p.cwd, target, path)));
    },
    async unlink(path: string): Promise<RpcResult<number>> {
      return ok(gone(p) ? -ESRCH : errno(await fs.unlink(p.cwd, path)));
    },
    async chdir(path: string): Promise<RpcResult<number>> {
      if (gone(p)) return ok(-ESRCH);
      const r = await fs.chdir(p.cwd, path);
      if (!r.ok) return ok(-EIO);
      if (r.value.errno !== 0) return ok(-r.value.errno);
      const old = p.cwd;
      p.cwd = r.value.ref;
      const c = await fs.close(old);
      return ok(c.ok ? 0 : -EIO);
    },
    async spawn(path: string, argv: string, stdin: number, stdout: number, stderr: number): Promise<RpcResult<number>> {
      if (gone(p)) return ok(-ESRCH);
      const files: (File | undefined)[] = [];
      for (const fd of [stdin, stdout, stderr]) {
        const f = fd === -1 ? undefined : fileOf(p, fd);
        if (fd !== -1 && f === undefined) return ok(-EBADF);
        files.push(f);
      }
      return ok(await table.spawn(p.pid, p.cwd, path, argv, files));
    },
    async wait(pid: number): Promise<RpcResult<RvWait>> {
      return ok(await table.wait(p, pid));
    },
    async kill(pid: number): Promise<RpcResult<number>> {
      return ok(await table.kill(pid));
    },
    async getpid(): Promise<RpcResult<number>> {
      return ok(p.pid);
    },
    async sleep(ticks: number): Promise<RpcResult<number>> {
      if (gone(p)) return ok(-ESRCH);
      const ms = Number.isFinite(ticks) && ticks > 0 ? ticks * TICK_MS : 0;
      await p.interruptible(sys.sleep(ms));
      return ok(p.killed ? -EINTR : 0);
    },
    async uptime(): Promise<RpcResult<number>> {
      return ok(Math.floor((sys.now() - bootMs) / TICK_MS));
    },
    async halt(): Promise<RpcResult<number>> {
      halt();
      return ok(0);
    },
    // Handing the reference out passes core's link on: the program's calls reach the driver
    // (or its shadow) directly, with no crossing through core.
    async nvme(): Promise<RpcResult<NvmeBDev>> {
      return ok(raw.nvme);
    },
    async net(): Promise<RpcResult<Net>> {
      return ok(raw.net);
    },
  });
}
