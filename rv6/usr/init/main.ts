// init: the first process. Runs the shell on the console (passing on its own arguments, so
// 'init -c cmds' runs a script) and ends with it; a shell that crashed is started again.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { CRASHED, KILLED } from '../../../runtime/idl/rv6.ts';
import { argvOf, argvString, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const args = argvOf(argv).slice(1);
      for (;;) {
        const pid = await rv6.spawn('/sh', argvString(['sh', ...args]), 0, 1, 2);
        if (!pid.ok) return ok(1);
        if (pid.value < 0) {
          await print(rv6, 2, `init: cannot start sh: ${errstr(pid.value)}\n`);
          return ok(1);
        }
        const w = await rv6.wait(pid.value);
        if (!w.ok) return ok(1);
        if (w.value.how === CRASHED && args.length === 0) {
          await print(rv6, 2, 'init: sh crashed; starting it again\n');
          continue;
        }
        return ok(w.value.how === KILLED || w.value.how === CRASHED ? 1 : w.value.status);
      }
    },
  };
}
