// uptime: ticks since boot.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(): Promise<RpcResult<number>> {
      const r = await rv6.uptime();
      if (!r.ok) return ok(1);
      await print(rv6, 1, `${r.value}\n`);
      return ok(0);
    },
  };
}
