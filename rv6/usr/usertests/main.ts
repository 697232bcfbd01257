// usertests: xv6's usertests for rv6. Each test prints its name, runs, and says OK or what went
// wrong; any failure makes the exit status 1. With names as arguments only those tests run.
// 'usertests -child <what> ...' is a helper process the tests spawn (rv6 has no fork).
import { ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, print } from '../../../runtime/idl/ulib.ts';
import { concurChildren, concurTests } from './concur.ts';
import { dirTests } from './dirs.ts';
import { fileTests } from './files.ts';
import { limitTests } from './limits.ts';
import { Failure, KnownFailure, U } from './lib.ts';
import { procChildren, procTests } from './procs.ts';
import type { Child, Test } from './lib.ts';

const tests: readonly (readonly [string, Test])[] = [...fileTests, ...dirTests, ...concurTests, ...procTests, ...limitTests];
const children = new Map<string, Child>([...concurChildren, ...procChildren]);

export function create(_sys: Syscalls, rv6: Rv6): Program {
  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const words = argvOf(argv);
      const name = words[0] ?? 'usertests';
      const u = new U(rv6, name.startsWith('/') ? name : `/${name}`);
      if (words[1] === '-child') {
        const child = children.get(words[2] ?? '');
        if (child === undefined) return ok(2);
        try {
          return ok(await child(u, words.slice(3)));
        } catch (e) {
          // A failed check; anything else crashes the helper, as 'crash' means to.
          if (!(e instanceof Failure)) throw e;
          await print(rv6, 2, `usertests -child ${words[2] ?? ''}: ${e.message}\n`);
          return ok(1);
        }
      }
      const only = words.slice(1);
      const unknown = only.filter((w) => !tests.some(([t]) => t === w));
      if (unknown.length > 0) {
        await u.say(`usertests: no test ${unknown.join(', ')}\n`);
        return ok(2);
      }
      await u.say('usertests starting\n');
      let failed = 0;
      for (const [test, run] of tests) {
        if (only.length > 0 && !only.includes(test)) continue;
        // Every test starts in '/', whatever directory a failed one left it in.
        u.good(await u.chdir('/'), 'chdir /');
        await u.say(`test ${test}: `);
        try {
          await run(u);
          await u.say('OK\n');
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          if (e instanceof KnownFailure) await u.say(`KNOWN FAILURE: ${why}\n`);
          else {
            failed++;
            await u.say(`FAILED: ${e instanceof Failure ? '' : 'threw: '}${why}\n`);
          }
        }
      }
      if (failed > 0) {
        await u.say(`SOME TESTS FAILED (${failed})\n`);
        return ok(1);
      }
      await u.say('ALL TESTS PASSED\n');
      return ok(0);
    },
  };
}
