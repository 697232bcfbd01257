// Interfaces of the call benchmark (`npm run bench -- calls`): RedLeaf's Table 1.
import type { Borrowed, RRef, RpcResult } from '../lib/index.ts';
import type { Cell } from './layouts.ts';
import type { Net } from './net.ts';
import type { NvmeBDev } from './nvme.ts';

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

/**
 * The block benchmark's application: keeps `depth` random 4 KiB requests in flight against
 * the NVMe interface it was given, for `ms` milliseconds.
 * @idl
 */
export interface BlockApp {
  /** Returns how many requests completed (an error status stops the run and fails it). */
  run(write: boolean, depth: number, ms: number): RpcResult<number>;
}

/**
 * How the block benchmark's application is created: with the driver (or its shadow) to use.
 * @create
 */
export interface CreateBlockApp {
  create(nvme: NvmeBDev): BlockApp;
}

/**
 * The packet benchmark's application: sends 64-byte frames, or receives, in batches of
 * `batch` buffers per call, for `ms` milliseconds.
 * @idl
 */
export interface PacketApp {
  /** Returns how many frames were sent (their buffers came back) or received. */
  run(tx: boolean, batch: number, ms: number): RpcResult<number>;
}

/**
 * How the packet benchmark's application is created: with the NIC driver (or its shadow).
 * @create
 */
export interface CreatePacketApp {
  create(net: Net): PacketApp;
}
