// The call benchmark's callee: each method does as little as its crossing allows.
import { ok } from '../../../runtime/lib/index.ts';
import type { Borrowed, RRef, RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Callee } from '../../../runtime/idl/bench.ts';
import type { Cell } from '../../../runtime/idl/layouts.ts';

export function create(sys: Syscalls): Callee {
  const done = ok(undefined);
  void sys;
  return {
    nop: (): RpcResult<undefined> => done,
    swap: (cell: RRef<Cell>): RpcResult<RRef<Cell>> => ok(cell),
    look: (cell: Borrowed<RRef<Cell>>): RpcResult<undefined> => (cell.isValid ? done : done),
  };
}
