// cat: copies files (or its input) to its output, a block at a time, without decoding them.
import { ok, RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { IO_MAX } from '../../../runtime/idl/rv6.ts';
import { O_RDONLY } from '../../../runtime/idl/fs.ts';
import { EIO } from '../../../runtime/idl/errno.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  /** Copies fd to the output; 0, or -errno. */
  async function copy(fd: number): Promise<number> {
    let buf = RRef.new(Block);
    for (;;) {
      const r = await rv6.read(fd, IO_MAX, buf);
      if (!r.ok) return -EIO;
      buf = r.value.data;
      if (r.value.errno !== 0 || r.value.n === 0) {
        buf.drop();
        return -r.value.errno;
      }
      const w = await rv6.write(1, r.value.n, buf);
      if (!w.ok) return -EIO;
      buf = w.value.data;
      if (w.value.errno !== 0) {
        buf.drop();
        return -w.value.errno;
      }
    }
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const files = argvOf(argv).slice(1);
      if (files.length === 0) return ok((await copy(0)) < 0 ? 1 : 0);
      for (const name of files) {
        const fd = (await rv6.open(name, O_RDONLY));
        if (!fd.ok) return ok(1);
        if (fd.value < 0) {
          await print(rv6, 2, `cat: cannot open ${name}: ${errstr(fd.value)}\n`);
          return ok(1);
        }
        const e = await copy(fd.value);
        const c = await rv6.close(fd.value);
        if (!c.ok || e < 0) {
          await print(rv6, 2, `cat: read error in ${name}: ${errstr(e)}\n`);
          return ok(1);
        }
      }
      return ok(0);
    },
  };
}
