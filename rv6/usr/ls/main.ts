// ls: lists a directory's entries (or a file) with type, inode number and size, as xv6's ls.
import { ok, RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { DIRENT_SIZE, DIRSIZ, O_RDONLY, T_DIR } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  const line = (name: string, type: number, inum: number, size: number): string =>
    `${name.padEnd(DIRSIZ)} ${type} ${inum} ${size}\n`;

  /** Type, inode and size of `path`, or undefined. */
  async function stat(path: string): Promise<{ type: number; inum: number; size: number } | undefined> {
    const fd = await rv6.open(path, O_RDONLY);
    if (!fd.ok || fd.value < 0) return undefined;
    const st = await rv6.fstat(fd.value);
    const c = await rv6.close(fd.value);
    if (!st.ok || !c.ok || st.value.errno !== 0) return undefined;
    return { type: st.value.type, inum: st.value.inum, size: st.value.size };
  }

  /** The names in directory `fd`. */
  async function names(fd: number): Promise<string[]> {
    const out: string[] = [];
    let buf = RRef.new(Block);
    for (;;) {
      const r = await rv6.read(fd, 4096, buf);
      if (!r.ok) return out;
      buf = r.value.data;
      const n = r.value.n;
      if (r.value.errno !== 0 || n === 0) {
        buf.drop();
        return out;
      }
      for (let off = 0; off + DIRENT_SIZE <= n; off += DIRENT_SIZE) {
        const inum = buf.withBytes((b) => (b[off] ?? 0) | ((b[off + 1] ?? 0) << 8));
        if (inum === 0) continue;
        const len = buf.withBytes((b) => {
          let l = 0;
          while (l < DIRSIZ && b[off + 2 + l] !== 0) l++;
          return l;
        });
        out.push(buf.readUtf8(off + 2, len));
      }
    }
  }

  async function ls(path: string): Promise<number> {
    const st = await stat(path);
    if (st === undefined) {
      await print(rv6, 2, `ls: cannot open ${path}\n`);
      return 1;
    }
    if (st.type !== T_DIR) {
      await print(rv6, 1, line(path, st.type, st.inum, st.size));
      return 0;
    }
    const fd = await rv6.open(path, O_RDONLY);
    if (!fd.ok || fd.value < 0) {
      await print(rv6, 2, `ls: cannot open ${path}: ${fd.ok ? errstr(fd.value) : 'EIO'}\n`);
      return 1;
    }
    const list = await names(fd.value);
    const c = await rv6.close(fd.value);
    if (!c.ok) return 1;
    let text = '';
    for (const name of list) {
      const s = await stat(path.endsWith('/') ? `${path}${name}` : `${path}/${name}`);
      if (s === undefined) text += `${name.padEnd(DIRSIZ)} ?\n`;
      else text += line(name, s.type, s.inum, s.size);
    }
    await print(rv6, 1, text);
    return 0;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const args = argvOf(argv).slice(1);
      let status = 0;
      for (const path of args.length === 0 ? ['.'] : args) status |= await ls(path);
      return ok(status);
    },
  };
}
