// NVMe controller registers: CAP, VS, CC/CSTS, the start-up refusals, reset and shutdown,
// doorbell stride.
import { afterEach, describe, expect, it } from 'vitest';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { ENGINE_KINDS, waitUntil } from './support/engines.ts';
import { nvmeRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

const GOOD_CC = (N.CQ_ENTRY_LOG2 << N.CC_IOCQES_SHIFT) | (N.SQ_ENTRY_LOG2 << N.CC_IOSQES_SHIFT) | N.CC_EN;

describe.each(ENGINE_KINDS)('NVMe registers (%s engine)', (kind) => {
  it('advertises CAP and VS', async () => {
    const { ctrl, drv } = await nvmeRig(kind, { mqes: 1023, dstrd: 0 });
    drv.enablePci();
    const cap = ctrl.bar0.read64(N.REG_CAP);
    expect(cap & 0xffffn).toBe(1023n); // MQES
    expect((cap >> 16n) & 1n).toBe(1n); // CQR
    expect((cap >> 24n) & 0xffn).toBe(20n); // TO: 10 s
    expect((cap >> 32n) & 0xfn).toBe(0n); // DSTRD
    expect((cap >> 37n) & 0xffn).toBe(1n); // CSS: NVM command set
    expect((cap >> 48n) & 0xfn).toBe(0n); // MPSMIN: 4 KB
    expect((cap >> 52n) & 0xfn).toBe(4n); // MPSMAX: 64 KB
    expect(ctrl.bar0.read32(N.REG_VS)).toBe(0x00010400);
    ctrl.bar0.write32(N.REG_VS, 0);
    ctrl.bar0.write32(N.REG_CAP, 0);
    expect(ctrl.bar0.read32(N.REG_VS)).toBe(0x00010400);
    expect(ctrl.bar0.read64(N.REG_CAP)).toBe(cap);
  });

  it('becomes ready with a valid configuration and resets when CC.EN clears', async () => {
    const { ctrl, drv } = await nvmeRig(kind);
    drv.init();
    expect(ctrl.bar0.read32(N.REG_CSTS) & N.CSTS_RDY).toBe(N.CSTS_RDY);
    ctrl.bar0.write32(N.REG_CC, ctrl.bar0.read32(N.REG_CC) & ~N.CC_EN);
    expect(ctrl.bar0.read32(N.REG_CSTS) & N.CSTS_RDY).toBe(0);
    // After the reset the I/O queues are gone: bring-up works again from scratch.
    drv.io.length = 0;
    drv.init();
    expect(drv.io).toHaveLength(1);
  });

  const refusals: [string, (mem: { alloc(n: number): number }) => { cc?: number; asq?: number; acq?: number; adminSize?: number }][] = [
    ['ASQ is zero', () => ({ asq: 0 })],
    ['ACQ is not page aligned', (m) => ({ acq: m.alloc(8192) + 64 })],
    ['MPS is above MPSMAX', () => ({ cc: GOOD_CC | (5 << N.CC_MPS_SHIFT) })],
    ['IOSQES is outside SQES', () => ({ cc: (N.CQ_ENTRY_LOG2 << N.CC_IOCQES_SHIFT) | (7 << N.CC_IOSQES_SHIFT) | N.CC_EN })],
    ['IOCQES is outside CQES', () => ({ cc: (3 << N.CC_IOCQES_SHIFT) | (N.SQ_ENTRY_LOG2 << N.CC_IOSQES_SHIFT) | N.CC_EN })],
    ['the admin queue size is one entry', () => ({ adminSize: 1 })],
    ['an unsupported command set is selected', () => ({ cc: GOOD_CC | (1 << N.CC_CSS_SHIFT) })],
    ['an unsupported arbitration mechanism is selected', () => ({ cc: GOOD_CC | (1 << N.CC_AMS_SHIFT) })],
  ];
  for (const [why, config] of refusals) {
    it(`refuses to start when ${why} (CSTS.CFS, no RDY)`, async () => {
      const { ctrl, drv, mem } = await nvmeRig(kind);
      drv.enablePci();
      expect(drv.enable(config(mem))).toBe(false);
      const csts = ctrl.bar0.read32(N.REG_CSTS);
      expect(csts & N.CSTS_RDY).toBe(0);
      expect(csts & N.CSTS_CFS).toBe(N.CSTS_CFS);
      // Clearing EN clears the fatal status; a good configuration then starts.
      expect(drv.enable()).toBe(true);
    });
  }

  it('flushes the write cache on a normal shutdown and reports SHST complete', async () => {
    const { ctrl, drv, mem } = await nvmeRig(kind);
    drv.init();
    const buf = mem.alloc(4096);
    mem.u8.fill(0x5a, buf, buf + 512);
    expect(drv.write(drv.io[0]!, 3, 1, buf).code).toBe(0);
    expect(ctrl.media()[3 * 512]).toBe(0); // still in the volatile cache
    ctrl.bar0.write32(N.REG_CC, ctrl.bar0.read32(N.REG_CC) | (1 << N.CC_SHN_SHIFT));
    expect(waitUntil(drv.engine, () => (ctrl.bar0.read32(N.REG_CSTS) & 0xc) === N.CSTS_SHST_COMPLETE)).toBe(true);
    expect(ctrl.media()[3 * 512]).toBe(0x5a);
  });

  it('places doorbells on the CAP.DSTRD stride and counts writes to doorbells of absent queues', async () => {
    const { ctrl, drv } = await nvmeRig(kind, { dstrd: 2 });
    drv.init();
    expect(drv.dstrd).toBe(2);
    expect(N.sqTailDoorbell(1, 2)).toBe(0x1000 + 2 * 16);
    const q = drv.io[0]!;
    expect(drv.flush(q).code).toBe(0);
    ctrl.bar0.write32(N.sqTailDoorbell(5, 2), 1); // no such queue
    ctrl.bar0.write32(0x1000 + 4, 1); // between doorbells on a 16-byte stride
    expect(ctrl.diagnostics().badDoorbells).toBe(2);
    expect(drv.flush(q).code).toBe(0);
  });

  it('masks interrupts through INTMS and INTMC', async () => {
    const { ctrl, drv } = await nvmeRig(kind);
    drv.enablePci();
    ctrl.bar0.write32(N.REG_INTMS, 0xf);
    ctrl.bar0.write32(N.REG_INTMC, 0x3);
    expect(ctrl.bar0.read32(N.REG_INTMS)).toBe(0xc);
    expect(ctrl.bar0.read32(N.REG_INTMC)).toBe(0xc);
  });
});
