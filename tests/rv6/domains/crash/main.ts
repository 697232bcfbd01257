// A program that crashes on purpose: it opens a file and a pipe (which core must release), then
// throws. With the argument 'hold' it first blocks reading its own pipe, to be killed.
import type { RpcResult, Syscalls } from '../../../../runtime/lib/index.ts';
import { ok } from '../../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../../runtime/idl/rv6.ts';
import { O_CREATE, O_WRONLY } from '../../../../runtime/idl/fs.ts';
import { argvOf, print, readText } from '../../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const f = await rv6.open('crash.out', O_CREATE | O_WRONLY);
      const p = await rv6.pipe();
      if (!f.ok || !p.ok) return ok(1);
      await print(rv6, f.value, 'about to crash\n');
      if (argvOf(argv)[1] === 'hold') {
        const got = await readText(rv6, p.value.read);
        return ok(typeof got === 'string' ? 0 : 1);
      }
      throw new Error('crashing on purpose');
    },
  };
}
