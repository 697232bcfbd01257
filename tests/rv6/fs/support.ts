// A machine for the file-system tests: a kernel, a RAM disk domain holding an image, and the
// fs domain mounted on it; helpers that speak FileSystem in whole files.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { stubOfFileSystem } from '../../../runtime/idl/generated/fs.ts';
import { linkOfBDev } from '../../../runtime/idl/generated/bdev.ts';
import { stubOfRamDisk } from '../../../runtime/idl/generated/ramdisk.ts';
import type { BDev } from '../../../runtime/idl/bdev.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, ROOT_CWD } from '../../../runtime/idl/fs.ts';
import { errnoName } from '../../../runtime/idl/errno.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import type { RamDisk } from '../../../runtime/idl/ramdisk.ts';
import { RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult } from '../../../runtime/lib/index.ts';
import { bundleDomain } from '../../../runtime/kernel/bundle.ts';
import type { Kernel } from '../../../runtime/kernel/kernel.ts';
import type { Artifact } from '../../../signer/artifact.ts';
import { signBundle } from '../../../signer/sign.ts';
import { testKernel, testKey } from '../../kernel/support.ts';

export { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, ROOT_CWD };

export const PAGE = 4096;
export const BSIZE = 1024;

// xv6's own mkfs image and its files' checksums, as the host-tool suites keep them.
export { fixtureImage, fixtureSums } from '../host/support.ts';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let artifacts: Promise<{ fs: Artifact; ramdisk: Artifact }> | undefined;

/** The signed fs and RAM disk domains, built once per test file. */
export function domains(): Promise<{ fs: Artifact; ramdisk: Artifact }> {
  artifacts ??= (async () => ({
    fs: signBundle(await bundleDomain(fileURLToPath(new URL('../../../rv6/fs/', import.meta.url))), testKey),
    ramdisk: signBundle(await bundleDomain(fileURLToPath(new URL('../domains/ramdisk/', import.meta.url))), testKey),
  }))();
  return artifacts;
}

export function unwrap<T>(r: RpcResult<T>): T {
  if (!r.ok) throw new Error(`call failed: ${r.error.message}`);
  return r.value;
}

export interface Machine {
  readonly kernel: Kernel;
  readonly output: string[];
  readonly ram: RamDisk;
  readonly disk: BDev;
  /** The mounted fs (replaced by remount). */
  fs: FileSystem;
  fsId: number;
  /** Loads a new fs domain on the same disk (the old one should be dead or idle). */
  remount(): Promise<void>;
  shutdown(): void;
}

/** A machine whose disk holds `image` (padded to whole pages), or `pages` zero pages. */
export async function machine(image: Uint8Array, options: { pages?: number; mount?: boolean } = {}): Promise<Machine> {
  const { fs: fsArt, ramdisk } = await domains();
  const t = testKernel({ heap: { size: 48 * 1024 * 1024, maxObjects: 64 * 1024 } });
  const pages = options.pages ?? Math.ceil(image.length / PAGE);
  const rd = t.kernel.load(ramdisk, { args: [pages] });
  const ram = t.kernel.connect(rd.exports[0]!, stubOfRamDisk);
  const disk = unwrap(ram.disk());
  writeImage(disk, image);
  const m: Machine = {
    kernel: t.kernel,
    output: t.output,
    ram,
    disk,
    fs: undefined as unknown as FileSystem,
    fsId: -1,
    async remount() {
      const d = t.kernel.load(fsArt, { args: [linkOfBDev(disk)!] });
      m.fsId = d.id;
      m.fs = t.kernel.connect(d.exports[0]!, stubOfFileSystem);
    },
    shutdown: () => t.kernel.shutdown(),
  };
  if (options.mount !== false) await m.remount();
  return m;
}

/** Writes `image` to the disk from page 0 and flushes. */
export function writeImage(disk: BDev, image: Uint8Array): void {
  const buf = RRef.new(Block);
  for (let p = 0; p * PAGE < image.length; p++) {
    const chunk = image.subarray(p * PAGE, Math.min(image.length, (p + 1) * PAGE));
    buf.withBytes((b) => {
      b.fill(0);
      b.set(chunk);
    });
    unwrap(disk.write(BigInt(p), buf));
  }
  unwrap(disk.flush());
  buf.drop();
}

