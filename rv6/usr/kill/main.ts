// kill: ends processes by pid.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const args = argvOf(argv).slice(1);
      if (args.length === 0) {
        await print(rv6, 2, 'usage: kill pid...\n');
        return ok(1);
      }
      let status = 0;
      for (const a of args) {
        const r = await rv6.kill(Number.parseInt(a, 10));
        if (!r.ok || r.value < 0) {
          await print(rv6, 2, `kill: ${a}: ${r.ok ? errstr(r.value) : 'EIO'}\n`);
          status = 1;
        }
      }
      return ok(status);
    },
  };
}
