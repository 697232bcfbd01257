// echo: prints its arguments.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const r = await print(rv6, 1, `${argvOf(argv).slice(1).join(' ')}\n`);
      return ok(r < 0 ? 1 : 0);
    },
  };
}
