// The NVMe driver behind its shadow: while the driver crashes (injected faults, or the kernel
// killing it), every request completes exactly once with the right data, and the writes land.
import { afterEach, describe, expect, it } from 'vitest';
import { BlockRequest } from '../../runtime/idl/layouts.ts';
import type { NvmeBDev } from '../../runtime/idl/nvme.ts';
import type { RRef} from '../../runtime/lib/index.ts';
import { RRefDeque } from '../../runtime/lib/index.ts';
import { dataOf, firstDifference, nvmeMachine, pattern, request } from './blocks.ts';
import type { Deque } from './blocks.ts';
import { shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

/**
 * Keeps up to `depth` requests in flight until all of `requests` completed; `between` runs
 * after every call (to crash the driver from outside). Returns completions in completion order.
 */
function stream(nvme: NvmeBDev, requests: RRef<BlockRequest>[], depth: number, between: (round: number) => void = () => undefined): RRef<BlockRequest>[] {
  const done: RRef<BlockRequest>[] = [];
  const pending = [...requests];
  let submit: Deque = RRefDeque.new(BlockRequest, 32);
  let collect: Deque = RRefDeque.new(BlockRequest, 32);
  let inFlight = 0;
  for (let round = 0; done.length < requests.length; round++) {
    if (round > 200_000) throw new Error(`stuck: ${done.length} of ${requests.length} completed`);
    while (inFlight < depth && !submit.isFull && pending.length > 0) {
      expect(submit.pushBack(pending.shift()!)).toBeUndefined();
      inFlight++;
    }
    const b = unwrap(nvme.submitAndPoll(submit, collect));
    submit = b.submit;
    collect = b.collect;
    inFlight -= b.completed;
    expect(collect.length).toBe(b.completed);
    for (let r = collect.popFront(); r !== undefined; r = collect.popFront()) done.push(r);
    between(round);
  }
  return done;
}

/** Tags of `done`, each of which must appear once. */
function tagsOnce(done: RRef<BlockRequest>[]): number[] {
  const tags = done.map((r) => r.get('tag')).sort((a, b) => a - b);
  expect(new Set(tags).size).toBe(tags.length);
  return tags;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('NVMe shadow', () => {
  it('passes requests through unchanged while the driver is healthy', async () => {
    const { nvme, restarts } = await nvmeMachine('inline', undefined, { shadow: true });
    const writes = stream(nvme, range(64).map((i) => request(i, 7, true, pattern(i, 2))), 64);
    expect(writes.map((r) => r.get('tag'))).toEqual(range(64).map(() => 7)); // callers' tags, even repeated
    const reads = stream(nvme, range(64).map((i) => request(i, i, false)), 64);
    for (const r of reads) expect(firstDifference(dataOf(r), pattern(Number(r.get('block')), 2))).toBe(-1);
    expect(unwrap(nvme.stats())).toEqual({ submitted: 128n, completed: 128n, errors: 0n, restarts: 0n });
    expect(restarts!.restarts).toBe(0);
  });

  it.each(['inline', 'threaded'] as const)('replays what a crashing driver held: every request once, every write landed (%s engine)', async (kind) => {
    // The driver crashes once it has submitted 50 requests, in every instance.
    const { nvme, ctrl, restarts } = await nvmeMachine(kind, undefined, { shadow: true, faults: 'requests:50' });
    const n = 400;
    const writes = stream(nvme, range(n).map((i) => request(i, i, true, pattern(i, 5))), 48);
    expect(tagsOnce(writes)).toEqual(range(n));
    for (const w of writes) expect(w.get('status')).toBe(0);
    expect(restarts!.restarts).toBeGreaterThanOrEqual(7);
    unwrap(nvme.flush());
    const media = ctrl.media();
    for (let i = 0; i < n; i++) expect(firstDifference(media.subarray(i * 4096, (i + 1) * 4096), pattern(i, 5))).toBe(-1);
    const reads = stream(nvme, range(n).map((i) => request(i, 1000 + i, false)), 48);
    expect(tagsOnce(reads)).toEqual(range(n).map((i) => 1000 + i));
    for (const r of reads) expect(firstDifference(dataOf(r), pattern(Number(r.get('block')), 5))).toBe(-1);
    const s = unwrap(nvme.stats());
    expect(s.completed).toBe(BigInt(2 * n));
    expect(s.restarts).toBe(BigInt(restarts!.restarts));
  });

  it('recovers when the kernel kills the driver between calls, with requests in flight', async () => {
    const { nvme, ctrl, kernel, target, restarts } = await nvmeMachine('threaded', undefined, { shadow: true });
    const killed: number[] = [];
    const writes = stream(nvme, range(300).map((i) => request(i, i, true, pattern(i, 8))), 60, (round) => {
      if (round % 2 === 1) {
        killed.push(target().id);
        kernel.crash(target().id, 'killed by the test');
      }
    });
    expect(tagsOnce(writes)).toEqual(range(300));
    unwrap(nvme.flush()); // also restarts the driver if the last round killed it
    expect(restarts!.restarts).toBe(killed.length);
    expect(killed.length).toBeGreaterThan(3);
    for (const id of killed) expect(kernel.heap.stats(id).objects).toBe(0);
    for (let i = 0; i < 300; i++) expect(firstDifference(ctrl.media().subarray(i * 4096, (i + 1) * 4096), pattern(i, 8))).toBe(-1);
  });

  it('gives up with an error when the driver crashes on every restart', async () => {
    const { nvme, restarts } = await nvmeMachine('inline', undefined, { shadow: true, faults: 'requests:1' });
    const submit: Deque = RRefDeque.new(BlockRequest, 32);
    submit.pushBack(request(0, 0, true, pattern(0, 1)));
    const r = nvme.submitAndPoll(submit, RRefDeque.new(BlockRequest, 32));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.kind).toBe('callee-crashed');
    expect(restarts!.restarts).toBe(3);
  });
});
