// Wrong input to the 82599 behaves as on hardware and never reaches the host as an exception:
// descriptors and buffers outside DMA memory, tails beyond the ring, queues enabled before their
// rings exist, IOMMU-refused DMA.
import { afterEach, describe, expect, it } from 'vitest';
import { DmaPageFilter, filteredDma } from '../../drivers/hw/dma.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { RX_DESC_ERROR_RXE } from '../../drivers/hw/ixgbe/rx.ts';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { nicRig, pairRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

const DATA = R.TX_DESC_CMD_DEXT | R.TX_DESC_DTYP_DATA | R.TX_DESC_CMD_IFCS | R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS;

describe.each(ENGINE_KINDS)('82599 error paths (%s engine)', (kind) => {
  it('keeps a queue disabled when it is enabled before its ring is set', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.enablePci();
    const b = rig.nic.bar0;
    b.write32(R.RXDCTL(5), R.RXDCTL_ENABLE);
    expect(b.read32(R.RXDCTL(5)) & R.RXDCTL_ENABLE).toBe(0);
    b.write32(R.TXDCTL(5), R.TXDCTL_ENABLE);
    expect(b.read32(R.TXDCTL(5)) & R.TXDCTL_ENABLE).toBe(0);
    b.write32(R.RDLEN(5), 64); // below one 128-byte unit: masked to 0
    b.write32(R.RXDCTL(5), R.RXDCTL_ENABLE);
    expect(b.read32(R.RXDCTL(5)) & R.RXDCTL_ENABLE).toBe(0);
  });

  it('ignores a TX tail beyond the ring and counts it', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    rig.nic.bar0.write32(R.TDT(0), 64);
    rig.nic.bar0.write32(R.TDT(0), 1000);
    settle(rig.engine);
    expect(rig.nic.bar0.read32(R.TDH(0))).toBe(0);
    expect(rig.nic.traffic!.received).toBe(0);
    expect(rig.nic.diagnostics().badTail).toBeGreaterThan(0);
    rig.drv.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 1)).toBe(true);
  });

  it('ignores an RX tail beyond the ring', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 64 });
    rig.b.bar0.write32(R.RDT(0), 0); // no buffers
    rig.b.bar0.write32(R.RDT(0), 64); // invalid: keeps "no buffers"
    rig.tx.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 1)).toBe(true);
    settle(rig.engine);
    expect(rig.b.bar0.read32(R.RDH(0))).toBe(0);
    expect(rig.b.bar0.read32(R.MPC(0))).toBe(1);
  });

  it('stalls a TX queue whose descriptors lie outside DMA memory, without a host exception', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const b = rig.nic.bar0;
    b.write32(R.TXDCTL(1), 0);
    b.write32(R.TDBAL(1), rig.mem.buffer.byteLength + 4096);
    b.write32(R.TDLEN(1), 64 * 16);
    b.write32(R.TDH(1), 0);
    b.write32(R.TDT(1), 0);
    b.write32(R.TXDCTL(1), R.TXDCTL_ENABLE);
    b.write32(R.TDT(1), 5);
    settle(rig.engine);
    expect(b.read32(R.TDH(1))).toBe(0);
    expect(rig.nic.diagnostics().dmaOutOfRange).toBeGreaterThan(0);
    // A 64-bit address with a non-zero high dword is outside too.
    b.write32(R.TXDCTL(2), 0);
    b.write32(R.TDBAL(2), 0x1000);
    b.write32(R.TDBAH(2), 1);
    b.write32(R.TDLEN(2), 64 * 16);
    b.write32(R.TXDCTL(2), R.TXDCTL_ENABLE);
    b.write32(R.TDT(2), 1);
    settle(rig.engine);
    expect(b.read32(R.TDH(2))).toBe(0);
    // Queue 0 still works.
    rig.drv.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 1)).toBe(true);
  });

  it('skips a TX buffer outside DMA memory but completes the descriptor', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const ring = rig.drv.tx[0]!;
    const w = ring.base >>> 2;
    rig.mem.u32[w] = 0xfffffff0;
    rig.mem.u32[w + 1] = 0;
    rig.mem.u32[w + 2] = (DATA | 60) >>> 0;
    rig.mem.u32[w + 3] = 0;
    ring.next = 1;
    rig.nic.bar0.write32(R.TDT(0), 1);
    expect(waitUntil(rig.engine, () => rig.nic.bar0.read32(R.TDH(0)) === 1)).toBe(true);
    settle(rig.engine);
    expect(rig.nic.traffic!.received).toBe(0);
    expect(rig.mem.u32[w + 3]! & 1).toBe(1);
    expect(rig.nic.diagnostics().txDmaErrors).toBe(1);
  });

  it('reports RXE in the write-back when the receive buffer is outside DMA memory', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 64 });
    const w = rig.rx.rx[0]!.base >>> 2;
    rig.mem.u32[w] = rig.mem.buffer.byteLength - 10;
    rig.tx.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.b.bar0.read32(R.RDH(0)) === 1)).toBe(true);
    const status = rig.mem.u32[w + 2]!;
    expect(status & (R.RX_DESC_STATUS_DD | R.RX_DESC_STATUS_EOP)).toBe(3);
    expect(status & RX_DESC_ERROR_RXE).toBe(RX_DESC_ERROR_RXE);
  });

  it('drops DMA the IOMMU filter refuses, and resumes when the pages are granted', async () => {
    let filter: DmaPageFilter | undefined;
    const rig = await nicRig(kind, { link: { kind: 'traffic' } }, (mem) => {
      filter = DmaPageFilter.forBuffer(mem.buffer);
      filter.allow(0, mem.buffer.byteLength);
      return filteredDma(mem.buffer, filter);
    });
    rig.drv.init({ ringSize: 64 });
    const ring = rig.drv.tx[0]!;
    filter!.revoke(ring.buffers[0]!, 2048);
    rig.drv.transmit(0, [buildUdpFrame()]);
    expect(waitUntil(rig.engine, () => rig.nic.bar0.read32(R.TDH(0)) === 1)).toBe(true);
    expect(rig.nic.traffic!.received).toBe(0);
    expect(rig.nic.diagnostics().dmaRefused).toBe(1);
    filter!.revoke(ring.base, 64 * 16);
    rig.drv.transmit(0, [buildUdpFrame()]);
    settle(rig.engine);
    expect(rig.nic.bar0.read32(R.TDH(0))).toBe(1);
    filter!.allow(0, rig.mem.buffer.byteLength);
    rig.drv.transmit(0, []);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 1)).toBe(true);
  });
});
