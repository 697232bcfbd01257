// The host's program loader, given to the core domain: the kernel verifies each artifact's
// signature (a file that is not a validly signed program is refused with the kernel's reason)
// and loads it as a domain created with the process's Rv6 reference. Verification is most of
// a spawn, so what the kernel accepted is kept by the SHA-256 of the file's bytes: the same
// bytes again load without a new check, new bytes are verified.
import { createHash } from 'node:crypto';
import { ENOEXEC } from '../../../runtime/idl/errno.ts';
import { linkOfRv6, stubOfProgram } from '../../../runtime/idl/generated/rv6.ts';
import type { Loaded, Loader, Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { ok } from '../../../runtime/lib/index.ts';
import type { RRefVec, RpcResult } from '../../../runtime/lib/index.ts';
import type { Kernel, VerifiedArtifact } from '../../../runtime/kernel/kernel.ts';

/** Verified artifacts kept (a program is about 200 KB; the kernel holds each bundle once). */
const CACHED = 64;

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
  const verified = new Map<string, VerifiedArtifact>();
  let next = 1;
  const refuse = (message: string): RpcResult<Loaded> => ok({ errno: ENOEXEC, handle: -1, message });
  return {
    load(artifact: RRefVec<number>, rv6: Rv6): RpcResult<Loaded> {
      // A copy out of the shared heap, hashed and decoded natively (a 200 KB file each spawn).
      const bytes = artifact.withBytes((b) => Buffer.from(b.subarray(0, artifact.length)));
      artifact.drop();
      const link = linkOfRv6(rv6);
      if (link === undefined) return refuse('no Rv6 reference');
      let info;
      try {
        const hash = createHash('sha256').update(bytes).digest('hex');
        let token = verified.get(hash);
        if (token === undefined) {
          token = kernel.verify(bytes.toString('utf8'));
          if (verified.size >= CACHED) verified.delete(verified.keys().next().value!);
          verified.set(hash, token);
        }
        info = kernel.loadVerified(token, { args: [link] });
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
