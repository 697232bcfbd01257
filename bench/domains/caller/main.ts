// The call benchmark's caller: a loop per test, so each call site sees one kind of callee.
import { RRef, ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Callee, Caller } from '../../../runtime/idl/bench.ts';
import { Cell } from '../../../runtime/idl/layouts.ts';
import { calleeImpl } from '../callee/main.ts';

export function create(sys: Syscalls, callee: Callee): Caller {
  // The same implementation in this realm: the plain method call every crossing is compared with.
  const local = calleeImpl();
  let cell = RRef.new(Cell, { value: 0 });
  const failed = (what: string): never => {
    throw new Error(`${what} failed during the benchmark`);
  };
  const plain = (n: number): void => {
    for (let i = 0; i < n; i++) if (!local.nop().ok) failed('plain');
  };
  const nop = (n: number): void => {
    for (let i = 0; i < n; i++) if (!callee.nop().ok) failed('nop');
  };
  const swap = (n: number): void => {
    for (let i = 0; i < n; i++) {
      const r = callee.swap(cell);
      if (!r.ok) failed('swap');
      else cell = r.value;
    }
  };
  const look = (n: number): void => {
    for (let i = 0; i < n; i++) if (!callee.look(cell).ok) failed('look');
  };
  const tests: Record<string, (n: number) => void> = { plain, nop, swap, look };
  return {
    run(test: string, calls: number): RpcResult<number> {
      const loop = tests[test];
      if (loop === undefined) throw new Error(`unknown test ${test}`);
      const start = sys.now();
      loop(calls);
      return ok(sys.now() - start);
    },
  };
}
