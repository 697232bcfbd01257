// The NVMe driver's shadow: it stands between callers and the driver domain and keeps a record
// of every request it has passed on and not yet seen complete (the caller's tag, the block, the
// direction, and for a write a copy of the data). When the driver crashes, the shadow has the
// kernel re-create it and submits those requests again, so a caller sees every request complete
// exactly once and never sees the crash. Reads are not copied: a replayed read gets a new Block.
import { RRefDeque, ok } from '../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls , RRef} from '../../runtime/lib/index.ts';
import { BlockRequest } from '../../runtime/idl/layouts.ts';
import type { NvmeBatch, NvmeBDev, NvmeStats } from '../../runtime/idl/nvme.ts';
import { Records } from './records.ts';

/** Restarts in a row (with no successful call between) before the shadow gives up. */
const MAX_RESTARTS = 3;
/** Requests that can wait in the shadow: a batch from the caller plus all the driver held. */
const WAITING = 128;

type Deque = RRefDeque<BlockRequest, 32>;

export function create(sys: Syscalls, driver: NvmeBDev): NvmeBDev {
  const records = new Records();
  // Requests recorded but not (or no longer) held by the driver: replays, and ones it did not take.
  const waiting = RRefDeque.new(BlockRequest, WAITING);
  // Completions that arrived when the caller's deque had no room for them.
  const overflow = RRefDeque.new(BlockRequest, WAITING);
  // The deques the shadow passes to the driver (they come back with every successful call).
  let toDriver: Deque = RRefDeque.new(BlockRequest, 32);
  let fromDriver: Deque = RRefDeque.new(BlockRequest, 32);
  let failures = 0;
  let submitted = 0n, completed = 0n, errors = 0n, restarts = 0;

  function push(into: Borrowed<RRefDeque<BlockRequest, number>>, req: RRef<BlockRequest>): void {
    if (into.pushBack(req) !== undefined) throw new Error('nvme-shadow: a deque refused a request it had room for');
  }

  /** Moves completions into `collect` while it has room, the rest into `overflow`; returns how many reached `collect`. */
  function deliver(from: Borrowed<RRefDeque<BlockRequest, number>>, collect: Borrowed<Deque>): number {
    let n = 0;
    for (let req = from.popFront(); req !== undefined; req = from.popFront()) {
      records.complete(req);
      completed++;
      if (req.get('status') !== 0) errors++;
      if (collect.isFull) push(overflow, req);
      else {
        push(collect, req);
        n++;
      }
    }
    return n;
  }

  /** Hands parked completions to the caller first, in the order they completed. */
  function deliverOverflow(collect: Borrowed<Deque>): number {
    let n = 0;
    while (!collect.isFull) {
      const req = overflow.popFront();
      if (req === undefined) break;
      push(collect, req);
      n++;
    }
    return n;
  }

  /** Fills `toDriver`: requests waiting first, then new ones from the caller (recorded on the way). */
  function fill(submit: Borrowed<Deque>): void {
    while (!toDriver.isFull) {
      const req = waiting.popFront() ?? records.admit(submit.popFront());
      if (req === undefined) break;
      push(toDriver, records.held(req));
    }
  }

  /** The driver crashed: re-create it and queue every request it held for resubmission. */
  function recover(): boolean {
    if (++failures > MAX_RESTARTS) return false;
    try {
      sys.restart();
    } catch {
      return false;
    }
    restarts++;
    for (const req of records.rebuildHeld()) push(waiting, req);
    return true;
  }

  /** One exchange with the driver, recovering and retrying while it crashes. */
  function exchange(submit: Borrowed<Deque>): RpcResult<undefined> {
    for (;;) {
      fill(submit);
      const sent = toDriver.length;
      const r = driver.submitAndPoll(toDriver, fromDriver);
      if (r.ok) {
        failures = 0;
        toDriver = r.value.submit;
        fromDriver = r.value.collect;
        submitted += BigInt(sent - toDriver.length);
        // What the driver did not take waits here for the next call.
        for (let req = toDriver.popFront(); req !== undefined; req = toDriver.popFront()) push(waiting, records.unheld(req));
        return ok(undefined);
      }
      // Both deques died with the driver.
      toDriver = RRefDeque.new(BlockRequest, 32);
      fromDriver = RRefDeque.new(BlockRequest, 32);
      if (!recover()) return r;
    }
  }

  /** A call that holds no requests, asked again after each restart. */
  function retried<T>(call: () => RpcResult<T>): RpcResult<T> {
    for (;;) {
      const r = call();
      if (r.ok) {
        failures = 0;
        return r;
      }
      if (!recover()) return r;
    }
  }

  function batch(submit: Deque, collect: Deque): RpcResult<NvmeBatch> {
    let n = deliverOverflow(collect);
    const r = exchange(submit);
    if (!r.ok) return r;
    n += deliver(fromDriver, collect);
    return ok({ completed: n, submit, collect });
  }

  return {
    submitAndPoll(submit: Deque, collect: Deque): RpcResult<NvmeBatch> {
      return batch(submit, collect);
    },
    pollCompletions(collect: Deque): RpcResult<NvmeBatch> {
      // Requests waiting in the shadow (after a restart) still go to the driver: it is asked
      // with submitAndPoll, and nothing new from the caller.
      return batch(RRefDeque.new(BlockRequest, 32), collect);
    },
    // Writes the caller saw complete are in the device's cache, which a restart keeps: a
    // flush, like a size query, is simply asked again of the new instance.
    flush(): RpcResult<undefined> {
      return retried(() => driver.flush());
    },
    blocks(): RpcResult<bigint> {
      return retried(() => driver.blocks());
    },
    stats(): RpcResult<NvmeStats> {
      return ok({ submitted, completed, errors, restarts: BigInt(restarts) });
    },
  };
}
