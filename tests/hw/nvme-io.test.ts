// NVMe I/O: status codes, phase tags and SQ head in every completion, PRP rules, doorbell errors.
import { afterEach, describe, expect, it } from 'vitest';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { nvmeRig, shutdownAll } from './support/fixtures.ts';
import type { Completion } from './support/nvme-driver.ts';

afterEach(shutdownAll);

const SC = (sct: number, sc: number): number => (sct << 8) | sc;

describe.each(ENGINE_KINDS)('NVMe I/O (%s engine)', (kind) => {
  it('reports each error with its status code', async () => {
    const { drv, mem } = await nvmeRig(kind, { mdts: 2 });
    drv.init();
    const q = drv.io[0]!;
    const buf = mem.alloc(4096);
    const blocks = drv.blocks;
    expect(drv.submit(q, { opcode: 0x7f, nsid: 1 }).code).toBe(SC(0, N.SC_INVALID_OPCODE));
    expect(drv.submit(q, { opcode: N.NVM_READ, nsid: 9, prp1: buf }).code).toBe(SC(0, N.SC_INVALID_NAMESPACE));
    expect(drv.submit(q, { opcode: N.NVM_READ, nsid: 0, prp1: buf }).code).toBe(SC(0, N.SC_INVALID_NAMESPACE));
    const oob = drv.read(q, blocks - 1, 2, buf);
    expect(oob.code).toBe(SC(0, N.SC_LBA_OUT_OF_RANGE));
    expect(oob.dnr).toBe(true);
    expect(drv.submit(q, { opcode: N.NVM_READ, nsid: 1, prp1: buf, cdw10: 0, cdw11: 1 }).code).toBe(SC(0, N.SC_LBA_OUT_OF_RANGE));
    expect(drv.read(q, 0, 33, buf).code).toBe(SC(0, N.SC_INVALID_FIELD)); // 16.5 KB > MDTS 16 KB
    expect(drv.submit(q, { opcode: N.NVM_READ, nsid: 1, prp1: buf, flags: 0x01 }).code).toBe(SC(0, N.SC_INVALID_FIELD)); // fused
    expect(drv.read(q, 0, 1, buf + 2).code).toBe(SC(0, N.SC_PRP_OFFSET_INVALID));
    expect(drv.read(q, 0, 8, buf + 512, buf + 4096 + 8).code).toBe(SC(0, N.SC_PRP_OFFSET_INVALID));
    expect(drv.read(q, 0, 1, mem.buffer.byteLength + 4096).code).toBe(SC(0, N.SC_DATA_TRANSFER_ERROR));
    expect(drv.submit(q, { opcode: N.NVM_FLUSH, nsid: 7 }).code).toBe(SC(0, N.SC_INVALID_NAMESPACE));
    expect(drv.submit(q, { opcode: N.NVM_FLUSH, nsid: 0xffffffff }).code).toBe(0);
    expect(drv.read(q, blocks - 1, 1, buf).code).toBe(0);
  });

  it('rejects a PRP list entry that is not page aligned and a list outside DMA memory', async () => {
    const { drv, mem } = await nvmeRig(kind);
    drv.init();
    const q = drv.io[0]!;
    const pages = [mem.alloc(4096), mem.alloc(4096), mem.alloc(4096)];
    const list = mem.alloc(4096);
    mem.u32[list >>> 2] = pages[1]!;
    mem.u32[(list >>> 2) + 2] = pages[2]! + 16;
    expect(drv.read(q, 0, 24, pages[0]!, list).code).toBe(SC(0, N.SC_PRP_OFFSET_INVALID));
    expect(drv.read(q, 0, 24, pages[0]!, mem.buffer.byteLength).code).toBe(SC(0, N.SC_DATA_TRANSFER_ERROR));
    mem.u32[(list >>> 2) + 2] = pages[2]!;
    expect(drv.read(q, 0, 24, pages[0]!, list).code).toBe(0);
  });

  it('follows a chained PRP list when the transfer needs more entries than one list page holds', async () => {
    const { drv, mem } = await nvmeRig(kind, { namespaces: [{ memory: 4 << 20, blockSize: 4096 }], mdts: 10 });
    drv.init();
    const q = drv.io[0]!;
    const n = 600; // 600 pages: PRP1 + 599 entries, more than the 512 a list page holds
    const pages = Array.from({ length: n }, () => mem.alloc(4096));
    pages.forEach((p, i) => mem.u32.fill(i + 1, p >>> 2, (p + 4096) >>> 2));
    const list1 = mem.alloc(4096), list2 = mem.alloc(4096);
    for (let i = 0; i < 511; i++) mem.u32[(list1 >>> 2) + 2 * i] = pages[1 + i]!;
    mem.u32[(list1 >>> 2) + 2 * 511] = list2;
    for (let i = 0; i < n - 512; i++) mem.u32[(list2 >>> 2) + 2 * i] = pages[512 + i]!;
    expect(drv.write(q, 0, n, pages[0]!, list1).code).toBe(0);
    for (const p of pages) mem.u32.fill(0, p >>> 2, (p + 4096) >>> 2);
    expect(drv.read(q, 0, n, pages[0]!, list1).code).toBe(0);
    expect(pages.map((p) => mem.u32[(p + 4092) >>> 2])).toEqual(pages.map((_, i) => i + 1));
  });

  it('puts the SQ head in every completion and flips the phase tag at each wrap', async () => {
    const { drv } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const q = drv.createIoQueue(1, 4);
    const seen: Completion[] = [];
    for (let i = 0; i < 10; i++) seen.push(drv.submit(q, { opcode: N.NVM_FLUSH, nsid: 1 }));
    expect(seen.map((c) => c.sqhd)).toEqual([1, 2, 3, 0, 1, 2, 3, 0, 1, 2]);
    expect(seen.map((c) => c.phase)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    expect(seen.every((c) => c.sqid === 1 && c.code === 0)).toBe(true);
    expect(seen.map((c) => c.cid)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('never overruns a full completion queue: it waits for the host to move the head', async () => {
    const { engine, ctrl, drv } = await nvmeRig(kind);
    drv.enablePci();
    expect(drv.enable()).toBe(true);
    const q = drv.createIoQueue(1, 4); // a 4-entry CQ holds 3 completions
    for (let i = 0; i < 3; i++) drv.put(q, { opcode: N.NVM_FLUSH, nsid: 1 });
    drv.ring(q);
    settle(engine);
    // Don't reap yet: submit one more; it cannot complete until the head moves.
    drv.put(q, { opcode: N.NVM_FLUSH, nsid: 1 });
    drv.ring(q);
    settle(engine);
    const got: Completion[] = [];
    expect(waitUntil(engine, () => {
      const c = drv.reap(q);
      if (c) got.push(c);
      return got.length === 4;
    })).toBe(true);
    expect(got.map((c) => c.cid)).toEqual([0, 1, 2, 3]);
    expect(ctrl.diagnostics().fatalErrors).toBe(0);
  });

  it('ignores doorbell values at or beyond the queue size and counts them', async () => {
    const { engine, ctrl, drv } = await nvmeRig(kind);
    drv.init(1, 16);
    const q = drv.io[0]!;
    ctrl.bar0.write32(N.sqTailDoorbell(1, 0), 16);
    ctrl.bar0.write32(N.cqHeadDoorbell(1, 0), 99);
    settle(engine);
    expect(ctrl.diagnostics().badDoorbells).toBeGreaterThanOrEqual(1);
    expect(drv.flush(q).code).toBe(0);
    ctrl.bar0.write32(N.sqTailDoorbell(1, 0) + 2, 1); // unaligned
    expect(ctrl.diagnostics().mmioMisaligned).toBe(1);
  });

  it('stops with CSTS.CFS when a queue lies outside DMA memory, and recovers after a reset', async () => {
    const { engine, ctrl, drv, mem } = await nvmeRig(kind);
    drv.init();
    const big = mem.buffer.byteLength;
    expect(drv.adminCmd({ opcode: N.ADMIN_CREATE_CQ, prp1: big, cdw10: (15 << 16) | 2, cdw11: 1 }).code).toBe(0);
    expect(drv.adminCmd({ opcode: N.ADMIN_CREATE_SQ, prp1: mem.alloc(4096), cdw10: (15 << 16) | 2, cdw11: (2 << 16) | 1 }).code).toBe(0);
    ctrl.bar0.write32(N.sqTailDoorbell(2, 0), 1);
    expect(waitUntil(engine, () => (ctrl.bar0.read32(N.REG_CSTS) & N.CSTS_CFS) !== 0)).toBe(true);
    expect(ctrl.diagnostics().dmaOutOfRange).toBeGreaterThan(0);
    drv.io.length = 0;
    drv.init();
    expect(drv.flush(drv.io[0]!).code).toBe(0);
  });
});
