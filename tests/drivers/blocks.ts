// Block-request helpers of the NVMe suites: a machine with the driver (optionally behind its
// shadow), request builders, and a loop that runs requests through in batches of 32.
import { expect } from 'vitest';
import { DmaPageFilter, filteredDma } from '../../drivers/hw/dma.ts';
import type { NamespaceConfig, NvmeHandle } from '../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../drivers/hw/engine/threaded.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../drivers/hw/pci.ts';
import { stubOfNvmeBDev } from '../../runtime/idl/generated/nvme.ts';
import { Block, BlockRequest } from '../../runtime/idl/layouts.ts';
import type { NvmeBDev } from '../../runtime/idl/nvme.ts';
import { RRef, RRefDeque } from '../../runtime/lib/index.ts';
import { testKernel } from '../kernel/support.ts';
import { driverArtifact, track, unwrap } from './support.ts';

export type Deque = RRefDeque<BlockRequest, 32>;

/** One controller with one namespace, attached as disk0 and driven by a driver instance. */
export async function nvmeMachine(kind: 'inline' | 'threaded', namespace: NamespaceConfig = { memory: 8 << 20 }, options: { faults?: string; shadow?: boolean } = {}) {
  const [artifact, shadow] = await Promise.all([driverArtifact('nvme'), driverArtifact('nvme-shadow')]);
  const t = testKernel();
  const filter = DmaPageFilter.forBuffer(t.kernel.heap.buffer);
  const dma = filteredDma(t.kernel.heap.buffer, filter);
  const e = kind === 'inline' ? new InlineEngine(dma) : new ThreadedEngine(dma);
  track(t.kernel, e);
  const ctrl: NvmeHandle = e.addNvme({ namespaces: [namespace] });
  await e.start();
  ctrl.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  t.kernel.attachDevice('disk0', { kind: 'nvme', bar0: ctrl.bar0, dma: filter });
  const load = { args: ['disk0', options.faults ?? ''], devices: ['disk0'] };
  if (options.shadow === true) {
    const s = t.kernel.loadShadowed(artifact, shadow, load);
    const nvme = t.kernel.connect(s.shadow.exports[0]!, stubOfNvmeBDev);
    return { engine: e, ctrl, nvme, nvmeLink: s.shadow.exports[0]!, id: s.target().id, target: s.target, restarts: s.stats, filter, kernel: t.kernel, output: t.output };
  }
  const d = t.kernel.load(artifact, load);
  const nvme = t.kernel.connect(d.exports[0]!, stubOfNvmeBDev);
  return { engine: e, ctrl, nvme, nvmeLink: d.exports[0]!, id: d.id, target: () => d, restarts: undefined, filter, kernel: t.kernel, output: t.output };
}

/** Block contents that depend on the block number and a seed. */
export function pattern(block: number, seed: number): Uint8Array {
  const b = new Uint8Array(4096);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + block * 7 + seed + (i >> 9)) & 0xff;
  return b;
}

export function request(block: number, tag: number, write: boolean, bytes?: Uint8Array): RRef<BlockRequest> {
  const data = RRef.new(Block);
  if (bytes) data.withBytes((b) => b.set(bytes));
  return RRef.new(BlockRequest, { block: BigInt(block), tag, status: 0, write, data });
}

/** Runs every request through the driver, in batches of up to 32; returns the completions. */
export function runAll(nvme: NvmeBDev, requests: RRef<BlockRequest>[]): RRef<BlockRequest>[] {
  const done: RRef<BlockRequest>[] = [];
  let submit: Deque = RRefDeque.new(BlockRequest, 32);
  let collect: Deque = RRefDeque.new(BlockRequest, 32);
  const pending = [...requests];
  for (let round = 0; done.length < requests.length; round++) {
    if (round > 1_000_000) throw new Error(`only ${done.length} of ${requests.length} completed`);
    while (!submit.isFull && pending.length > 0) expect(submit.pushBack(pending.shift()!)).toBeUndefined();
    const b = unwrap(nvme.submitAndPoll(submit, collect));
    submit = b.submit;
    collect = b.collect;
    for (let r = collect.popFront(); r !== undefined; r = collect.popFront()) done.push(r);
  }
  return done;
}

/** Where two blocks first differ, or -1: a cheap comparison with a useful failure message. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function dataOf(req: RRef<BlockRequest>): Uint8Array {
  const data = req.replace('data', RRef.new(Block))!;
  const bytes = data.withBytes((b) => b.slice());
  req.replace('data', data)?.drop();
  return bytes;
}

