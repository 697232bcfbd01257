// ln: gives a file a second name.
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, errstr, print } from '../../../runtime/idl/ulib.ts';

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const [, target, path] = argvOf(argv);
      if (target === undefined || path === undefined) {
        await print(rv6, 2, 'usage: ln old new\n');
        return ok(1);
      }
      const r = await rv6.link(target, path);
      if (!r.ok || r.value < 0) {
        await print(rv6, 2, `link ${target} ${path}: failed: ${r.ok ? errstr(r.value) : 'EIO'}\n`);
        return ok(1);
      }
      return ok(0);
    },
  };
}
