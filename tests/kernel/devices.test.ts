// Device capabilities: a driver domain gets exactly the devices its signed statement declares,
// their registers, and DMA into objects it owns; when it dies the device loses that DMA.
import { afterEach, describe, expect, it } from 'vitest';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import { DmaPageFilter, filteredDma } from '../../drivers/hw/dma.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../drivers/hw/pci.ts';
import { stubOfRegisterProbe } from '../../runtime/idl/generated/test.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { RRef } from '../../runtime/lib/index.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import { ArtifactRefused } from '../../signer/artifact.ts';
import { signBundle } from '../../signer/sign.ts';
import { domainDir, testBundle, testKernel, testKey } from './support.ts';

let kernel: Kernel | undefined;
let engine: InlineEngine | undefined;
afterEach(async () => {
  kernel?.shutdown();
  await engine?.shutdown();
  kernel = undefined;
  engine = undefined;
});

async function machine() {
  const t = testKernel();
  kernel = t.kernel;
  const filter = DmaPageFilter.forBuffer(t.kernel.heap.buffer);
  engine = new InlineEngine(filteredDma(t.kernel.heap.buffer, filter));
  const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
  await engine.start();
  // PCI configuration is the machine's, not the driver's: the boot code enables the device.
  nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  t.kernel.attachDevice('nic0', { kind: 'ixgbe', bar0: nic.bar0, dma: filter });
  return { kernel: t.kernel, nic, filter };
}

describe('device capabilities', () => {
  it('gives a domain the registers of the device it declared', async () => {
    const { kernel: k, nic } = await machine();
    const d = k.load(await testBundle('regprobe'), { args: ['nic0'], devices: ['nic0'] });
    const probe = k.connect(d.exports[0]!, stubOfRegisterProbe);
    expect(probe.read(R.STATUS)).toEqual({ ok: true, value: nic.bar0.read32(R.STATUS) });
    expect(probe.write(R.RDBAL(0), 0x12345000).ok).toBe(true);
    expect(nic.bar0.read32(R.RDBAL(0))).toBe(0x12345000);
  });

  it('lets the device DMA into a buffer the domain owns, until the domain dies', async () => {
    const { kernel: k, filter } = await machine();
    const d = k.load(await testBundle('regprobe'), { args: ['nic0'], devices: ['nic0'] });
    const probe = k.connect(d.exports[0]!, stubOfRegisterProbe);
    const r = probe.grant(RRef.new(Block));
    expect(r.ok).toBe(true);
    const addr = r.ok ? r.value : -1;
    expect(addr % 4096).toBe(0);
    expect(filter.check(addr, 4096, true)).toBe(true);
    k.crash(d.id, 'test');
    expect(filter.check(addr, 4096, true)).toBe(false);
    expect(filter.check(addr, 1, false)).toBe(false);
  });

  it('refuses DMA into an object the domain does not own (a lent buffer)', async () => {
    const { kernel: k, filter } = await machine();
    const d = k.load(await testBundle('regprobe'), { args: ['nic0'], devices: ['nic0'] });
    const probe = k.connect(d.exports[0]!, stubOfRegisterProbe);
    const buffer = RRef.new(Block);
    const r = probe.grantLent(buffer);
    expect(!r.ok && r.error.message).toMatch(/only hand a device objects it owns/);
    expect(buffer.isValid).toBe(true);
    expect(filter.check(0, k.heap.buffer.byteLength, false)).toBe(false);
  });

  it('refuses a device the domain did not declare', async () => {
    const { kernel: k } = await machine();
    k.attachDevice('nic1', { kind: 'ixgbe', bar0: { size: 4, read32: () => 0, write32: () => {} } });
    k.attachDevice('disk0', { kind: 'nvme', bar0: { size: 4, read32: () => 0, write32: () => {} } });
    // Given nic0 only: nic1, of a kind it declared, is still not its.
    const artifact = await testBundle('regprobe');
    const d = k.load(artifact, { args: ['nic1'], devices: ['nic0'] });
    const r = k.connect(d.exports[0]!, stubOfRegisterProbe).read(R.STATUS);
    expect(!r.ok && r.error.message).toMatch(/not granted mmio of device nic1/);
    expect(() => k.load(artifact, { args: ['disk0'], devices: ['disk0'] })).toThrow(/did not declare mmio:nvme/);
  });

  it('refuses to load a domain asking for a kind of device that is not attached', async () => {
    const t = testKernel();
    kernel = t.kernel;
    const artifact = signBundle(await bundleDomain(domainDir('regprobe')), testKey);
    expect(() => t.kernel.load(artifact, { args: ['nic0'], devices: ['nic0'] })).toThrow(ArtifactRefused);
    expect(() => t.kernel.load(artifact, { args: ['nic0'], devices: ['nic0'] })).toThrow(/dma:ixgbe/);
  });
});
