// Interfaces of the call benchmark (`npm run bench -- calls`): RedLeaf's Table 1.
import type { Borrowed, RRef, RpcResult } from '../lib/index.ts';
import type { Cell } from './layouts.ts';

/**
 * The callee: each method does as little as its crossing allows.
 * @idl
 */
export interface Callee {
  nop(): RpcResult<undefined>;
  /** Takes a cell (moved in) and hands it back (moved out). */
  swap(cell: RRef<Cell>): RpcResult<RRef<Cell>>;
  /** Looks at a lent cell. */
  look(cell: Borrowed<RRef<Cell>>): RpcResult<undefined>;
}

/**
 * How the callee is created.
 * @create
 */
export interface CreateCallee {
  create(): Callee;
}

/**
 * The caller: runs a loop of calls inside its own realm, so a measurement holds no crossing
 * but the ones it measures.
 * @idl
 */
export interface Caller {
  /**
   * Makes `calls` calls of kind `test` ('plain': to an object of its own realm; 'nop', 'swap',
   * 'look': to its callee) and returns the milliseconds they took.
   */
  run(test: string, calls: number): RpcResult<number>;
}

/**
 * How the caller is created: with the callee to call.
 * @create
 */
export interface CreateCaller {
  create(callee: Callee): Caller;
}
