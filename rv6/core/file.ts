// Open files (xv6's file.c): an inode of the file system with its offset, a pipe end, or the
// console. Descriptors share an open file (dup, spawn); the last one to close releases it.
import { RRef } from '../../runtime/lib/index.ts';
import type { FileSystem } from '../../runtime/idl/fs.ts';
import { T_DEVICE } from '../../runtime/idl/fs.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import type { RvData, RvStat } from '../../runtime/idl/rv6.ts';
import { EBADF, EIO, ESPIPE } from '../../runtime/idl/errno.ts';
import type { ConsoleDevice } from './console.ts';
import type { Pipe } from './pipe.ts';
import type { Proc } from './proc.ts';

export type File =
  | { kind: 'inode'; refs: number; readonly ref: number; readonly readable: boolean; readonly writable: boolean; off: number }
  | { kind: 'pipe'; refs: number; readonly pipe: Pipe; readonly readable: boolean; readonly writable: boolean }
  | { kind: 'console'; refs: number; readonly readable: boolean; readonly writable: boolean };

const data = (errno: number, n: number, buf: RRef<Block>): RvData => ({ errno, n, data: buf });
const answer = (n: number, buf: RRef<Block>): RvData => (n < 0 ? data(-n, 0, buf) : data(0, n, buf));

/** What the files reach: the file system and the console. */
export interface Devices {
  readonly fs: FileSystem;
  readonly console: ConsoleDevice;
}

/**
 * The tail of each open inode file's reads and writes: they run one at a time, so each starts at
 * the offset the last one left (xv6 holds the inode's lock across the offset update). Without
 * it, two processes writing through one shared descriptor write at the same offset.
 */
const pending = new WeakMap<File, Promise<unknown>>();

function inOrder<T>(f: File, body: () => Promise<T>): Promise<T> {
  const run = (pending.get(f) ?? Promise.resolve()).then(body);
  pending.set(f, run.catch(() => undefined));
  return run;
}

export async function fileRead(dev: Devices, p: Proc, f: File, n: number, buf: RRef<Block>): Promise<RvData> {
  if (!f.readable) return data(EBADF, 0, buf);
  switch (f.kind) {
    case 'inode': return inOrder(f, async () => {
      const r = await dev.fs.read(f.ref, f.off, n, buf);
      if (!r.ok) return data(EIO, 0, RRef.new(Block)); // the fs crashed with the buffer
      if (r.value.errno === 0) f.off += r.value.n;
      return data(r.value.errno, r.value.n, r.value.data);
    });
    case 'pipe': {
      const e = await f.pipe.readable(p);
      return answer(e < 0 ? e : f.pipe.take(n, buf), buf);
    }
    case 'console': {
      const e = await dev.console.readable(p);
      return answer(e < 0 ? e : dev.console.take(n, buf), buf);
    }
  }
}

export async function fileWrite(dev: Devices, p: Proc, f: File, n: number, buf: RRef<Block>): Promise<RvData> {
  if (!f.writable) return data(EBADF, 0, buf);
  switch (f.kind) {
    case 'inode': return inOrder(f, async () => {
      const r = await dev.fs.write(f.ref, f.off, n, buf);
      if (!r.ok) return data(EIO, 0, RRef.new(Block)); // the fs crashed with the buffer
      f.off += r.value.n;
      return data(r.value.errno, r.value.n, r.value.data);
    });
    case 'pipe': {
      const bytes = buf.withBytes((b) => b.slice(0, n));
      return answer(await f.pipe.write(p, n, bytes), buf);
    }
    case 'console': return answer(dev.console.write(n, buf), buf);
  }
}

/** Drops one descriptor's hold on `f`; the last releases the inode or the pipe end. */
export async function fileClose(dev: Devices, f: File): Promise<void> {
  if (--f.refs > 0) return;
  if (f.kind === 'inode') {
    const r = await dev.fs.close(f.ref);
    if (!r.ok) return;
  } else if (f.kind === 'pipe') f.pipe.close(f.writable);
}

export async function fileStat(dev: Devices, f: File): Promise<RvStat> {
  if (f.kind === 'inode') {
    const r = await dev.fs.fstat(f.ref);
    if (!r.ok) return { errno: EIO, dev: 0, inum: 0, type: 0, nlink: 0, size: 0 };
    const s = r.value;
    return { errno: s.errno, dev: s.dev, inum: s.inum, type: s.type, nlink: s.nlink, size: s.size };
  }
  return { errno: 0, dev: 0, inum: 0, type: f.kind === 'console' ? T_DEVICE : 0, nlink: 1, size: 0 };
}

export function fileSeek(f: File, offset: number): number {
  if (f.kind !== 'inode') return -ESPIPE;
  f.off = offset;
  return offset;
}
