// Public API of the modeled machine: PCI, DMA memory, the Intel 82599 and NVMe models, the NIC
// wires and the two engines that run them. See docs/hardware.md.
export { DmaPageFilter, DmaPort, filteredDma } from './dma.ts';
export type { DmaFaultCounts, DmaMemory } from './dma.ts';
export { PciBus, PciFunction, formatPciAddress, PCI_BAR0, PCI_CLASS, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY, PCI_DEVICE_ID, PCI_PROG_IF, PCI_REVISION, PCI_STATUS, PCI_SUBCLASS, PCI_VENDOR_ID } from './pci.ts';
export type { BarSpec, PciAddress, PciFunctionSpec } from './pci.ts';
export { ACCESS_DOORBELL, ACCESS_PLAIN, ACCESS_READ_HOOK, ACCESS_WRITE_HOOK, join64, split64 } from './mmio.ts';
export type { DeviceModel, DeviceSharedState, Mmio, MmioErrorCounts } from './mmio.ts';

export * as ixgbe from './ixgbe/registers.ts';
export { Ixgbe82599, IXGBE_DIAGNOSTICS } from './ixgbe/device.ts';
export type { IxgbeDiagnostic, IxgbeOptions } from './ixgbe/device.ts';

export * as nvme from './nvme/registers.ts';
export { NvmeController, NVME_DIAGNOSTICS } from './nvme/controller.ts';
export type { NvmeControllerOptions, NvmeDiagnostic } from './nvme/controller.ts';
export { FileStore, MemoryStore, Namespace, WriteCache } from './nvme/namespace.ts';
export type { BlockStore, PowerCutMode } from './nvme/namespace.ts';
export { P3700_SERVICE } from './nvme/service.ts';
export type { ServiceModelOptions } from './nvme/service.ts';

export { buildUdpFrame, crc32, MIN_FRAME, readSeq, SEQ_OFFSET, writeSeq } from './wires/frames.ts';
export type { FrameReceiver, FrameSink, FrameSource, UdpFrameOptions } from './wires/frames.ts';
export { LINE_RATE_64B_PPS, TrafficCounters, TrafficGenerator, TrafficSink } from './wires/traffic.ts';
export type { GeneratorOptions } from './wires/traffic.ts';
export { LoopbackEnd, connectLoopback } from './wires/loopback.ts';
export { PcapReplay, PcapWriter, readPcap } from './wires/pcap.ts';
export type { PcapRecord } from './wires/pcap.ts';
export { UdpTunnel } from './wires/udp-tunnel.ts';
export type { UdpTunnelOptions } from './wires/udp-tunnel.ts';

export { Engine, NicHandle, NvmeHandle } from './engine/engine.ts';
export type { DeviceHandle, EngineKind, NamespaceConfig, NicLink, NicOptions, NvmeOptions } from './engine/engine.ts';
export { InlineEngine } from './engine/inline.ts';
export type { InlineEngineOptions } from './engine/inline.ts';
export { ThreadedEngine } from './engine/threaded.ts';

import type { DmaMemory } from './dma.ts';
import type { Engine } from './engine/engine.ts';
import { InlineEngine } from './engine/inline.ts';
import { ThreadedEngine } from './engine/threaded.ts';

/** An engine of either kind over `dma` (the shared heap's SharedArrayBuffer). */
export function createEngine(kind: 'inline' | 'threaded', dma: DmaMemory): Engine {
  return kind === 'inline' ? new InlineEngine(dma) : new ThreadedEngine(dma);
}
