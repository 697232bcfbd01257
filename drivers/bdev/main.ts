// A block device over the NVMe driver (or its shadow): one request at a time, each submitted
// and polled until it completes. Reads move the caller's Block through the driver and back;
// writes copy the lent Block into one of this domain's, since a request must own its data.
import { RRef, RRefDeque, ok } from '../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import type { BDev } from '../../runtime/idl/bdev.ts';
import { Block, BlockRequest } from '../../runtime/idl/layouts.ts';
import type { NvmeBDev } from '../../runtime/idl/nvme.ts';

/** Polls of the driver before a request is declared lost. */
const POLL_LIMIT = 10_000_000;

export function create(_sys: Syscalls, nvme: NvmeBDev): BDev {
  const size = nvme.blocks();
  if (!size.ok) throw new Error(`bdev: the driver did not answer: ${size.error.message}`);
  const blocks = size.value;
  let submit = RRefDeque.new(BlockRequest, 32);
  let collect = RRefDeque.new(BlockRequest, 32);
  let spare: RRef<Block> | undefined;
  let nextTag = 0;
  // The one request this domain sends, reused; between requests it holds a placeholder Block.
  let request: RRef<BlockRequest> | undefined = RRef.new(BlockRequest, { block: 0n, tag: 0, status: 0, write: false, data: RRef.new(Block) });

  function check(block: bigint): void {
    if (block < 0n || block >= blocks) throw new RangeError(`bdev: block ${block} is beyond the device (${blocks} blocks)`);
  }

  /** Runs one request to completion; hands back its Block, or throws with its status. */
  function run(block: bigint, write: boolean, data: RRef<Block>): RRef<Block> {
    const tag = nextTag++ & 0x7fffffff;
    const req = request;
    if (req === undefined) throw new Error('bdev: the request was lost');
    request = undefined;
    const placeholder = req.replace('data', data);
    if (placeholder === undefined) throw new Error('bdev: the request had no Block');
    req.set('block', block);
    req.set('tag', tag);
    req.set('status', 0);
    req.set('write', write);
    if (submit.pushBack(req) !== undefined) throw new Error('bdev: submit deque full');
    for (let polls = 0; polls < POLL_LIMIT; polls++) {
      const r = nvme.submitAndPoll(submit, collect);
      if (!r.ok) throw new Error(`bdev: the driver failed: ${r.error.message}`);
      submit = r.value.submit;
      collect = r.value.collect;
      const done = collect.popFront();
      if (done === undefined) continue;
      if (done.get('tag') !== tag) throw new Error(`bdev: a completion for request ${done.get('tag')}, not ${tag}`);
      const status = done.get('status');
      const back = done.replace('data', placeholder);
      request = done;
      if (back === undefined) throw new Error('bdev: a completion without its Block');
      if (status !== 0) throw new Error(`bdev: ${write ? 'write' : 'read'} of block ${block} failed (status ${status})`);
      return back;
    }
    throw new Error(`bdev: block ${block} never completed`);
  }

  return {
    read(block: bigint, data: RRef<Block>): RpcResult<RRef<Block>> {
      check(block);
      return ok(run(block, false, data));
    },
    write(block: bigint, data: Borrowed<RRef<Block>>): RpcResult<undefined> {
      check(block);
      const own = spare ?? RRef.new(Block);
      spare = undefined;
      own.copyFrom(data);
      spare = run(block, true, own);
      return ok(undefined);
    },
    blocks(): RpcResult<bigint> {
      return ok(blocks);
    },
    flush(): RpcResult<undefined> {
      const r = nvme.flush();
      if (!r.ok) throw new Error(`bdev: flush failed: ${r.error.message}`);
      return ok(undefined);
    },
  };
}
