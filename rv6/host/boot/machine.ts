// The rv6 machine: a kernel, the NVMe controller (its namespace backed by the disk image), a
// second NVMe controller for programs' raw block access and the NIC on an engine, each driver
// behind its shadow, the block device, the file system, and the core domain with the host's
// loader, console and the raw devices' interfaces.
import { DmaPageFilter, filteredDma } from '../../../drivers/hw/dma.ts';
import type { Engine, NamespaceConfig, NicLink } from '../../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../../drivers/hw/engine/threaded.ts';
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
  readonly ixgbe: Artifact | string;
  readonly ixgbeShadow: Artifact | string;
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
  /** The devices' engine: 'inline' (default; doorbells step the devices) or 'threaded' (their own thread). */
  readonly engine?: 'inline' | 'threaded';
  /** Bytes of the raw NVMe namespace (default 16 MiB, in memory). */
  readonly rawBytes?: number;
  /** How the NIC is wired (default: its port cabled to itself, so sent frames come back). */
  readonly link?: NicLink;
  /** Adds more devices before the engine starts (benchmarks attach and drive them). */
  readonly extraDevices?: (engine: Engine) => void;
}

export interface Machine {
  readonly kernel: Kernel;
  readonly engine: Engine;
  /** The DMA filter the kernel's devices share. */
  readonly filter: DmaPageFilter;
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
  const dma = filteredDma(kernel.heap.buffer, filter);
  const engine: Engine = o.engine === 'threaded' ? new ThreadedEngine(dma) : new InlineEngine(dma);
  let namespace: NamespaceConfig;
  if ('file' in o.disk) namespace = { file: o.disk.file };
  else {
    const memory = new SharedArrayBuffer(Math.ceil(o.disk.image.length / 4096) * 4096);
    new Uint8Array(memory).set(o.disk.image);
    namespace = { memory };
  }
  const ctrl = engine.addNvme({ namespaces: [namespace] });
  // Programs' raw block access gets a controller of its own: no request of theirs can reach
  // the blocks of the file system.
  const rawCtrl = engine.addNvme({ namespaces: [{ memory: o.rawBytes ?? 16 << 20 }] });
  const nic = engine.addIxgbe(o.link === undefined ? {} : { link: o.link });
  if (o.link === undefined) engine.connect(nic, nic);
  o.extraDevices?.(engine);
  await engine.start();
  for (const [name, kind, d] of [['disk0', 'nvme', ctrl], ['disk1', 'nvme', rawCtrl], ['nic0', 'ixgbe', nic]] as const) {
    d.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    kernel.attachDevice(name, { kind, bar0: d.bar0, dma: filter });
  }
  try {
    const nvme = kernel.loadShadowed(parse(o.artifacts.nvme), parse(o.artifacts.nvmeShadow), { args: ['disk0', ''], devices: ['disk0'] });
    const rawNvme = kernel.loadShadowed(parse(o.artifacts.nvme), parse(o.artifacts.nvmeShadow), { args: ['disk1', ''], devices: ['disk1'] });
    const net = kernel.loadShadowed(parse(o.artifacts.ixgbe), parse(o.artifacts.ixgbeShadow), { args: ['nic0', ''], devices: ['nic0'] });
    const bdev = kernel.load(o.artifacts.bdev, { args: [nvme.shadow.exports[0]!] });
    const fsDomain = kernel.load(o.artifacts.fs, { args: [bdev.exports[0]!] });
    const loader = hostLoader(kernel);
    const loaderLink = kernel.gate.linkFor(loader, 'Loader', linkOfLoader, dispatcherOfLoader);
    const consoleLink = kernel.gate.linkFor(hostConsole(o.terminal), 'Console', linkOfConsole, dispatcherOfConsole);
    const core = kernel.load(o.artifacts.core, { args: [fsDomain.exports[0]!, loaderLink, consoleLink, rawNvme.shadow.exports[0]!, net.shadow.exports[0]!] });
    const disk = kernel.connect(bdev.exports[0]!, stubOfBDev);
    return {
      kernel,
      engine,
      filter,
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
