// The host's program loader, given to the core domain: the kernel verifies each artifact's
// signature (a file that is not a validly signed program is refused with the kernel's reason)
// and loads it as a domain created with the process's Rv6 reference.
import { ENOEXEC } from '../../../runtime/idl/errno.ts';
import { linkOfRv6, stubOfProgram } from '../../../runtime/idl/generated/rv6.ts';
import type { Loaded, Loader, Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { ok } from '../../../runtime/lib/index.ts';
import type { RRefVec, RpcResult } from '../../../runtime/lib/index.ts';
import type { Kernel } from '../../../runtime/kernel/kernel.ts';

interface Running {
  readonly id: number;
  readonly program: Program;
}

export interface HostLoader extends Loader {
  /** Programs loaded and not yet ended. */
  readonly running: () => number;
}

export function hostLoader(kernel: Kernel): HostLoader {
  const programs = new Map<number, Running>();
  let next = 1;
  const refuse = (message: string): RpcResult<Loaded> => ok({ errno: ENOEXEC, handle: -1, message });
  return {
    load(artifact: RRefVec<number>, rv6: Rv6): RpcResult<Loaded> {
      const text = artifact.readUtf8(0, artifact.length);
      artifact.drop();
      const link = linkOfRv6(rv6);
      if (link === undefined) return refuse('no Rv6 reference');
      let info;
      try {
        info = kernel.load(text, { args: [link] });
      } catch (e) {
        return refuse(e instanceof Error ? e.message : String(e));
      }
      const exported = info.exports[0];
      if (exported === undefined || exported.iface !== 'Program') {
        kernel.crash(info.id, 'not a program');
        return refuse(`${info.name} is a domain, but not a program (it does not export Program)`);
      }
      const handle = next++;
      programs.set(handle, { id: info.id, program: kernel.connect(exported, stubOfProgram) });
      return ok({ errno: 0, handle, message: '' });
    },
    program(handle: number): RpcResult<Program> {
      const p = programs.get(handle);
      if (p === undefined) throw new Error(`loader: no program ${handle}`);
      return ok(p.program);
    },
    end(handle: number, reason: string): RpcResult<undefined> {
      const p = programs.get(handle);
      if (p !== undefined) {
        programs.delete(handle);
        kernel.crash(p.id, reason);
        kernel.forget();
      }
      return ok(undefined);
    },
    running: () => programs.size,
  };
}
