// rm: removes names (a directory only when empty).
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const args = argvOf(argv).slice(1);
      if (args.length === 0) {
        await print(rv6, 2, 'usage: rm files...\n');
        return ok(1);
      }
      for (const name of args) {
        const r = await rv6.unlink(name);
        if (!r.ok || r.value < 0) {
          await print(rv6, 2, `rm: ${name} failed to delete: ${r.ok ? errstr(r.value) : 'EIO'}\n`);
          return ok(1);
        }
      }
      return ok(0);
    },
  };
}
