// The rv6 machine: a kernel, the NVMe controller (its namespace backed by the disk image) and
// the NIC on the inline engine, the NVMe driver behind its shadow, the block device, the file
// system, and the core domain with the host's loader and console.
import { DmaPageFilter, filteredDma } from '../../../drivers/hw/dma.ts';
import type { NamespaceConfig } from '../../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../../drivers/hw/engine/inline.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../../drivers/hw/pci.ts';
import { stubOfBDev } from '../../../runtime/idl/generated/bdev.ts';
import { stubOfFileSystem } from '../../../runtime/idl/generated/fs.ts';
import { dispatcherOfConsole, dispatcherOfLoader, linkOfConsole, linkOfLoader, stubOfRv6Core } from '../../../runtime/idl/generated/rv6.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import type { Rv6Core } from '../../../runtime/idl/rv6.ts';
import { Kernel } from '../../../runtime/kernel/kernel.ts';
import { parseArtifact } from '../../../signer/artifact.ts';
import type { Artifact } from '../../../signer/artifact.ts';
import type { TrustedKey } from '../../../signer/keys.ts';
import { hostConsole } from './console.ts';
import type { Terminal } from './console.ts';
import { hostLoader } from './loader.ts';
import type { HostLoader } from './loader.ts';

/** The system domains a machine loads (signed artifacts, or their files' text). */
export interface SystemArtifacts {
  readonly nvme: Artifact | string;
  readonly nvmeShadow: Artifact | string;
  readonly bdev: Artifact | string;
  readonly fs: Artifact | string;
  readonly core: Artifact | string;
}

export interface MachineOptions {
  readonly trusted: readonly TrustedKey[];
  readonly artifacts: SystemArtifacts;
  /** The disk: an image file, or the image's bytes (kept in memory). */
  readonly disk: { readonly file: string } | { readonly image: Uint8Array };
  readonly terminal: Terminal;
  /** Where the kernel's and the domains' messages go. */
  readonly log: (line: string) => void;
}

export interface Machine {
  readonly kernel: Kernel;
  readonly core: Rv6Core;
  readonly fs: FileSystem;
  readonly loader: HostLoader;
  /** Flushes the disk and stops everything. */
  shutdown(): Promise<void>;
}

export async function bootMachine(o: MachineOptions): Promise<Machine> {
  const kernel = new Kernel({
    trusted: o.trusted,
    heap: { size: 64 * 1024 * 1024, maxObjects: 64 * 1024 },
    console: (d, text) => o.log(`[${d.name}] ${text}`),
  });
  kernel.enter();
  const filter = DmaPageFilter.forBuffer(kernel.heap.buffer);
  const engine = new InlineEngine(filteredDma(kernel.heap.buffer, filter));
  let namespace: NamespaceConfig;
  if ('file' in o.disk) namespace = { file: o.disk.file };
  else {
    const memory = new SharedArrayBuffer(Math.ceil(o.disk.image.length / 4096) * 4096);
    new Uint8Array(memory).set(o.disk.image);
    namespace = { memory };
  }
  const ctrl = engine.addNvme({ namespaces: [namespace] });
  const nic = engine.addIxgbe();
  await engine.start();
  ctrl.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  kernel.attachDevice('disk0', { kind: 'nvme', bar0: ctrl.bar0, dma: filter });
  kernel.attachDevice('nic0', { kind: 'ixgbe', bar0: nic.bar0, dma: filter });
  try {
    const nvme = kernel.loadShadowed(parse(o.artifacts.nvme), parse(o.artifacts.nvmeShadow), { args: ['disk0', ''], devices: ['disk0'] });
    const bdev = kernel.load(o.artifacts.bdev, { args: [nvme.shadow.exports[0]!] });
    const fsDomain = kernel.load(o.artifacts.fs, { args: [bdev.exports[0]!] });
    const loader = hostLoader(kernel);
    const loaderLink = kernel.gate.linkFor(loader, 'Loader', linkOfLoader, dispatcherOfLoader);
    const consoleLink = kernel.gate.linkFor(hostConsole(o.terminal), 'Console', linkOfConsole, dispatcherOfConsole);
    const core = kernel.load(o.artifacts.core, { args: [fsDomain.exports[0]!, loaderLink, consoleLink] });
    const disk = kernel.connect(bdev.exports[0]!, stubOfBDev);
    return {
      kernel,
      core: kernel.connect(core.exports[0]!, stubOfRv6Core),
      fs: kernel.connect(fsDomain.exports[0]!, stubOfFileSystem),
      loader,
      async shutdown() {
        const r = disk.flush();
        if (!r.ok) o.log(`shutdown: the disk flush failed: ${r.error.message}`);
        kernel.shutdown();
        await engine.shutdown();
      },
    };
  } catch (e) {
    kernel.shutdown();
    await engine.shutdown();
    throw e;
  }
}

function parse(a: Artifact | string): Artifact {
  return typeof a === 'string' ? parseArtifact(a) : a;
}
