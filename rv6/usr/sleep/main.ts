// sleep: waits so many ticks (10 ms each, as xv6's).
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const ticks = Number.parseInt(argvOf(argv)[1] ?? '', 10);
      if (!Number.isFinite(ticks) || ticks < 0) {
        await print(rv6, 2, 'usage: sleep ticks\n');
        return ok(1);
      }
      const r = await rv6.sleep(ticks);
      return ok(r.ok && r.value === 0 ? 0 : 1);
    },
  };
}
