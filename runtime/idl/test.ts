// Interfaces of the kernel's own test domains.
import type { Borrowed, RRef, RRefVec, RpcResult } from '../lib/index.ts';
import type { Cell } from './layouts.ts';

/**
 * Exercises every kind of crossing.
 * @idl
 */
export interface Echo {
  ping(): RpcResult<undefined>;
  add(a: number, b: number): RpcResult<number>;
  /** Moves a cell in, increments it, moves it back. */
  bump(cell: RRef<Cell>): RpcResult<RRef<Cell>>;
  /** Reads a lent cell. */
  peek(cell: Borrowed<RRef<Cell>>): RpcResult<number>;
  /** Keeps the bytes (moved in) and returns their length. */
  consume(bytes: RRefVec<number>): RpcResult<number>;
  /** Sleeps, then answers: the asynchronous path. */
  later(value: number, ms: number): Promise<RpcResult<number>>;
  /** Calls through to another Echo: nested chains A -> B -> C. */
  forward(next: Echo, a: number, b: number): RpcResult<number>;
  /** Crashes on purpose (a throw escapes the domain). */
  crash(message: string): RpcResult<undefined>;
}

/**
 * How a test domain that exports Echo is created.
 * @create
 */
export interface CreateEcho {
  create(): Echo;
}
