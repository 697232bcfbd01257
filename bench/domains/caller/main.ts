// The call benchmark's caller: a loop per test, so each call site sees one kind of callee.
import { RRef, ok } from '../../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Callee, Caller } from '../../../runtime/idl/bench.ts';
import { Cell } from '../../../runtime/idl/layouts.ts';

/** The callee's implementation, in this realm: the plain method call every crossing is compared with. */
function localCallee(): Callee {
  const done = ok(undefined);
  return {
    nop: (): RpcResult<undefined> => done,
    swap: (cell: RRef<Cell>): RpcResult<RRef<Cell>> => ok(cell),
    look: (cell: Borrowed<RRef<Cell>>): RpcResult<undefined> => (cell.isValid ? done : done),
  };
}

export function create(sys: Syscalls, callee: Callee): Caller {
  const local = localCallee();
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
  const loopOf = (test: string): ((n: number) => void) => {
    switch (test) {
      case 'plain': return plain;
      case 'nop': return nop;
      case 'swap': return swap;
      case 'look': return look;
      default: throw new Error(`unknown test ${test}`);
    }
  };
  return {
    run(test: string, calls: number): RpcResult<number> {
      const loop = loopOf(test);
      const start = sys.now();
      loop(calls);
      return ok(sys.now() - start);
    },
  };
}
