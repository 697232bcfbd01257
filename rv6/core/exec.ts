// Reading a program (xv6's exec.c, first half): the file's bytes, which hold a signed domain
// artifact, into a shared-heap vector the loader takes.
import { RRef, RRefVec, u8 } from '../../runtime/lib/index.ts';
import type { FileSystem } from '../../runtime/idl/fs.ts';
import { O_RDONLY, T_FILE } from '../../runtime/idl/fs.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { EIO, ENOENT, ENOEXEC } from '../../runtime/idl/errno.ts';

export type Image = { readonly errno: number; readonly bytes: RRefVec<number> | undefined };

const failed = (errno: number): Image => ({ errno, bytes: undefined });

/** Opens `path` (a bare name is also looked for in '/') and reads it whole. */
export async function readProgram(fs: FileSystem, cwd: number, path: string): Promise<Image> {
  let o = await fs.open(cwd, path, O_RDONLY);
  if (o.ok && o.value.errno === ENOENT && !path.includes('/')) o = await fs.open(cwd, `/${path}`, O_RDONLY);
  if (!o.ok) return failed(EIO);
  if (o.value.errno !== 0) return failed(o.value.errno);
  const image = o.value.type === T_FILE ? await readAll(fs, o.value.ref) : failed(ENOEXEC);
  const c = await fs.close(o.value.ref);
  if (c.ok) return image;
  image.bytes?.drop();
  return failed(EIO);
}

async function readAll(fs: FileSystem, ref: number): Promise<Image> {
  const st = await fs.fstat(ref);
  if (!st.ok || st.value.errno !== 0) return failed(EIO);
  const size = st.value.size;
  const bytes = RRefVec.new(u8, size);
  let buf = RRef.new(Block);
  for (let off = 0; off < size;) {
    const r = await fs.read(ref, off, Math.min(4096, size - off), buf);
    if (!r.ok) {
      bytes.drop();
      return failed(EIO);
    }
    buf = r.value.data;
    const n = r.value.n;
    if (r.value.errno !== 0 || n === 0) {
      buf.drop();
      bytes.drop();
      return failed(r.value.errno === 0 ? EIO : r.value.errno);
    }
    bytes.copyFrom(buf, 0, off, n);
    off += n;
  }
  buf.drop();
  return { errno: 0, bytes };
}
