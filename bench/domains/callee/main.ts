// The call benchmark's callee: each method does as little as its crossing allows.
import { ok } from '../../../runtime/lib/index.ts';
import type { Borrowed, RRef, RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { Callee } from '../../../runtime/idl/bench.ts';
import type { Cell } from '../../../runtime/idl/layouts.ts';

const done = ok(undefined);

export function calleeImpl(): Callee {
  return {
    nop(): RpcResult<undefined> {
      return done;
    },
    swap(cell: RRef<Cell>): RpcResult<RRef<Cell>> {
      return ok(cell);
    },
    look(cell: Borrowed<RRef<Cell>>): RpcResult<undefined> {
      void cell;
      return done;
    },
  };
}

export function create(sys: Syscalls): Callee {
  void sys;
  return calleeImpl();
}
