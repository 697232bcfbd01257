// Domains come and go: a thousand load/crash/reclaim cycles leave the heap and the process
// where they started.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import { RRefVec, u8 } from '../../runtime/lib/index.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import { testBundle, testKernel } from './support.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let current: Kernel | undefined;
afterEach(() => { current?.shutdown(); current = undefined; });

/** Heap in use once the collector has run and the event loop has turned (V8 releases a context's native parts in a callback after the collection that found it dead). */
async function heapUsedAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('domain lifecycle', () => {
  it('runs 1,000 load/crash/reclaim cycles with bounded memory', async () => {
    const { kernel } = testKernel();
    current = kernel;
    const bundle = await testBundle('echo');
    const cycle = (i: number): void => {
      const d = kernel.load(bundle, { args: [`cycle${i}`, 0, 0] });
      const echo = kernel.connect(d.exports[0]!, stubOfEcho);
      expect(echo.consume(RRefVec.new(u8, 512)).ok).toBe(true);
      if (i % 2 === 0) echo.crash('cycle');
      else kernel.crash(d.id, 'cycle');
      kernel.forget();
    };
    const baseline = kernel.heap.totals();
    for (let i = 0; i < 100; i++) cycle(i);
    const warm = await heapUsedAfterGc();
    for (let i = 100; i < 1100; i++) {
      cycle(i);
      if (i % 50 === 0) await turn();
    }
    const after = await heapUsedAfterGc();
    const totals = kernel.heap.totals();
    expect(totals.objects).toBe(baseline.objects);
    expect(totals.bytes).toBe(baseline.bytes);
    expect(kernel.heap.audit()).toEqual([]);
    expect(kernel.domains()).toEqual([]);
    // A realm that stayed reachable costs hundreds of kilobytes: a thousand would be hundreds of
    // MB. A quiet run grows by a few MB.
    expect(after - warm, `grew by ${((after - warm) / 1e6).toFixed(1)} MB`).toBeLessThan(48 * 1024 * 1024);
  });

  it('refuses heap operations and moves to a domain once it crashed', async () => {
    const { kernel } = testKernel();
    current = kernel;
    const d = kernel.load(await testBundle('echo'), { args: ['gone', 0, 0] });
    const echo = kernel.connect(d.exports[0]!, stubOfEcho);
    kernel.crash(d.id, 'test');
    expect(kernel.heap.isOpen(d.id)).toBe(false);
    const v = RRefVec.new(u8, 8);
    const r = echo.consume(v);
    expect(!r.ok && r.error.kind).toBe('callee-dead');
    expect(v.isValid).toBe(true);
  });

  it('reports a create function that throws as a load error and keeps nothing of it', async () => {
    const { kernel } = testKernel();
    current = kernel;
    const bundle = await testBundle('echo');
    expect(() => kernel.load(bundle, { args: ['bad args'] })).toThrow(/CreateEcho.create takes 3 arguments/);
    expect(() => kernel.load(bundle, { args: ['x', 'not a number', 0] })).toThrow(/crashOnCall must be a number/);
    expect(() => kernel.load(bundle, { args: [{} as never, 0, 0] })).toThrow(/primitives and links/);
    expect(kernel.domains()).toEqual([]);
    expect(kernel.heap.totals().objects).toBe(0);
  });
});
