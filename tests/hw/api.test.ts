// The public API in drivers/hw/index.ts: a machine assembled only from its exports.
import { afterEach, describe, expect, it } from 'vitest';
import * as hw from '../../drivers/hw/index.ts';
import { ENGINE_KINDS, waitUntil } from './support/engines.ts';
import { track, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

describe.each(ENGINE_KINDS)('public API (%s engine)', (kind) => {
  it('assembles a machine, enumerates it on a PCI bus and reaches both devices', async () => {
    const heap = new SharedArrayBuffer(4 << 20);
    const filter = hw.DmaPageFilter.forBuffer(heap);
    filter.allow(0, heap.byteLength);
    const engine = track(hw.createEngine(kind, hw.filteredDma(heap, filter)));
    const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
    const disk = engine.addNvme({ namespaces: [{ memory: 1 << 20, blockSize: 4096 }] });
    await engine.start();
    const bus = new hw.PciBus();
    bus.attachNext(nic.pci);
    bus.attachNext(disk.pci);
    const found = bus.enumerate();
    expect(found.map((f) => f.deviceId)).toEqual([0x10fb, 0x0953]);
    for (const h of [nic, disk]) h.pci.write32(hw.PCI_COMMAND, hw.PCI_COMMAND_MEMORY | hw.PCI_COMMAND_MASTER);
    nic.bar0.write32(hw.ixgbe.CTRL, hw.ixgbe.CTRL_RST);
    expect(waitUntil(engine, () => (nic.bar0.read32(hw.ixgbe.EEC) & hw.ixgbe.EEC_ARD) !== 0)).toBe(true);
    expect(disk.bar0.read32(hw.nvme.REG_VS)).toBe(hw.nvme.NVME_VERSION_1_4);
    expect(Number(disk.bar0.read64(hw.nvme.REG_CAP) & 0xffffn)).toBe(4095);
    expect(engine.modelFaults()).toBe(0);
    expect(Object.keys(nic.diagnostics())).toContain('dmaRefused');
    expect(Object.keys(disk.diagnostics())).toContain('lostBlocks');
  });
});
