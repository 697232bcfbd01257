// Installs programs into a mounted image through the file system domain: at boot, when the
// signed artifacts are newer than the image (the programs were rebuilt since it was made).
import { Block } from '../../../runtime/idl/layouts.ts';
import { O_CREATE, O_TRUNC, O_WRONLY, ROOT_CWD } from '../../../runtime/idl/fs.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { errnoName } from '../../../runtime/idl/errno.ts';
import { RRef } from '../../../runtime/lib/index.ts';

export async function installFile(fs: FileSystem, path: string, bytes: Uint8Array): Promise<void> {
  const o = await fs.open(ROOT_CWD, path, O_CREATE | O_WRONLY | O_TRUNC);
  if (!o.ok || o.value.errno !== 0) throw new Error(`install ${path}: ${o.ok ? errnoName(o.value.errno) : o.error.message}`);
  let buf = RRef.new(Block);
  try {
    for (let off = 0; off < bytes.length; off += 4096) {
      const chunk = bytes.subarray(off, Math.min(bytes.length, off + 4096));
      buf.withBytes((b) => b.set(chunk));
      const r = await fs.write(o.value.ref, off, chunk.length, buf);
      if (!r.ok) throw new Error(`install ${path}: ${r.error.message}`);
      buf = r.value.data;
      if (r.value.errno !== 0 || r.value.n !== chunk.length) throw new Error(`install ${path}: ${errnoName(r.value.errno)}`);
    }
  } finally {
    if (buf.isValid) buf.drop();
    // A failed close means the fs crashed: the next call reports it.
    void (await fs.close(o.value.ref));
  }
}
