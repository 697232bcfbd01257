// The optional service model: completions wait for their latency and an IOPS ceiling. With the
// inline engine and a fake clock this is exact; the threaded engine only has to complete.
import { afterEach, describe, expect, it } from 'vitest';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../drivers/hw/engine/threaded.ts';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { P3700_SERVICE } from '../../drivers/hw/nvme/service.ts';
import { shutdownAll, track } from './support/fixtures.ts';
import { DmaArena } from './support/memory.ts';
import { RefNvme } from './support/nvme-driver.ts';
import type { Completion } from './support/nvme-driver.ts';

afterEach(shutdownAll);

describe('NVMe service model', () => {
  it('completes after the latency and no faster than the IOPS limit (inline, fake clock)', async () => {
    let now = 0;
    const mem = new DmaArena();
    const engine = track(new InlineEngine({ buffer: mem.buffer }, { clock: () => now }));
    const ctrl = engine.addNvme({ namespaces: [{ memory: 1 << 20 }], service: { readLatencyNs: 10_000, writeLatencyNs: 30_000, iops: 100_000 } });
    await engine.start();
    const drv = new RefNvme(engine, ctrl.bar0, ctrl.pci, mem);
    drv.enablePci();
    // Admin commands go through the service model too: advance the clock while waiting.
    const waitAdmin = (cmd: Parameters<RefNvme['put']>[1]): Completion => {
      drv.put(drv.admin, cmd);
      drv.ring(drv.admin);
      let c: Completion | undefined;
      for (let i = 0; i < 100 && c === undefined; i++) {
        now += 10_000;
        engine.poll();
        c = drv.reap(drv.admin);
      }
      return c!;
    };
    expect(drv.enable()).toBe(true);
    const sq = mem.alloc(4096), cq = mem.alloc(4096);
    expect(waitAdmin({ opcode: N.ADMIN_CREATE_CQ, prp1: cq, cdw10: (63 << 16) | 1, cdw11: 1 }).code).toBe(0);
    expect(waitAdmin({ opcode: N.ADMIN_CREATE_SQ, prp1: sq, cdw10: (63 << 16) | 1, cdw11: (1 << 16) | 1 }).code).toBe(0);
    const q = drv.createIoQueueState(1, sq, cq, 64);
    now = 1_000_000;
    const buf = mem.alloc(4096);
    for (let i = 0; i < 3; i++) drv.put(q, { opcode: N.NVM_READ, nsid: 1, prp1: buf, cdw10: i });
    drv.ring(q);
    // Starts at 1.00 ms, 1.01 ms, 1.02 ms (100K IOPS = 10 us apart); each done 10 us later.
    const doneAt: number[] = [];
    for (let t = 1_000_000; t <= 1_100_000 && doneAt.length < 3; t += 1000) {
      now = t;
      engine.poll();
      while (drv.reap(q)) doneAt.push(t);
    }
    expect(doneAt).toEqual([1_010_000, 1_020_000, 1_030_000]);
  });

  it('completes I/O with the P3700 shape on the threaded engine', async () => {
    const mem = new DmaArena();
    const engine = track(new ThreadedEngine({ buffer: mem.buffer }));
    const ctrl = engine.addNvme({ namespaces: [{ memory: 1 << 20 }], service: P3700_SERVICE });
    await engine.start();
    const drv = new RefNvme(engine, ctrl.bar0, ctrl.pci, mem);
    drv.init();
    const buf = mem.alloc(4096);
    for (let i = 0; i < 20; i++) expect(drv.read(drv.io[0]!, i, 8, buf).code).toBe(0);
  });
});
