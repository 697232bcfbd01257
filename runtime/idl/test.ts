// Interfaces of the kernel's own test domains.
import type { Borrowed, RRef, RRefVec, RpcResult } from '../lib/index.ts';
import type { Block, Cell } from './layouts.ts';

/** What a domain learns from its syscall capability (Echo.sysInfo). */
export type SysInfo = {
  readonly domainId: number;
  readonly objects: number;
  readonly bytes: number;
  /** Milliseconds a yield and a 1 ms sleep took, by the kernel's clock. */
  readonly waitedMs: number;
};

/** Two cells and their sum (Echo.pair). */
export type CellPair = {
  readonly first: RRef<Cell>;
  readonly second: RRef<Cell>;
  readonly sum: number;
};

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
  /** Calls next.crash(message) and returns what it got: a crash two hops away. */
  crashVia(next: Echo, message: string): RpcResult<undefined>;
  /** Awaits next.later(value, ms) and returns its result: an asynchronous chain. */
  laterVia(next: Echo, value: number, ms: number): Promise<RpcResult<number>>;
  /** Calls count, the number of calls this instance has served (shadow tests). */
  calls(): RpcResult<number>;
  /** Moves two cells in and hands them back swapped, with their sum: several moves and a record. */
  pair(first: RRef<Cell>, second: RRef<Cell>): RpcResult<CellPair>;
  /** Asks the syscall capability about itself, after a yield and a sleep. */
  sysInfo(): Promise<RpcResult<SysInfo>>;
}

/**
 * How a test domain that exports Echo is created. `crashOnCall` crashes each instance on that
 * call it serves (counted from 1; 0 never), so a restarted instance crashes again after as many
 * calls; `crashEveryMs` crashes it from a thread after so many milliseconds (0 never).
 * @create
 */
export interface CreateEcho {
  create(label: string, crashOnCall: number, crashEveryMs: number): Echo;
}

/**
 * A domain that inspects its own realm, for the isolation tests.
 * @idl
 */
export interface Probe {
  /**
   * Walks every object reachable from the domain's globals, its syscall capability, its Echo
   * stub and everything calls through it returned; reports any object of another realm.
   */
  audit(): RpcResult<string>;
  /** Tries known ways out of the realm through what the kernel handed it; reports those that worked. */
  escape(): RpcResult<string>;
}

/**
 * How a Probe is created: it gets an Echo to call.
 * @create
 */
export interface CreateProbe {
  create(target: Echo): Probe;
}

/**
 * A domain that uses a device it was granted (the kernel's device tests).
 * @idl
 */
export interface RegisterProbe {
  read(offset: number): RpcResult<number>;
  write(offset: number, value: number): RpcResult<undefined>;
  /** Keeps `buffer` and lets the device DMA into it; returns its device address. */
  grant(buffer: RRef<Block>): RpcResult<number>;
  /** Tries to let the device DMA into a lent buffer (the kernel refuses: the domain does not own it). */
  grantLent(buffer: Borrowed<RRef<Block>>): RpcResult<number>;
}

/**
 * How a RegisterProbe is created: the name of the device it uses.
 * @create
 */
export interface CreateRegisterProbe {
  create(device: string): RegisterProbe;
}
