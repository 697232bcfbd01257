// The NVMe driver domain on both engines: bring-up, byte-exact blocks through batches of 32,
// durability only after flush, errors as request status, and a crash that frees what it held.
import { afterEach, describe, expect, it } from 'vitest';
import { BlockRequest } from '../../runtime/idl/layouts.ts';
import { RRefDeque } from '../../runtime/lib/index.ts';
import { dataOf, firstDifference, nvmeMachine as machine, pattern, request, runAll } from './blocks.ts';
import type { Deque } from './blocks.ts';
import { shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

describe.each(['inline', 'threaded'] as const)('NVMe driver domain (%s engine)', (kind) => {
  it('brings the controller up and reports its namespace', async () => {
    const { nvme, output } = await machine(kind);
    expect(unwrap(nvme.stats())).toEqual({ submitted: 0n, completed: 0n, errors: 0n, restarts: 0n });
    expect(output.some((l) => /disk0 up, namespace 1, 2048 blocks of 4 KiB, 64-entry I\/O queue/.test(l))).toBe(true);
  });

  it('writes and reads back 96 blocks byte for byte, in batches of 32', async () => {
    const { engine: e, nvme, ctrl } = await machine(kind);
    const blocks = Array.from({ length: 96 }, (_, i) => (i * 37) % 2048);
    const writes = runAll(nvme, blocks.map((b, i) => request(b, i, true, pattern(b, 1))));
    expect(writes.map((r) => r.get('status'))).toEqual(blocks.map(() => 0));
    expect(writes.map((r) => r.get('tag')).sort((a, b) => a - b)).toEqual(blocks.map((_, i) => i));
    const reads = runAll(nvme, blocks.map((b, i) => request(b, 1000 + i, false)));
    for (const r of reads) {
      expect(r.get('status')).toBe(0);
      const block = Number(r.get('block'));
      expect(firstDifference(dataOf(r), pattern(block, 1))).toBe(-1);
    }
    expect(unwrap(nvme.stats())).toEqual({ submitted: 192n, completed: 192n, errors: 0n, restarts: 0n });
    expect(e.modelFaults()).toBe(0);
    expect(ctrl.diagnostics()).toMatchObject({ dmaRefused: 0 });
  });

  it('makes writes durable on flush, not before', async () => {
    const { nvme, ctrl } = await machine(kind);
    runAll(nvme, [request(5, 0, true, pattern(5, 9))]);
    const media = (): Uint8Array => ctrl.media().slice(5 * 4096, 6 * 4096);
    expect(firstDifference(media(), new Uint8Array(4096))).toBe(-1); // still in the volatile cache
    expect(unwrap(nvme.flush())).toBeUndefined();
    expect(firstDifference(media(), pattern(5, 9))).toBe(-1);
  });

  it('keeps completions that arrive during a flush for the next poll', async () => {
    const { nvme } = await machine(kind);
    const submit: Deque = RRefDeque.new(BlockRequest, 32);
    for (let i = 0; i < 32; i++) submit.pushBack(request(i, i, true, pattern(i, 3)));
    const b = unwrap(nvme.submitAndPoll(submit, RRefDeque.new(BlockRequest, 32)));
    const early = b.collect.length;
    unwrap(nvme.flush());
    expect(b.submit.length).toBe(0);
    const rest: number[] = [];
    for (let r = b.collect.popFront(); r !== undefined; r = b.collect.popFront()) rest.push(r.get('tag'));
    let collect: Deque = RRefDeque.new(BlockRequest, 32);
    for (let round = 0; rest.length < 32 && round < 100_000; round++) {
      const p = unwrap(nvme.pollCompletions(collect));
      collect = p.collect;
      for (let r = collect.popFront(); r !== undefined; r = collect.popFront()) rest.push(r.get('tag'));
    }
    expect(early).toBeLessThanOrEqual(32);
    expect(rest.sort((x, y) => x - y)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('works on a namespace of 4096-byte logical blocks', async () => {
    const { nvme, ctrl } = await machine(kind, { memory: 4 << 20, blockSize: 4096 });
    runAll(nvme, [request(3, 0, true, pattern(3, 4))]);
    unwrap(nvme.flush());
    expect(firstDifference(ctrl.media().slice(3 * 4096, 4 * 4096), pattern(3, 4))).toBe(-1);
    const [r] = runAll(nvme, [request(3, 1, false)]);
    expect(firstDifference(dataOf(r!), pattern(3, 4))).toBe(-1);
  });

  it('completes a request past the end of the namespace with an error status', async () => {
    const { nvme } = await machine(kind);
    const [r] = runAll(nvme, [request(2048, 7, false)]);
    expect(r!.get('tag')).toBe(7);
    expect(r!.get('status')).toBe(-121); // EREMOTEIO: LBA out of range
    expect(unwrap(nvme.stats()).errors).toBe(1n);
  });
});

describe('NVMe driver domain ownership', () => {
  it('owns the requests in flight: a crash frees them and ends the device\'s DMA', async () => {
    const { nvme, ctrl, id, filter, kernel: k } = await machine('inline');
    const submit: Deque = RRefDeque.new(BlockRequest, 32);
    for (let i = 0; i < 4; i++) submit.pushBack(request(i, i, false));
    // A full collect deque: the driver can hand nothing back, so all four stay in flight.
    const collect: Deque = RRefDeque.new(BlockRequest, 32);
    for (let i = 0; i < 32; i++) collect.pushBack(request(100 + i, 100 + i, false));
    const before = k.heap.stats(id).objects;
    const b = unwrap(nvme.submitAndPoll(submit, collect));
    expect(b.completed).toBe(0);
    expect(b.submit.length).toBe(0);
    expect(k.heap.stats(id).objects).toBe(before + 8); // four requests and their Blocks
    const adminQueue = ctrl.bar0.read32(0x28); // ASQ
    expect(filter.check(adminQueue, 4096, true)).toBe(true);
    k.crash(id, 'test');
    expect(k.heap.stats(id).objects).toBe(0);
    expect(filter.check(adminQueue, 4096, true)).toBe(false);
    expect(nvme.stats().ok).toBe(false);
    expect(b.collect.length).toBe(32); // what came back before the crash is still the caller's
  });
});
