import type { RRefDeque, RpcResult } from '../lib/index.ts';
import type { BlockRequest } from './layouts.ts';

/** What submitAndPoll hands back: how many requests completed, and both deques. */
export type NvmeBatch = {
  readonly completed: number;
  readonly submit: RRefDeque<BlockRequest, 32>;
  readonly collect: RRefDeque<BlockRequest, 32>;
};

/** Counters of an NVMe driver. */
export type NvmeStats = {
  readonly submitted: bigint;
  readonly completed: bigint;
  readonly errors: bigint;
  /** Times the driver was re-created behind a shadow (0 from a driver itself). */
  readonly restarts: bigint;
};

/**
 * The NVMe driver's batched interface (RedLeaf's NvmeBDev): requests move in a deque, are
 * submitted to the device's queue, and completed ones move back in the other deque.
 * @idl
 */
export interface NvmeBDev {
  /** Submits as many requests of `submit` as the queue takes; moves completions into `collect`. */
  submitAndPoll(submit: RRefDeque<BlockRequest, 32>, collect: RRefDeque<BlockRequest, 32>): RpcResult<NvmeBatch>;
  /** Moves completions into `collect` without submitting. */
  pollCompletions(collect: RRefDeque<BlockRequest, 32>): RpcResult<NvmeBatch>;
  /**
   * Makes every write completed before the call durable (an NVMe Flush), waiting for it; other
   * completions that arrive meanwhile are kept for the next poll.
   */
  flush(): RpcResult<undefined>;
  /** Size of the namespace served, in 4 KiB blocks. */
  blocks(): RpcResult<bigint>;
  stats(): RpcResult<NvmeStats>;
}

/**
 * How an NVMe driver domain is created: the name of the controller the kernel gave it, and a
 * fault plan (see drivers/README.md: '' for none, `requests:N` or `ms:N`).
 * @create
 */
export interface CreateNvme {
  create(device: string, faults: string): NvmeBDev;
}

/**
 * How the NVMe driver's shadow is created: with the driver it stands in front of.
 * @create
 */
export interface CreateNvmeShadow {
  create(driver: NvmeBDev): NvmeBDev;
}
