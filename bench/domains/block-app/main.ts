// The block benchmark's application (`npm run bench -- nvme`): a closed loop keeping `depth`
// requests in flight. Requests and their Blocks are made once and reused: each completion is
// resubmitted to a new random block, so the loop measures the path, not the allocator.
import { RRef, RRefDeque, ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { BlockApp } from '../../../runtime/idl/bench.ts';
import { Block, BlockRequest } from '../../../runtime/idl/layouts.ts';
import type { NvmeBDev } from '../../../runtime/idl/nvme.ts';

/** Calls between clock reads (a clock read crosses into the kernel). */
const CLOCK_EVERY = 64;

export function create(sys: Syscalls, nvme: NvmeBDev): BlockApp {
  const size = nvme.blocks();
  if (!size.ok) throw new Error(`block-app: no size from the driver: ${size.error.message}`);
  const blocks = Number(size.value);
  let submit = RRefDeque.new(BlockRequest, 32);
  let collect = RRefDeque.new(BlockRequest, 32);
  let seed = 0x2545f491;
  const randomBlock = (): bigint => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return BigInt((seed >>> 0) % blocks);
  };

  return {
    run(write: boolean, depth: number, ms: number): RpcResult<number> {
      if (depth < 1 || depth > 32) throw new RangeError('depth must be 1..32');
      for (let i = 0; i < depth; i++) {
        const req = RRef.new(BlockRequest, { block: randomBlock(), tag: i, status: 0, write, data: RRef.new(Block) });
        if (submit.pushBack(req) !== undefined) throw new Error('block-app: submit deque full');
      }
      let done = 0;
      const end = sys.now() + ms;
      for (let calls = 0; ; calls++) {
        if (calls % CLOCK_EVERY === 0 && sys.now() >= end) break;
        const r = nvme.submitAndPoll(submit, collect);
        if (!r.ok) throw new Error(`block-app: ${r.error.message}`);
        submit = r.value.submit;
        collect = r.value.collect;
        for (let req = collect.popFront(); req !== undefined; req = collect.popFront()) {
          if (req.get('status') !== 0) throw new Error(`block-app: request failed with status ${req.get('status')}`);
          done++;
          req.set('block', randomBlock());
          if (submit.pushBack(req) !== undefined) throw new Error('block-app: submit deque full');
        }
      }
      // Drain what is still in flight, so the next run starts clean.
      let inFlight = depth - submit.length;
      for (let polls = 0; inFlight > 0 && polls < 10_000_000; polls++) {
        const r = nvme.pollCompletions(collect);
        if (!r.ok) throw new Error(`block-app: ${r.error.message}`);
        collect = r.value.collect;
        for (let req = collect.popFront(); req !== undefined; req = collect.popFront()) {
          inFlight--;
          req.drop();
        }
      }
      for (let req = submit.popFront(); req !== undefined; req = submit.popFront()) req.drop();
      return ok(done);
    },
  };
}
