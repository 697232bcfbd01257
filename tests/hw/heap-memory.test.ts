// The devices DMA into the shared heap's own buffer, which is cut off from the host's
// intrinsics (a null prototype, its size an own property): both engines must work on it.
import { afterEach, describe, expect, it } from 'vitest';
import { buildUdpFrame, writeSeq } from '../../drivers/hw/wires/frames.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import type { Engine } from '../../drivers/hw/engine/engine.ts';
import { SharedHeap } from '../../runtime/heap/index.ts';
import { ENGINE_KINDS, makeEngine, waitUntil } from './support/engines.ts';
import { RefIxgbe } from './support/ixgbe-driver.ts';
import { DmaArena } from './support/memory.ts';

describe.each(ENGINE_KINDS)('devices on the shared heap (%s engine)', (kind) => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.shutdown();
    engine = undefined;
  });

  it('brings the 82599 up and moves frames with the heap buffer as DMA memory', async () => {
    const heap = new SharedHeap({ size: 16 << 20 });
    expect(Object.getPrototypeOf(heap.buffer)).toBeNull();
    // Rings and buffers in the upper half, clear of what the heap's allocator hands out first.
    const mem = new DmaArena(0, 8 << 20, heap.buffer);
    engine = makeEngine(kind, { buffer: heap.buffer });
    const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
    await engine.start();
    const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
    drv.init();
    expect(nic.bar0.read32(R.LINKS) & R.LINKS_UP).toBe(R.LINKS_UP);
    const frames = Array.from({ length: 64 }, (_, i) => {
      const f = buildUdpFrame();
      writeSeq(f, 0, i);
      return f;
    });
    expect(drv.transmit(0, frames)).toBe(64);
    const e = engine;
    expect(waitUntil(e, () => nic.traffic!.received === 64)).toBe(true);
    expect([nic.traffic!.lost, nic.traffic!.reordered]).toEqual([0, 0]);
  });
});
