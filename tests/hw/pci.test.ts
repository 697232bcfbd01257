// PCI: enumeration, identity, BAR sizing, and the command register gating MMIO and DMA.
import { afterEach, describe, expect, it } from 'vitest';
import { PciBus, PCI_BAR0, PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY, PCI_VENDOR_ID, PCI_REVISION } from '../../drivers/hw/pci.ts';
import { ixgbePciFunction } from '../../drivers/hw/ixgbe/device.ts';
import { nvmePciFunction } from '../../drivers/hw/nvme/controller.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { buildUdpFrame } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { nicRig, nvmeRig, shutdownAll } from './support/fixtures.ts';

afterEach(shutdownAll);

describe('PCI bus', () => {
  it('enumerates functions and reads all ones from empty slots', () => {
    const bus = new PciBus();
    bus.attach(ixgbePciFunction(), { bus: 0, device: 3, function: 0 });
    bus.attach(ixgbePciFunction(), { bus: 0, device: 3, function: 1 });
    const nvmeAt = bus.attachNext(nvmePciFunction());
    const found = bus.enumerate();
    expect(found.map((f) => [f.vendorId, f.deviceId])).toEqual([[0x8086, 0x0953], [0x8086, 0x10fb], [0x8086, 0x10fb]]);
    expect(nvmeAt).toEqual({ bus: 0, device: 0, function: 0 });
    expect(found[0]!.classCode).toBe(0x010802);
    expect(found[1]!.classCode >>> 16).toBe(0x02);
    expect(bus.configRead32({ bus: 0, device: 9, function: 0 }, PCI_VENDOR_ID)).toBe(0xffffffff);
    expect(bus.find(0x8086, 0x10fb)).toHaveLength(2);
    expect(() => bus.attach(ixgbePciFunction(), { bus: 0, device: 3, function: 0 })).toThrow();
  });

  it('sizes 64-bit BARs the standard way', () => {
    const fn = ixgbePciFunction();
    expect(fn.read32(PCI_BAR0) & 0x7).toBe(0x4); // 64-bit memory BAR
    fn.write32(PCI_BAR0, 0xffffffff);
    expect((~(fn.read32(PCI_BAR0) & ~0xf) + 1) >>> 0).toBe(R.IXGBE_BAR0_SIZE);
    fn.write32(PCI_BAR0, 0xfe000000);
    fn.write32(PCI_BAR0 + 4, 0);
    expect(fn.barAddress(0)).toBe(0xfe000000);
    const nv = nvmePciFunction();
    nv.write32(PCI_BAR0, 0xffffffff);
    expect((~(nv.read32(PCI_BAR0) & ~0xf) + 1) >>> 0).toBe(N.NVME_BAR0_SIZE);
    expect(nv.read32(PCI_REVISION) >>> 8).toBe(0x010802);
  });

  it('keeps read-only header fields and unwritable command bits', () => {
    const fn = nvmePciFunction();
    fn.write32(PCI_VENDOR_ID, 0x12345678);
    expect(fn.vendorId()).toBe(0x8086);
    fn.write32(PCI_COMMAND, 0xffff);
    expect(fn.read32(PCI_COMMAND) & 0xffff).toBe(0x0547);
    fn.write32(3, 1); // misaligned: ignored
    fn.write32(4096, 1); // beyond config space: ignored
    expect(fn.read32(2)).toBe(0xffffffff);
  });
});

describe.each(ENGINE_KINDS)('command register gates MMIO and DMA (%s engine)', (kind) => {
  it('returns all ones for MMIO reads and drops writes while memory space is off', async () => {
    const { nic } = await nicRig(kind);
    expect(nic.bar0.read32(R.EEC)).toBe(0xffffffff);
    nic.bar0.write32(R.FCTRL, R.FCTRL_UPE);
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY);
    expect(nic.bar0.read32(R.FCTRL)).toBe(0);
    expect(nic.bar0.read32(R.EEC) & R.EEC_ARD).toBe(R.EEC_ARD);
    expect(nic.diagnostics().mmioMemoryDisabled).toBe(2);
  });

  it('drops and counts NIC DMA while bus mastering is off', async () => {
    const { engine, nic, drv } = await nicRig(kind, { link: { kind: 'traffic' } });
    drv.init();
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY); // bus master off
    drv.transmit(0, [buildUdpFrame()]);
    settle(engine);
    expect(nic.traffic!.received).toBe(0);
    expect(nic.bar0.read32(R.TDH(0))).toBe(0);
    expect(nic.diagnostics().dmaBusMasterOff).toBeGreaterThan(0);
    expect((nic.bar0.read32(R.STATUS) & R.STATUS_GIO_MASTER_ENABLE)).toBe(0);
    // Turning it back on lets the stalled queue proceed.
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    drv.transmit(0, []);
    expect(waitUntil(engine, () => nic.traffic!.received === 1)).toBe(true);
  });

  it('drops and counts NVMe DMA while bus mastering is off (controller fatal status)', async () => {
    const { engine, ctrl, drv } = await nvmeRig(kind);
    drv.init();
    ctrl.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY);
    drv.put(drv.io[0]!, { opcode: N.NVM_FLUSH, nsid: 1 });
    drv.ring(drv.io[0]!);
    expect(waitUntil(engine, () => (ctrl.bar0.read32(N.REG_CSTS) & N.CSTS_CFS) !== 0)).toBe(true);
    expect(ctrl.diagnostics().dmaBusMasterOff).toBeGreaterThan(0);
    expect(drv.reap(drv.io[0]!)).toBeUndefined();
  });
});

describe('threaded engine robustness', () => {
  it('fails MMIO with all ones instead of blocking when the device thread is gone', async () => {
    const { ThreadedEngine } = await import('../../drivers/hw/engine/threaded.ts');
    const { DmaArena } = await import('./support/memory.ts');
    const mem = new DmaArena(1 << 20);
    const engine = new ThreadedEngine({ buffer: mem.buffer });
    const nic = engine.addIxgbe();
    await engine.start();
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY);
    expect(nic.bar0.read32(R.EEC) & R.EEC_ARD).toBe(R.EEC_ARD);
    await engine.shutdown();
    // Registers with side effects need the device thread: they read all ones, like a master abort.
    expect(nic.bar0.read32(R.STATUS)).toBe(0xffffffff);
    nic.bar0.write32(R.CTRL, R.CTRL_RST); // dropped, and returns
  });
});
