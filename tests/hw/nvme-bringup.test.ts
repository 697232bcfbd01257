// The NVMe spec's bring-up brings the controller model up on both engines; data written reads
// back through PRP1, PRP2 and PRP lists.
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../drivers/hw/engine/engine.ts';
import { ENGINE_KINDS, makeEngine } from './support/engines.ts';
import { DmaArena } from './support/memory.ts';
import { RefNvme } from './support/nvme-driver.ts';

describe.each(ENGINE_KINDS)('NVMe bring-up (%s engine)', (kind) => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.shutdown();
    engine = undefined;
  });

  async function setup(blockSize: 512 | 4096 = 512): Promise<{ drv: RefNvme; mem: DmaArena }> {
    const mem = new DmaArena();
    engine = makeEngine(kind, { buffer: mem.buffer });
    const ctrl = engine.addNvme({ namespaces: [{ memory: 4 << 20, blockSize }] });
    await engine.start();
    const drv = new RefNvme(engine, ctrl.bar0, ctrl.pci, mem);
    drv.init();
    return { drv, mem };
  }

  it('identifies the namespace after the spec bring-up', async () => {
    const { drv } = await setup();
    expect(drv.blockSize).toBe(512);
    expect(drv.blocks).toBe((4 << 20) / 512);
  });

  for (const bs of [512, 4096] as const) {
    it(`writes and reads back through PRP1, PRP2 and PRP lists (${bs}-byte blocks)`, async () => {
      const { drv, mem } = await setup(bs);
      const q = drv.io[0]!;
      for (const bytes of [bs, 4096, 8192, 64 << 10]) {
        const pages = bytes / 4096;
        const src = Array.from({ length: Math.max(1, pages) }, () => mem.alloc(4096));
        for (const p of src) for (let i = 0; i < 4096; i += 4) mem.u32[(p + i) >>> 2] = (p + i * 7) | 0;
        let prp2 = 0;
        if (pages === 2) prp2 = src[1]!;
        if (pages > 2) {
          prp2 = mem.alloc(4096);
          src.slice(1).forEach((p, i) => (mem.u32[(prp2 >>> 2) + 2 * i] = p));
        }
        expect(drv.write(q, 8, bytes / bs, src[0]!, prp2).code).toBe(0);
        const dst = Array.from({ length: Math.max(1, pages) }, () => mem.alloc(4096));
        let dprp2 = 0;
        if (pages === 2) dprp2 = dst[1]!;
        if (pages > 2) {
          dprp2 = mem.alloc(4096);
          dst.slice(1).forEach((p, i) => (mem.u32[(dprp2 >>> 2) + 2 * i] = p));
        }
        expect(drv.read(q, 8, bytes / bs, dst[0]!, dprp2).code).toBe(0);
        for (let k = 0; k < src.length; k++) {
          const n = Math.min(4096, bytes);
          // Buffer.equals: a deep-equality walk over 4 KB arrays is slow in the test runner.
          expect(Buffer.from(mem.buffer, dst[k]!, n).equals(Buffer.from(mem.buffer, src[k]!, n))).toBe(true);
        }
      }
    });
  }
});
