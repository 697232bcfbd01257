// A RAM block device for tests of the file system: BDev over memory, with a volatile write
// cache like the NVMe model's, and controls to cut the power.
import type { RpcResult } from '../lib/index.ts';
import type { BDev } from './bdev.ts';

/** What the RAM disk counted. */
export type RamDiskStats = {
  readonly reads: number;
  readonly writes: number;
  readonly flushes: number;
  /** Blocks written since the last flush (in the volatile cache). */
  readonly pending: number;
};

/**
 * A RAM disk as the test bench sees it: the block device it serves, and its power switch.
 * @idl
 */
export interface RamDisk {
  /** The disk's BDev, to hand to a file system. */
  disk(): RpcResult<BDev>;
  /**
   * Cuts the power: writes not yet flushed are lost, except those a pseudo-random choice seeded
   * by `seed` keeps (0 keeps none), as a write cache drains in any order. Returns how many were
   * lost.
   */
  powerCut(seed: number): RpcResult<number>;
  /**
   * Cuts the power (as powerCut(seed)) when `writes` more writes have been made; from then on
   * writes and flushes are ignored until powerOn.
   */
  cutAfter(writes: number, seed: number): RpcResult<undefined>;
  /** Lets writes through again. */
  powerOn(): RpcResult<undefined>;
  stats(): RpcResult<RamDiskStats>;
}

/**
 * How a RAM disk is created: its size in 4 KiB blocks, all zero.
 * @create
 */
export interface CreateRamDisk {
  create(blocks: number): RamDisk;
}
