import type { Borrowed, RRef, RpcResult } from '../lib/index.ts';
import type { Block } from './layouts.ts';
import type { NvmeBDev } from './nvme.ts';

/**
 * A block device of 4 KiB blocks (RedLeaf's BDev).
 * @idl
 */
export interface BDev {
  /** Reads block `block` into `data` (moved in) and hands the buffer back. */
  read(block: bigint, data: RRef<Block>): RpcResult<RRef<Block>>;
  /** Writes `data` (lent for the call) to block `block`. */
  write(block: bigint, data: Borrowed<RRef<Block>>): RpcResult<undefined>;
  /** Number of 4 KiB blocks. */
  blocks(): RpcResult<bigint>;
  /** Makes every completed write durable (the device's volatile cache is flushed). */
  flush(): RpcResult<undefined>;
}

/**
 * How a block device over an NVMe driver is created: with the driver to send requests to.
 * @create
 */
export interface CreateBDev {
  create(nvme: NvmeBDev): BDev;
}