/** The disk's current contents (what a reader sees: flushed or not). */
export function readImage(disk: BDev): Uint8Array {
  const pages = Number(unwrap(disk.blocks()));
  const out = new Uint8Array(pages * PAGE);
  let buf = RRef.new(Block);
  for (let p = 0; p < pages; p++) {
    buf = unwrap(disk.read(BigInt(p), buf));
    buf.withBytes((b) => out.set(b, p * PAGE));
  }
  buf.drop();
  return out;
}

/** Fails with the errno's name unless it is 0. */
export function check(errno: number, what: string): void {
  if (errno !== 0) throw new Error(`${what}: ${errnoName(errno)}`);
}

export async function open(fs: FileSystem, path: string, flags: number, cwd = ROOT_CWD): Promise<number> {
  const r = unwrap(await fs.open(cwd, path, flags));
  check(r.errno, `open ${path}`);
  return r.ref;
}

export async function close(fs: FileSystem, ref: number): Promise<void> {
  check(unwrap(await fs.close(ref)), 'close');
}

/** Reads the whole of what `ref` names from `offset`. */
export async function readAll(fs: FileSystem, ref: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let off = 0;
  let buf = RRef.new(Block);
  try {
    for (;;) {
      const r = unwrap(await fs.read(ref, off, PAGE, buf));
      buf = r.data;
      check(r.errno, 'read');
      if (r.n === 0) break;
      const n = r.n;
      parts.push(buf.withBytes((b) => b.slice(0, n)));
      off += n;
    }
  } finally {
    buf.drop();
  }
  return Buffer.concat(parts);
}

/** Writes `bytes` at `offset` in 4 KiB calls; returns the bytes written and the errno that stopped it. */
export async function writeAt(fs: FileSystem, ref: number, offset: number, bytes: Uint8Array): Promise<{ n: number; errno: number }> {
  let buf = RRef.new(Block);
  let done = 0;
  try {
    while (done < bytes.length) {
      const chunk = bytes.subarray(done, Math.min(bytes.length, done + PAGE));
      buf.withBytes((b) => b.set(chunk));
      const r = unwrap(await fs.write(ref, offset + done, chunk.length, buf));
      buf = r.data;
      done += r.n;
      if (r.errno !== 0) return { n: done, errno: r.errno };
      if (r.n < chunk.length) break;
    }
  } finally {
    buf.drop();
  }
  return { n: done, errno: 0 };
}

export async function readFile(fs: FileSystem, path: string, cwd = ROOT_CWD): Promise<Uint8Array> {
  const ref = await open(fs, path, O_RDONLY, cwd);
  try {
    return await readAll(fs, ref);
  } finally {
    await close(fs, ref);
  }
}

export async function writeFile(fs: FileSystem, path: string, bytes: Uint8Array, cwd = ROOT_CWD): Promise<void> {
  const ref = await open(fs, path, O_CREATE | O_WRONLY | O_TRUNC, cwd);
  try {
    const r = await writeAt(fs, ref, 0, bytes);
    check(r.errno, `write ${path}`);
    if (r.n !== bytes.length) throw new Error(`write ${path}: ${r.n} of ${bytes.length} bytes`);
  } finally {
    await close(fs, ref);
  }
}

/** The names of a directory's entries (inode number 0 skipped), as ls would list them. */
export async function list(fs: FileSystem, path: string, cwd = ROOT_CWD): Promise<Map<string, number>> {
  const raw = await readFile(fs, path, cwd);
  const names = new Map<string, number>();
  for (let off = 0; off + 16 <= raw.length; off += 16) {
    const inum = raw[off]! | (raw[off + 1]! << 8);
    if (inum === 0) continue;
    const name = raw.subarray(off + 2, off + 16);
    const end = name.indexOf(0);
    names.set(Buffer.from(end < 0 ? name : name.subarray(0, end)).toString('utf8'), inum);
  }
  return names;
}

/** Deterministic bytes. */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    b[i] = s & 0xff;
  }
  return b;
}
