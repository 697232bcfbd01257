// wc: counts lines, words and bytes of files (or its input).
import { ok, RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { IO_MAX } from '../../../runtime/idl/rv6.ts';
import { O_RDONLY } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  async function wc(fd: number, name: string): Promise<number> {
    let lines = 0, words = 0, bytes = 0;
    let inword = false;
    let buf = RRef.new(Block);
    for (;;) {
      const r = await rv6.read(fd, IO_MAX, buf);
      if (!r.ok) return 1;
      buf = r.value.data;
      const n = r.value.n;
      if (r.value.errno !== 0) {
        buf.drop();
        await print(rv6, 2, `wc: read error: ${errstr(-r.value.errno)}\n`);
        return 1;
      }
      if (n === 0) {
        buf.drop();
        break;
      }
      bytes += n;
      buf.withBytes((b) => {
        for (let i = 0; i < n; i++) {
          const c = b[i] ?? 0;
          if (c === 10) lines++;
          if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11) inword = false;
          else if (!inword) {
            words++;
            inword = true;
          }
        }
      });
    }
    await print(rv6, 1, `${lines} ${words} ${bytes} ${name}\n`);
    return 0;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const files = argvOf(argv).slice(1);
      if (files.length === 0) return ok(await wc(0, ''));
      for (const name of files) {
        const fd = await rv6.open(name, O_RDONLY);
        if (!fd.ok || fd.value < 0) {
          await print(rv6, 2, `wc: cannot open ${name}\n`);
          return ok(1);
        }
        const s = await wc(fd.value, name);
        const c = await rv6.close(fd.value);
        if (s !== 0 || !c.ok) return ok(1);
      }
      return ok(0);
    },
  };
}
