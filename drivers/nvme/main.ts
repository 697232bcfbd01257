// The NVMe driver domain: RedLeaf's NvmeBDev over one I/O queue pair. A request's data Block is
// the DMA target itself (PRP1 = its device address): no copy. While a command is in flight its
// request sits in a driver-owned RRefArray at the slot of its command id, so a completion finds
// it and a crash of this domain frees it with everything else the domain owns.
import { RRef, RRefArray, RRefDeque, ok } from '../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import { Block, BlockRequest } from '../../runtime/idl/layouts.ts';
import type { NvmeBatch, NvmeBDev, NvmeStats } from '../../runtime/idl/nvme.ts';
import { bringUp } from './init.ts';
import { NVM_FLUSH, NVM_READ, NVM_WRITE } from './registers.ts';
import { faultPlan } from './faults.ts';
import { errnoOf } from './status.ts';

/** I/O queue entries: one page of submission entries. */
const IO_ENTRIES = 64;
/** How long a Flush may take before the driver reports the device dead. */
const FLUSH_TIMEOUT_MS = 5000;

export function create(sys: Syscalls, device: string, faults: string): NvmeBDev {
  const fault = faultPlan(sys, faults);
  const dev = sys.device(device);
  const ctrl = bringUp(dev, IO_ENTRIES);
  const io = ctrl.io;
  const lbaPerBlock = BigInt(ctrl.lbaPerBlock);
  /** Beyond the namespace: a request for a block past its end is sent here, and the controller refuses it. */
  const outOfRange = ctrl.blocks * lbaPerBlock;

  const inFlight = RRefArray.new(BlockRequest, io.size);
  // Command ids are ring slots. Requests use at most size - 2 of them and a Flush the last
  // one, so the SQ (which holds size - 1 commands) can never overflow.
  const flushCid = io.size - 2;
  const freeCids: number[] = [];
  for (let cid = io.size - 3; cid >= 0; cid--) freeCids.push(cid);
  // Requests that completed while a Flush was being waited for; handed out by the next poll.
  const early = RRefDeque.new(BlockRequest, IO_ENTRIES);
  // Stands in for a request's Block while the driver holds the Block itself as a root, which
  // is what a device address can be asked of.
  let standIn = RRef.new(Block);
  let submitted = 0n;
  let completed = 0n;
  let errors = 0n;
  sys.print(`nvme: ${device} up, namespace ${ctrl.nsid}, ${ctrl.blocks} blocks of 4 KiB, ${io.size}-entry I/O queue`);

  /** Moves requests from `submit` into the SQ while command ids last; hands the deque back. */
  function submitFrom(submit: RRefDeque<BlockRequest, 32>): RRefDeque<BlockRequest, 32> {
    let n = 0;
    while (freeCids.length > 0) {
      const req = submit.popFront();
      if (req === undefined) break;
      const cid = freeCids.pop();
      if (cid === undefined) throw new Error('nvme: command ids ran out');
      const data = req.replace('data', standIn);
      if (data === undefined) throw new Error('nvme: a request without its Block');
      const prp1 = dev.dmaAddress(data);
      const back = req.replace('data', data);
      if (back === undefined) throw new Error('nvme: the stand-in Block went missing');
      standIn = back;
      const block = req.get('block');
      const slba = block < ctrl.blocks ? block * lbaPerBlock : outOfRange;
      const opcode = req.get('write') ? NVM_WRITE : NVM_READ;
      io.put(opcode, cid, ctrl.nsid, prp1, Number(slba & 0xffffffffn), Number((slba >> 32n) & 0xffffffffn), ctrl.lbaPerBlock - 1);
      req.set('status', 0);
      const previous = inFlight.set(cid, req);
      if (previous !== undefined) throw new Error(`nvme: command id ${cid} was still in flight`);
      n++;
    }
    if (n > 0) io.ring();
    submitted += BigInt(n);
    return submit;
  }

  /** Moves completed requests into `collect` while it has room; the batch says how many. */
  /** The request whose completion reap() just found, with its status set; undefined if none. */
  function completeReaped(): RRef<BlockRequest> | undefined {
    const cid = io.cid;
    const req = cid < io.size ? inFlight.take(cid) : undefined;
    if (req === undefined) {
      errors++; // a completion for no command of ours
      return undefined;
    }
    freeCids.push(cid);
    const status = errnoOf(io.code);
    req.set('status', status);
    if (status !== 0) errors++;
    completed++;
    return req;
  }

  /** Moves `req` into `into`, which the caller checked has room. */
  function hand(into: Borrowed<RRefDeque<BlockRequest, number>>, req: RRef<BlockRequest>): void {
    if (into.pushBack(req) !== undefined) throw new Error('nvme: a deque refused a request it had room for');
  }

  /** Moves completed requests into `collect` while it has room; the batch says how many. */
  function reapInto(submit: RRefDeque<BlockRequest, 32>, collect: RRefDeque<BlockRequest, 32>): NvmeBatch {
    let n = 0;
    for (let req = collect.isFull ? undefined : early.popFront(); req !== undefined; req = collect.isFull ? undefined : early.popFront()) {
      hand(collect, req);
      n++;
    }
    // Check for room first: a completion taken from the CQ must have somewhere to go.
    while (!collect.isFull && io.reap()) {
      const req = completeReaped();
      if (req === undefined) continue;
      hand(collect, req);
      n++;
    }
    io.release();
    return { completed: n, submit, collect };
  }

  /** Sends a Flush and waits for it; requests completing meanwhile wait in `early`. */
  function flush(): void {
    io.put(NVM_FLUSH, flushCid, ctrl.nsid, 0, 0, 0, 0);
    io.ring();
    const deadline = sys.now() + FLUSH_TIMEOUT_MS;
    for (let spins = 0; ; spins++) {
      let reaped = false;
      while (io.reap()) {
        reaped = true;
        if (io.cid === flushCid) {
          io.release();
          if (io.code !== 0) throw new Error(`nvme: Flush failed with status 0x${io.code.toString(16)}`);
          return;
        }
        const req = completeReaped();
        if (req !== undefined) hand(early, req);
      }
      if (reaped || (spins & 255) === 255) io.release(); // now and then, to keep a polled model going
      if ((spins & 1023) === 1023 && sys.now() > deadline) throw new Error('nvme: Flush never completed');
    }
  }

  return {
    submitAndPoll(submit: RRefDeque<BlockRequest, 32>, collect: RRefDeque<BlockRequest, 32>): RpcResult<NvmeBatch> {
      const rest = submitFrom(submit);
      fault(Number(submitted)); // an injected crash strikes with requests on the device
      return ok(reapInto(rest, collect));
    },
    pollCompletions(collect: RRefDeque<BlockRequest, 32>): RpcResult<NvmeBatch> {
      // The batch hands a submit deque back too: an empty one.
      return ok(reapInto(RRefDeque.new(BlockRequest, 32), collect));
    },
    flush(): RpcResult<undefined> {
      flush();
      return ok(undefined);
    },
    blocks(): RpcResult<bigint> {
      return ok(ctrl.blocks);
    },
    stats(): RpcResult<NvmeStats> {
      return ok({ submitted, completed, errors, restarts: 0n });
    },
  };
}
